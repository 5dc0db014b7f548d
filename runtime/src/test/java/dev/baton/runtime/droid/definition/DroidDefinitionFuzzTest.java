package dev.baton.runtime.droid.definition;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.runtime.fuzz.FuzzContract;
import dev.baton.runtime.droid.definition.DroidDefinition.Format;

/**
 * Coverage-guided fuzz target for droid definitions (Markdown with YAML frontmatter, read from a
 * repository the operator may not control). The contract: a {@link DroidDefinition} or a
 * {@link DroidDefinitionException}, quickly; any other throwable or a hang is a finding.
 *
 * <p>The same bytes go through all three format choices (by directory: Factory, Claude; by fields)
 * and through the byte decoder, so one seed exercises every path. Seeds are plain Markdown files in
 * {@code src/test/resources/dev/baton/runtime/droid/definition/DroidDefinitionFuzzTestInputs/parse/}.
 */
class DroidDefinitionFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void parse(byte[] file) {
    FuzzContract.within(() -> checkParse(file));
  }

  private static void checkParse(byte[] file) {
    String text;
    try {
      text = DroidDefinitionParser.decode("fuzz.md", file);
    } catch (DroidDefinitionException notUtf8) {
      return;
    }
    for (Format format : new Format[] {Format.FACTORY, Format.CLAUDE, null}) {
      try {
        DroidDefinition d = DroidDefinitionParser.parse("fuzz.md", text, format);
        assertThat(d.name()).isNotBlank();
      } catch (DroidDefinitionException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }
}
