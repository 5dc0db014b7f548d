package dev.baton.runtime.droid.definition;

import static dev.baton.runtime.fuzz.ParserContract.SHORT_RUN;
import static dev.baton.runtime.fuzz.ParserContract.returnsOrRefuses;
import static dev.baton.runtime.fuzz.ParserContract.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.runtime.droid.definition.DroidDefinition.Format;

/**
 * Droid definitions come from the repository a plan works on: anyone who can push a
 * {@code .factory/droids/*.md} can hand the parser any bytes. Seeds:
 * {@code src/test/resources/dev/baton/runtime/droid/definition/DroidDefinitionFuzzTestInputs/}.
 */
class DroidDefinitionFuzzTest {
  private static final Format[] FORMATS = {null, Format.FACTORY, Format.CLAUDE};

  /** The bytes of a file as {@link DroidDefinitionParser} reads them, in each format a directory can imply. */
  @FuzzTest(maxDuration = SHORT_RUN)
  void parsesOrRefusesADefinition(byte[] data) {
    String text = returnsOrRefuses(DroidDefinitionException.class,
        () -> DroidDefinitionParser.decode("fuzz.md", data));
    if (text == null) {
      return;
    }
    for (Format format : FORMATS) {
      returnsOrRefuses(DroidDefinitionException.class, () -> DroidDefinitionParser.parse("fuzz.md", text, format));
    }
  }
}
