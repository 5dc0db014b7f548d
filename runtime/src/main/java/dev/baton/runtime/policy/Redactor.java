package dev.baton.runtime.policy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets in text by {@code [REDACTED:<name>]} before it leaves a sub-orchestrator:
 * configured values (its {@code --secrets} files and the API keys it hands to agents, named after
 * their variable) and common key shapes (named after the kind). Applied to droid events, progress
 * messages, results (output tails, issues, deliverables' content, verify output) and the documents
 * published from them, so ExecutionUpdate, ListDroidEvents, GetPlan and peer deliveries never carry
 * one. Immutable and thread-safe.
 *
 * <p>A configured value shorter than {@value #MIN_VALUE_LENGTH} characters is not redacted by value
 * (it would blank out ordinary words); the patterns still apply. A key split across two events or
 * two reads of an output tail can escape the patterns: redaction is a safety net, not a reason to
 * let droids print keys.
 */
public final class Redactor {
  public static final int MIN_VALUE_LENGTH = 8;

  /** Key shapes, most specific first (an Anthropic key also looks like an OpenAI one). */
  private static final List<Map.Entry<String, Pattern>> PATTERNS = List.of(
      Map.entry("private-key", Pattern.compile(
          "-----BEGIN[A-Z ]{0,20} PRIVATE KEY-----[\\s\\S]{0,16384}?(?:-----END[A-Z ]{0,20} PRIVATE KEY-----|\\z)")),
      Map.entry("anthropic-key", Pattern.compile("sk-ant-[A-Za-z0-9_\\-]{20,}")),
      Map.entry("openai-key", Pattern.compile("sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}")),
      Map.entry("github-token", Pattern.compile("(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})")),
      Map.entry("aws-access-key", Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b")),
      Map.entry("factory-key", Pattern.compile("\\bfk-[A-Za-z0-9_\\-]{20,}")),
      Map.entry("slack-token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9\\-]{10,}")),
      Map.entry("google-api-key", Pattern.compile("\\bAIza[0-9A-Za-z_\\-]{35}")),
      Map.entry("jwt", Pattern.compile("\\beyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{8,}")),
      Map.entry("bearer-token", Pattern.compile("(?i)(?<=\\bbearer\\s{1,8})[A-Za-z0-9\\-._~+/]{16,}=*")));

  private static final Redactor PATTERNS_ONLY = new Redactor(Map.of());

  /** Value -> name, longest value first so a value inside another is not half-replaced. */
  private final List<Map.Entry<String, String>> values;

  private Redactor(Map<String, String> namedValues) {
    List<Map.Entry<String, String>> v = new ArrayList<>();
    namedValues.forEach((name, value) -> {
      if (value != null && value.strip().length() >= MIN_VALUE_LENGTH) {
        v.add(Map.entry(value.strip(), name));
      }
    });
    v.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> -e.getKey().length()));
    this.values = List.copyOf(v);
  }

  /** Only the key patterns. */
  public static Redactor patternsOnly() {
    return PATTERNS_ONLY;
  }

  /** The patterns and these values, each redacted as {@code [REDACTED:<name>]}. */
  public static Redactor of(Map<String, String> namedValues) {
    return new Redactor(namedValues);
  }

  /**
   * A sub-orchestrator's: the values of {@code keyVariables} in {@code environment}, and every file
   * of {@code secretsDir} (may be null; files over 64 KiB and unreadable ones are skipped), named
   * after the variable or file.
   */
  public static Redactor forOrchestrator(Path secretsDir, Map<String, String> environment,
      Collection<String> keyVariables) {
    Map<String, String> named = new LinkedHashMap<>();
    for (String key : keyVariables) {
      String value = environment.get(key);
      if (value != null) {
        named.put(key, value);
      }
    }
    if (secretsDir != null && Files.isDirectory(secretsDir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(secretsDir)) {
        for (Path file : files) {
          if (Files.isRegularFile(file) && Files.size(file) <= 64 * 1024) {
            named.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException e) {
        // An unreadable secrets directory gives the agents no key either; the patterns still apply.
      }
    }
    return new Redactor(named);
  }

  /** The text with every configured value and key shape replaced. */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (Map.Entry<String, String> v : values) {
      if (out.contains(v.getKey())) {
        out = out.replace(v.getKey(), "[REDACTED:" + v.getValue() + "]");
      }
    }
    for (Map.Entry<String, Pattern> p : PATTERNS) {
      Matcher m = p.getValue().matcher(out);
      if (m.find()) {
        out = m.replaceAll(Matcher.quoteReplacement("[REDACTED:" + p.getKey() + "]"));
      }
    }
    return out;
  }

  /** The name of the first key shape in {@code text}, if any (configured values are not looked at). */
  public static Optional<String> findKeyShape(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    for (Map.Entry<String, Pattern> p : PATTERNS) {
      if (p.getValue().matcher(text).find()) {
        return Optional.of(p.getKey());
      }
    }
    return Optional.empty();
  }

  /**
   * The message with every string field redacted, at any depth (repeated fields and maps too); the
   * same instance when nothing changed.
   */
  @SuppressWarnings("unchecked")
  public <T extends Message> T redact(T message) {
    Message.Builder builder = null;
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.getJavaType() != FieldDescriptor.JavaType.STRING && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        List<?> items = (List<?>) e.getValue();
        for (int i = 0; i < items.size(); i++) {
          Object before = items.get(i);
          Object after = redactValue(f, before);
          if (after != before) {
            builder = builder == null ? message.toBuilder() : builder;
            builder.setRepeatedField(f, i, after);
          }
        }
      } else {
        Object before = e.getValue();
        Object after = redactValue(f, before);
        if (after != before) {
          builder = builder == null ? message.toBuilder() : builder;
          builder.setField(f, after);
        }
      }
    }
    return builder == null ? message : (T) builder.build();
  }

  private Object redactValue(FieldDescriptor f, Object value) {
    if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
      String s = (String) value;
      String r = redact(s);
      return r.equals(s) ? s : r;
    }
    return redact((Message) value);
  }

  /** For logs: how many values it holds, never the values. */
  @Override
  public String toString() {
    return "Redactor[" + values.size() + " configured values, " + PATTERNS.size() + " key patterns]";
  }
}
