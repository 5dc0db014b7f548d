package dev.baton.k8s.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl (v1.34.4, built by scripts/tools/kube-apiserver.sh) against a {@link KubeCluster}:
 * the same client operators and scripts/chaos/pod-kill.sh use, so what the tests do is what they would
 * type. Every call is a process with a deadline ({@link #CALL_TIMEOUT}); stdout and stderr are read in
 * full through files, so a chatty call cannot block on a full pipe. Thread-safe (no shared state but
 * the immutable paths).
 */
public final class Kubectl {
  /** The longest any one kubectl call may take; a call that outlives it is killed and fails. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  static final ObjectMapper JSON = new ObjectMapper();

  private final Path binary;
  private final Path kubeconfig;
  private final Path scratch;

  Kubectl(Path binary, Path kubeconfig, Path scratch) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.scratch = scratch;
  }

  /** The outcome of one call. */
  public record Result(int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }

    /** Fails with the call's stderr unless it succeeded. */
    public Result orThrow(List<String> args) {
      if (exit != 0) {
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " exited " + exit + ": " + err.strip());
      }
      return this;
    }
  }

  /** Runs {@code kubectl args...}, stdin empty. */
  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Runs {@code kubectl args...} with {@code stdin} (for {@code -f -}), or none when null. */
  public Result runWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(Arrays.asList(args));
    try {
      Path out = Files.createTempFile(scratch, "kubectl", ".out");
      Path err = Files.createTempFile(scratch, "kubectl", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Path in = null;
        if (stdin != null) {
          in = Files.createTempFile(scratch, "kubectl", ".in");
          Files.writeString(in, stdin);
          builder.redirectInput(in.toFile());
        } else {
          builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process = builder.start();
        if (!process.waitFor(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new IllegalStateException("kubectl " + String.join(" ", args) + " took longer than " + CALL_TIMEOUT);
        }
        if (in != null) {
          Files.deleteIfExists(in);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running kubectl", e);
    }
  }

  /** Runs and fails unless it succeeded; returns stdout. */
  public String ok(String... args) {
    return run(args).orThrow(List.of(args)).out();
  }

  /** Runs with stdin and fails unless it succeeded; returns stdout. */
  public String okWithInput(String stdin, String... args) {
    return runWithInput(stdin, args).orThrow(List.of(args)).out();
  }

  /** Runs {@code kubectl args... -o json} and parses the answer. */
  public JsonNode json(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = "-o=json";
    try {
      return JSON.readTree(ok(all));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The items of {@code kubectl get <kind> -n <namespace> -o json}. */
  public List<JsonNode> items(String namespace, String kind) {
    List<JsonNode> items = new ArrayList<>();
    json("get", kind, "-n", namespace).path("items").forEach(items::add);
    return items;
  }

  /** Server-side apply of a JSON or YAML document (field manager {@code baton-test}). */
  public Result applyServerSide(String manifest, String... extra) {
    List<String> args = new ArrayList<>(List.of("apply", "--server-side", "--field-manager=baton-test", "-f", "-"));
    args.addAll(Arrays.asList(extra));
    return runWithInput(manifest, args.toArray(String[]::new));
  }

  /** The kubeconfig file (admin token; the test CA). */
  public Path kubeconfig() {
    return kubeconfig;
  }
}
