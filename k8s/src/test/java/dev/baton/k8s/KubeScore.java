package dev.baton.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-score v1.20.0, the policy linter: probes, resources, non-root, read-only root filesystem,
 * PDBs for workloads with replicas, NetworkPolicies, Services that select pods. Run with
 * {@code --exit-one-on-warning}, so a WARNING fails like a CRITICAL, and with the ignores and
 * optional tests of the checked-in k8s/lint/kube-score.conf (each ignore carries its reason there).
 */
final class KubeScore {
  private KubeScore() {}

  static Tools.Result score(String manifests, String overlay, Path config) throws Exception {
    List<String> ignored = new ArrayList<>();
    List<String> enabled = new ArrayList<>();
    for (String raw : Files.readAllLines(config)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split("\\s+");
      if (words.length != 2) {
        throw new IOException(config + ": '" + line + "': expected 'ignore TEST', 'ignore@OVERLAY TEST' or 'enable TEST'");
      }
      if (words[0].equals("ignore") || words[0].equals("ignore@" + overlay)) {
        ignored.add(words[1]);
      } else if (words[0].equals("enable")) {
        enabled.add(words[1]);
      } else if (!words[0].startsWith("ignore@")) {
        throw new IOException(config + ": '" + line + "': unknown directive '" + words[0] + "' (expected ignore, ignore@OVERLAY, enable)");
      }
    }
    // A misspelt test name would ignore (or enable) nothing without a word: check against the list.
    Tools.Result list = Tools.run(List.of(Tools.tool("kube-score").toString(), "list"), Tools.repoRoot(), null,
        Duration.ofMinutes(1));
    List<String> known = list.stdout().lines().map(l -> l.split(",", 2)[0]).toList();
    for (String test : concat(ignored, enabled)) {
      if (!known.contains(test)) {
        throw new IOException(config + ": '" + test + "' is not a kube-score test (see 'kube-score list')");
      }
    }
    List<String> command = new ArrayList<>(List.of(
        Tools.tool("kube-score").toString(), "score", "--output-format", "ci", "--exit-one-on-warning"));
    if (!ignored.isEmpty()) {
      command.add("--ignore-test=" + String.join(",", ignored));
    }
    if (!enabled.isEmpty()) {
      command.add("--enable-optional-test=" + String.join(",", enabled));
    }
    command.add("-");
    Tools.Result result = Tools.run(command, Tools.repoRoot(), manifests, Duration.ofMinutes(2));
    // Keep only what failed: the OK and SKIPPED lines would drown it.
    String findings = result.stdout().lines()
        .filter(l -> l.startsWith("[CRITICAL]") || l.startsWith("[WARNING]"))
        .reduce((a, b) -> a + "\n" + b).orElse("");
    return new Tools.Result(result.exitCode(), findings, result.stderr());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
