package dev.baton.runtime.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.DelegationResult;
import dev.baton.v1.Deliverable;
import dev.baton.v1.DroidEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123 here|key [REDACTED:anthropic-key] here",
      "OPENAI=sk-proj-AbCdEfGhIjKlMnOpQrStUv012345|OPENAI=[REDACTED:openai-key]",
      "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789|[REDACTED:github-token]",
      "github_pat_11ABCDEFG0123456789_abcdefghij|[REDACTED:github-token]",
      "aws AKIAIOSFODNN7EXAMPLE.|aws [REDACTED:aws-access-key].",
      "Authorization: Bearer abcdefghijklmnop0123456789|Authorization: Bearer [REDACTED:bearer-token]",
      "fk-AbCdEfGhIjKlMnOpQrStUvWx|[REDACTED:factory-key]",
      "nothing secret: sk-short, Bearer tokens|nothing secret: sk-short, Bearer tokens"})
  void replacesCommonKeyShapes(String text, String redacted) {
    assertThat(Redactor.patternsOnly().redact(text)).isEqualTo(redacted);
  }

  @Test
  void replacesPemPrivateKeys() {
    String pem = "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nxyz\n-----END RSA PRIVATE KEY-----\nb";
    assertThat(Redactor.patternsOnly().redact(pem)).isEqualTo("a\n[REDACTED:private-key]\nb");
  }

  @Test
  void replacesConfiguredValuesByTheirName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("DB_PASSWORD"), "correct-horse-battery\n");
    Redactor r = Redactor.forOrchestrator(dir, Map.of("ANTHROPIC_API_KEY", "plain-looking-key-123", "OTHER", "x"),
        List.of("ANTHROPIC_API_KEY", "OPENAI_API_KEY"));
    assertThat(r.redact("pw correct-horse-battery key plain-looking-key-123"))
        .isEqualTo("pw [REDACTED:DB_PASSWORD] key [REDACTED:ANTHROPIC_API_KEY]");
    assertThat(r.toString()).doesNotContain("correct-horse");
  }

  @Test
  void redactsEveryStringOfAMessageAtAnyDepth() {
    Redactor r = Redactor.of(Map.of("S", "super-secret-value"));
    DelegationResult result = DelegationResult.newBuilder().setOutputTail("x super-secret-value")
        .addDeliverables(Deliverable.newBuilder().setName("a").setContent("k=super-secret-value"))
        .build();
    DelegationResult out = r.redact(result);
    assertThat(out.getOutputTail()).isEqualTo("x [REDACTED:S]");
    assertThat(out.getDeliverables(0).getContent()).isEqualTo("k=[REDACTED:S]");
    DroidEvent clean = DroidEvent.newBuilder().setIndex(3).build();
    assertThat(r.redact(clean)).isSameAs(clean);
  }
}
