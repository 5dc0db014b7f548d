package dev.baton.k8s;

import dev.baton.cli.Baton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses a container's args with the CLI's own picocli commands ({@code baton master ...},
 * {@code baton orchestrator ...}) without running anything, so a misspelt flag, a bad enum value
 * or a non-number port in a manifest fails here and not in a crash-looping pod. {@code $(VAR)}
 * references are first expanded the way the kubelet does, from the container's env; a reference
 * to a variable the container does not define is itself a problem (the kubelet would pass it on
 * literally).
 */
final class CliArgs {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private CliArgs() {}

  /**
   * Problems with {@code args} (empty when they parse).
   *
   * @param env the container's variables: a value, or a sample standing for a valueFrom
   */
  static List<String> check(String where, List<String> args, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    List<String> expanded = new ArrayList<>();
    for (String arg : args) {
      Matcher m = REFERENCE.matcher(arg);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = env.get(m.group(1));
        if (value == null) {
          problems.add(where + ": arg '" + arg + "' references $(" + m.group(1)
              + ") but the container defines no such env variable (add it to env, before its use)");
          value = m.group(0);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      expanded.add(out.toString());
    }
    if (expanded.isEmpty()) {
      problems.add(where + ": no args; expected the role first: [master, ...] or [orchestrator, --domain=D, ...]");
      return problems;
    }
    CommandLine cli = new CommandLine(new Baton());
    CommandLine role = cli.getSubcommands().get(expanded.get(0));
    if (role == null) {
      problems.add(where + ": first arg '" + expanded.get(0) + "' is not a baton command (expected master or orchestrator)");
      return problems;
    }
    List<String> parsed = expanded;
    try {
      cli.parseArgs(parsed.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      problems.add(where + ": args do not parse as 'baton " + String.join(" ", parsed) + "': " + e.getMessage());
    }
    return problems;
  }
}
