/** Bounds on everything that reaches a Baton server: field sizes, counts, numbers, and parsing cost. */
package dev.baton.runtime.limits;
