package dev.baton.runtime.droid.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.droid.definition.DroidDefinition.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DroidDefinitionsTest {
  private static final DroidDefinitions BUILT_IN = DroidDefinitions.of(List.of(
      DroidDefinition.builtIn("generalist", "does anything", List.of("anything")),
      DroidDefinition.builtIn("reviewer", "built-in reviewer", List.of("review"))));

  @TempDir Path dir;

  private Path write(Path directory, String file, String name, String extra) throws Exception {
    Files.createDirectories(directory);
    return Files.writeString(directory.resolve(file),
        "---\nname: " + name + "\ndescription: " + name + " from " + directory.getFileName() + "\n" + extra
            + "---\nYou are " + name + ".\n");
  }

  @Test
  void readsTheMarkdownFilesOfADirectoryInFileNameOrderAndNothingBelowIt() throws Exception {
    DroidDefinitions repo = DroidDefinitions.load(DroidDefinitionParserTest.repo().resolve(".claude/agents"));

    assertThat(repo.names()).containsExactly("reviewer");

    write(dir, "b.md", "bravo", "");
    write(dir, "a.md", "alpha", "");
    Files.writeString(dir.resolve("README.txt"), "not a droid");
    write(dir.resolve("sub"), "c.md", "charlie", "");

    assertThat(DroidDefinitions.load(dir).names()).containsExactly("alpha", "bravo");
  }

  @Test
  void refusesTwoFilesWithOneNameInADirectoryNamingBoth() throws Exception {
    write(dir, "a.md", "same", "");
    Path second = write(dir, "b.md", "same", "");

    assertThatThrownBy(() -> DroidDefinitions.load(dir))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessage(second + ":1: name: 'same' is also the name in " + dir.resolve("a.md")
            + " (expected: one definition per name in a directory; rename or delete one)");
  }

  @Test
  void refusesADroidsDirectoryThatDoesNotExist() {
    assertThatThrownBy(() -> DroidDefinitions.load(dir.resolve("missing")))
        .hasMessage(dir.resolve("missing") + ": no such directory (expected: a directory of droid definition *.md files)");
  }

  @Test
  void laterSourcesOverrideEarlierOnesByNameKeepingTheirPlace() throws Exception {
    Path droidsDir = dir.resolve("droids");
    write(droidsDir, "reviewer.md", "reviewer", "");
    write(droidsDir, "writer.md", "writer", "");
    Path repo = dir.resolve("repo");
    write(repo.resolve(".factory/droids"), "writer.md", "writer", "");
    write(repo.resolve(".factory/droids"), "tester.md", "tester", "");
    write(repo.resolve(".claude/agents"), "tester.md", "tester", "");

    DroidSources sources = DroidSources.of(BUILT_IN, droidsDir);
    DroidDefinitions task = sources.forRepository(repo);

    assertThat(sources.pool().names()).containsExactly("generalist", "reviewer", "writer");
    assertThat(sources.pool().find("reviewer").orElseThrow().source()).isEqualTo(droidsDir.resolve("reviewer.md").toString());
    assertThat(task.names()).containsExactly("generalist", "reviewer", "writer", "tester");
    assertThat(task.find("generalist").orElseThrow().format()).isEqualTo(Format.BUILT_IN);
    assertThat(task.find("writer").orElseThrow().description()).isEqualTo("writer from droids");
    assertThat(task.find("writer").orElseThrow().format()).isEqualTo(Format.FACTORY);
    assertThat(task.find("tester").orElseThrow().format()).isEqualTo(Format.CLAUDE);
    assertThat(task.find("tester").orElseThrow().source()).endsWith(".claude/agents/tester.md");
  }

  @Test
  void aRepositoryWithoutDefinitionsKeepsThePool() {
    DroidSources sources = DroidSources.of(BUILT_IN, null);

    assertThat(sources.forRepository(dir)).isEqualTo(BUILT_IN);
  }

  @Test
  void aBadFileInTheRepositoryIsReportedNotSkipped() throws Exception {
    write(dir.resolve(".claude/agents"), "bad.md", "bad", "maxTurns: -1\n");

    assertThatThrownBy(() -> DroidSources.of(BUILT_IN, null).forRepository(dir))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessage(dir.resolve(".claude/agents/bad.md") + ":4: maxTurns: a number -1 (expected: a whole number >= 1)");
  }

  @Test
  void readsBuiltInsFromTheClassPathInTheListedOrder() {
    DroidDefinitions pool = DroidDefinitions.fromResources(getClass().getClassLoader(),
        "definitions/repo/.factory/droids", "sample", List.of("reviewer", "api-designer"));

    assertThat(pool.names()).containsExactly("reviewer", "api-designer");
    assertThat(pool.list()).extracting(DroidDefinition::source)
        .containsExactly("builtin:sample/reviewer.md", "builtin:sample/api-designer.md");
    assertThatThrownBy(() -> DroidDefinitions.fromResources(getClass().getClassLoader(),
        "definitions/repo/.factory/droids", "sample", List.of("writer")))
        .hasMessage("builtin:sample/writer.md: not on the class path (expected:"
            + " definitions/repo/.factory/droids/writer.md next to the orchestrator.yaml that lists it)");
  }

  @Test
  void refusesAPoolWithARepeatedName() {
    DroidDefinition one = DroidDefinition.builtIn("same", "", List.of());

    assertThatThrownBy(() -> DroidDefinitions.of(List.of(one, one)))
        .hasMessage("droids: 'same' twice (builtin:same and builtin:same; expected: unique names)");
  }
}
