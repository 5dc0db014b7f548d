package dev.baton.master.conflict;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * What {@link SharedDocumentFuzzTest} found, as plain tests with the expected message (the inputs
 * also stay in its Inputs directory).
 */
class DocumentFuzzFindingsTest {
  @Test
  void aSyntaxErrorInAnOpenApiDocumentIsReportedOnOneLine() {
    // swagger-parser passes on SnakeYAML's multi-line message, which quotes the offending lines.
    String unclosed = "openapi: 3.0.3\npaths: {a: [1\n";

    assertThatThrownBy(() -> OpenApiParser.parse("api/openapi.yaml", unclosed))
        .isInstanceOf(DocumentException.class)
        .hasMessageStartingWith("api/openapi.yaml: not an OpenAPI 3 document (")
        .hasMessageNotContaining("\n");
  }
}
