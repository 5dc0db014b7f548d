package dev.baton.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The two metadata keys of a take-over: the master's epoch and a standby's leader hint. */
class MasterHeadersTest {
  @Test
  void anEpochIsWrittenOnlyWhenThereIsOneAndReadBack() {
    Metadata none = new Metadata();
    MasterEpoch.write(none, 0);
    Metadata seven = new Metadata();
    MasterEpoch.write(seven, 7);

    assertThat(none.containsKey(MasterEpoch.KEY)).isFalse();
    assertThat(MasterEpoch.read(none)).isEqualTo(OptionalLong.empty());
    assertThat(MasterEpoch.read(seven)).hasValue(7);
    assertThatThrownBy(() -> MasterEpoch.write(new Metadata(), -1)).hasMessage("epoch: -1 (expected: >= 0, 0 for none)");
    Metadata zero = new Metadata();
    zero.put(MasterEpoch.KEY, "0");
    assertThatThrownBy(() -> MasterEpoch.read(zero))
        .hasMessage("baton-master-epoch: '0' (expected: a decimal number >= 1, or no header)");
  }

  @Test
  void onlyAFailedPreconditionWithTheTrailerIsAStaleRefusal() {
    Status stale = MasterEpoch.stale(3, 4);

    assertThat(stale.getDescription())
        .isEqualTo("stale master: epoch 3 is older than 4, which a newer master already used; this master must step down");
    assertThat(MasterEpoch.newerFrom(stale, MasterEpoch.staleTrailers(4))).hasValue(4);
    assertThat(MasterEpoch.newerFrom(Status.UNAVAILABLE, MasterEpoch.staleTrailers(4))).isEmpty();
    assertThat(MasterEpoch.newerFrom(stale, new Metadata())).isEmpty();
  }

  @Test
  void aStandbyNamesTheLeaderOnlyWhenItKnowsOne() {
    StatusRuntimeException known = LeaderHint.standby("master-2", "10.0.0.1:7233");
    StatusRuntimeException unknown = LeaderHint.standby("master-2", null);

    assertThat(known.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(known.getStatus().getDescription())
        .isEqualTo("master master-2 is a standby and does not lead; the leader is at 10.0.0.1:7233 (dial it)");
    assertThat(LeaderHint.from(known)).contains("10.0.0.1:7233");
    assertThat(unknown.getStatus().getDescription())
        .isEqualTo("master master-2 is a standby and does not lead; no leader is elected yet (retry shortly)");
    assertThat(LeaderHint.from(unknown)).isEmpty();
    Metadata garbled = new Metadata();
    garbled.put(LeaderHint.KEY, "no-port");
    assertThat(LeaderHint.from(Status.UNAVAILABLE.asRuntimeException(garbled))).isEmpty();
    assertThat(LeaderHint.from(Status.INTERNAL.asRuntimeException(known.getTrailers()))).isEmpty();
  }
}
