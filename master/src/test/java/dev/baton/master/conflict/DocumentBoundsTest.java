package dev.baton.master.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The shared-document parsers on the largest documents they take: one long run without a blank
 * is refused before SnakeYAML sees it (its cost on one is quadratic, see YamlCost); a larger
 * document is refused by its size; JSON (a linear parser) keeps long runs.
 */
class DocumentBoundsTest {
  private static final String RUN = "x".repeat(1_000_000);

  @Test
  void aYamlDocumentWithOneLongRunIsRefusedNamingItsLine() {
    assertThatThrownBy(() -> YamlDocument.parse("infra/needs.yaml", "app: shop\nnote: " + RUN + "\n", "needs"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("infra/needs.yaml: line 2: a run of 1000000 characters without a space or line break"
            + " (expected: at most 65536; break long values over lines with a YAML block scalar '|' or '>')");
    assertThatThrownBy(() -> OpenApiParser.parse("api/openapi.yaml", "openapi: 3.0.3\ninfo: {title: " + RUN + "}\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("api/openapi.yaml: line 2: a run of 1000001 characters");
  }

  @Test
  void aDocumentOverOneMebibyteIsRefusedBySize() {
    assertThatThrownBy(() -> YamlDocument.parse("big.yaml", "a: " + "word ".repeat(220_000), "needs"))
        .hasMessage("big.yaml: the document is larger than 1048576 bytes");
  }

  @Test
  void jsonKeepsLongRunsSinceItsParserIsLinear() {
    String json = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"" + RUN + "\", \"version\": \"1\"}, \"paths\": {}}";
    assertThat(OpenApiParser.parse("api/openapi.json", json)).isNotNull();
  }
}
