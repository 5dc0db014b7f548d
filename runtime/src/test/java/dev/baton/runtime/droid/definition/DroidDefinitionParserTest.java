package dev.baton.runtime.droid.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.runtime.droid.definition.DroidDefinition.Format;
import dev.baton.v1.Budget;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DroidDefinitionParserTest {
  static Path repo() throws URISyntaxException {
    return Path.of(DroidDefinitionParserTest.class.getResource("/definitions/repo").toURI());
  }

  @Test
  void readsAFactoryDroidWithBatonsFields() throws Exception {
    Path file = repo().resolve(".factory/droids/api-designer.md");

    DroidDefinition d = DroidDefinitionParser.parse(file);

    assertThat(d.format()).isEqualTo(Format.FACTORY);
    assertThat(d.name()).isEqualTo("api-designer");
    assertThat(d.description()).isEqualTo("Designs HTTP APIs and writes their OpenAPI documents");
    assertThat(d.model()).isEqualTo("inherit");
    assertThat(d.reasoningEffort()).isEqualTo("high");
    assertThat(d.tools()).containsExactly("Read", "Grep", "Glob", "Edit", "Create");
    assertThat(d.runner()).isEqualTo("droid");
    assertThat(d.expertise()).containsExactly("api", "openapi", "rest design");
    assertThat(d.budget()).isEqualTo(Budget.newBuilder()
        .setUsd(2.5).setTokens(200_000).setTurns(40).setWallMillis(90 * 60_000L).build());
    assertThat(d.autonomy()).isEqualTo("medium");
    assertThat(d.systemPrompt()).isEqualTo("You design HTTP APIs.\n\nWrite the OpenAPI document first, then the handlers.");
    assertThat(d.source()).isEqualTo(file.toString());
  }

  @Test
  void readsAClaudeCodeAgent() throws Exception {
    DroidDefinition d = DroidDefinitionParser.parse(repo().resolve(".claude/agents/reviewer.md"));

    assertThat(d.format()).isEqualTo(Format.CLAUDE);
    assertThat(d.name()).isEqualTo("reviewer");
    assertThat(d.tools()).containsExactly("Read", "Grep", "Glob");
    assertThat(d.disallowedTools()).containsExactly("Bash", "Write");
    assertThat(d.model()).isEqualTo("sonnet");
    assertThat(d.permissionMode()).isEqualTo("plan");
    assertThat(d.maxTurns()).isEqualTo(12);
    assertThat(d.runner()).isEqualTo("claude");
    assertThat(d.expertise()).containsExactly("review", "code quality");
    assertThat(d.budget()).isEqualTo(Budget.getDefaultInstance());
    assertThat(d.systemPrompt()).startsWith("You review diffs.");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "repo/.factory/droids/a.md, FACTORY",
    "repo/.claude/agents/a.md,  CLAUDE",
    "repo/droids/a.md,          ",
    "repo/.claude/droids/a.md,  ",
    "a.md,                      ",
  })
  void theDirectoryDecidesTheFormat(String file, Format format) {
    assertThat(DroidDefinitionParser.formatOf(Path.of(file))).isEqualTo(java.util.Optional.ofNullable(format));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "only common fields                | name: a              | FACTORY",
    "a Factory field                   | reasoningEffort: low | FACTORY",
    "a Claude Code field               | maxTurns: 3          | CLAUDE",
    "Claude Code's display colour      | color: red           | CLAUDE",
  })
  void elsewhereTheFieldsDecideTheFormat(String what, String field, Format format) {
    String text = "---\nname: a\ndescription: d\n" + (field.startsWith("name") ? "" : field + "\n") + "---\nPrompt.\n";

    assertThat(DroidDefinitionParser.parse("a.md", text, null).format()).isEqualTo(format);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"90s, 90000", "30m, 1800000", "1h30m, 5400000", "2h, 7200000", "1h0m5s, 3605000"})
  void readsWallBudgetsAsDurationWords(String wall, long millis) {
    String text = "---\nname: a\nbudget:\n  wall: " + wall + "\n---\nPrompt.\n";

    assertThat(DroidDefinitionParser.parse("a.md", text, Format.FACTORY).budget().getWallMillis()).isEqualTo(millis);
  }

  static Stream<Arguments> refusals() {
    String longText = "x".repeat(612);
    return Stream.of(
        // file layout
        Arguments.of("no frontmatter", Format.FACTORY, "You are a droid.\n",
            "a.md:1: no YAML frontmatter (expected: a first line '---', YAML fields such as 'name: my-droid', a line"
                + " '---', then the system prompt)"),
        Arguments.of("unclosed frontmatter", Format.FACTORY, "---\nname: a\nPrompt.\n",
            "a.md:1: the frontmatter opened here is never closed (expected: a line '---' after the fields)"),
        Arguments.of("empty frontmatter", Format.FACTORY, "---\n---\nPrompt.\n",
            "a.md:1: the frontmatter is empty (expected: at least 'name: my-droid')"),
        Arguments.of("a list, not fields", Format.FACTORY, "---\n- a\n---\nPrompt.\n",
            "a.md:2: the frontmatter is a list, not fields (expected: 'key: value' lines)"),
        Arguments.of("empty body", Format.FACTORY, "---\nname: a\n---\n\n  \n",
            "a.md:4: body: empty (expected: the droid's system prompt after the closing '---')"),
        Arguments.of("bad YAML", Format.FACTORY, "---\nname: a\ndescription: [unclosed\n---\nPrompt.\n",
            "a.md:"),
        // names
        Arguments.of("missing name", Format.FACTORY, "---\ndescription: d\n---\nPrompt.\n",
            "a.md:1: name: missing (expected: 'name: my-droid', lowercase letters, digits, '-' and '_')"),
        Arguments.of("bad name", Format.FACTORY, "---\nname: API Helper\n---\nPrompt.\n",
            "a.md:2: name: 'API Helper' (expected: 1 to 64 lowercase letters, digits, '-' and '_', e.g. api-helper)"),
        Arguments.of("name as a list", Format.FACTORY, "---\nname: [a]\n---\nPrompt.\n",
            "a.md:2: name: a list (expected: 1 to 64 lowercase letters, digits, '-' and '_')"),
        // descriptions
        Arguments.of("long description", Format.FACTORY, "---\nname: a\ndescription: " + longText + "\n---\nP.\n",
            "a.md:3: description: 612 characters (expected: at most 500)"),
        Arguments.of("Claude needs a description", Format.CLAUDE, "---\nname: a\n---\nPrompt.\n",
            "a.md:1: description: missing (expected: one or two sentences on when to use this droid; Claude Code"
                + " requires it)"),
        Arguments.of("description as a number", Format.FACTORY, "---\nname: a\ndescription: 12\n---\nP.\n",
            "a.md:3: description: a number 12 (expected: text, one or two sentences on when to use this droid)"),
        // unknown and foreign fields
        Arguments.of("misspelt field", Format.FACTORY, "---\nname: a\ndescripton: d\n---\nP.\n",
            "a.md:3: descripton: unknown field (expected one of: name, description, model, tools, reasoningEffort,"
                + " runner, expertise, budget, autonomy); did you mean 'description'?"),
        Arguments.of("unknown field, nothing close", Format.CLAUDE, "---\nname: a\nzzz: 1\n---\nP.\n",
            "a.md:3: zzz: unknown field (expected one of: name, description, model, tools, disallowedTools,"
                + " permissionMode, maxTurns, color, runner, expertise, budget, autonomy)"),
        Arguments.of("Claude field in .factory/droids", Format.FACTORY, "---\nname: a\npermissionMode: plan\n---\nP.\n",
            "a.md:3: permissionMode: a Claude Code field in a Factory file (.factory/droids) (expected: Factory's"
                + " fields name, description, model, tools, reasoningEffort, runner, expertise, budget, autonomy;"
                + " move the file to .claude/agents or remove permissionMode)"),
        Arguments.of("Factory field in .claude/agents", Format.CLAUDE,
            "---\nname: a\ndescription: d\nreasoningEffort: high\n---\nP.\n",
            "a.md:4: reasoningEffort: a Factory field in a Claude Code file (.claude/agents) (expected: Claude"
                + " Code's fields name, description, model, tools, disallowedTools, permissionMode, maxTurns, color,"
                + " runner, expertise, budget, autonomy; move the file to .factory/droids or remove reasoningEffort)"),
        Arguments.of("both formats, elsewhere", null, "---\nname: a\nmaxTurns: 3\nreasoningEffort: low\n---\nP.\n",
            "a.md:4: reasoningEffort: a Factory field in a file whose other fields are Claude Code's"),
        Arguments.of("duplicate field", Format.FACTORY, "---\nname: a\nmodel: x\nmodel: y\n---\nP.\n",
            "a.md:4: model: given twice (first at line 3; expected: each field once)"),
        // values
        Arguments.of("model with spaces", Format.FACTORY, "---\nname: a\nmodel: claude sonnet\n---\nP.\n",
            "a.md:3: model: 'claude sonnet' (expected: inherit or a model id such as claude-sonnet-4-5, without spaces)"),
        Arguments.of("bad reasoningEffort", Format.FACTORY, "---\nname: a\nreasoningEffort: max\n---\nP.\n",
            "a.md:3: reasoningEffort: 'max' (expected: one of low, medium, high)"),
        Arguments.of("Factory tools as a comma string", Format.FACTORY, "---\nname: a\ntools: Read, Grep\n---\nP.\n",
            "a.md:3: tools: 'Read, Grep' (expected in Factory's format: a category such as read-only, or a list of"
                + " tool names such as [Read, Grep]; a comma-separated string is Claude Code's format)"),
        Arguments.of("Factory tools list with a number", Format.FACTORY, "---\nname: a\ntools: [Read, 3]\n---\nP.\n",
            "a.md:3: tools: item 2 is a number 3 (expected: a category such as read-only, or a list of tool names"
                + " such as [Read, Grep])"),
        Arguments.of("Claude tools as a list", Format.CLAUDE, "---\nname: a\ndescription: d\ntools: [Read]\n---\nP.\n",
            "a.md:4: tools: a list (expected in Claude Code's format: a comma-separated string such as"
                + " 'Read, Grep, Glob'; lists are Factory's format)"),
        Arguments.of("disallowedTools as a list", Format.CLAUDE,
            "---\nname: a\ndescription: d\ndisallowedTools: [Bash]\n---\nP.\n",
            "a.md:4: disallowedTools: a list (expected: a comma-separated string such as 'Read, Grep')"),
        Arguments.of("bad permissionMode", Format.CLAUDE, "---\nname: a\ndescription: d\npermissionMode: yolo\n---\nP.\n",
            "a.md:4: permissionMode: 'yolo' (expected: one of default, acceptEdits, bypassPermissions, plan)"),
        Arguments.of("maxTurns zero", Format.CLAUDE, "---\nname: a\ndescription: d\nmaxTurns: 0\n---\nP.\n",
            "a.md:4: maxTurns: a number 0 (expected: a whole number >= 1)"),
        Arguments.of("maxTurns as text", Format.CLAUDE, "---\nname: a\ndescription: d\nmaxTurns: many\n---\nP.\n",
            "a.md:4: maxTurns: 'many' (expected: a whole number >= 1)"),
        Arguments.of("unknown runner", Format.FACTORY, "---\nname: a\nrunner: gemini\n---\nP.\n",
            "a.md:3: runner: 'gemini' (expected: one of claude, codex, command, droid, scripted, sim)"),
        Arguments.of("expertise as text", Format.FACTORY, "---\nname: a\nexpertise: api, rest\n---\nP.\n",
            "a.md:3: expertise: 'api, rest' (expected: a list of words or short phrases such as [api, openapi,"
                + " rest design])"),
        Arguments.of("budget as a number", Format.FACTORY, "---\nname: a\nbudget: 5\n---\nP.\n",
            "a.md:3: budget: a number 5 (expected: a mapping with any of usd, tokens, turns, wall, e.g."
                + " {usd: 2.5, wall: 30m})"),
        Arguments.of("misspelt budget field", Format.FACTORY, "---\nname: a\nbudget:\n  tokns: 5\n---\nP.\n",
            "a.md:4: budget.tokns: unknown field (expected one of: usd, tokens, turns, wall); did you mean 'tokens'?"),
        Arguments.of("negative usd", Format.FACTORY, "---\nname: a\nbudget:\n  usd: -1\n---\nP.\n",
            "a.md:4: budget.usd: a number -1 (expected: US dollars >= 0, e.g. 2.5)"),
        Arguments.of("fractional tokens", Format.FACTORY, "---\nname: a\nbudget:\n  tokens: 1.5\n---\nP.\n",
            "a.md:4: budget.tokens: a number 1.5 (expected: a whole number >= 0 of tokens, e.g. 200000)"),
        Arguments.of("turns as text", Format.FACTORY, "---\nname: a\nbudget:\n  turns: ten\n---\nP.\n",
            "a.md:4: budget.turns: 'ten' (expected: a whole number >= 0 of agent turns, e.g. 40)"),
        Arguments.of("wall without unit", Format.FACTORY, "---\nname: a\nbudget:\n  wall: 30\n---\nP.\n",
            "a.md:4: budget.wall: a number 30 (expected: a positive duration like 90s, 30m or 1h30m, at most 1000h)"),
        Arguments.of("wall in days", Format.FACTORY, "---\nname: a\nbudget:\n  wall: 2d\n---\nP.\n",
            "a.md:4: budget.wall: '2d' (expected: a positive duration like 90s, 30m or 1h30m, at most 1000h)"),
        Arguments.of("unknown autonomy", Format.FACTORY, "---\nname: a\nautonomy: full\n---\nP.\n",
            "a.md:3: autonomy: 'full' (expected: one of low, medium, high, read-only, workspace-write,"
                + " danger-full-access)"),
        Arguments.of("auto level for codex", Format.FACTORY, "---\nname: a\nrunner: codex\nautonomy: high\n---\nP.\n",
            "a.md:4: autonomy: 'high' is a Factory --auto level but the runner is codex (expected: a Codex sandbox:"
                + " read-only, workspace-write, danger-full-access)"),
        Arguments.of("sandbox for droid", Format.FACTORY,
            "---\nname: a\nrunner: droid\nautonomy: read-only\n---\nP.\n",
            "a.md:4: autonomy: 'read-only' is a Codex sandbox but the runner is droid (expected: a Factory --auto"
                + " level: low, medium, high)"),
        // hostile input
        Arguments.of("YAML alias", Format.FACTORY, "---\nname: a\ntools: &t [Read]\nexpertise: *t\n---\nP.\n",
            "a.md:4: expertise: YAML alias *t (expected: the value written out; aliases are not supported here)"),
        Arguments.of("deep nesting", Format.FACTORY, "---\nname: a\nbudget:\n  usd:\n    x:\n      y: 1\n---\nP.\n",
            "a.md:5: budget.usd.x: nested deeper than 3 levels"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesWithFileLineFieldAndFix(String what, Format format, String text, String message) {
    assertThatThrownBy(() -> DroidDefinitionParser.parse("a.md", text, format))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void refusesInvalidYamlNamingItsLine() {
    assertThatThrownBy(() -> DroidDefinitionParser.parse("a.md", "---\nname: a\ndescription: [x\n---\nP.\n", null))
        .isInstanceOf(DroidDefinitionException.class)
        .satisfies(e -> assertThat(((DroidDefinitionException) e).line()).isBetween(3, 4))
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void refusesFilesOverTheSizeLimitBeforeReadingThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("big.md");
    Files.writeString(file, "---\nname: big\n---\n" + "x".repeat(DroidDefinitionParser.MAX_BYTES));

    assertThatThrownBy(() -> DroidDefinitionParser.parse(file))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessage(file + ": 256.0 KiB (expected: at most 256 KiB; a definition is a prompt, not a document store)");
  }

  @Test
  void refusesABillionLaughsFrontmatterAtTheFirstAlias() {
    StringBuilder yaml = new StringBuilder("---\nname: a\nbudget:\n  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("  x").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    yaml.append("---\nP.\n");

    assertThatThrownBy(() -> DroidDefinitionParser.parse("a.md", yaml.toString(), Format.FACTORY))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessageStartingWith("a.md:5: budget.x1: YAML alias *a0");
  }

  @Test
  void refusesThousandsOfNestedListsWithoutBuildingThem() {
    String text = "---\nname: a\ntools: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n---\nP.\n";

    assertThatThrownBy(() -> DroidDefinitionParser.parse("a.md", text, Format.FACTORY))
        .isInstanceOf(DroidDefinitionException.class)
        .hasMessage("a.md:3: tools: nested deeper than 3 levels (expected: values, lists of values, and budget's fields)");
  }

  @Test
  void refusesFilesThatAreNotUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.md");
    Files.write(file, new byte[] {'-', '-', '-', '\n', 'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});

    assertThatThrownBy(() -> DroidDefinitionParser.parse(file))
        .hasMessage(file + ": not UTF-8 text (expected: a Markdown file in UTF-8)");
  }
}
