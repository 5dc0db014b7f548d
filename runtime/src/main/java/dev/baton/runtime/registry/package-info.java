/** Consul service registration and watching, shared by every role: register, keep registered, find the others. */
package dev.baton.runtime.registry;
