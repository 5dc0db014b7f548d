package dev.baton.master.conflict;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * What {@link SharedDocumentFuzzTest} found in branch fuzz2, as plain tests with the expected message (the inputs
 * also stay in its Inputs directory).
 */
class DocumentFuzzFindingsTest {
  @Test
  void aSyntaxErrorInAnOpenApiDocumentIsReportedOnOneLine() {
    // SnakeYAML's message is several lines, quoting the offending ones (swagger-parser passed it on, and
    // YamlDocument, which reads the text first on main, does too).
    String unclosed = "openapi: 3.0.3\npaths: {a: [1\n";

    assertThatThrownBy(() -> OpenApiParser.parse("api/openapi.yaml", unclosed))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("api/openapi.yaml: not valid YAML (while parsing a flow sequence")
        .hasMessageNotContaining("\n");
  }
}
