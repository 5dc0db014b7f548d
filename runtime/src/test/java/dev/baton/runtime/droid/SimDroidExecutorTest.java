package dev.baton.runtime.droid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DelegationStatus;
import dev.baton.v1.Deliverable;
import dev.baton.v1.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimDroidExecutorTest {
  @TempDir Path root;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<Double> progress = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private DelegationPackage task(int attempt, SimulationSpec spec) {
    return DelegationPackage.newBuilder()
        .setPlanId("shop").setTaskId("product-api-design").setAttempt(attempt).setSimulation(spec).build();
  }

  private DroidOutcome run(DelegationPackage delegation) throws Exception {
    RunningDroid run = new SimDroidExecutor(root, scheduler)
        .start(new DroidTask(delegation, "backend-architect"), (f, m) -> progress.add(f));
    return run.outcome().get(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "failFirstAttempts={0}, attempt={1} -> {2}")
  @CsvSource({
    "0, 1, DELEGATION_STATUS_SUCCEEDED",
    "2, 1, DELEGATION_STATUS_FAILED",
    "2, 2, DELEGATION_STATUS_FAILED",
    "2, 3, DELEGATION_STATUS_SUCCEEDED",
  })
  void failsTheFirstNAttemptsThenSucceeds(int failFirst, int attempt, DelegationStatus expected) throws Exception {
    DroidOutcome outcome = run(task(attempt, SimulationSpec.newBuilder()
        .setDurationMillis(20).setFailFirstAttempts(failFirst).build()));

    assertThat(outcome.status()).isEqualTo(expected);
    if (expected == DelegationStatus.DELEGATION_STATUS_FAILED) {
      assertThat(outcome.message())
          .contains("simulated failure of attempt " + attempt)
          .contains("failFirstAttempts: " + failFirst);
      assertThat(outcome.issues()).extracting(i -> i.getMessage()).containsExactly(outcome.message());
    }
  }

  @Test
  void reportsProgressAtFixedFractionsInOrder() throws Exception {
    run(task(1, SimulationSpec.newBuilder().setDurationMillis(40).build()));

    assertThat(progress).containsExactly(0.25, 0.5, 0.75);
  }

  @Test
  void aZeroMillisecondTaskSkipsProgressThatIsStaleTheMomentItIsMade() throws Exception {
    DroidOutcome outcome = run(task(1, SimulationSpec.newBuilder().setDurationMillis(0).build()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(progress).isEmpty();
  }

  @Test
  void writesDocumentsInlineAndAsWorkspaceFiles() throws Exception {
    DroidOutcome outcome = run(task(1, SimulationSpec.newBuilder()
        .setDurationMillis(5)
        .putDocuments("api/openapi.yaml", "openapi: 3.0.3\n")
        .putDocuments("README.md", "# shop\n")
        .build()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.deliverables()).extracting(Deliverable::getName, Deliverable::getContent, Deliverable::getMediaType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("README.md", "# shop\n", "text/markdown"),
            org.assertj.core.groups.Tuple.tuple("api/openapi.yaml", "openapi: 3.0.3\n", "application/yaml"));
    assertThat(Files.readString(root.resolve("shop/product-api-design/api/openapi.yaml"))).isEqualTo("openapi: 3.0.3\n");
  }

  @Test
  void aDocumentNamedOutsideTheWorkspaceStaysInlineWithAWarning() throws Exception {
    DroidOutcome outcome = run(task(1, SimulationSpec.newBuilder()
        .setDurationMillis(5).putDocuments("../../escape.txt", "x").build()));

    assertThat(outcome.status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_SUCCEEDED);
    assertThat(outcome.deliverables()).singleElement().satisfies(d -> assertThat(d.getPath()).isEmpty());
    assertThat(outcome.issues()).singleElement().satisfies(i -> assertThat(i.getMessage()).contains("leaves the workspace root"));
    assertThat(root.getParent().resolve("escape.txt")).doesNotExist();
  }

  @Test
  void hangsUntilCancelled() {
    RunningDroid run = new SimDroidExecutor(root, scheduler).start(
        new DroidTask(task(1, SimulationSpec.newBuilder().setDurationMillis(20).setHang(true).build()), "d"),
        (f, m) -> progress.add(f));

    await().atMost(Duration.ofSeconds(5)).until(() -> progress.size() == 3);
    assertThat(run.outcome()).isNotDone();
    // Well past the duration: still hanging.
    await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> !run.outcome().isDone());

    run.cancel("operator asked");

    assertThat(run.outcome()).isCompleted();
    assertThat(run.outcome().join().status()).isEqualTo(DelegationStatus.DELEGATION_STATUS_CANCELLED);
    assertThat(run.outcome().join().message()).contains("operator asked");
  }
}
