/**
 * The durable plan journal behind {@link dev.baton.master.events.PlanStore}: the storage SPI
 * ({@link dev.baton.master.journal.Journal}, SQLite and PostgreSQL), epochs that fence an old leader
 * out, and {@link dev.baton.master.journal.JournalPlanStore}, the store with group commit. See docs/journal.md.
 */
package dev.baton.master.journal;
