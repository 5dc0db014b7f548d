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
 * The health, metrics and drain flags (part 4, branch {@code drain}) are not in main yet and are
 * left out of the templates until then.
 */
final class PodArgs {
  /** StatefulSet {@code baton-master}, container {@code master}. */
  static final List<String> MASTER = List.of("master", "--id=$(POD_NAME)", "--host=$(POD_IP)", "--port=7233",
      "--journal=$(BATON_JOURNAL_URL)", "--consul=$(CONSUL_HTTP_ADDR)", "--git-dir=/var/lib/baton/git", "--git-port=7234");

  /** Deployment {@code baton-<domain>}, container {@code orchestrator}. */
  static final String ORCHESTRATOR_DOMAIN = "$(DOMAIN)";
  static final List<String> ORCHESTRATOR = List.of("orchestrator", "--domain=" + ORCHESTRATOR_DOMAIN, "--host=$(POD_IP)",
      "--port=7300", "--consul=$(CONSUL_HTTP_ADDR)", "--workspace=/var/lib/baton/workspace");

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");
  private static final String VOLUME = "/var/lib/baton";

  private PodArgs() {}

  /**
   * The template with every {@code $(VAR)} replaced from {@code env} (a missing one fails, naming
   * it: Kubernetes would leave it literal and the process would fail later, less clearly), every
   * {@code --flag=PORT} of {@code ports} given this process's port, and {@code /var/lib/baton}
   * mapped to {@code volume}.
   */
  static List<String> render(List<String> template, Map<String, String> env, Map<String, Integer> ports, Path volume) {
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
      if (eq > 0 && ports.containsKey(rendered.substring(0, eq))) {
        rendered = rendered.substring(0, eq + 1) + ports.get(rendered.substring(0, eq));
      }
      if (eq > 0 && rendered.substring(eq + 1).startsWith(VOLUME)) {
        rendered = rendered.substring(0, eq + 1) + volume + rendered.substring(eq + 1 + VOLUME.length());
      }
      out.add(rendered);
    }
    return out;
  }
}
