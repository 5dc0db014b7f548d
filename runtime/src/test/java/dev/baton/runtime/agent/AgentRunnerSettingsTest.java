package dev.baton.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings every CLI runner is built from: defaults, the agent's environment, validation. */
class AgentRunnerSettingsTest {
  @TempDir Path dir;

  @Test
  void startsFromTheRunnersNamedDefaults() {
    AgentSettings claude = AgentSettings.defaults("claude");
    assertThat(claude.binary()).isEqualTo("claude");
    assertThat(claude.apiKeyVariables()).containsExactly("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN");
    assertThat(claude.killGrace()).isEqualTo(AgentSettings.DEFAULT_KILL_GRACE);
    assertThat(AgentSettings.defaults("droid").apiKeyVariables()).containsExactly("FACTORY_API_KEY");
    assertThat(AgentSettings.defaults("codex").apiKeyVariables()).containsExactly("OPENAI_API_KEY", "CODEX_API_KEY");
  }

  @Test
  void theAgentGetsPathHomeItsKeysAndTheFixedVariablesOnly() throws Exception {
    Files.writeString(dir.resolve("CLAUDE_CODE_OAUTH_TOKEN"), "from-file\n");
    AgentSettings settings = AgentSettings.builder("claude")
        .hostEnvironment(Map.of("PATH", "/bin", "HOME", "/home/baton", "ANTHROPIC_API_KEY", "from-env",
            "AWS_SECRET_ACCESS_KEY", "nope", "OPENAI_API_KEY", "nope"))
        .secretsDir(dir)
        .environment("CLAUDE_CONFIG_DIR", "/etc/claude")
        .build();
    assertThat(settings.processEnvironment()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "PATH", "/bin", "HOME", "/home/baton", "ANTHROPIC_API_KEY", "from-env",
        "CLAUDE_CODE_OAUTH_TOKEN", "from-file", "CLAUDE_CONFIG_DIR", "/etc/claude"));
    assertThat(settings.toString()).doesNotContain("from-env", "from-file", "nope").contains("CLAUDE_CONFIG_DIR");
  }

  @Test
  void theEnvironmentOfTheHostWinsOverTheSecretsDirectory() throws Exception {
    Files.writeString(dir.resolve("FACTORY_API_KEY"), "from-file");
    AgentSettings settings = AgentSettings.builder("droid").hostEnvironment(Map.of("FACTORY_API_KEY", "from-env"))
        .secretsDir(dir).build();
    assertThat(settings.processEnvironment()).containsEntry("FACTORY_API_KEY", "from-env");
    AgentSettings withoutEnv = AgentSettings.builder("droid").hostEnvironment(Map.of()).secretsDir(dir).build();
    assertThat(withoutEnv.processEnvironment()).containsEntry("FACTORY_API_KEY", "from-file");
  }

  @Test
  void refusesSettingsThatCannotWorkAndSaysWhatIsExpected() {
    assertThatThrownBy(() -> AgentSettings.builder("codex").environment("OPENAI_API_KEY", "x").build())
        .hasMessageContaining("OPENAI_API_KEY is an API key variable");
    assertThatThrownBy(() -> AgentSettings.builder("codex").binary(" ").build()).hasMessageContaining("binary: ''");
    assertThatThrownBy(() -> AgentSettings.builder("codex").outputTailBytes(0).build())
        .hasMessage("outputTailBytes: 0 (expected: >= 1)");
    assertThatThrownBy(() -> AgentSettings.builder("codex").killGrace(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("(expected: >= 0)");
  }

  @Test
  void mapsAutonomyBetweenFactoryLevelsAndCodexSandboxes() {
    assertThat(List.of("", "low", "medium", "high", "read-only", "workspace-write", "danger-full-access", "odd")
        .stream().map(AgentRunners::factoryLevel).toList())
        .containsExactly("low", "low", "medium", "high", "", "low", "high", "low");
    assertThat(List.of("", "low", "medium", "high", "read-only", "workspace-write", "danger-full-access", "odd")
        .stream().map(AgentRunners::codexSandbox).toList())
        .containsExactly("workspace-write", "workspace-write", "workspace-write", "danger-full-access", "read-only",
            "workspace-write", "danger-full-access", "workspace-write");
  }
}
