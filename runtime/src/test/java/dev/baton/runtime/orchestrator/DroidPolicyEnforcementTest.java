package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.coordination.FakeMaster;
import dev.baton.runtime.policy.PolicyParser;
import dev.baton.v1.Caller;
import dev.baton.v1.CommandSpec;
import dev.baton.v1.DelegateRequest;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.DescribeRequest;
import dev.baton.v1.DroidEvent;
import dev.baton.v1.ExecutionState;
import dev.baton.v1.ExecutionUpdate;
import dev.baton.v1.ListDroidEventsRequest;
import dev.baton.v1.SubOrchestratorGrpc;
import dev.baton.v1.WatchExecutionRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sub-orchestrator under a droid policy, over real gRPC with real processes (sh, and the fake
 * claude CLI): Delegate refuses what the policy forbids before anything runs, naming task, field and
 * rule; allowed tasks run with only the policy's environment; keys a droid prints are redacted in
 * the output, the events and ListDroidEvents.
 */
class DroidPolicyEnforcementTest {
  /** An Anthropic-shaped key, caught by its pattern. */
  private static final String SHAPED_KEY = "sk-ant-api03-PlantedKeyAbCdEfGhIjKlMnOp0123";
  /** A value of the --secrets directory, without a known shape: caught by value. */
  private static final String CONFIGURED = "correct-horse-battery-staple";

  @TempDir Path dir;
  private FakeMaster master;
  private SubOrchestratorServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("DB_PASSWORD"), CONFIGURED + "\n");
    Files.createDirectories(dir.resolve("scenarios"));
    Files.writeString(dir.resolve("scenarios/agent-talks.json"), "{\"mode\": \"ok\", \"steps\": [{\"message\":"
        + " \"my key is " + SHAPED_KEY + "\"}, {\"message\": \"and the db password is " + CONFIGURED + "\"}],"
        + " \"result\": \"done, key " + SHAPED_KEY + "\"}");
    Path claude = Path.of("src/test/resources/fake-agents/claude").toAbsolutePath();
    claude.toFile().setExecutable(true);
    String policy = """
        apiVersion: baton.dev/v1
        kind: DroidPolicy
        runners: [sim, command, claude]
        commands:
          run: [{exact: "env"}, {glob: "echo *"}, {glob: "ln -s *"}]
        autonomy: {viewer: read-only, submitter: low, admin: high}
        environment:
          pass: [PATH]
          set: {POLICY_MARK: "on", FAKE_AGENT_SCENARIOS: "%s"}
        network: true
        """.formatted(dir.resolve("scenarios"));
    master = FakeMaster.start(List.of());
    server = SubOrchestratorServer.start(OrchestratorConfig.builder()
        .masterAddress(master.address())
        .workspaceRoot(dir.resolve("ws"))
        .agents(new AgentOptions("sim", Map.of("claude", claude.toString()), Map.of(), null, null, null, secrets,
            null, null))
        .policy(PolicyParser.parse("test-policy.yaml", policy))
        .build(), Specialisations.find("sample"));
    channel = NettyChannelBuilder.forTarget(server.address()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    master.close();
  }

  private SubOrchestratorGrpc.SubOrchestratorBlockingStub stub() {
    return SubOrchestratorGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static DelegationPackage.Builder task(String id, String... roles) {
    return DelegationPackage.newBuilder().setPlanId("p").setTaskId(id).setAttempt(1).setTaskDescription("t")
        .setSubmitter(Caller.newBuilder().setSubject("alice").addAllRoles(List.of(roles)));
  }

  private static DelegationPackage.Builder command(String id, String run) {
    return task(id, "admin").setCommand(CommandSpec.newBuilder().setRun(run));
  }

  private String delegate(DelegationPackage.Builder p) {
    return stub().delegate(DelegateRequest.newBuilder().setPackage(p).build()).getExecutionId();
  }

  private StatusRuntimeException refused(DelegationPackage.Builder p) {
    StatusRuntimeException e = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(() -> delegate(p));
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    return e;
  }

  private List<ExecutionUpdate> watch(String executionId) {
    List<ExecutionUpdate> updates = new ArrayList<>();
    stub().watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(executionId).build())
        .forEachRemaining(updates::add);
    return updates;
  }

  @Test
  void refusesAForbiddenCommandBeforeItRuns() {
    StatusRuntimeException e = refused(command("evil", "id > " + dir.resolve("x")));

    assertThat(e.getStatus().getDescription())
        .startsWith("task evil (droid generalist, submitter role admin) is refused by the droid policy: run: `id > ")
        .contains("is not allowed (allowed: exact 'env', glob 'echo *', glob 'ln -s *'")
        .endsWith("(rule commands.run of the sample policy (test-policy.yaml))");
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void refusesADisabledRunnerAnAutonomyAboveTheRoleAndAPathOutOfTheWorkspace() {
    assertThat(refused(task("on-codex", "admin").setRunner("codex")).getStatus().getDescription())
        .contains("runner: runner 'codex' is not enabled (enabled: claude, command, sim;")
        .contains("(rule runners of the sample policy");
    assertThat(refused(task("viewer-agent", "viewer").setRunner("claude")).getStatus().getDescription())
        .contains("task viewer-agent (droid generalist, submitter role viewer)")
        .contains("droid: autonomy low is above read-only, the highest for role viewer")
        .contains("(rule autonomy.viewer of the sample policy");
    assertThat(refused(task("escape", "admin").addExpectedDeliverables("../../etc/passwd")).getStatus().getDescription())
        .contains("deliverables[0]: '../../etc/passwd' leaves the workspace")
        .contains("(rule paths stay inside the workspace)");
    assertThat(refused(command("ws", "env").setCommand(CommandSpec.newBuilder().setRun("env").setWorkspace("/tmp")))
        .getStatus().getDescription()).contains("command.workspace: '/tmp' is absolute");
  }

  @Test
  void anEmptySubmitterOfAnOpenServerCountsAsAnAdmin() {
    String id = delegate(task("anonymous-agent").setRunner("claude").clearSubmitter());
    assertThat(watch(id)).last().extracting(ExecutionUpdate::getState).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
  }

  @Test
  void aCommandSeesOnlyThePolicysEnvironment() {
    List<ExecutionUpdate> updates = watch(delegate(command("env-check", "env")));
    ExecutionUpdate last = updates.get(updates.size() - 1);
    assertThat(last.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);

    Set<String> names = new TreeSet<>();
    Arrays.stream(last.getResult().getOutputTail().split("\n")).filter(l -> l.contains("="))
        .map(l -> l.substring(0, l.indexOf('='))).forEach(names::add);
    // What the shell adds by itself: PWD, SHLVL, _ ; what Baton adds: BATON_*.
    names.removeIf(n -> n.startsWith("BATON_") || Set.of("PWD", "SHLVL", "_", "OLDPWD").contains(n));
    assertThat(names).containsExactlyInAnyOrder("PATH", "POLICY_MARK", "FAKE_AGENT_SCENARIOS");
    assertThat(System.getenv()).as("the test's own environment has more to leak").containsKey("HOME");
  }

  @Test
  void keysACommandPrintsAreRedactedInItsOutput() {
    List<ExecutionUpdate> updates = watch(delegate(command("echo-key", "echo " + SHAPED_KEY + " " + CONFIGURED)));
    ExecutionUpdate last = updates.get(updates.size() - 1);

    assertThat(last.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
    assertThat(last.getResult().getOutputTail()).isEqualTo("[REDACTED:anthropic-key] [REDACTED:DB_PASSWORD]\n");
    assertThat(updates.toString()).doesNotContain(SHAPED_KEY).doesNotContain(CONFIGURED);
  }

  @Test
  void keysAnAgentPrintsAreRedactedInEventsResultsAndListDroidEvents() {
    String id = delegate(task("agent-talks", "submitter").setRunner("claude"));
    List<ExecutionUpdate> updates = watch(id);
    ExecutionUpdate last = updates.get(updates.size() - 1);
    assertThat(last.getState()).as(last.getMessage()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);

    List<DroidEvent> events = stub().listDroidEvents(ListDroidEventsRequest.newBuilder().setExecutionId(id).build())
        .getEventsList();
    List<String> texts = events.stream().filter(DroidEvent::hasMessage).map(e -> e.getMessage().getText()).toList();
    assertThat(texts).contains("my key is [REDACTED:anthropic-key]", "and the db password is [REDACTED:DB_PASSWORD]");
    assertThat(events.stream().filter(DroidEvent::hasCompletion).findFirst().orElseThrow().getCompletion().getResult())
        .isEqualTo("done, key [REDACTED:anthropic-key]");
    assertThat(events.toString() + updates).doesNotContain(SHAPED_KEY).doesNotContain(CONFIGURED);
  }

  @Test
  void doesNotReadADeliverableThatLinksOutOfTheWorkspace() throws Exception {
    Path outside = Files.writeString(dir.resolve("outside.txt"), "secret file outside the workspace");
    List<ExecutionUpdate> updates = watch(delegate(command("link", "ln -s " + outside + " out.txt && echo linked")
        .addExpectedDeliverables("out.txt")));
    ExecutionUpdate last = updates.get(updates.size() - 1);

    assertThat(last.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_SUCCEEDED);
    assertThat(last.getResult().getDeliverablesList()).isEmpty();
    assertThat(last.getResult().getIssuesList()).anySatisfy(i -> assertThat(i.getMessage())
        .contains("expected deliverable 'out.txt' not found"));
    assertThat(updates.toString()).doesNotContain("secret file outside");
  }

  @Test
  void aPolicyWithoutTheNetworkCutsItOrRefusesToStartTheCommand() throws Exception {
    String connect = "python3 -c \"import socket; socket.create_connection(('127.0.0.1', "
        + master.address().substring(master.address().lastIndexOf(':') + 1) + "), 2); print('connected')\"";
    SubOrchestratorServer cut = SubOrchestratorServer.start(OrchestratorConfig.builder()
        .masterAddress(master.address()).instanceId("sample-no-network").workspaceRoot(dir.resolve("ws2"))
        .policy(PolicyParser.parse("no-network.yaml", "apiVersion: baton.dev/v1\nkind: DroidPolicy\n"
            + "runners: [sim, command]\ncommands: {run: [{exact: '" + connect.replace("'", "''") + "'}]}\n"
            + "autonomy: {admin: high}\nenvironment: {pass: [PATH]}\nnetwork: false\n"))
        .build(), Specialisations.find("sample"));
    ManagedChannel toCut = NettyChannelBuilder.forTarget(cut.address()).usePlaintext().build();
    try {
      var stub = SubOrchestratorGrpc.newBlockingStub(toCut).withDeadlineAfter(20, TimeUnit.SECONDS);
      String id = stub.delegate(DelegateRequest.newBuilder().setPackage(command("dial-out", connect)).build())
          .getExecutionId();
      List<ExecutionUpdate> updates = new ArrayList<>();
      stub.watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(id).build()).forEachRemaining(updates::add);
      ExecutionUpdate last = updates.get(updates.size() - 1);

      assertThat(last.getState()).isEqualTo(ExecutionState.EXECUTION_STATE_FAILED);
      assertThat(last.getResult().getOutputTail()).doesNotContain("connected");
      if (cut.containment().canIsolateNetwork()) {
        assertThat(last.getResult().getOutputTail()).as("the socket's error, not a typo").contains("Errno");
      } else {
        assertThat(last.getMessage()).contains("the network cannot be cut for this process");
      }
    } finally {
      toCut.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      cut.close();
    }
  }

  @Test
  void publishesItsPolicyInTheDescriptor() {
    var policy = stub().describe(DescribeRequest.getDefaultInstance()).getOrchestrator().getPolicy();
    assertThat(policy.getSource()).isEqualTo("test-policy.yaml");
    assertThat(policy.getRunnersList()).containsExactly("claude", "command", "sim");
    assertThat(policy.getMaxAutonomyMap()).containsEntry("submitter", "low");
    assertThat(policy.getEnvironmentList()).containsExactly("FAKE_AGENT_SCENARIOS", "PATH", "POLICY_MARK");
    assertThat(policy.getDefaultRunner()).isEqualTo("sim");
    assertThatThrownBy(() -> policy.getEnvironmentList().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
