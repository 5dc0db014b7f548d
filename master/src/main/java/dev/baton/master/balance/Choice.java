package dev.baton.master.balance;

/** The chosen candidate and the value the policy ranked it by (the score, or the load). */
public record Choice(Candidate candidate, double score) {}
