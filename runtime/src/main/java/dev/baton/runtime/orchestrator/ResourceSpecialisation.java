package dev.baton.runtime.orchestrator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A specialisation that is data: {@code baton/orchestrators/<domain>/orchestrator.yaml} on the class
 * path (descriptor, droid order, document rules) and {@code droids/<name>.md} beside it, one droid
 * definition per file. Every *-orch module is such a pair of resources; a new domain needs no code.
 */
public final class ResourceSpecialisation implements Specialisation {
  /** Class-path folder holding one folder per domain. */
  public static final String ROOT = "baton/orchestrators";
  static final String FILE = "orchestrator.yaml";
  private static final int MAX_BYTES = 64 * 1024;
  private static final ObjectMapper MAPPER = mapper();

  private final SpecialisationProfile profile;
  private final DocumentRules rules;

  ResourceSpecialisation(SpecialisationProfile profile, DocumentRules rules) {
    this.profile = profile;
    this.rules = rules;
  }

  /** What orchestrator.yaml holds; field names are its keys. */
  record OrchestratorFile(
      String domain,
      String name,
      List<String> frameworks,
      List<String> platforms,
      List<String> expertise,
      List<String> domainExpertise,
      int maxConcurrentTasks,
      String complexity,
      List<String> droids,
      List<Rule> documents) {}

  /** One classification rule: a kind and the fragments of its name or of its content's start. */
  record Rule(String kind, List<String> name, List<String> content) {}

  private static ObjectMapper mapper() {
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit(MAX_BYTES);
    loader.setNestingDepthLimit(10);
    loader.setMaxAliasesForCollections(0);
    YAMLFactory factory = YAMLFactory.builder()
        .loaderOptions(loader)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(10).build())
        .build();
    return new ObjectMapper(factory)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** Whether {@code domain} has an orchestrator.yaml on {@code loader}'s class path. */
  static boolean exists(ClassLoader loader, String domain) {
    return domain.matches("[a-z0-9-]+") && loader.getResource(ROOT + "/" + domain + "/" + FILE) != null;
  }

  /**
   * Reads {@code domain}'s resources.
   *
   * @throws IllegalArgumentException naming the resource, line and field of the first problem
   */
  public static ResourceSpecialisation load(ClassLoader loader, String domain) {
    String dir = ROOT + "/" + domain;
    String source = dir + "/" + FILE;
    String yaml;
    try (InputStream in = loader.getResourceAsStream(source)) {
      if (in == null) {
        throw new IllegalArgumentException(source + ": not on the class path (expected: a *-orch module that ships it)");
      }
      yaml = new String(in.readNBytes(MAX_BYTES + 1), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": cannot read: " + e, e);
    }
    if (yaml.length() > MAX_BYTES) {
      throw new IllegalArgumentException(source + ": larger than " + MAX_BYTES / 1024 + " KiB (expected: a descriptor)");
    }
    OrchestratorFile file = read(source, yaml);
    if (!domain.equals(file.domain())) {
      throw new IllegalArgumentException(source + ": domain: '" + file.domain() + "' (expected: '" + domain
          + "', the name of its folder)");
    }
    List<String> droids = file.droids() == null ? List.of() : file.droids();
    if (droids.isEmpty()) {
      throw new IllegalArgumentException(source + ": droids: missing (expected: the names of droids/<name>.md, the"
          + " generalist first)");
    }
    DroidDefinitions pool = DroidDefinitions.fromResources(loader, dir + "/droids", domain, droids);
    return of(source, file, pool);
  }

  static OrchestratorFile read(String source, String yaml) {
    try {
      OrchestratorFile file = MAPPER.readValue(yaml, OrchestratorFile.class);
      if (file == null) {
        throw new IllegalArgumentException(source + ": empty (expected: domain, name, ..., droids, documents)");
      }
      return file;
    } catch (UnrecognizedPropertyException e) {
      List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      throw new IllegalArgumentException(source + ":" + e.getLocation().getLineNr() + ": " + e.getPropertyName()
          + ": unknown field (expected one of: " + String.join(", ", known) + ")", e);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new IllegalArgumentException(source + (line > 0 ? ":" + line : "") + ": " + e.getOriginalMessage(), e);
    }
  }

  static ResourceSpecialisation of(String source, OrchestratorFile file, DroidDefinitions droids) {
    Complexity complexity;
    try {
      complexity = Complexity.valueOf(String.valueOf(file.complexity()).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": complexity: '" + file.complexity()
          + "' (expected: simple, medium or complex)", e);
    }
    SpecialisationProfile profile;
    try {
      profile = new SpecialisationProfile(file.domain(), file.name(), orEmpty(file.frameworks()),
          orEmpty(file.platforms()), orEmpty(file.expertise()), orEmpty(file.domainExpertise()),
          file.maxConcurrentTasks(), complexity, droids);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    return new ResourceSpecialisation(profile, rules(source, orEmpty(file.documents())));
  }

  private static DocumentRules rules(String source, List<Rule> rules) {
    DocumentRules.Builder builder = DocumentRules.builder();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      String where = source + ": documents[" + i + "]";
      DocumentKind kind;
      try {
        kind = DocumentKind.valueOf(String.valueOf(rule.kind()).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ".kind: '" + rule.kind() + "' (expected one of: "
            + String.join(", ", java.util.Arrays.stream(DocumentKind.values()).map(DocumentKind::wireName).toList())
            + ")", e);
      }
      boolean byName = rule.name() != null && !rule.name().isEmpty();
      boolean byContent = rule.content() != null && !rule.content().isEmpty();
      if (byName == byContent) {
        throw new IllegalArgumentException(where + ": " + (byName ? "both name and content" : "neither name nor content")
            + " (expected: exactly one list of fragments, matched in the document's name or its first 2 KiB)");
      }
      if (byName) {
        builder.name(kind, rule.name().toArray(String[]::new));
      } else {
        builder.content(kind, rule.content().toArray(String[]::new));
      }
    }
    return builder.build();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  @Override
  public SpecialisationProfile profile() {
    return profile;
  }

  @Override
  public DocumentKind classify(ProducedDocument document) {
    return rules.classify(document);
  }

  @Override
  public String toString() {
    return "ResourceSpecialisation[" + profile.domain() + "]";
  }
}
