package dev.baton.runtime.policy;

import dev.baton.runtime.droid.definition.DroidDefinition;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * One ordered scale for what an agent may do on its own, onto which the three CLIs' settings map:
 *
 * <table>
 *   <caption>levels</caption>
 *   <tr><th>level</th><th>Factory {@code --auto}</th><th>Codex {@code --sandbox}</th><th>Claude {@code --permission-mode}</th></tr>
 *   <tr><td>read-only</td><td>(none: spec mode)</td><td>read-only</td><td>plan</td></tr>
 *   <tr><td>low</td><td>low</td><td>workspace-write</td><td>default</td></tr>
 *   <tr><td>medium</td><td>medium</td><td>(workspace-write)</td><td>acceptEdits</td></tr>
 *   <tr><td>high</td><td>high</td><td>danger-full-access</td><td>bypassPermissions</td></tr>
 * </table>
 *
 * <p>The mapping follows what each runner really passes ({@code agent.AgentRunners}): a definition's
 * autonomy {@code workspace-write} becomes Factory's {@code low}, {@code danger-full-access} its
 * {@code high}; no autonomy is Factory's {@code low} and Codex's {@code workspace-write}.
 */
public enum Autonomy {
  READ_ONLY("read-only"),
  LOW("low"),
  MEDIUM("medium"),
  HIGH("high");

  private final String wire;

  Autonomy(String wire) {
    this.wire = wire;
  }

  /** As written in policy files and messages: {@code read-only}. */
  public String wireName() {
    return wire;
  }

  /** The words a policy accepts, for messages. */
  public static final String WORDS = "read-only, low, medium, high (Factory levels, Codex sandboxes and Claude "
      + "permission modes are accepted too)";

  /** A level by its name or by a CLI's own word (any case). */
  public static Optional<Autonomy> parse(String word) {
    String w = word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
    Optional<Autonomy> own = Arrays.stream(values()).filter(a -> a.wire.equals(w)).findFirst();
    if (own.isPresent()) {
      return own;
    }
    return Optional.ofNullable(switch (w) {
      case "plan" -> READ_ONLY;
      case "workspace-write", "default" -> LOW;
      case "acceptedits" -> MEDIUM;
      case "danger-full-access", "bypasspermissions" -> HIGH;
      default -> null;
    });
  }

  /**
   * The level a droid runs at on {@code runner}, or empty for runners that are not agents (sim,
   * command, scripted: what they may do is decided by the commands and runners allowed).
   */
  public static Optional<Autonomy> of(DroidDefinition definition, String runner) {
    return of(definition.autonomy(), definition.permissionMode(), runner);
  }

  /** Like {@link #of(DroidDefinition, String)}, from the words a definition (or a descriptor) holds. */
  public static Optional<Autonomy> of(String definitionAutonomy, String permissionMode, String runner) {
    String autonomy = definitionAutonomy == null ? "" : definitionAutonomy.strip().toLowerCase(Locale.ROOT);
    String mode = permissionMode == null ? "" : permissionMode.strip();
    return switch (runner) {
      case "claude" -> Optional.of(mode.isEmpty() ? LOW : parse(mode).orElse(LOW));
      case "droid" -> Optional.of(switch (autonomy) {
        case "read-only" -> READ_ONLY;
        case "medium" -> MEDIUM;
        case "high", "danger-full-access" -> HIGH;
        default -> LOW;
      });
      case "codex" -> Optional.of(switch (autonomy) {
        case "read-only" -> READ_ONLY;
        case "high", "danger-full-access" -> HIGH;
        default -> LOW;
      });
      default -> Optional.empty();
    };
  }

  public boolean atMost(Autonomy limit) {
    return compareTo(limit) <= 0;
  }
}
