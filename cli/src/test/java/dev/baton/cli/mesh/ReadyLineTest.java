package dev.baton.cli.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadyLineTest {
  @Test
  void formatsAndParsesTheContractLine() {
    ReadyLine line = new ReadyLine("orchestrator", "backend", "backend-orchestrator-1a2b3c", "127.0.0.1:40123");

    assertThat(line.format())
        .isEqualTo("BATON_READY role=orchestrator domain=backend id=backend-orchestrator-1a2b3c address=127.0.0.1:40123");
    assertThat(ReadyLine.parse(line.format())).contains(line);
  }

  @Test
  void theMastersDomainIsADash() {
    ReadyLine master = ReadyLine.parse("BATON_READY role=master domain=- id=master address=127.0.0.1:7233").orElseThrow();

    assertThat(master.domainIfAny()).isEmpty();
    assertThat(master.address()).isEqualTo("127.0.0.1:7233");
  }

  @Test
  void aMasterServingItsDashboardNamesItsUrl() {
    ReadyLine master = new ReadyLine("master", "-", "master", "127.0.0.1:7233", "http://127.0.0.1:7234/",
        "https://127.0.0.1:8233/");

    assertThat(master.format()).endsWith(" git=http://127.0.0.1:7234/ dashboard=https://127.0.0.1:8233/");
    assertThat(ReadyLine.parse(master.format())).contains(master);
    assertThat(ReadyLine.parse("BATON_READY role=master domain=- id=m address=h:1").orElseThrow().dashboard()).isEmpty();
  }

  @Test
  void ignoresOtherOutput() {
    assertThat(ReadyLine.parse("12:00:01 INFO started")).isEmpty();
    assertThat(ReadyLine.parse("BATON_READY role=master")).isEmpty();
    assertThat(ReadyLine.parse(null)).isEmpty();
  }
}
