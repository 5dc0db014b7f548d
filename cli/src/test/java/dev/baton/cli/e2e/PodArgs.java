package dev.baton.cli.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container {@code args} of issue 12's manifests (overlay {@code ha}), as the shared contract
 * gives them, and how a test turns them into a local process's arguments: Kubernetes expands
 * {@code $(VAR)} from the container's env (POD_NAME, POD_IP, the Secrets' values), every pod has
 * its own IP so the fixed container ports become per-process ports here, and the volumes under
 * {@code /var/lib/baton} become a directory per pod.
 *
 * <p>One table, so that the test starts processes the way the manifests do; when k8s/overlays/ha
 * lands, these templates can be read from its rendered output instead (the substitution stays).
 * <p>Compared with branch {@code k8s}'s overlay {@code ha} (read 15:05): the same flags, but for the
 * TLS files ({@code --tls-*}, {@code --tokens}) and the mounted droids, policy and secrets
 * ({@code --droids}, {@code --policy}, {@code --secrets}), which this plaintext test leaves out.
 *
 * <p>The health, metrics and drain flags (part 4, branch {@code drain}) join the templates once the
 * CLI has them ({@link #PROBES}, {@link #DRAIN}: read from the commands' picocli annotations), so
 * this test runs before and after that branch lands.
 */
final class PodArgs {
  /** Whether both roles take {@code --health-port} and {@code --metrics-port} (part 4). */
  static final boolean PROBES = hasOption("dev.baton.cli.MasterCommand", "--health-port")
      && hasOption("dev.baton.cli.OrchestratorCommand", "--health-port")
      && hasOption("dev.baton.cli.MasterCommand", "--metrics-port")
      && hasOption("dev.baton.cli.OrchestratorCommand", "--metrics-port");
  /** Whether sub-orchestrators take {@code --drain-timeout} (part 4): a graceful deletion then drains. */
  static final boolean DRAIN = hasOption("dev.baton.cli.OrchestratorCommand", "--drain-timeout");
  /** The manifests' drain timeout; their terminationGracePeriodSeconds is this plus 15 s. */
  static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(30);

  /** StatefulSet {@code baton-master}, container {@code master}. */
  static final List<String> MASTER = with(with(List.of("master", "--id=$(POD_NAME)", "--host=$(POD_IP)", "--port=7233",
      "--journal=$(BATON_JOURNAL_URL)", "--consul=$(CONSUL_HTTP_ADDR)", "--consul-check=ttl", "--git-dir=/var/lib/baton/git",
      "--git-port=7234"),
      PROBES ? List.of("--health-port=7280", "--metrics-port=9464") : List.of()),
      hasOption("dev.baton.cli.MasterCommand", "--advertise")
          ? List.of("--advertise=$(POD_NAME).baton-master-peers.$(POD_NAMESPACE).svc.cluster.local") : List.of());

  /** Deployment {@code baton-<domain>}, container {@code orchestrator}. */
  static final List<String> ORCHESTRATOR = with(with(List.of("orchestrator", "--domain=$(DOMAIN)", "--host=$(POD_IP)",
      "--port=7300", "--id=$(POD_NAME)", "--consul=$(CONSUL_HTTP_ADDR)", "--consul-check=ttl",
      "--workspace=/var/lib/baton/workspaces", "--git-dir=/var/lib/baton/git"),
      PROBES ? List.of("--health-port=7280", "--metrics-port=9464") : List.of()),
      DRAIN ? List.of("--drain-timeout=" + DRAIN_TIMEOUT.toSeconds() + "s") : List.of());

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");
  private static final String VOLUME = "/var/lib/baton";

  private PodArgs() {}

  private static List<String> with(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  /** Whether the command class (or one of its picocli mixins) declares the option. */
  static boolean hasOption(String className, String option) {
    try {
      return hasOption(Class.forName(className), option, 0);
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static boolean hasOption(Class<?> type, String option, int depth) {
    for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
      for (java.lang.reflect.Field f : k.getDeclaredFields()) {
        picocli.CommandLine.Option o = f.getAnnotation(picocli.CommandLine.Option.class);
        if (o != null && List.of(o.names()).contains(option)) {
          return true;
        }
        boolean nested = f.isAnnotationPresent(picocli.CommandLine.Mixin.class)
            || f.isAnnotationPresent(picocli.CommandLine.ArgGroup.class);
        if (nested && depth < 3 && hasOption(f.getType(), option, depth + 1)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The template with every {@code $(VAR)} replaced from {@code env} (a missing one fails, naming
   * it: Kubernetes would leave it literal and the process would fail later, less clearly), every
   * {@code --flag=VALUE} of {@code overrides} given this process's value (its ports; for
   * {@code --advertise}, what the cluster DNS name resolves to: the pod's IP), and
   * {@code /var/lib/baton} mapped to {@code volume}.
   */
  static List<String> render(List<String> template, Map<String, String> env, Map<String, ?> overrides, Path volume) {
    List<String> out = new ArrayList<>();
    for (String arg : template) {
      Matcher m = VAR.matcher(arg);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        String value = env.get(m.group(1));
        if (value == null) {
          throw new IllegalArgumentException("container arg " + arg + " uses $(" + m.group(1)
              + ") but the pod's env has no " + m.group(1) + " (expected one of " + env.keySet() + ")");
        }
        m.appendReplacement(b, Matcher.quoteReplacement(value));
      }
      m.appendTail(b);
      String rendered = b.toString();
      int eq = rendered.indexOf('=');
      if (eq > 0 && overrides.containsKey(rendered.substring(0, eq))) {
        rendered = rendered.substring(0, eq + 1) + overrides.get(rendered.substring(0, eq));
      }
      if (eq > 0 && rendered.substring(eq + 1).startsWith(VOLUME)) {
        rendered = rendered.substring(0, eq + 1) + volume + rendered.substring(eq + 1 + VOLUME.length());
      }
      out.add(rendered);
    }
    return out;
  }
}
