package dev.baton.runtime.execution;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import dev.baton.runtime.server.BatonException;
import dev.baton.runtime.text.Words;
import dev.baton.v1.DelegationPackage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the droid for a task: the one the plan names, else the one whose expertise keywords best
 * fit the task's text (description, requirements, expected deliverables).
 *
 * <p>A keyword scores its number of words when every one of its words occurs in the text, so a
 * specific phrase ("state management") beats a vague word ("ui"). A keyword word matches a text word
 * it begins ("component" matches "components"). Ties go to the droid listed first, so the
 * specialisation lists its generalist first and the choice is deterministic.
 */
public final class DroidSelector {
  private final Map<String, List<List<String>>> keywordsByDroid = new LinkedHashMap<>();
  private final DroidDefinitions pool;

  /** Chooses from {@code pool} (the sub-orchestrator's merged pool), in its order. */
  public DroidSelector(DroidDefinitions pool) {
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("droids: [] (expected: at least one droid)");
    }
    this.pool = pool;
    for (DroidDefinition droid : pool) {
      keywordsByDroid.put(droid.name(), droid.expertise().stream().map(Words::of).filter(w -> !w.isEmpty()).toList());
    }
  }

  /** {@code expertiseByDroid} in the pool's order (a {@link LinkedHashMap}), as built-in definitions. */
  public DroidSelector(Map<String, List<String>> expertiseByDroid) {
    this(DroidDefinitions.of(expertiseByDroid.entrySet().stream()
        .map(e -> DroidDefinition.builtIn(e.getKey(), "", e.getValue())).toList()));
  }

  public List<String> droids() {
    return List.copyOf(keywordsByDroid.keySet());
  }

  /** The pool this selector chooses from; {@code pool().find(select(...))} is the chosen definition. */
  public DroidDefinitions pool() {
    return pool;
  }

  /** The droid for the delegation; INVALID_ARGUMENT naming the droids when the plan names an unknown one. */
  public String select(DelegationPackage delegation) {
    String named = delegation.getDroid();
    if (!named.isBlank()) {
      if (!keywordsByDroid.containsKey(named) && !delegation.hasRepository()) {
        // With a repository the droid may be defined there (.factory/droids, .claude/agents): the
        // task's pipeline looks for it in the worktree and fails the task if it is not.
        throw BatonException.invalidArgument(
            "droid: unknown droid '" + named + "' (expected one of: "
                + String.join(", ", keywordsByDroid.keySet()) + ")");
      }
      return named;
    }
    List<String> text = new ArrayList<>(Words.of(delegation.getTaskDescription()));
    delegation.getRequirementsList().forEach(r -> text.addAll(Words.of(r)));
    delegation.getExpectedDeliverablesList().forEach(d -> text.addAll(Words.of(d)));
    return best(Set.copyOf(text));
  }

  /** Scores of every droid for a text; exposed for tests and for explaining a choice. */
  public Map<String, Integer> scores(String text) {
    Set<String> words = Set.copyOf(Words.of(text));
    Map<String, Integer> scores = new LinkedHashMap<>();
    keywordsByDroid.forEach((droid, keywords) -> scores.put(droid, score(keywords, words)));
    return scores;
  }

  private String best(Set<String> text) {
    String best = null;
    int bestScore = -1;
    for (Map.Entry<String, List<List<String>>> entry : keywordsByDroid.entrySet()) {
      int score = score(entry.getValue(), text);
      if (score > bestScore) {
        best = entry.getKey();
        bestScore = score;
      }
    }
    return best;
  }

  // Plain loops, no streams: this runs for every delegation, under the execution manager's lock.
  private static int score(List<List<String>> keywords, Set<String> text) {
    int score = 0;
    for (List<String> keyword : keywords) {
      boolean all = true;
      for (String word : keyword) {
        if (!occurs(word, text)) {
          all = false;
          break;
        }
      }
      if (all) {
        score += keyword.size();
      }
    }
    return score;
  }

  private static boolean occurs(String keywordWord, Set<String> text) {
    if (text.contains(keywordWord)) {
      return true;
    }
    // Prefix matching only for words long enough not to match everything ("ui" must not match "uid").
    if (keywordWord.length() < 4) {
      return false;
    }
    for (String w : text) {
      if (w.startsWith(keywordWord)) {
        return true;
      }
    }
    return false;
  }
}
