/** The scheduler: one thread per master decides what runs where, only ever by appending plan events. */
package dev.baton.master.engine;
