package dev.baton.runtime.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the sub-orchestrator runs one agent CLI: which binary, with which extra arguments, which
 * environment, and the limits of its logs. Immutable; build with {@link #builder(String)}, which
 * starts from the runner's named defaults.
 *
 * <p>The agent's environment holds only {@code PATH}, {@code HOME}, the API key variables named
 * here (from the sub-orchestrator's own environment, else a file of that name in
 * {@code secretsDir}) and the fixed {@code environment}. Nothing in a plan or an event can add a
 * variable, so a plan can neither read nor replace a key.
 *
 * @param binary the CLI: a path, or a name looked up on {@code PATH}
 * @param extraArgs arguments added after Baton's own, before the session arguments
 * @param apiKeyVariables variables passed through when set (ANTHROPIC_API_KEY...)
 * @param environment fixed variables the operator sets for this CLI (not secrets)
 * @param secretsDir a directory of files named after key variables, read when the variable is not
 *     set; null: none
 * @param logDir where the run logs go; null: {@code <workspace>/.baton}
 * @param killGrace time between SIGTERM and SIGKILL when stopping the process tree
 * @param drainGrace how long, after the CLI exits, its stdout may stay open (a leftover child
 *     holding it) before the run ends without the rest
 * @param logLimitBytes bytes of stdout written to the log file; past it only counted
 * @param outputTailBytes bytes of stderr kept in the outcome
 * @param prices prices of tokens, for CLIs that report no cost
 * @param hostEnvironment where PATH, HOME and the keys are read from (the process's environment)
 */
public record AgentSettings(
    String binary,
    List<String> extraArgs,
    List<String> apiKeyVariables,
    Map<String, String> environment,
    Path secretsDir,
    Path logDir,
    Duration killGrace,
    Duration drainGrace,
    long logLimitBytes,
    int outputTailBytes,
    PriceTable prices,
    Map<String, String> hostEnvironment) {

  /** Default {@code killGrace}: 5 s, time for an agent to stop its own tool processes. */
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);
  /** Default {@code drainGrace}: 2 s. */
  public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofSeconds(2);
  /** Default {@code logLimitBytes}: 16 MiB of stdout per run. */
  public static final long DEFAULT_LOG_LIMIT_BYTES = 16L * 1024 * 1024;
  /** Default {@code outputTailBytes}: 16 KiB of stderr. */
  public static final int DEFAULT_OUTPUT_TAIL_BYTES = 16 * 1024;

  /** Default binaries and key variables per runner kind. */
  public static final Map<String, List<String>> DEFAULT_KEYS = Map.of(
      "claude", List.of("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"),
      "droid", List.of("FACTORY_API_KEY"),
      "codex", List.of("OPENAI_API_KEY", "CODEX_API_KEY"));

  public AgentSettings {
    Objects.requireNonNull(binary, "binary");
    if (binary.isBlank()) {
      throw new IllegalArgumentException("binary: '' (expected: a path or a command name)");
    }
    extraArgs = List.copyOf(extraArgs);
    apiKeyVariables = List.copyOf(apiKeyVariables);
    environment = Map.copyOf(environment);
    for (String name : environment.keySet()) {
      if (apiKeyVariables.contains(name)) {
        throw new IllegalArgumentException("environment: " + name
            + " is an API key variable (expected: keys come from the host environment or secretsDir only)");
      }
    }
    Objects.requireNonNull(killGrace, "killGrace");
    Objects.requireNonNull(drainGrace, "drainGrace");
    if (killGrace.isNegative() || drainGrace.isNegative()) {
      throw new IllegalArgumentException("killGrace/drainGrace: " + killGrace + "/" + drainGrace + " (expected: >= 0)");
    }
    if (logLimitBytes < 0) {
      throw new IllegalArgumentException("logLimitBytes: " + logLimitBytes + " (expected: >= 0)");
    }
    if (outputTailBytes < 1) {
      throw new IllegalArgumentException("outputTailBytes: " + outputTailBytes + " (expected: >= 1)");
    }
    Objects.requireNonNull(prices, "prices");
    hostEnvironment = hostEnvironment == null ? Map.of() : Map.copyOf(hostEnvironment);
  }

  /** A builder with the defaults of runner {@code kind} (claude, droid, codex): binary = kind. */
  public static Builder builder(String kind) {
    return new Builder(kind);
  }

  /** The defaults of runner {@code kind}, binary looked up on PATH. */
  public static AgentSettings defaults(String kind) {
    return builder(kind).build();
  }

  /** The environment the CLI gets: PATH, HOME, the keys that are set, the fixed variables. */
  public Map<String, String> processEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : List.of("PATH", "HOME")) {
      String value = hostEnvironment.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    for (String key : apiKeyVariables) {
      String value = hostEnvironment.get(key);
      if ((value == null || value.isEmpty()) && secretsDir != null) {
        value = Secrets.read(secretsDir, key);
      }
      if (value != null && !value.isEmpty()) {
        env.put(key, value);
      }
    }
    env.putAll(environment);
    return env;
  }

  /** Never prints the host environment (it holds the keys). */
  @Override
  public String toString() {
    return "AgentSettings[binary=" + binary + ", extraArgs=" + extraArgs + ", apiKeyVariables=" + apiKeyVariables
        + ", environment=" + environment.keySet() + ", secretsDir=" + secretsDir + ", logDir=" + logDir
        + ", killGrace=" + killGrace + ", drainGrace=" + drainGrace + ", logLimitBytes=" + logLimitBytes
        + ", outputTailBytes=" + outputTailBytes + "]";
  }

  /** Builds {@link AgentSettings}; every field starts at its named default. */
  public static final class Builder {
    private String binary;
    private final List<String> extraArgs = new ArrayList<>();
    private List<String> apiKeyVariables;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path secretsDir;
    private Path logDir;
    private Duration killGrace = DEFAULT_KILL_GRACE;
    private Duration drainGrace = DEFAULT_DRAIN_GRACE;
    private long logLimitBytes = DEFAULT_LOG_LIMIT_BYTES;
    private int outputTailBytes = DEFAULT_OUTPUT_TAIL_BYTES;
    private PriceTable prices = PriceTable.defaults();
    private Map<String, String> hostEnvironment = System.getenv();

    private Builder(String kind) {
      this.binary = Objects.requireNonNull(kind, "kind");
      this.apiKeyVariables = DEFAULT_KEYS.getOrDefault(kind, List.of());
    }

    public Builder binary(String value) { binary = value; return this; }
    public Builder binary(Path value) { binary = value.toString(); return this; }
    public Builder extraArgs(List<String> values) { extraArgs.clear(); extraArgs.addAll(values); return this; }
    public Builder apiKeyVariables(List<String> values) { apiKeyVariables = List.copyOf(values); return this; }
    public Builder environment(String name, String value) { environment.put(name, value); return this; }
    public Builder secretsDir(Path value) { secretsDir = value; return this; }
    public Builder logDir(Path value) { logDir = value; return this; }
    public Builder killGrace(Duration value) { killGrace = value; return this; }
    public Builder drainGrace(Duration value) { drainGrace = value; return this; }
    public Builder logLimitBytes(long value) { logLimitBytes = value; return this; }
    public Builder outputTailBytes(int value) { outputTailBytes = value; return this; }
    public Builder prices(PriceTable value) { prices = value; return this; }
    public Builder hostEnvironment(Map<String, String> value) { hostEnvironment = value; return this; }

    public AgentSettings build() {
      return new AgentSettings(binary, extraArgs, apiKeyVariables, environment, secretsDir, logDir, killGrace,
          drainGrace, logLimitBytes, outputTailBytes, prices, hostEnvironment);
    }
  }
}
