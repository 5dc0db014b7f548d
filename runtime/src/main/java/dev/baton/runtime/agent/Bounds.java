package dev.baton.runtime.agent;

import java.nio.charset.StandardCharsets;

/** Size limits of what an agent's events carry, and cutting text to them. */
final class Bounds {
  /** Text of messages, tool inputs and outputs, results: 16 KiB of UTF-8. */
  static final int TEXT_BYTES = 16 * 1024;
  /** A raw (unrecognised) event's JSON: 4 KiB. */
  static final int RAW_BYTES = 4 * 1024;

  private Bounds() {}

  /** {@code text} cut to at most {@code maxBytes} of UTF-8, ending with a marker when cut. */
  static String cut(String text, int maxBytes) {
    if (text == null) {
      return "";
    }
    if (text.length() * 3L <= maxBytes) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    String marker = "\n...[cut: " + bytes.length + " bytes in all]";
    int budget = Math.max(0, maxBytes - marker.length());
    int used = 0;
    int end = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + size > budget) {
        break;
      }
      used += size;
      end += Character.charCount(cp);
    }
    return text.substring(0, end) + marker;
  }

  static String text(String text) {
    return cut(text, TEXT_BYTES);
  }
}
