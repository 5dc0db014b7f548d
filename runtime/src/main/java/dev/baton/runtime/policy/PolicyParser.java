package dev.baton.runtime.policy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.AnchorNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a droid policy file ({@code baton orchestrator --policy FILE}). Strict, because it decides
 * what runs on the machine: unknown fields (the known ones listed), wrong types, unknown runners,
 * roles and autonomy words, bad patterns, API key variables in the environment, anchors and aliases,
 * and files over {@value #MAX_BYTES} bytes are refused with file, line, field and the fix.
 *
 * <pre>
 * apiVersion: baton.dev/v1
 * kind: DroidPolicy
 * runners: [sim, scripted, command, claude]
 * commands:
 *   run: [{exact: npm test}, {glob: "npm run *"}, {regex: "make (build|test)"}]
 *   verify: [{exact: npm test}]
 * autonomy: {viewer: read-only, submitter: low, admin: high}
 * environment: {pass: [PATH, HOME, LANG], set: {CI: "true"}}
 * network: false
 * domains:
 *   devops: {autonomy: {admin: medium}, network: true}
 * </pre>
 */
public final class PolicyParser {
  public static final int MAX_BYTES = 256 * 1024;
  private static final Set<String> TOP = Set.of("apiVersion", "kind", "runners", "commands", "autonomy", "environment",
      "network", "domains");
  private static final Set<String> SECTION = Set.of("runners", "commands", "autonomy", "environment", "network");
  private static final Set<String> RUNNERS = Set.of("sim", "scripted", "command", "claude", "droid", "codex");
  private static final Set<String> DOMAINS = Set.of("frontend", "backend", "devops", "testing");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Variables that hold keys: never through a policy, only the agents' key handling and --secrets. */
  private static final Pattern KEY_VARIABLE = Pattern.compile(
      "(?i).*(API_KEY|_TOKEN|SECRET|PASSWORD|CREDENTIAL|PRIVATE_KEY).*");

  private final String file;

  private PolicyParser(String file) {
    this.file = file;
  }

  /** Reads the policy file. */
  public static DroidPolicy read(Path path) {
    String name = path.toString();
    try {
      if (!Files.isRegularFile(path)) {
        throw new PolicyException(name, 0, "", "no such file (expected: a YAML droid policy, see examples/policy.yaml)");
      }
      if (Files.size(path) > MAX_BYTES) {
        throw new PolicyException(name, 0, "", Files.size(path) + " bytes (expected: at most " + MAX_BYTES + ")");
      }
      return parse(name, Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException(name, 0, "", "cannot read it: " + e.getMessage());
    }
  }

  /** Parses a policy's text; {@code file} names it in messages. */
  public static DroidPolicy parse(String file, String text) {
    return new PolicyParser(file).parse(text);
  }

  private DroidPolicy parse(String text) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(10); // refused below with their line; few enough not to expand
      options.setAllowDuplicateKeys(false);
      options.setCodePointLimit(MAX_BYTES);
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new PolicyException(file, e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1, "",
          "not valid YAML: " + e.getProblem() + " (expected: a YAML mapping)");
    } catch (YAMLException e) {
      throw new PolicyException(file, 0, "", "not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new PolicyException(file, 0, "", "empty (expected: apiVersion, kind and rules, see examples/policy.yaml)");
    }
    Map<String, NodeTuple> fields = mapping(root, "", TOP);
    require(fields, root, "apiVersion", "baton.dev/v1");
    require(fields, root, "kind", "DroidPolicy");
    Section top = section(fields, "");
    Map<String, DroidPolicy.Section> domains = new LinkedHashMap<>();
    if (fields.containsKey("domains")) {
      Node node = fields.get("domains").getValueNode();
      for (Map.Entry<String, NodeTuple> e : mapping(node, "domains", DOMAINS).entrySet()) {
        String at = "domains." + e.getKey();
        domains.put(e.getKey(), section(mapping(e.getValue().getValueNode(), at, SECTION), at + ".").value);
      }
    }
    return new DroidPolicy(file, top.value, domains);
  }

  private record Section(DroidPolicy.Section value) {}

  private Section section(Map<String, NodeTuple> fields, String prefix) {
    Set<String> runners = null;
    if (fields.containsKey("runners")) {
      runners = new LinkedHashSet<>();
      for (Node n : list(fields.get("runners").getValueNode(), prefix + "runners")) {
        String runner = scalar(n, prefix + "runners");
        if (!RUNNERS.contains(runner)) {
          throw error(n, prefix + "runners", "unknown runner '" + runner + "' (expected: " + String.join(", ",
              RUNNERS.stream().sorted().toList()) + ")");
        }
        runners.add(runner);
      }
    }
    List<CommandPattern> run = null;
    List<CommandPattern> verify = null;
    if (fields.containsKey("commands")) {
      Map<String, NodeTuple> commands = mapping(fields.get("commands").getValueNode(), prefix + "commands",
          Set.of("run", "verify"));
      run = commands.containsKey("run") ? patterns(commands.get("run").getValueNode(), prefix + "commands.run") : null;
      verify = commands.containsKey("verify")
          ? patterns(commands.get("verify").getValueNode(), prefix + "commands.verify") : null;
    }
    Map<String, Autonomy> autonomy = null;
    if (fields.containsKey("autonomy")) {
      autonomy = new LinkedHashMap<>();
      String at = prefix + "autonomy";
      for (Map.Entry<String, NodeTuple> e : mapping(fields.get("autonomy").getValueNode(), at,
          Set.copyOf(DroidPolicy.ROLES)).entrySet()) {
        Node value = e.getValue().getValueNode();
        String word = scalar(value, at + "." + e.getKey());
        autonomy.put(e.getKey(), Autonomy.parse(word).orElseThrow(() -> error(value, at + "." + e.getKey(),
            "unknown autonomy '" + word + "' (expected: " + Autonomy.WORDS + ")")));
      }
    }
    List<String> pass = null;
    Map<String, String> set = null;
    if (fields.containsKey("environment")) {
      String at = prefix + "environment";
      Map<String, NodeTuple> env = mapping(fields.get("environment").getValueNode(), at, Set.of("pass", "set"));
      if (env.containsKey("pass")) {
        pass = new ArrayList<>();
        for (Node n : list(env.get("pass").getValueNode(), at + ".pass")) {
          pass.add(variable(n, scalar(n, at + ".pass"), at + ".pass"));
        }
      }
      if (env.containsKey("set")) {
        set = new LinkedHashMap<>();
        Node setNode = env.get("set").getValueNode();
        for (Map.Entry<String, NodeTuple> e : mapping(setNode, at + ".set", null).entrySet()) {
          set.put(variable(e.getValue().getKeyNode(), e.getKey(), at + ".set"),
              scalar(e.getValue().getValueNode(), at + ".set." + e.getKey()));
        }
      }
    }
    Boolean network = null;
    if (fields.containsKey("network")) {
      Node n = fields.get("network").getValueNode();
      String word = scalar(n, prefix + "network");
      if (!word.equals("true") && !word.equals("false")) {
        throw error(n, prefix + "network", "'" + word + "' (expected: true or false)");
      }
      network = Boolean.valueOf(word);
    }
    return new Section(new DroidPolicy.Section(runners, run, verify, autonomy, pass, set, network));
  }

  private List<CommandPattern> patterns(Node node, String at) {
    List<CommandPattern> out = new ArrayList<>();
    int i = 0;
    for (Node n : list(node, at)) {
      String here = at + "[" + i++ + "]";
      Map<String, NodeTuple> one = mapping(n, here, Set.of("exact", "glob", "regex"));
      if (one.size() != 1) {
        throw error(n, here, one.size() + " keys (expected: exactly one of exact, glob, regex)");
      }
      Map.Entry<String, NodeTuple> e = one.entrySet().iterator().next();
      Node value = e.getValue().getValueNode();
      try {
        out.add(CommandPattern.of(CommandPattern.Syntax.parse(e.getKey()).orElseThrow(),
            scalar(value, here + "." + e.getKey())));
      } catch (IllegalArgumentException ex) {
        if (ex instanceof PolicyException p) {
          throw p;
        }
        throw error(value, here + "." + e.getKey(), ex.getMessage());
      }
    }
    return out;
  }

  private String variable(Node n, String name, String at) {
    if (!VARIABLE.matcher(name).matches()) {
      throw error(n, at, "'" + name + "' is not a variable name (expected: letters, digits and _, not first a digit)");
    }
    if (KEY_VARIABLE.matcher(name).matches()) {
      throw error(n, at, name + " looks like a secret (expected: API keys reach agents only from the"
          + " sub-orchestrator's environment or --secrets DIR, never through the policy's environment)");
    }
    return name;
  }

  private void require(Map<String, NodeTuple> fields, Node root, String field, String expected) {
    NodeTuple t = fields.get(field);
    if (t == null) {
      throw error(root, field, "missing (expected: " + field + ": " + expected + ")");
    }
    String value = scalar(t.getValueNode(), field);
    if (!value.equals(expected)) {
      throw error(t.getValueNode(), field, "'" + value + "' (expected: " + expected + ")");
    }
  }

  /** A mapping's entries by key; {@code known} null accepts any key. */
  private Map<String, NodeTuple> mapping(Node node, String at, Set<String> known) {
    noAnchor(node, at);
    if (!(node instanceof MappingNode m)) {
      throw error(node, at, "a " + kind(node) + " (expected: a mapping of fields)");
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String key = scalar(t.getKeyNode(), at);
      String here = at.isEmpty() ? key : at + "." + key;
      if (known != null && !known.contains(key)) {
        throw error(t.getKeyNode(), here, "unknown field (expected one of: "
            + String.join(", ", known.stream().sorted().toList()) + ")");
      }
      out.put(key, t);
    }
    return out;
  }

  private List<Node> list(Node node, String at) {
    noAnchor(node, at);
    if (!(node instanceof SequenceNode s)) {
      throw error(node, at, "a " + kind(node) + " (expected: a list, like [a, b])");
    }
    return s.getValue();
  }

  private String scalar(Node node, String at) {
    noAnchor(node, at);
    if (!(node instanceof ScalarNode s)) {
      throw error(node, at, "a " + kind(node) + " (expected: a single value)");
    }
    return s.getValue();
  }

  private void noAnchor(Node node, String at) {
    if (node instanceof AnchorNode || node.getAnchor() != null) {
      throw error(node, at, "an anchor or alias (expected: plain values; policies do not use YAML anchors)");
    }
  }

  private static String kind(Node node) {
    return node instanceof MappingNode ? "mapping" : node instanceof SequenceNode ? "list" : "value";
  }

  private PolicyException error(Node node, String field, String problem) {
    return new PolicyException(file, node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1, field, problem);
  }
}
