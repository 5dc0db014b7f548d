package dev.baton.master.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EmbeddedLeadershipTest {
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private final Leadership.Listener listener = new Leadership.Listener() {
    @Override
    public void elected() {
      heard.add("elected");
    }

    @Override
    public void deposed(String why) {
      heard.add("deposed: " + why);
    }
  };

  @Test
  void electsTheOnlyMasterAtOnceAndDeposesItOnlyWhenClosed() {
    EmbeddedLeadership leadership = new EmbeddedLeadership("127.0.0.1:7233");
    assertThat(leadership.isLeader()).isFalse();

    leadership.start(listener);

    assertThat(leadership.isLeader()).isTrue();
    assertThat(leadership.leaderAddress()).contains("127.0.0.1:7233");
    await().until(() -> heard.equals(List.of("elected")));
    leadership.close();
    assertThat(heard).containsExactly("elected", "deposed: closed");
    assertThat(leadership.isLeader()).isFalse();
    assertThat(leadership.leaderAddress()).isEqualTo(Optional.empty());
  }

  @Test
  void aResignDeposesThenElectsAgainAsTheOnlyContender() {
    EmbeddedLeadership leadership = new EmbeddedLeadership("127.0.0.1:7233");
    leadership.start(listener);

    leadership.resign("the journal refused epoch 3");

    await().until(() -> heard.size() == 3);
    assertThat(heard).containsExactly("elected", "deposed: resigned: the journal refused epoch 3", "elected");
    assertThat(leadership.isLeader()).isTrue();
    leadership.close();
  }
}
