package dev.baton.runtime.orchestrator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ordered table of classification rules: the first rule one of whose fragments occurs in the
 * document's name (or, for content rules, near the start of its content) gives the kind; no match
 * gives {@link DocumentKind#DELIVERABLE}. Specialisations build one instead of writing if-chains.
 */
public final class DocumentRules {
  private static final int CONTENT_PREFIX = 2048;

  private record Rule(DocumentKind kind, boolean onContent, List<String> fragments) {}

  private final List<Rule> rules;

  private DocumentRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static Builder builder() {
    return new Builder();
  }

  public DocumentKind classify(ProducedDocument document) {
    String name = document.name().toLowerCase(Locale.ROOT);
    String content = document.content() == null ? "" : document.content();
    String head = content.substring(0, Math.min(CONTENT_PREFIX, content.length())).toLowerCase(Locale.ROOT);
    for (Rule rule : rules) {
      String haystack = rule.onContent() ? head : name;
      for (String fragment : rule.fragments()) {
        if (haystack.contains(fragment)) {
          return rule.kind();
        }
      }
    }
    return DocumentKind.DELIVERABLE;
  }

  public static final class Builder {
    private final List<Rule> rules = new ArrayList<>();

    private Builder() {}

    /** Documents whose name contains one of the fragments (case-insensitive) are {@code kind}. */
    public Builder name(DocumentKind kind, String... fragments) {
      rules.add(new Rule(kind, false, lower(fragments)));
      return this;
    }

    /** Documents whose content starts with text containing one of the fragments are {@code kind}. */
    public Builder content(DocumentKind kind, String... fragments) {
      rules.add(new Rule(kind, true, lower(fragments)));
      return this;
    }

    public DocumentRules build() {
      return new DocumentRules(rules);
    }

    private static List<String> lower(String... fragments) {
      return java.util.Arrays.stream(fragments).map(f -> f.toLowerCase(Locale.ROOT)).toList();
    }
  }
}
