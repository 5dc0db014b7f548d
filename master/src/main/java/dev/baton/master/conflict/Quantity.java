package dev.baton.master.conflict;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU and memory amounts in Kubernetes' notation, so that needs and provisions written by different
 * droids compare exactly: CPU in millicores ({@code 500m}, {@code 0.5}, {@code 2}), memory in bytes
 * ({@code 512Mi}, {@code 1Gi}, {@code 1G}, {@code 1500M}, {@code 2048}).
 */
final class Quantity {
  static final String CPU_EXPECTED = "CPU cores such as '500m', '0.5' or '2'";
  static final String MEMORY_EXPECTED = "memory such as '512Mi', '1Gi', '1G' or bytes";

  private static final Pattern CPU = Pattern.compile("(\\d+(?:\\.\\d+)?)(m?)");
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");
  private static final Map<String, Long> UNITS = Map.of(
      "", 1L, "k", 1000L, "K", 1000L, "M", 1000_000L, "G", 1000_000_000L, "T", 1000_000_000_000L,
      "Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "Ti", 1L << 40);

  private Quantity() {}

  /** Millicores, or IllegalArgumentException naming the expected form. */
  static long cpuMillis(String text) {
    Matcher m = CPU.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' (expected: " + CPU_EXPECTED + ")");
    }
    BigDecimal value = new BigDecimal(m.group(1));
    BigDecimal millis = m.group(2).isEmpty() ? value.movePointRight(3) : value;
    try {
      return millis.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is finer than a millicore (expected: " + CPU_EXPECTED + ")");
    }
  }

  /** Bytes, or IllegalArgumentException naming the expected form. */
  static long memoryBytes(String text) {
    Matcher m = MEMORY.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' (expected: " + MEMORY_EXPECTED + ")");
    }
    String unit = m.group(2) == null ? "" : m.group(2);
    try {
      return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNITS.get(unit))).setScale(0, java.math.RoundingMode.CEILING)
          .longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large (expected: " + MEMORY_EXPECTED + ")");
    }
  }

  /** Millicores for messages: 1500 -> "1500m (1.5 cores)". */
  static String cpuText(long millis) {
    return millis + "m (" + BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString() + " cores)";
  }

  /** Bytes for messages: the largest binary unit that divides them, else MiB with decimals. */
  static String memoryText(long bytes) {
    String[] units = {"Ti", "Gi", "Mi", "Ki"};
    long[] sizes = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes >= sizes[i] && bytes % sizes[i] == 0) {
        return bytes / sizes[i] + units[i];
      }
    }
    return bytes + " bytes";
  }
}
