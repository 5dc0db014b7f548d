/** Plan state as events: the one store every change goes through, and the one reducer that derives a plan's status. */
package dev.baton.master.events;
