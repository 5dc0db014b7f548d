package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MasterClientTest {
  @Test
  void parsesHostAndPort() {
    assertThat(MasterClient.HostPort.parse("--master", "127.0.0.1:7233"))
        .isEqualTo(new MasterClient.HostPort("127.0.0.1", 7233));
    assertThat(MasterClient.HostPort.parse("--master", "[::1]:80")).isEqualTo(new MasterClient.HostPort("::1", 80));
  }

  @Test
  void refusesAddressesWithoutAValidPortNamingTheOption() {
    assertThatThrownBy(() -> MasterClient.HostPort.parse("--master", "localhost"))
        .isInstanceOf(CliException.class)
        .hasMessage("--master: 'localhost' (expected: host:port, e.g. 127.0.0.1:7233)");
    assertThatThrownBy(() -> MasterClient.HostPort.parse("--master", "h:70000"))
        .hasMessage("--master: port 70000 (expected: 1..65535)");
  }
}
