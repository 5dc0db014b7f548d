package dev.baton.runtime.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A sub-orchestrator's droid policy as a file states it: top-level rules, and per-domain sections
 * that override them field by field, so one file can serve every domain of a mesh. {@link
 * #forDomain} resolves it; {@link #builtIn()} is the policy without a file.
 *
 * <p>A field a file leaves out everywhere takes its strict value ({@link #FILE_DEFAULTS}): only the
 * sim runner, no {@code run} or {@code verify}, no agent, {@code PATH} and {@code HOME}, no network.
 * The built-in policy is the permissive one Baton had before policies (every runner, every command,
 * every autonomy for every role, the network), except that the environment is an allowlist.
 *
 * @param source the file, or {@value #BUILT_IN}
 * @param defaults the top-level rules
 * @param domains domain -> its overrides
 */
public record DroidPolicy(String source, Section defaults, Map<String, Section> domains) {
  public static final String BUILT_IN = "built-in default";

  /** What the built-in policy passes on from the sub-orchestrator's environment. */
  public static final List<String> DEFAULT_PASS = List.of(
      "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL", "TERM");

  /** Roles a policy weighs, least privileged first. */
  public static final List<String> ROLES = List.of("viewer", "submitter", "admin");

  /**
   * Rules of one level; a null field is not stated at this level.
   *
   * @param environmentPass names passed through; null: not stated
   * @param environmentSet fixed values; null: not stated
   */
  public record Section(
      Set<String> runners,
      List<CommandPattern> run,
      List<CommandPattern> verify,
      Map<String, Autonomy> autonomy,
      List<String> environmentPass,
      Map<String, String> environmentSet,
      Boolean network) {
    public static final Section EMPTY = new Section(null, null, null, null, null, null, null);
  }

  /** The strict values of fields a file leaves out. */
  public static final Section FILE_DEFAULTS = new Section(
      Set.of("sim"), List.of(), List.of(), Map.of(), List.of("PATH", "HOME"), Map.of(), false);

  private static final Section PERMISSIVE = new Section(
      Set.of("sim", "scripted", "command", "claude", "droid", "codex"),
      List.of(CommandPattern.of(CommandPattern.Syntax.GLOB, "*")),
      List.of(CommandPattern.of(CommandPattern.Syntax.GLOB, "*")),
      Map.of("viewer", Autonomy.HIGH, "submitter", Autonomy.HIGH, "admin", Autonomy.HIGH),
      DEFAULT_PASS, Map.of(), true);

  public DroidPolicy {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(defaults, "defaults");
    domains = Map.copyOf(domains);
  }

  /** Without a file: today's behaviour (see the class comment). */
  public static DroidPolicy builtIn() {
    return new DroidPolicy(BUILT_IN, PERMISSIVE, Map.of());
  }

  /** The rules for {@code domain}: its section's fields, else the top level's, else the strict defaults. */
  public DomainPolicy forDomain(String domain) {
    Section own = domains.getOrDefault(domain, Section.EMPTY);
    Section base = source.equals(BUILT_IN) ? PERMISSIVE : FILE_DEFAULTS;
    // Autonomy merges per role: a domain section may lower one role and keep the others.
    Map<String, Autonomy> autonomy = new LinkedHashMap<>(defaults.autonomy() != null ? defaults.autonomy() : base.autonomy());
    if (own.autonomy() != null) {
      autonomy.putAll(own.autonomy());
    }
    return new DomainPolicy(source, domain,
        pick(own.runners(), defaults.runners(), base.runners()),
        pick(own.run(), defaults.run(), base.run()),
        pick(own.verify(), defaults.verify(), base.verify()),
        autonomy,
        pick(own.environmentPass(), defaults.environmentPass(), base.environmentPass()),
        pick(own.environmentSet(), defaults.environmentSet(), base.environmentSet()),
        pick(own.network(), defaults.network(), base.network()));
  }

  private static <T> T pick(T own, T top, T base) {
    return own != null ? own : top != null ? top : base;
  }
}
