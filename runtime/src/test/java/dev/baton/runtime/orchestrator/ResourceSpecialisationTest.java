package dev.baton.runtime.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceSpecialisationTest {
  private static final String VALID = """
      domain: data
      name: Data Orchestrator
      frameworks: [dbt]
      platforms: []
      expertise: [Analytics]
      domainExpertise: [Pipelines]
      maxConcurrentTasks: 3
      complexity: simple
      droids: [analyst]
      documents:
        - kind: test_report
          name: [report]
      """;
  private static final String ANALYST = "---\nname: analyst\ndescription: analyses\nexpertise: [sql]\n---\nAnalyse.\n";

  @TempDir Path dir;

  /** A jar with directory entries, as Maven's jar and shade plugins write them. */
  private Path jar(Map<String, String> files) throws Exception {
    Path jar = dir.resolve("data-orch.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String folder : List.of("baton/", "baton/orchestrators/", "baton/orchestrators/data/",
          "baton/orchestrators/data/droids/")) {
        out.putNextEntry(new JarEntry(folder));
        out.closeEntry();
      }
      for (var e : new java.util.TreeMap<>(files).entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  private static <T> T withClassPath(Path jar, java.util.function.Supplier<T> action) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, before)) {
      thread.setContextClassLoader(loader);
      return action.get();
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Test
  void findsADomainShippedInAJarByScanningTheClassPath() throws Exception {
    Path jar = jar(Map.of(
        "baton/orchestrators/data/orchestrator.yaml", VALID,
        "baton/orchestrators/data/droids/analyst.md", ANALYST));

    List<String> domains = withClassPath(jar, Specialisations::domains);
    Specialisation data = withClassPath(jar, () -> Specialisations.find("data"));

    assertThat(domains).containsExactly("data", "sample");
    assertThat(data.profile().name()).isEqualTo("Data Orchestrator");
    assertThat(data.profile().complexity()).isEqualTo(Complexity.SIMPLE);
    assertThat(data.profile().droids().list()).extracting(DroidDefinition::source)
        .containsExactly("builtin:data/analyst.md");
    assertThat(data.classify(new ProducedDocument("t", "report.txt", "text/plain", "")))
        .isEqualTo(DocumentKind.TEST_REPORT);
  }

  @Test
  void keepsTheRulesInTheirOrderOfPrecedence() {
    Specialisation sample = Specialisations.find("sample");

    assertThat(sample.classify(new ProducedDocument("t", "openapi.yaml", "", "<testsuite name='x'>")))
        .isEqualTo(DocumentKind.API_IMPLEMENTATION);
    assertThat(sample.classify(new ProducedDocument("t", "junit.xml", "", "<testsuite name='x'>")))
        .isEqualTo(DocumentKind.TEST_REPORT);
    assertThat(sample.classify(new ProducedDocument("t", "notes.md", "", "")))
        .isEqualTo(DocumentKind.DELIVERABLE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown field      | colour: red                                   | o.yaml:13: colour: unknown field (expected one of: complexity, documents, domain, domainExpertise, droids, expertise, frameworks, maxConcurrentTasks, name, platforms)",
    "bad complexity     | complexity: huge                              | o.yaml: complexity: 'huge' (expected: simple, medium or complex)",
    "zero capacity      | maxConcurrentTasks: 0                         | o.yaml: maxConcurrentTasks: 0 (expected: >= 1)",
    "bad kind           | documents: [{kind: api, name: [x]}]           | o.yaml: documents[0].kind: 'api' (expected one of: api_contract,",
    "rule without match | documents: [{kind: test_report}]              | o.yaml: documents[0]: neither name nor content",
    "rule with both     | documents: [{kind: test_report, name: [a], content: [b]}] | o.yaml: documents[0]: both name and content",
  })
  void refusesABadDescriptorNamingTheField(String what, String replacement, String message) {
    String key = replacement.substring(0, replacement.indexOf(':'));
    String yaml = VALID.lines().filter(l -> !l.startsWith(key + ":") && !(key.equals("documents") && l.startsWith("  ")))
        .reduce("", (a, l) -> a + l + "\n") + replacement + "\n";

    assertThatThrownBy(() -> ResourceSpecialisation.of("o.yaml", ResourceSpecialisation.read("o.yaml", yaml),
        DroidDefinitions.of(List.of(DroidDefinition.builtIn("analyst", "", List.of())))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void refusesADomainWhoseListedDroidIsMissingOrMisnamed() throws Exception {
    Path missing = jar(Map.of("baton/orchestrators/data/orchestrator.yaml", VALID));
    Files.move(missing, dir.resolve("missing.jar"));
    Path misnamed = jar(Map.of(
        "baton/orchestrators/data/orchestrator.yaml", VALID,
        "baton/orchestrators/data/droids/analyst.md", ANALYST.replace("name: analyst", "name: analyser")));

    assertThatThrownBy(() -> withClassPath(dir.resolve("missing.jar"), () -> Specialisations.find("data")))
        .hasMessage("builtin:data/analyst.md: not on the class path (expected: baton/orchestrators/data/droids/analyst.md"
            + " next to the orchestrator.yaml that lists it)");
    assertThatThrownBy(() -> withClassPath(misnamed, () -> Specialisations.find("data")))
        .hasMessage("builtin:data/analyst.md: name: 'analyser' in a file listed as 'analyst' (expected: the file"
            + " name and the name field agree)");
  }
}
