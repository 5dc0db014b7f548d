package dev.baton.master.conflict;

import dev.baton.master.plan.PlanModel;
import dev.baton.master.sync.ConflictDetector;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.SharedState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConflictDetector} the master plugs into its sync points: runs exactly the checks the
 * point names ({@code checks: [api_contract, infrastructure, deployment]}), in that order, over the
 * documents the participants brought, and returns their conflicts sorted (check, location, parties).
 *
 * <p>Never throws: a document that is missing or unreadable is a conflict of check
 * {@code document}; a detector that fails on a bug is logged with its stack trace and reported as a
 * conflict of its own check with location {@code detector}, so the point is not released as clean.
 */
public final class CompositeConflictDetector implements ConflictDetector {
  private static final Logger log = LoggerFactory.getLogger(CompositeConflictDetector.class);

  private final Map<PlanModel.Check, CheckDetector> detectors;

  private CompositeConflictDetector(List<CheckDetector> detectors) {
    Map<PlanModel.Check, CheckDetector> m = new EnumMap<>(PlanModel.Check.class);
    for (CheckDetector d : detectors) {
      m.put(d.check(), d);
    }
    this.detectors = m;
  }

  /** The three deterministic detectors: api_contract, infrastructure, deployment. */
  public static CompositeConflictDetector standard() {
    return new CompositeConflictDetector(
        List.of(new ApiContractDetector(), new InfrastructureDetector(), new DeploymentDetector()));
  }

  /** For tests: a composite over the given detectors only. */
  static CompositeConflictDetector of(List<CheckDetector> detectors) {
    return new CompositeConflictDetector(detectors);
  }

  @Override
  public List<CrossOrchestratorConflict> detect(PlanModel.SyncPoint point, List<SharedState> states) {
    if (point.checks().isEmpty()) {
      return List.of();
    }
    SharedDocuments documents = SharedDocuments.of(states);
    List<CrossOrchestratorConflict> out = new ArrayList<>();
    for (PlanModel.Check check : new TreeSet<>(point.checks())) {
      CheckDetector detector = detectors.get(check);
      if (detector == null) {
        continue;
      }
      try {
        out.addAll(detector.detect(documents));
      } catch (RuntimeException e) {
        log.error("the {} detector failed at sync point '{}'", check.word(), point.name(), e);
        out.add(Conflicts.of(check.word(), point.participants(), "detector",
            "the " + check.word() + " detector failed on these documents (" + e.getClass().getSimpleName()
                + "); this is a bug in Baton, see the master's log",
            "report the bug with the documents of this sync point; meanwhile check them by hand"));
      }
    }
    return Conflicts.sorted(out);
  }
}
