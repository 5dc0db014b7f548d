package dev.baton.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.baton.master.journal.Journal;
import dev.baton.master.journal.JournalException;
import dev.baton.master.journal.JournalSettings;
import dev.baton.master.journal.JournalVerifier;
import dev.baton.master.journal.JournaledPlan;
import dev.baton.master.journal.Journals;
import dev.baton.master.journal.RetentionPolicy;
import dev.baton.v1.PlanEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code baton journal}: inspects a plan journal (the file of {@code --journal PATH} or a
 * PostgreSQL database) and compacts finished plans. The reading commands open it read-only, so
 * they work beside a running master; {@code compact} writes, and on an embedded journal needs its
 * master stopped (the journal's lock says so).
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Inspects a master's plan journal (plans, events, verify) and compacts finished plans.",
    subcommands = {JournalCommand.Plans.class, JournalCommand.Events.class, JournalCommand.Verify.class,
        JournalCommand.Compact.class})
final class JournalCommand implements Callable<Integer> {
  /** Most events one {@code events} call prints. */
  static final int MAX_LIMIT = 1_000_000;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.INVALID_INPUT;
  }

  /** The journal option every subcommand takes. */
  static final class JournalOption {
    @Option(names = "--journal", required = true, paramLabel = "SPEC",
        description = "The journal: a file path (embedded) or postgres://user:password@host:5432/database.")
    String spec;

    Journal open(boolean readOnly) {
      try {
        return Journals.open(spec, JournalSettings.defaults(), Clock.systemUTC(), readOnly);
      } catch (JournalException e) {
        throw CliException.invalidInput(e.getMessage());
      }
    }
  }

  @Command(name = "plans", mixinStandardHelpOptions = true,
      description = "One line per plan: id, state, events, accepted and finished times (UTC).")
  static final class Plans implements Callable<Integer> {
    @picocli.CommandLine.Mixin JournalOption journal;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      try (Journal j = journal.open(true)) {
        List<JournaledPlan> plans = j.plans();
        for (JournaledPlan p : plans) {
          out.println(String.join("  ", p.planId(),
              p.finished() ? EventFormat.state(p.state()) : "unfinished",
              p.lastSequence() + " events",
              "accepted " + p.acceptedAt(),
              p.finishedAt().map(t -> "finished " + t).orElse("-")));
        }
        out.println(plans.size() + " plan(s) in " + j.describe() + ", " + j.currentEpoch());
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "events", mixinStandardHelpOptions = true,
      description = "A plan's events in order, as stored (text, or one JSON object per line with --json).")
  static final class Events implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PLAN_ID")
    String planId;

    @Option(names = "--after", defaultValue = "0", paramLabel = "N", description = "Events after sequence N (default 0).")
    long after;

    @Option(names = "--limit", defaultValue = "1000", paramLabel = "N",
        description = "At most N events, 1.." + MAX_LIMIT + " (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One PlanEvent per line in the proto3 JSON mapping.")
    boolean json;

    @picocli.CommandLine.Mixin JournalOption journal;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      if (after < 0) {
        throw CliException.invalidInput("--after: " + after + " (expected: a sequence >= 0)");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw CliException.invalidInput("--limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
      }
      JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
      try (Journal j = journal.open(true)) {
        if (j.plan(planId).isEmpty()) {
          throw CliException.invalidInput("plan " + planId + " is not in " + j.describe()
              + " (see `baton journal plans --journal ...`)");
        }
        long cursor = after;
        int printed = 0;
        while (printed < limit) {
          List<PlanEvent> page = j.events(planId, cursor, Long.MAX_VALUE, Math.min(2_000, limit - printed));
          if (page.isEmpty()) {
            break;
          }
          for (PlanEvent e : page) {
            out.println(json ? print(printer, e) : text(e));
          }
          printed += page.size();
          cursor = page.get(page.size() - 1).getSequence();
        }
        out.flush();
        return ExitCodes.OK;
      } catch (JournalException e) {
        throw new CliException(ExitCodes.PLAN_FAILED, e.getMessage(), e);
      }
    }

    private static String text(PlanEvent e) {
      String line = EventFormat.line(e);
      return line != null ? line : EventFormat.time(e.getTime()) + "  #" + e.getSequence() + "  " + e.getKindCase();
    }

    private static String print(JsonFormat.Printer printer, PlanEvent e) {
      try {
        return printer.print(e);
      } catch (InvalidProtocolBufferException ex) {
        throw new IllegalStateException("cannot print event #" + e.getSequence() + " as JSON", ex);
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Checks checksums, gapless sequences, plan rows and every snapshot against a replay;"
          + " prints one line per problem and exits 1 when there is any.")
  static final class Verify implements Callable<Integer> {
    @picocli.CommandLine.Mixin JournalOption journal;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      try (Journal j = journal.open(true)) {
        JournalVerifier.Report report = JournalVerifier.verify(j, 2_000);
        report.problems().forEach(out::println);
        out.println((report.ok() ? "ok: " : report.problems().size() + " problem(s): ") + report.plans()
            + " plan(s), " + report.events() + " event(s), " + report.snapshots() + " snapshot(s) checked in " + j.describe());
        out.flush();
        return report.ok() ? ExitCodes.OK : ExitCodes.PLAN_FAILED;
      }
    }
  }

  @Command(name = "compact", mixinStandardHelpOptions = true,
      description = "Deletes finished plans by a retention policy; unfinished plans are never deleted.")
  static final class Compact implements Callable<Integer> {
    @Option(names = "--keep-finished-for", paramLabel = "AGE",
        description = "Keep finished plans younger than AGE (7d, 12h, 30m, 1d12h; at most 36500d).")
    String keepFor;

    @Option(names = "--keep", paramLabel = "N", description = "Keep at most the N most recently finished plans.")
    Integer keep;

    @Option(names = "--dry-run", description = "List what would be deleted; delete nothing.")
    boolean dryRun;

    @picocli.CommandLine.Mixin JournalOption journal;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      Optional<Duration> age = keepFor == null ? Optional.empty() : Optional.of(RetentionPolicy.parseAge(keepFor));
      RetentionPolicy policy = new RetentionPolicy(age, keep == null ? OptionalInt.empty() : OptionalInt.of(keep));
      try (Journal j = journal.open(false)) {
        List<JournaledPlan> deleted = j.compact(policy, Instant.now(), dryRun);
        for (JournaledPlan p : deleted) {
          out.println((dryRun ? "would delete " : "deleted ") + p.planId() + "  " + EventFormat.state(p.state())
              + "  finished " + p.finishedAt().map(Instant::toString).orElse("-") + "  " + p.lastSequence() + " events");
        }
        out.println((dryRun ? "would delete " : "deleted ") + deleted.size() + " finished plan(s) from " + j.describe());
        out.flush();
        return ExitCodes.OK;
      }
    }
  }
}
