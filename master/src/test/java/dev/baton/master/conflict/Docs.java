package dev.baton.master.conflict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test documents: the clean pairs under resources/conflict and one-edit variants of them. */
final class Docs {
  private Docs() {}

  static String read(String resource) {
    try (InputStream in = Docs.class.getResourceAsStream("/conflict/" + resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text with exactly one occurrence of {@code find} replaced: a seeded defect. */
  static String edit(String text, String find, String replace) {
    int at = text.indexOf(find);
    assertThat(at).as("'%s' occurs in the clean document", find).isGreaterThanOrEqualTo(0);
    assertThat(text.indexOf(find, at + 1)).as("'%s' occurs once", find).isEqualTo(-1);
    return text.substring(0, at) + replace + text.substring(at + find.length());
  }

  static SharedDocument doc(String kind, String name, String content) {
    return SharedDocument.newBuilder().setKind(kind).setName(name).setContent(content).setMediaType("application/yaml")
        .build();
  }

  static SharedState state(String domain, SharedDocument... documents) {
    return SharedState.newBuilder().setDomain(domain).setInstanceId(domain + "-1").addAllDocuments(List.of(documents))
        .build();
  }

  static SharedDocuments shared(SharedState... states) {
    return SharedDocuments.of(List.of(states));
  }
}
