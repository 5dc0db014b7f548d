package dev.baton.runtime.security.auth;

import dev.baton.runtime.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one line per refused call on the logger {@code baton.audit} (route it to its own
 * file with the logging configuration), with the method, the caller, where it came from and why.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger("baton.audit");

  private Audit() {}

  /** Records a refusal. */
  public static void denied(String method, Principal caller, String remote, String reason) {
    log.warn("denied method={} caller={} source={} remote={} reason=\"{}\"", method, caller.display(),
        caller.source().name().toLowerCase(java.util.Locale.ROOT), remote, reason.replace('"', '\''));
  }
}
