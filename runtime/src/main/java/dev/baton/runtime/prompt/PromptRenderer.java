package dev.baton.runtime.prompt;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.v1.DelegationContext;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.IntegrationPoint;
import dev.baton.v1.Remediation;
import dev.baton.v1.SharedArtifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a task's prompt from its {@link DelegationPackage} with a Mustache template: the built-in
 * {@code baton/prompt.mustache}, or an operator's file ({@code --prompt-template}). The rendered
 * prompt goes to the agent and is kept in the result for audit.
 *
 * <p>The model handed to the template is documented in docs/agents.md; every list has a
 * {@code hasX} flag so a template can leave out a heading with nothing under it. Values are not
 * HTML-escaped (a prompt is plain text). A prompt is bounded to {@value #MAX_PROMPT_CHARS}
 * characters: longer shared artifacts are cut first.
 */
public final class PromptRenderer {
  /** The prompt's bound, in characters. */
  public static final int MAX_PROMPT_CHARS = 64 * 1024;
  /** An artifact's content is cut to this many characters in the prompt. */
  static final int MAX_ARTIFACT_CHARS = 12 * 1024;

  private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false).emptyStringIsFalse(true).defaultValue("");

  private final Template template;
  private final String source;

  private PromptRenderer(Template template, String source) {
    this.template = template;
    this.source = source;
  }

  /** The built-in template. */
  public static PromptRenderer builtIn() {
    try (InputStream in = PromptRenderer.class.getResourceAsStream("/baton/prompt.mustache")) {
      if (in == null) {
        throw new IllegalStateException("baton/prompt.mustache is missing from the class path");
      }
      return new PromptRenderer(COMPILER.compile(new String(in.readAllBytes(), StandardCharsets.UTF_8)),
          "builtin:baton/prompt.mustache");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An operator's template file; {@link IllegalArgumentException} naming the file and the problem
   * when it cannot be read or compiled.
   */
  public static PromptRenderer fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("--prompt-template: cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return new PromptRenderer(COMPILER.compile(text), file.toString());
    } catch (MustacheException e) {
      throw new IllegalArgumentException("--prompt-template: " + file + ": " + e.getMessage()
          + " (expected: a Mustache template; see docs/agents.md)", e);
    }
  }

  /** Where the template came from. */
  public String source() {
    return source;
  }

  /** The task's prompt for the droid. */
  public String render(DelegationPackage delegation, DroidDefinition droid) {
    String prompt;
    try {
      prompt = template.execute(model(delegation, droid));
    } catch (MustacheException e) {
      throw new IllegalArgumentException("prompt template " + source + ": " + e.getMessage(), e);
    }
    if (prompt.length() > MAX_PROMPT_CHARS) {
      prompt = prompt.substring(0, MAX_PROMPT_CHARS - 40) + "\n[prompt cut at " + MAX_PROMPT_CHARS + " characters]\n";
    }
    return prompt;
  }

  /** The template's model: plain maps and lists. */
  static Map<String, Object> model(DelegationPackage d, DroidDefinition droid) {
    Map<String, Object> m = new HashMap<>();
    m.put("droid", Map.of("name", droid.name(), "description", droid.description()));
    m.put("planId", d.getPlanId());
    m.put("taskId", d.getTaskId());
    m.put("attempt", d.getAttempt());
    m.put("description", d.getTaskDescription());
    list(m, "requirements", d.getRequirementsList());
    list(m, "constraints", d.getConstraintsList());
    list(m, "deliverables", d.getExpectedDeliverablesList());
    List<Map<String, Object>> publishes = new ArrayList<>();
    d.getPublishesMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> publishes.add(Map.of("name", e.getKey(), "path", e.getValue())));
    list(m, "publishes", publishes);
    DelegationContext c = d.getContext();
    Map<String, Object> context = new HashMap<>();
    context.put("project", c.getProjectContext());
    joined(context, "techStack", c.getTechnicalStackList());
    joined(context, "designDecisions", c.getDesignDecisionsList());
    joined(context, "qualityRequirements", c.getQualityRequirementsList());
    m.put("context", context);
    m.put("hasContext", !c.getProjectContext().isEmpty() || c.getTechnicalStackCount() > 0
        || c.getDesignDecisionsCount() > 0 || c.getQualityRequirementsCount() > 0);
    List<Map<String, Object>> dependencies = new ArrayList<>();
    for (String id : d.getDependenciesList()) {
      dependencies.add(Map.of("id", id, "commit", d.getDependencyCommitsOrDefault(id, "")));
    }
    list(m, "dependencies", dependencies);
    List<Map<String, Object>> artifacts = new ArrayList<>();
    for (SharedArtifact a : c.getSharedArtifactsList()) {
      artifacts.add(artifact(a));
    }
    list(m, "artifacts", artifacts);
    List<Map<String, Object>> points = new ArrayList<>();
    for (IntegrationPoint p : c.getIntegrationPointsList()) {
      points.add(Map.of("name", p.getName(), "orchestrators", String.join(", ", p.getOrchestratorsList()),
          "description", p.getDescription()));
    }
    list(m, "integrationPoints", points);
    if (d.hasRemediation()) {
      Remediation r = d.getRemediation();
      Map<String, Object> remediation = new HashMap<>();
      remediation.put("syncPoint", r.getSyncPoint());
      remediation.put("round", r.getRound());
      list(remediation, "conflicts", r.getConflictsList());
      list(remediation, "files", r.getFilesList());
      remediation.put("authoritative", r.getAuthoritativeList().stream().map(PromptRenderer::artifact).toList());
      m.put("remediation", remediation);
    }
    m.put("previousAttemptOutput", d.getPreviousAttemptOutput());
    if (d.hasRepository()) {
      m.put("repository", Map.of(
          "taskBranch", d.getRepository().getTaskBranch(),
          "integrationBranch", d.getRepository().getIntegrationBranch(),
          "baseCommit", d.getRepository().getBaseCommit()));
    }
    m.put("verify", d.getVerify());
    return m;
  }

  private static Map<String, Object> artifact(SharedArtifact a) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", a.getName());
    out.put("producedBy", a.getProducedByTask());
    out.put("orchestrator", a.getOrchestrator());
    out.put("location", a.getLocation());
    String content = a.getContent();
    if (content.length() > MAX_ARTIFACT_CHARS) {
      content = content.substring(0, MAX_ARTIFACT_CHARS) + "\n[cut at " + MAX_ARTIFACT_CHARS + " characters]";
    }
    out.put("content", content);
    return out;
  }

  private static void list(Map<String, Object> m, String name, List<?> values) {
    m.put(name, values);
    m.put("has" + Character.toUpperCase(name.charAt(0)) + name.substring(1), !values.isEmpty());
  }

  private static void joined(Map<String, Object> m, String name, List<String> values) {
    m.put(name, String.join(", ", values));
    m.put("has" + Character.toUpperCase(name.charAt(0)) + name.substring(1), !values.isEmpty());
  }
}
