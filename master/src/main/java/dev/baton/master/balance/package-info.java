/** Choosing the instance of a domain that gets a task: one class per delegation policy (score, round_robin, least_loaded). */
package dev.baton.master.balance;
