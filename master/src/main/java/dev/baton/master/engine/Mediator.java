package dev.baton.master.engine;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.MessagePayload;
import dev.baton.v1.MessageType;
import dev.baton.v1.Priority;
import dev.baton.v1.SharedDocument;
import dev.baton.v1.SharedState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The master's mediation of a sync point's conflicts, as pure functions of the plan, the conflicts
 * and the documents that arrived: who must change (the point's policy per check), the remediation
 * task each changing domain gets, and the conflict_notification the parties receive.
 *
 * <p>A conflict's parties list the consuming or needing side first and the providing side last
 * (docs/shared-documents.md). {@code provider_wins} makes the provider's document authoritative, so
 * every other party changes; {@code consumer_wins} makes the provider change; {@code ask} changes
 * nobody. A {@code document} conflict (missing or unreadable) is always fixed by its publisher.
 */
final class Mediator {
  /** Plan time a remediation task is estimated at (the sim droid takes it x the time scale). */
  static final Duration REMEDIATION_ESTIMATE = Duration.ofMinutes(10);
  static final Duration REMEDIATION_TIMEOUT = Duration.ofMinutes(30);

  private Mediator() {}

  /** The conflict with {@code must_change} and {@code policy} filled in (must_change empty under ask). */
  static CrossOrchestratorConflict decide(PlanModel.SyncPoint point, CrossOrchestratorConflict c) {
    List<String> parties = c.getPartiesList();
    Optional<PlanModel.Check> check = check(c.getCheck());
    if (check.isEmpty() || parties.size() < 2) {
      return c.toBuilder().setMustChange(parties.isEmpty() ? "" : parties.get(0)).setPolicy("publisher_fixes").build();
    }
    PlanModel.MediationPolicy policy = point.mediation().policy(check.get());
    String provider = parties.get(parties.size() - 1);
    String changes = switch (policy) {
      case PROVIDER_WINS -> String.join(",", new LinkedHashSet<>(parties.subList(0, parties.size() - 1)));
      case CONSUMER_WINS -> provider;
      case ASK -> "";
    };
    return c.toBuilder().setMustChange(changes).setPolicy(policy.word()).build();
  }

  /** Domains that must change, in first-seen order, each with its conflicts. */
  static Map<String, List<CrossOrchestratorConflict>> byChangingDomain(List<CrossOrchestratorConflict> decided) {
    Map<String, List<CrossOrchestratorConflict>> out = new LinkedHashMap<>();
    for (CrossOrchestratorConflict c : decided) {
      for (String d : c.getMustChange().split(",")) {
        if (!d.isBlank()) {
          out.computeIfAbsent(d, k -> new ArrayList<>()).add(c);
        }
      }
    }
    return out;
  }

  /**
   * The remediation task for one changing domain: its requirements are the conflicts, it depends on
   * the tasks that produced the authoritative documents (so they reach the droid as shared
   * artifacts), and its simulation writes the corrected documents the plan gives in
   * {@code simulate.remediation} of the tasks that produced the changing domain's documents.
   */
  static PlanModel.Task remediation(PlanModel.Plan plan, PlanModel.SyncPoint point, int round, String domain,
      List<CrossOrchestratorConflict> conflicts, List<SharedState> states, int index) {
    Set<String> kinds = new LinkedHashSet<>();
    for (CrossOrchestratorConflict c : conflicts) {
      kinds.addAll(kinds(c.getCheck(), point));
    }
    Map<String, String> corrections = new TreeMap<>();
    List<String> changing = new ArrayList<>();
    Set<String> authoritativeTasks = new LinkedHashSet<>();
    List<String> authoritative = new ArrayList<>();
    Set<String> otherParties = new LinkedHashSet<>();
    conflicts.forEach(c -> otherParties.addAll(c.getPartiesList()));
    otherParties.remove(domain);
    for (SharedState s : states) {
      for (SharedDocument d : s.getDocumentsList()) {
        if (!kinds.contains(d.getKind())) {
          continue;
        }
        if (s.getDomain().equals(domain)) {
          if (!changing.contains(d.getName())) {
            changing.add(d.getName());
          }
          producer(plan, domain, d).map(t -> t.simulation().remediation().get(d.getName()))
              .ifPresent(fixed -> corrections.put(d.getName(), fixed));
        } else if (otherParties.contains(s.getDomain()) && producer(plan, s.getDomain(), d).isPresent()) {
          authoritativeTasks.add(producer(plan, s.getDomain(), d).get().id());
          String label = s.getDomain() + "'s " + d.getName();
          if (!authoritative.contains(label)) {
            authoritative.add(label);
          }
        }
      }
    }
    List<String> requirements = new ArrayList<>();
    for (CrossOrchestratorConflict c : conflicts) {
      requirements.add(c.getCheck() + " at " + c.getLocation() + ": " + c.getDescription()
          + (c.getSuggestedFix().isEmpty() ? "" : " Fix: " + c.getSuggestedFix()));
    }
    String policy = conflicts.get(0).getPolicy();
    List<String> constraints = authoritative.isEmpty() ? List.of()
        : List.of("authoritative (" + policy + "): " + String.join(", ", authoritative)
            + "; change only " + domain + "'s documents");
    String description = "Resolve " + conflicts.size() + " conflict(s) found at sync point '" + point.name()
        + "' (round " + round + "): update " + (changing.isEmpty() ? domain + "'s documents" : String.join(", ", changing))
        + (authoritative.isEmpty() ? "" : " to agree with " + String.join(", ", authoritative));
    String id = slug(point.name()) + "-fix-" + round + "-" + domain;
    PlanModel.Routing routing = new PlanModel.Routing(domain,
        "remediation of sync point '" + point.name() + "' (round " + round + ")", true, 1.0);
    return new PlanModel.Task(id, index, description, domain, routing, Optional.empty(), REMEDIATION_ESTIMATE,
        PlanModel.Priority.HIGH, List.copyOf(authoritativeTasks), List.copyOf(requirements), constraints,
        List.copyOf(changing), Optional.empty(), REMEDIATION_TIMEOUT,
        new PlanModel.Simulation(0, false, Map.copyOf(corrections)));
  }

  /** The conflict_notification the parties of a point get over their Coordinate streams. */
  static CrossOrchestratorMessage notification(String planId, PlanModel.SyncPoint point, int round, String to,
      List<CrossOrchestratorConflict> conflicts, List<String> remediationTasks, Instant now) {
    ListValue.Builder list = ListValue.newBuilder();
    for (CrossOrchestratorConflict c : conflicts) {
      ListValue.Builder parties = ListValue.newBuilder();
      c.getPartiesList().forEach(p -> parties.addValues(str(p)));
      list.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields("check", str(c.getCheck()))
          .putFields("parties", Value.newBuilder().setListValue(parties).build())
          .putFields("location", str(c.getLocation()))
          .putFields("description", str(c.getDescription()))
          .putFields("suggestedFix", str(c.getSuggestedFix()))
          .putFields("mustChange", str(c.getMustChange()))
          .putFields("policy", str(c.getPolicy()))));
    }
    ListValue.Builder tasks = ListValue.newBuilder();
    remediationTasks.forEach(t -> tasks.addValues(str(t)));
    Struct content = Struct.newBuilder()
        .putFields("planId", str(planId))
        .putFields("syncPoint", str(point.name()))
        .putFields("round", Value.newBuilder().setNumberValue(round).build())
        .putFields("conflicts", Value.newBuilder().setListValue(list).build())
        .putFields("remediationTasks", Value.newBuilder().setListValue(tasks).build())
        .build();
    return CrossOrchestratorMessage.newBuilder()
        .setType(MessageType.MESSAGE_TYPE_CONFLICT_NOTIFICATION)
        .setFromOrchestrator("master")
        .setToOrchestrator(to)
        .setPayload(MessagePayload.newBuilder()
            .setSubject(conflicts.size() + " conflict(s) at sync point '" + point.name() + "' (round " + round + ")")
            .setContent(content)
            .setUrgency(Priority.PRIORITY_HIGH))
        .setCorrelationId(planId + "/" + point.name() + "/" + round)
        .setTimestamp(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .build();
  }

  /** Domains a check needs documents from, among the point's participants. */
  static List<String> domainsOf(PlanModel.Check check) {
    return switch (check) {
      case API_CONTRACT -> List.of("frontend", "backend");
      case INFRASTRUCTURE -> List.of("backend", "devops");
      case DEPLOYMENT -> List.of("devops");
    };
  }

  static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "sync" : s;
  }

  private static Set<String> kinds(String check, PlanModel.SyncPoint point) {
    return switch (check) {
      case "api_contract" -> Set.of("api_contract", "api_implementation");
      case "infrastructure" -> Set.of("infrastructure_needs", "infrastructure_provisions");
      case "deployment" -> Set.of("deployment_config", "deployment_strategy");
      default -> {
        Set<String> all = new LinkedHashSet<>();
        point.checks().forEach(c -> all.addAll(kinds(c.word(), point)));
        yield all;
      }
    };
  }

  private static Optional<PlanModel.Check> check(String word) {
    for (PlanModel.Check c : PlanModel.Check.values()) {
      if (c.word().equals(word)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * The plan task that produced the document: the one it names, else (a document a remediation
   * task rewrote) the domain's plan task whose {@code simulate.documents} holds that name.
   */
  private static Optional<PlanModel.Task> producer(PlanModel.Plan plan, String domain, SharedDocument d) {
    Optional<PlanModel.Task> named = plan.tasks().stream().filter(t -> t.id().equals(d.getProducedByTask())).findFirst();
    if (named.isPresent()) {
      return named;
    }
    return plan.tasks().stream()
        .filter(t -> t.domain().equals(domain) && t.simulation().documents().containsKey(d.getName())).findFirst();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s == null ? "" : s).build();
  }
}
