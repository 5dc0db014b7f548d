package dev.baton.master.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsulLeadershipSettingsTest {
  @Test
  void hasTheNamedDefaultsAndAlwaysTiesTheSessionToSerfHealth() {
    ConsulLeadershipSettings s = ConsulLeadershipSettings.builder()
        .checks(List.of("service:m1:grpc", "serfHealth", "service:m1:grpc")).build();

    assertThat(s.key()).isEqualTo("baton/leader");
    assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.renewEvery()).isEqualTo(Duration.ofSeconds(10).dividedBy(3));
    assertThat(s.lockDelay()).isZero();
    assertThat(s.rejoinDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.checks()).containsExactly("serfHealth", "service:m1:grpc");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "key with a leading slash | /baton/leader | 10   | 0  | leader key: '/baton/leader' (expected: Consul KV path segments",
    "key with a space         | baton leader  | 10   | 0  | leader key: 'baton leader' (expected:",
    "ttl below a second       | baton/leader  | 0.5  | 0  | ttl: PT0.5S (expected: whole seconds from PT1S to PT24H",
    "ttl above a day          | baton/leader  | 90000| 0  | ttl: PT25H (expected: whole seconds from PT1S to PT24H",
    "negative lock-delay      | baton/leader  | 10   | -1 | lockDelay: PT-1S (expected: whole seconds from PT0S to PT1M)",
    "lock-delay above 60 s    | baton/leader  | 10   | 61 | lockDelay: PT1M1S (expected: whole seconds from PT0S to PT1M)",
  })
  void refusesBadValuesNamingThem(String name, String key, double ttlSeconds, long lockDelaySeconds, String message) {
    assertThatThrownBy(() -> ConsulLeadershipSettings.builder().key(key)
        .ttl(Duration.ofMillis((long) (ttlSeconds * 1000))).lockDelay(Duration.ofSeconds(lockDelaySeconds)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void refusesABlankCheckAndABadAddress() {
    assertThatThrownBy(() -> ConsulLeadershipSettings.builder().checks(List.of(" ")).build())
        .hasMessage("checks: a blank check id (expected: ids such as service:master-1:grpc)");
    assertThatThrownBy(() -> ConsulLeadership.create(dev.baton.runtime.registry.ConsulSettings.builder().build(),
        ConsulLeadershipSettings.builder().build(), "localhost", "m1", new java.util.Random(1)))
        .hasMessage("address: 'localhost' (expected: host:port that sub-orchestrators dial)");
  }
}
