package dev.baton.master.conflict;

import static dev.baton.runtime.fuzz.ParserContract.SHORT_RUN;
import static dev.baton.runtime.fuzz.ParserContract.returnsOrRefuses;
import static dev.baton.runtime.fuzz.ParserContract.text;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Shared documents are written by droids and published at sync points: whatever a droid puts in
 * one reaches these parsers on the master. Every input goes through all six, whatever its
 * {@code kind}, since a droid can publish any text under any kind; each must return its model or
 * throw {@link DocumentException} (which the composite detector turns into a {@code document}
 * conflict). Seeds: {@code src/test/resources/dev/baton/master/conflict/SharedDocumentFuzzTestInputs/}.
 */
class SharedDocumentFuzzTest {
  @FuzzTest(maxDuration = SHORT_RUN)
  void parsesOrRefusesEveryKind(byte[] data) {
    String content = text(data);
    returnsOrRefuses(DocumentException.class, () -> OpenApiParser.parse("fuzz.yaml", content));
    returnsOrRefuses(DocumentException.class, () -> ApiUsageParser.parse("fuzz.yaml", content));
    returnsOrRefuses(DocumentException.class, () -> DeploymentConfigParser.parse("fuzz.yaml", content));
    returnsOrRefuses(DocumentException.class, () -> DeploymentStrategyParser.parse("fuzz.yaml", content));
    returnsOrRefuses(DocumentException.class, () -> InfrastructureNeedsParser.parse("fuzz.yaml", content, "app"));
    returnsOrRefuses(DocumentException.class, () -> InfrastructureProvisionsParser.parse("fuzz.yaml", content));
  }
}
