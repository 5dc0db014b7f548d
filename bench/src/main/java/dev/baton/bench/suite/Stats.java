package dev.baton.bench.suite;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample, nearest-rank. */
final class Stats {
  private Stats() {}

  /** The p-th percentile (0 &lt; p &lt;= 100) of {@code values}, by nearest rank. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double millis(dev.baton.v1.PlanEvent from, dev.baton.v1.PlanEvent to) {
    return (to.getTime().getSeconds() - from.getTime().getSeconds()) * 1000.0
        + (to.getTime().getNanos() - from.getTime().getNanos()) / 1e6;
  }
}
