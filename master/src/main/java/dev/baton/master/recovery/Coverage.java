package dev.baton.master.recovery;

/**
 * How well another domain covers a task: the better of the router's share of the task's text for
 * that domain and the best expertise match among the domain's live instances, 0..1.
 *
 * @param why the figures, for the event: "routing share 0.40, expertise match 0.67 on frontend-1"
 */
public record Coverage(String domain, double coverage, String why) {}
