package dev.baton.runtime.limits;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.common.base.Utf8;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a message received from outside against a table of bounds: every string, list, map and
 * number of every field at any depth, with a default for fields the table does not name. One walk
 * of the message's descriptor, so a field added to a proto is bounded the day it is added.
 *
 * <p>Rules are keyed by the field's full name ({@code baton.v1.SubOrchestratorDescriptor.id}), so
 * a message type is bounded the same wherever it travels (inside a Register, a Delegate or a plan).
 * Paths in messages use the JSON names, as the plan's YAML does. Immutable and thread-safe.
 */
public final class MessageBounds {
  /** Nesting of messages beyond which a message is refused (protobuf's own parser stops at 100). */
  public static final int MAX_DEPTH = 32;
  /** The most bytes of a map key. */
  public static final int MAX_KEY_BYTES = 1024;

  private final int defaultBytes;
  private final int defaultItems;
  private final Map<String, FieldRule> rules;
  /** Largest serialized size of a message type, wherever it occurs. */
  private final Map<String, Integer> totals;

  /**
   * @param defaultBytes most UTF-8 bytes of a string field the table does not name
   * @param defaultItems most entries of a list or map the table does not name
   * @param rules by full field name
   * @param totals most serialized bytes, by full message name
   */
  public MessageBounds(int defaultBytes, int defaultItems, Map<String, FieldRule> rules, Map<String, Integer> totals) {
    if (defaultBytes < 1 || defaultItems < 1) {
      throw new IllegalArgumentException("defaultBytes: " + defaultBytes + ", defaultItems: " + defaultItems
          + " (expected: >= 1)");
    }
    this.defaultBytes = defaultBytes;
    this.defaultItems = defaultItems;
    this.rules = Map.copyOf(rules);
    this.totals = Map.copyOf(totals);
  }

  /**
   * Refuses {@code message} with a {@link BoundsException} naming the first field over its bound,
   * its size or value, and the bound.
   *
   * @param root the message's name in the path, e.g. {@code plan}; empty for none
   */
  public void check(Message message, String root) {
    walk(message, root, 0);
  }

  private void walk(Message m, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new BoundsException(path, at(path) + "nested deeper than " + MAX_DEPTH + " messages (expected: at most "
          + MAX_DEPTH + ")");
    }
    Integer total = totals.get(m.getDescriptorForType().getFullName());
    if (total != null && m.getSerializedSize() > total) {
      throw new BoundsException(path, at(path) + size(m.getSerializedSize()) + " in all (expected: at most "
          + size(total) + " for a " + m.getDescriptorForType().getName() + ")");
    }
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (f.isRepeated()) {
        int n = m.getRepeatedFieldCount(f);
        if (n == 0) {
          continue;
        }
        String child = child(path, f);
        FieldRule rule = rules.get(f.getFullName());
        int maxItems = rule != null && rule.maxItems() > 0 ? rule.maxItems() : defaultItems;
        if (n > maxItems) {
          throw new BoundsException(child, child + ": " + n + " entries (expected: at most " + maxItems + ")");
        }
        if (f.isMapField()) {
          FieldDescriptor key = f.getMessageType().findFieldByNumber(1);
          FieldDescriptor value = f.getMessageType().findFieldByNumber(2);
          for (int i = 0; i < n; i++) {
            Message entry = (Message) m.getRepeatedField(f, i);
            Object k = entry.getField(key);
            String entryPath = child + "[" + abbreviate(String.valueOf(k)) + "]";
            if (k instanceof String ks) {
              text(entryPath + " (key)", ks, MAX_KEY_BYTES, null, null);
            }
            value(entryPath, value, entry.getField(value), rule, depth);
          }
        } else {
          for (int i = 0; i < n; i++) {
            value(child + "[" + i + "]", f, m.getRepeatedField(f, i), rule, depth);
          }
        }
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (m.hasField(f)) {
          walk((Message) m.getField(f), child(path, f), depth + 1);
        }
      } else if (f.getJavaType() != FieldDescriptor.JavaType.BOOLEAN
          && f.getJavaType() != FieldDescriptor.JavaType.ENUM
          && f.getJavaType() != FieldDescriptor.JavaType.BYTE_STRING) {
        Object v = m.getField(f);
        if (v instanceof String s && s.isEmpty() || v instanceof Number num && num.doubleValue() == 0) {
          continue; // the default: nothing sent
        }
        value(child(path, f), f, v, rules.get(f.getFullName()), depth);
      }
    }
  }

  private void value(String path, FieldDescriptor f, Object v, FieldRule rule, int depth) {
    switch (f.getJavaType()) {
      case MESSAGE -> walk((Message) v, path, depth + 1);
      case STRING -> text(path, (String) v, rule != null && rule.maxBytes() > 0 ? rule.maxBytes() : defaultBytes,
          rule == null ? null : rule.pattern(), rule == null ? null : rule.patternHint());
      case DOUBLE, FLOAT -> {
        double d = ((Number) v).doubleValue();
        if (!Double.isFinite(d)) {
          throw new BoundsException(path, path + ": " + d + " (expected: a finite number)");
        }
        range(path, d, Double.toString(d), rule);
      }
      case INT, LONG -> range(path, ((Number) v).doubleValue(), v.toString(), rule);
      default -> { }
    }
  }

  private static void range(String path, double d, String shown, FieldRule rule) {
    if (rule != null && (d < rule.min() || d > rule.max())) {
      throw new BoundsException(path, path + ": " + shown + " (expected: " + number(rule.min()) + ".."
          + number(rule.max()) + ")");
    }
  }

  private static void text(String path, String s, int maxBytes, java.util.regex.Pattern pattern, String hint) {
    // A char is at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars): count only when it may matter.
    if ((long) s.length() * 3 > maxBytes) {
      long bytes = Utf8.encodedLength(s);
      if (bytes > maxBytes) {
        throw new BoundsException(path, path + ": " + size(bytes) + " (expected: at most " + size(maxBytes) + ")");
      }
    }
    if (pattern != null && !s.isEmpty() && !pattern.matcher(s).matches()) {
      throw new BoundsException(path, path + ": '" + abbreviate(s) + "' (expected: " + hint + ")");
    }
  }

  private static String child(String path, FieldDescriptor f) {
    return path.isEmpty() ? f.getJsonName() : path + "." + f.getJsonName();
  }

  private static String at(String path) {
    return path.isEmpty() ? "" : path + ": ";
  }

  /** {@code 1048576 bytes (1.0 MiB)}: the exact figure and a readable one. */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    return bytes + " bytes (" + (bytes < 1_048_576 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
        : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0)) + ")";
  }

  private static String number(double d) {
    if (d == Double.POSITIVE_INFINITY || d == Double.NEGATIVE_INFINITY) {
      return d > 0 ? "inf" : "-inf";
    }
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String abbreviate(String s) {
    String head = (s.length() <= 40 ? s : s.substring(0, 40)).replaceAll("[\\r\\n\\t]", " ");
    return s.length() <= 40 ? head : head + "... (" + s.length() + " characters)";
  }

  /** For tests and docs: the rules as given. */
  public Map<String, FieldRule> rules() {
    return rules;
  }
}
