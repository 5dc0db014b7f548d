package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.v1.PlanAccepted;
import dev.baton.v1.PlanEvent;
import dev.baton.v1.PlanFinished;
import dev.baton.v1.PlanState;
import dev.baton.v1.PlanStatus;
import dev.baton.v1.RecoveryPerformed;
import dev.baton.v1.RecoveryResult;
import dev.baton.v1.SubmitPlanResponse;
import dev.baton.v1.TaskDelegated;
import dev.baton.v1.TaskResultIgnored;
import dev.baton.v1.TaskStarted;
import dev.baton.v1.TaskState;
import dev.baton.v1.TaskStatus;
import dev.baton.v1.TaskSucceeded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * scripts/chaos/pod-kill.sh without a cluster: a fake {@code kubectl} on the PATH records its
 * calls and answers {@code get pods} from a fixture table (honouring the label and phase
 * selectors), and a fake {@code baton} answers {@code submit} and, once enough pods were
 * deleted, {@code watch} with event lines printed by the real {@link EventFormat} and a final
 * status printed by the real {@link ProtoJson}: the script is judged on the formats it will read.
 */
class PodKillScriptTest {
  private static final Path SCRIPT = Path.of(System.getProperty("baton.repo.root", ".."))
      .resolve("scripts/chaos/pod-kill.sh").toAbsolutePath().normalize();

  /** name node component phase deletionTimestamp(- for none) */
  private static final String PODS = """
      baton-master-0 node-a master Running -
      baton-backend-aaa node-a backend Running -
      baton-backend-bbb node-b backend Running -
      baton-backend-ccc node-c backend Pending -
      baton-backend-ddd node-c backend Running 2026-12-04T10:00:00Z
      baton-frontend-eee node-b frontend Running -
      """;

  /** Where scripts/install-tools.sh --chaos puts a jq built from Go when the system has none. */
  private static final Path TOOLS = Path.of(System.getProperty("baton.tools.dir", "../.tools/bin")).toAbsolutePath();

  @TempDir Path dir;
  private Path plan;

  @BeforeEach
  void fakes() throws IOException {
    Assumptions.assumeTrue(onPath("jq", searchPath()),
        "jq is missing: scripts/install-tools.sh --chaos installs it (the cli build runs it)");
    Files.createDirectories(dir.resolve("bin"));
    executable("bin/kubectl", """
        #!/usr/bin/env bash
        dir=$(cd "$(dirname "$0")/.." && pwd)
        echo "$*" >> "$dir/kubectl.calls"
        [[ -f $dir/kubectl.fail ]] && { cat "$dir/kubectl.fail" >&2; exit 1; }
        component='' phase='' verb='' name=''
        while [[ $# -gt 0 ]]; do
          case $1 in
            -n|--context) shift 2 ;;
            -l) case $2 in *domain=*) component=${2##*domain=} ;; *component=*) component=${2##*component=} ;; esac; shift 2 ;;
            --field-selector=status.phase=*) phase=${1##*=}; shift ;;
            get|delete|port-forward) [[ -z $verb ]] && verb=$1; shift ;;
            pod) name=$2; shift 2 ;;
            *) shift ;;
          esac
        done
        case $verb in
          get) awk -v c="$component" -v p="$phase" '(c == "" || $3 == c) && (p == "" || $4 == p) {
                 print $1, $2, ($5 == "-" ? "" : $5) }' "$dir/pods" ;;
          delete) awk -v n="$name" '$1 == n { $1 = $1 "-new"; $4 = "Running" } { print }' "$dir/pods" > "$dir/pods.next"
                  mv "$dir/pods.next" "$dir/pods" ;;
          port-forward) echo "Forwarding from 127.0.0.1:45678 -> 7233"
                        # the first one ends soon when asked, as when the pod it bound is killed
                        [[ -f $dir/forward-dies ]] && { rm "$dir/forward-dies"; sleep 0.5; exit 1; }
                        exec sleep 300 ;;
        esac
        """);
    executable("bin/baton", """
        #!/usr/bin/env bash
        dir=$(cd "$(dirname "$0")/.." && pwd)
        echo "$*" >> "$dir/baton.calls"
        case $1 in
          submit) cat "$dir/submit.json" ;;
          watch) for _ in $(seq 1 400); do
                   (( $(grep -c ' delete pod ' "$dir/kubectl.calls" 2>/dev/null || true) >= $(cat "$dir/watch-after") )) && break
                   sleep 0.05
                 done
                 cat "$dir/events.log" >&2; cat "$dir/final.json" ;;
        esac
        """);
    Files.writeString(dir.resolve("pods"), PODS);
    plan = Files.writeString(dir.resolve("plan.yaml"), "kind: Plan\n");
    fixtures(events(List::of), PlanState.PLAN_STATE_SUCCEEDED, 2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--role db                | --role db: expected master, frontend, backend, devops, testing or any",
      "--interval 0             | --interval 0: expected whole seconds from 1 to 3600",
      "--duration 2h            | --duration 2h: expected minutes from 1 to 1440, or seconds as 90s",
      "--grace -1               | --grace -1: expected whole seconds from 0 to 3600",
      "--master nowhere         | --master nowhere: expected HOST:PORT[,HOST:PORT...]",
      "--master a:1,b           | --master a:1,b: expected HOST:PORT[,HOST:PORT...]",
      "--seed 99999             | --seed 99999: expected 0 to 32767",
      "--namespace Bad_NS       | --namespace Bad_NS: not a Kubernetes namespace name",
      "--frobnicate             | unknown argument '--frobnicate'",
      "--interval               | --interval needs a value"})
  void badArgumentsExit2WithOneLineNamingTheProblem(String args, String message) throws Exception {
    List<String> argv = new ArrayList<>(List.of("--plan", plan.toString()));
    argv.addAll(List.of(args.split(" ")));
    Result r = run(argv);
    assertThat(r.code).as(r.err).isEqualTo(2);
    assertThat(r.err.lines().findFirst().orElseThrow()).startsWith("pod-kill: " + message);
    assertThat(calls("kubectl")).as("nothing touched the cluster").isEmpty();
  }

  @Test
  void aMissingPlanIsNamed() throws Exception {
    assertThat(run(List.of()).err).startsWith("pod-kill: --plan FILE is required");
    Result r = run(List.of("--plan", dir.resolve("nope.yaml").toString()));
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).startsWith("pod-kill: --plan " + dir.resolve("nope.yaml") + ": no such readable file");
  }

  @Test
  void killsOnlyRunningPodsOfTheRoleByForcedDeletionAndPassesWhenEveryTaskSucceededOnce() throws Exception {
    Result r = run(List.of("--plan", plan.toString(), "-n", "prod", "--role", "backend", "--interval", "1",
        "--duration", "20s", "--seed", "7", "--master", "10.0.0.5:7233"));
    assertThat(r.code).as(r.out + r.err).isZero();

    List<String> gets = calls("kubectl").stream().filter(c -> c.contains(" get pods ")).toList();
    assertThat(gets).isNotEmpty().allSatisfy(c -> assertThat(c)
        .startsWith("-n prod get pods -l app.kubernetes.io/name=baton,baton.dev/domain=backend")
        .contains("--field-selector=status.phase=Running"));
    List<String> deletes = calls("kubectl").stream().filter(c -> c.contains(" delete pod ")).toList();
    assertThat(deletes).hasSizeGreaterThanOrEqualTo(2).allSatisfy(c -> assertThat(c)
        .matches("-n prod delete pod baton-backend-(aaa|bbb)(-new)* --grace-period=0 --force --wait=false"));
    assertThat(r.out).containsPattern("kill #1 pod=baton-backend-(aaa|bbb) node=node-[ab] grace=0s phase=\"\\d/3 tasks succeeded, event #\\d+\"");
    assertThat(calls("baton")).first().asString().startsWith("submit " + plan + " --master 10.0.0.5:7233 --output json");
    assertThat(calls("baton")).anyMatch(c -> c.startsWith("watch plan-1 --master 10.0.0.5:7233 --output json"));
    assertThat(r.out).contains("pod-kill: PASS plan plan-1 PLAN_STATE_SUCCEEDED after").contains("3 task(s), 1 restart(s) after a recovery");

    // The same seed on the same pods picks the same victims.
    List<String> first = deletes.subList(0, 2);
    Files.writeString(dir.resolve("pods"), PODS);
    Files.delete(dir.resolve("kubectl.calls"));
    run(List.of("--plan", plan.toString(), "-n", "prod", "--role", "backend", "--interval", "1", "--duration", "20s",
        "--seed", "7", "--master", "10.0.0.5:7233"));
    assertThat(calls("kubectl").stream().filter(c -> c.contains(" delete pod ")).limit(2)).containsExactlyElementsOf(first);
  }

  @Test
  void aGracefulRunPortForwardsTheMasterServiceAgainOnItsPortAndDeletesWithTheGracePeriod() throws Exception {
    Files.writeString(dir.resolve("forward-dies"), "");
    Result r = run(List.of("--plan", plan.toString(), "--grace", "45", "--interval", "1", "--duration", "1",
        "--time-scale", "0.01", "--context", "kind-test"));
    assertThat(r.code).as(r.out + r.err).isZero();
    assertThat(calls("kubectl")).contains("--context kind-test -n baton port-forward svc/baton-master :7233",
        "--context kind-test -n baton port-forward svc/baton-master 45678:7233");
    assertThat(calls("kubectl")).filteredOn(c -> c.contains(" get pods "))
        .allMatch(c -> c.contains("-l app.kubernetes.io/name=baton ")); // role any: every Baton pod
    assertThat(calls("kubectl")).filteredOn(c -> c.contains(" delete pod "))
        .allMatch(c -> c.endsWith("--grace-period=45 --wait=false"));
    assertThat(calls("baton").get(0)).isEqualTo("submit " + plan + " --master 127.0.0.1:45678 --output json --time-scale 0.01");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "succeeded twice  | task b has 2 TaskSucceeded (expected exactly 1)",
      "no recovery      | task a started again after backend-1 without a recovery of backend-1: run twice",
      "late result      | a task ran twice: late success of task a (attempt 1) from backend-1 ignored",
      "plan failed      | plan plan-1 ended PLAN_STATE_FAILED: task c failed"})
  void failsNamingWhatWentWrong(String fault, String problem) throws Exception {
    PlanState state = fault.equals("plan failed") ? PlanState.PLAN_STATE_FAILED : PlanState.PLAN_STATE_SUCCEEDED;
    Function<PlanEvent, List<PlanEvent>> edit = switch (fault) {
      case "succeeded twice" -> e -> e.hasPlanFinished() ? List.of(succeeded("b", "backend-2"), e) : List.of(e);
      case "no recovery" -> e -> e.hasRecoveryPerformed() ? List.of() : List.of(e);
      case "late result" -> e -> e.hasPlanFinished() ? List.of(PlanEvent.newBuilder().setTaskResultIgnored(
          TaskResultIgnored.newBuilder().setTaskId("a").setAttempt(1).setInstanceId("backend-1").setOutcome("success")
              .setReason("moved")).build(), e) : List.of(e);
      default -> List::of;
    };
    fixtures(events(edit), state, 1);
    Result r = run(List.of("--plan", plan.toString(), "--interval", "1", "--duration", "30s", "--master", "m:7233"));
    assertThat(r.code).as(r.out + r.err).isEqualTo(1);
    assertThat(r.out).contains("pod-kill: problem: " + problem).contains("pod-kill: FAIL plan plan-1");
  }

  @Test
  void aClusterThatCannotBeReadExits3NamingTheFix() throws Exception {
    Files.writeString(dir.resolve("kubectl.fail"), "Error from server (Forbidden): pods is forbidden\n");
    Result r = run(List.of("--plan", plan.toString(), "--master", "m:7233"));
    assertThat(r.code).isEqualTo(3);
    assertThat(r.err).startsWith("pod-kill: cannot list pods in namespace baton: Error from server (Forbidden)")
        .contains("RBAC: get, list, delete pods");
  }

  // --- fixtures ----------------------------------------------------------------------------------------------

  /**
   * Tasks a, b (backend) and c (frontend); a's first instance dies and a fails over, as after a
   * pod-kill; {@code edit} replaces each event by none, itself or several.
   */
  private static List<PlanEvent> events(Function<PlanEvent, List<PlanEvent>> edit) {
    List<PlanEvent> base = List.of(
        PlanEvent.newBuilder().setPlanAccepted(PlanAccepted.newBuilder().setName("p").addTasks(task("a"))
            .addTasks(task("b")).addTasks(task("c"))).build(),
        delegated("a", "backend-1", ""), started("a", "backend-1"), delegated("b", "backend-2", ""), started("b", "backend-2"),
        PlanEvent.newBuilder().setRecoveryPerformed(RecoveryPerformed.newBuilder().setResult(RecoveryResult.newBuilder()
            .setRecoveryType("failover").setFailedOrchestrator("backend-1").addTaskIds("a"))).build(),
        delegated("a", "backend-2", "failover from backend-1 (coordinate stream lost)"), started("a", "backend-2"),
        succeeded("a", "backend-2"), succeeded("b", "backend-2"),
        delegated("c", "frontend-1", ""), started("c", "frontend-1"), succeeded("c", "frontend-1"),
        PlanEvent.newBuilder().setPlanFinished(PlanFinished.newBuilder().setState(PlanState.PLAN_STATE_SUCCEEDED)).build());
    List<PlanEvent> out = new ArrayList<>();
    base.stream().flatMap(e -> edit.apply(e).stream()).forEach(e -> out.add(e.toBuilder().setSequence(out.size() + 1).build()));
    return out;
  }

  private void fixtures(List<PlanEvent> events, PlanState state, int watchAfterKills) throws IOException {
    StringBuilder lines = new StringBuilder("baton: following plan plan-1 on m:7233\n");
    events.stream().map(EventFormat::line).filter(l -> l != null).forEach(l -> lines.append(l).append('\n'));
    Files.writeString(dir.resolve("events.log"), lines);
    PlanStatus.Builder status = PlanStatus.newBuilder().setPlanId("plan-1").setState(state)
        .setReason(state == PlanState.PLAN_STATE_FAILED ? "task c failed" : "");
    for (String t : List.of("a", "b", "c")) {
      status.addTasks(task(t).toBuilder().setState(TaskState.TASK_STATE_SUCCEEDED));
    }
    Files.writeString(dir.resolve("final.json"), ProtoJson.print(status));
    Files.writeString(dir.resolve("submit.json"), ProtoJson.print(SubmitPlanResponse.newBuilder().setPlanId("plan-1")
        .setStatus(status.clone().setState(PlanState.PLAN_STATE_RUNNING)).setCreated(true)));
    Files.writeString(dir.resolve("watch-after"), Integer.toString(watchAfterKills));
  }

  private static TaskStatus task(String id) {
    return TaskStatus.newBuilder().setId(id).setOrchestrator(id.equals("c") ? "frontend" : "backend").build();
  }

  private static PlanEvent delegated(String task, String instance, String reason) {
    return PlanEvent.newBuilder().setTaskDelegated(TaskDelegated.newBuilder().setTaskId(task).setAttempt(1)
        .setInstanceId(instance).setPolicy("capability_match").setReason(reason)).build();
  }

  private static PlanEvent started(String task, String instance) {
    return PlanEvent.newBuilder().setTaskStarted(TaskStarted.newBuilder().setTaskId(task).setAttempt(1)
        .setInstanceId(instance).setDroid("sim")).build();
  }

  private static PlanEvent succeeded(String task, String instance) {
    return PlanEvent.newBuilder().setTaskSucceeded(TaskSucceeded.newBuilder().setTaskId(task).setAttempt(1)
        .setInstanceId(instance)).build();
  }

  // --- running the script ------------------------------------------------------------------------------------

  record Result(int code, String out, String err) {}

  private Result run(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    Map<String, String> env = pb.environment();
    env.put("PATH", dir.resolve("bin") + ":" + searchPath());
    env.put("TMPDIR", dir.toString());
    env.remove("KUBECTL");
    env.remove("BATON");
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("pod-kill.sh did not end within 60 s; stdout:\n" + Files.readString(dir.resolve("out.txt")));
    }
    return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private static String searchPath() {
    return System.getenv("PATH") + ":" + TOOLS;
  }

  static boolean onPath(String tool, String path) {
    return java.util.Arrays.stream(path.split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }

  private List<String> calls(String tool) throws IOException {
    Path f = dir.resolve(tool + ".calls");
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  private void executable(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
