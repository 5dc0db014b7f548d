package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MasterClientTest {
  @Test
  void parsesHostAndPort() {
    assertThat(HostPort.parse("--master", "127.0.0.1:7233")).isEqualTo(new HostPort("127.0.0.1", 7233));
    assertThat(HostPort.parse("--master", "[::1]:80")).isEqualTo(new HostPort("::1", 80));
    assertThat(HostPort.parse("--master", "[::1]:80").target()).isEqualTo("dns:///[::1]:80");
    assertThat(HostPort.parse("--master", "baton-master.baton.svc:7233").target())
        .isEqualTo("dns:///baton-master.baton.svc:7233");
  }

  @Test
  void refusesAddressesWithoutAValidPortNamingTheOption() {
    assertThatThrownBy(() -> HostPort.parse("--master", "localhost"))
        .isInstanceOf(CliException.class)
        .hasMessage("--master: 'localhost' (expected: host:port, e.g. 127.0.0.1:7233)");
    assertThatThrownBy(() -> HostPort.parse("--master", "h:70000"))
        .hasMessage("--master: port 70000 (expected: 1..65535)");
    assertThatThrownBy(() -> HostPort.parse("--master", "http://h:7233"))
        .hasMessage("--master: 'http://h:7233' (expected: host:port without a scheme, e.g. 127.0.0.1:7233)");
    assertThatThrownBy(() -> HostPort.parse("--master", "a b:7233"))
        .hasMessageStartingWith("--master: 'a b:7233': host 'a b' is not a DNS name or IP address");
  }

  @Test
  void takesCommaSeparatedAndRepeatedAddressesInOrder() {
    assertThat(MasterAddresses.parse("--master", List.of("a:1, b:2", "c:3")))
        .containsExactly(new HostPort("a", 1), new HostPort("b", 2), new HostPort("c", 3));
  }

  @Test
  void refusesEmptyRepeatedAndTooManyAddresses() {
    assertThatThrownBy(() -> MasterAddresses.parse("--master", List.of("a:1,")))
        .hasMessage("--master: an empty address in 'a:1,' (expected: host:port[,host:port...])");
    assertThatThrownBy(() -> MasterAddresses.parse("--master", List.of("a:1", "a:1")))
        .hasMessage("--master: a:1 given twice (expected: each master once)");
    List<String> seventeen = IntStream.rangeClosed(1, 17).mapToObj(i -> "m" + i + ":7233").toList();
    assertThat(MasterAddresses.parse("--master", seventeen.subList(0, 16))).hasSize(16);
    assertThatThrownBy(() -> MasterAddresses.parse("--master", seventeen))
        .isInstanceOf(CliException.class)
        .hasMessageStartingWith("--master: 17 addresses (expected: at most 16;");
  }

  @Test
  void parsesRetryForWithinItsBound() {
    assertThat(RetryPolicy.parseRetryFor("--retry-for", "0")).isZero();
    assertThat(RetryPolicy.parseRetryFor("--retry-for", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryPolicy.parseRetryFor("--retry-for", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryPolicy.parseRetryFor("--retry-for", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(RetryPolicy.parseRetryFor("--retry-for", "1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> RetryPolicy.parseRetryFor("--retry-for", "2h"))
        .hasMessageStartingWith("--retry-for: '2h' is over 1h");
    assertThatThrownBy(() -> RetryPolicy.parseRetryFor("--retry-for", "soon"))
        .hasMessageStartingWith("--retry-for: 'soon' (expected: a duration like 30s");
  }
}
