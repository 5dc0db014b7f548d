package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.runtime.orchestrator.Specialisations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code baton droids list|validate}, run in process. */
class DroidsCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run baton(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Baton.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path write(String file, String text) throws Exception {
    Path path = dir.resolve(file);
    Files.createDirectories(path.getParent());
    return Files.writeString(path, text);
  }

  @Test
  void listsTheBuiltInDroidsOfEveryDomain() {
    Run run = baton("droids", "list", "--width", "100");

    assertThat(run.exitCode()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).startsWith("NAME").contains("DOMAIN/SOURCE", "RUNNER", "MODEL", "EXPERTISE", "DESCRIPTION");
    // The four domains' seed droids (the class path of these tests may hold the runtime's sample domain too).
    assertThat(lines).filteredOn(l -> l.matches(".*\\b(frontend|backend|devops|testing) \\(built-in\\).*"))
        .hasSize(4 + 5 + 4 + 4);
    assertThat(run.out()).contains("backend-architect", "frontend-developer", "devops-specialist", "test-automator");
    assertThat(lines).filteredOn(l -> l.startsWith("ui-ux-designer ")).singleElement().satisfies(l -> {
      assertThat(l).contains("frontend (built-in)", "inherit", " 14 ");
      assertThat(l.length()).isLessThanOrEqualTo(100);
    });
  }

  @Test
  void listsOneDomainsPoolMergedWithADirectory() throws Exception {
    write("droids/frontend-developer.md", "---\nname: frontend-developer\ndescription: ours\nrunner: claude\n"
        + "model: sonnet\nexpertise: [svelte]\n---\nBuild our Svelte UI.\n");

    Run run = baton("droids", "list", dir.resolve("droids").toString(), "--domain", "frontend");

    assertThat(run.exitCode()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines).hasSize(1 + 4);
    assertThat(lines[1]).startsWith("frontend-developer ")
        .contains(dir.resolve("droids/frontend-developer.md").toString(), "claude", "sonnet", "ours");
    assertThat(lines[2]).startsWith("ui-ux-designer ").contains("frontend (built-in)");
  }

  @Test
  void readsARepositorysFactoryAndClaudeDirectories() throws Exception {
    write(".factory/droids/a.md", "---\nname: a\ndescription: factory droid\n---\nPrompt.\n");
    write(".claude/agents/b.md", "---\nname: b\ndescription: claude agent\ntools: Read, Grep\n---\nPrompt.\n");

    Run list = baton("droids", "list", dir.toString());
    Run validate = baton("droids", "validate", dir.toString());

    assertThat(list.out()).contains("factory droid", "claude agent", ".factory/droids/a.md", ".claude/agents/b.md");
    assertThat(validate.exitCode()).isZero();
    assertThat(validate.out()).isEqualTo("ok: 2 definitions\n");
  }

  @Test
  void validatesTheBuiltInDroids() {
    Run run = baton("droids", "validate");

    assertThat(run.exitCode()).isZero();
    int builtIn = Specialisations.all().stream().mapToInt(sp -> sp.profile().droids().size()).sum();
    assertThat(builtIn).isGreaterThanOrEqualTo(17);
    assertThat(run.out()).isEqualTo("ok: " + builtIn + " definitions\n");
  }

  @Test
  void refusesTheFirstBadFileWithExitTwoAndOneLine() throws Exception {
    Path bad = write(".factory/droids/api.md", "---\nname: api\ndescription: " + "x".repeat(612) + "\n---\nP.\n");

    Run run = baton("droids", "validate", dir.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("baton: " + bad + ":3: description: 612 characters (expected: at most 500)\n");
  }

  @Test
  void theOrchestratorRefusesABadDroidsDirectoryBeforeServing() throws Exception {
    Path bad = write("droids/x.md", "---\nname: x\ndescripton: typo\n---\nP.\n");

    Run run = baton("orchestrator", "--domain", "frontend", "--master", "127.0.0.1:1",
        "--droids", dir.resolve("droids").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("baton: " + bad + ":3: descripton: unknown field (expected one of: name,")
        .endsWith("; did you mean 'description'?\n");
  }

  @Test
  void refusesADirectoryThatDoesNotExist() {
    Run run = baton("droids", "validate", dir.resolve("nope").toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.err()).isEqualTo("baton: " + dir.resolve("nope") + ": no such directory (expected: a directory of"
        + " droid definition *.md files, or a repository root)\n");
  }
}
