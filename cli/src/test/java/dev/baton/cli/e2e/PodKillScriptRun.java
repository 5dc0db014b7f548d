package dev.baton.cli.e2e;

import dev.baton.cli.mesh.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * scripts/chaos/pod-kill.sh run for real against a {@link PodController}'s processes: the real
 * {@code baton} CLI (this JVM's class path) submits and watches, and a {@code kubectl} shim turns
 * the script's pod listing and deletions into files that the test thread serves: it writes the
 * ready pods ({@code pods}: name, node, component) and performs each deletion the shim appends to
 * {@code deletes} through the controller, as the API server and the kubelet would.
 *
 * <p>Test thread only: {@link #serveUntilExit} runs the controller's side until the script ends.
 */
final class PodKillScriptRun {
  private static final String KUBECTL = """
      #!/usr/bin/env bash
      # kubectl for pod-kill.sh on local processes: get pods from $STATE/pods, delete pod into $STATE/deletes.
      state=$(cd "$(dirname "$0")/.." && pwd)
      echo "$*" >> "$state/kubectl.calls"
      component='' verb='' name='' grace=''
      while [[ $# -gt 0 ]]; do
        case $1 in
          -n|--context) shift 2 ;;
          -l) case $2 in *domain=*) component=${2##*domain=} ;; *component=*) component=${2##*component=} ;; esac; shift 2 ;;
          --grace-period=*) grace=${1##*=}; shift ;;
          get|delete|port-forward) [[ -z $verb ]] && verb=$1; shift ;;
          pod) name=$2; shift 2 ;;
          *) shift ;;
        esac
      done
      case $verb in
        get) awk -v c="$component" 'c == "" || $3 == c { print $1, $2 }' "$state/pods" ;;
        delete) echo "$name $grace" >> "$state/deletes" ;;
        *) echo "kubectl shim: $verb is not played here" >&2; exit 1 ;;
      esac
      """;

  private final PodController pods;
  private final Path state;
  private final Process script;
  private int served;

  private PodKillScriptRun(PodController pods, Path state, Process script) {
    this.pods = pods;
    this.state = state;
    this.script = script;
  }

  /** Starts the script with {@code args} (after {@code --master} and {@code --out}), the shims first on its PATH. */
  static PodKillScriptRun start(PodController pods, List<String> args) {
    try {
      Path state = Files.createDirectories(pods.runDir().resolve("pod-kill-script"));
      Path bin = Files.createDirectories(state.resolve("bin"));
      executable(bin.resolve("kubectl"), KUBECTL);
      List<String> baton = JavaCommand.current().baton(List.of());
      executable(bin.resolve("baton"), "#!/usr/bin/env bash\nexec "
          + baton.stream().map(PodKillScriptRun::quote).collect(Collectors.joining(" ")) + " \"$@\"\n");
      PodKillScriptRun run = new PodKillScriptRun(pods, state, null);
      run.writePods();
      List<String> command = new ArrayList<>(List.of("bash", TestPaths.repoRoot().resolve("scripts/chaos/pod-kill.sh").toString(),
          "--master", pods.addresses(), "--out", state.resolve("out").toString()));
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(state.resolve("stdout.txt").toFile())
          .redirectError(state.resolve("stderr.txt").toFile());
      Map<String, String> env = pb.environment();
      env.put("PATH", bin + ":" + searchPath());
      env.remove("KUBECTL");
      env.remove("BATON");
      return new PodKillScriptRun(pods, state, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Until the script exits (or {@code timeout}): performs each deletion it asked for through the
   * controller (grace 0: SIGKILL; else SIGTERM, then SIGKILL after the grace) and keeps the pod
   * list current. Returns the exit code.
   */
  int serveUntilExit(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (script.isAlive() && Instant.now().isBefore(deadline)) {
      serveDeletions();
      writePods();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    if (script.isAlive()) {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
      throw new AssertionError("pod-kill.sh did not end within " + timeout.toSeconds() + " s; stdout:\n" + stdout());
    }
    return script.exitValue();
  }

  private void serveDeletions() throws IOException {
    Path deletes = state.resolve("deletes");
    if (!Files.exists(deletes)) {
      return;
    }
    List<String> lines = Files.readAllLines(deletes);
    for (; served < lines.size(); served++) {
      String[] f = lines.get(served).split(" ");
      Duration grace = Duration.ofSeconds(f.length > 1 && !f[1].isEmpty() ? Long.parseLong(f[1]) : 30);
      pods.readyPods().stream().filter(p -> p.name.equals(f[0])).findFirst().ifPresentOrElse(p -> {
        PodController.Kill k = pods.delete(p, grace);
        System.out.printf("PODKILL (script) victim=%s role=%s signal=%s instance=%s leader=%s%n",
            k.pod(), k.role(), k.signal(), k.instanceId(), k.leader());
      }, () -> System.out.printf("PODKILL (script) %s: no such ready pod now%n", f[0]));
    }
  }

  /** The ready pods, as {@code kubectl get pods --field-selector=status.phase=Running} would list them. */
  private void writePods() throws IOException {
    String table = pods.readyPods().stream().map(p -> p.name + " local " + p.role + "\n").collect(Collectors.joining());
    Path tmp = state.resolve("pods.tmp");
    Files.writeString(tmp, table);
    Files.move(tmp, state.resolve("pods"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  String stdout() throws IOException {
    return Files.readString(state.resolve("stdout.txt"), StandardCharsets.UTF_8);
  }

  String stderr() throws IOException {
    return Files.readString(state.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  Path out() {
    return state.resolve("out");
  }

  /** This JVM's PATH and .tools/bin, where scripts/install-tools.sh --chaos puts a jq built from Go. */
  static String searchPath() {
    return System.getenv("PATH") + ":" + Path.of(System.getProperty("baton.tools.dir", "../.tools/bin")).toAbsolutePath();
  }

  /** Whether {@code tool} is an executable in a directory of {@link #searchPath()}. */
  static boolean available(String tool) {
    return java.util.Arrays.stream(searchPath().split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void executable(Path f, String text) throws IOException {
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
