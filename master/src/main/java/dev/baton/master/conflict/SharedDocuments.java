package dev.baton.master.conflict;

import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The documents the participants of a sync point brought, by kind, with the domain that published
 * each. Several instances of one domain usually publish the same files: identical documents
 * (domain, kind, name, content) count once. Order is (domain, name), so detectors are deterministic
 * whatever order the arrivals came in.
 */
final class SharedDocuments {
  /** A document and the domain that published it. */
  record Published(String domain, String instanceId, SharedDocument document) {
    String name() {
      return document.getName().isEmpty() ? document.getKind() : document.getName();
    }

    /** For messages: {@code backend's api/openapi.yaml}. */
    String label() {
      return domain + "'s " + name();
    }
  }

  private final Map<String, List<Published>> byKind = new LinkedHashMap<>();

  private SharedDocuments() {}

  static SharedDocuments of(List<SharedState> states) {
    SharedDocuments docs = new SharedDocuments();
    Map<List<String>, Published> unique = new LinkedHashMap<>();
    for (SharedState state : states) {
      for (SharedDocument d : state.getDocumentsList()) {
        String kind = d.getKind().trim().toLowerCase(Locale.ROOT);
        List<String> key = List.of(state.getDomain(), kind, d.getName(), d.getContent());
        unique.putIfAbsent(key, new Published(state.getDomain(), state.getInstanceId(), d));
      }
    }
    List<Published> all = new ArrayList<>(unique.values());
    all.sort(Comparator.comparing(Published::domain).thenComparing(Published::name)
        .thenComparing(p -> p.document().getContent()));
    for (Published p : all) {
      String kind = p.document().getKind().trim().toLowerCase(Locale.ROOT);
      docs.byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(p);
    }
    return docs;
  }

  /** The documents of a SharedDocument kind such as {@code api_contract}, in (domain, name) order. */
  List<Published> ofKind(String kind) {
    return List.copyOf(byKind.getOrDefault(kind, List.of()));
  }

  /** Distinct publishing domains of the given documents, sorted; {@code fallback} when there are none. */
  static List<String> domains(List<Published> docs, String fallback) {
    List<String> d = docs.stream().map(Published::domain).filter(Objects::nonNull).distinct().sorted().toList();
    return d.isEmpty() ? List.of(fallback) : d;
  }
}
