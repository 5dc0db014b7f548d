package dev.baton.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading plan files, and finding the example plan {@code baton demo} runs by default.
 *
 * <p>Size limits are the master's business (the plan compiler names them); the CLI only refuses
 * files so large that sending them would be pointless.
 */
final class PlanFiles {
  /** Files above this are refused before they are read: far past the plan format's 1 MiB. */
  static final long MAX_READ_BYTES = 64L * 1024 * 1024;

  static final String DEFAULT_DEMO_PLAN = "examples/ecommerce.yaml";

  private PlanFiles() {}

  /** A plan file's text; exit 2 when it is missing, a directory or absurdly large. */
  static String read(Path file) {
    if (!Files.exists(file)) {
      throw CliException.invalidInput("plan file not found: " + file);
    }
    if (Files.isDirectory(file)) {
      throw CliException.invalidInput(file + " is a directory (expected: a plan YAML file)");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_READ_BYTES) {
        throw CliException.invalidInput(
            file + ": " + size + " bytes (expected: a plan of at most 1048576 bytes)");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      throw CliException.invalidInput(file + ": not UTF-8 text (expected: a plan YAML file)");
    } catch (IOException e) {
      throw CliException.invalidInput("cannot read plan file " + file + ": " + e.getMessage());
    }
  }

  /** A plan named on the command line, or the default demo plan when none was; {@code file} null when bundled. */
  record Source(String name, String yaml, Path file) {
    Source(String name, String yaml) {
      this(name, yaml, null);
    }
  }

  /**
   * The demo's plan: the given file, else {@code examples/ecommerce.yaml} relative to the working
   * directory, then relative to the jar's checkout, then the copy inside the jar.
   */
  static Source demoPlan(Path given) {
    if (given != null) {
      return new Source(given.toString(), read(given), given);
    }
    for (Path candidate : defaultPlanCandidates()) {
      if (Files.isRegularFile(candidate)) {
        return new Source(candidate.toString(), read(candidate), candidate);
      }
    }
    return bundled(DEFAULT_DEMO_PLAN)
        .orElseThrow(() -> CliException.invalidInput(
            "no plan given and " + DEFAULT_DEMO_PLAN + " not found (pass a plan file: baton demo PLAN)"));
  }

  private static List<Path> defaultPlanCandidates() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(DEFAULT_DEMO_PLAN));
    jarLocation()
        .ifPresent(
            jar -> {
              // cli/target/baton.jar -> the checkout's root.
              Path root = jar.getParent() == null ? null : jar.getParent().getParent();
              if (root != null && root.getParent() != null) {
                candidates.add(root.getParent().resolve(DEFAULT_DEMO_PLAN));
              }
            });
    return candidates;
  }

  private static Optional<Path> jarLocation() {
    try {
      var source = PlanFiles.class.getProtectionDomain().getCodeSource();
      return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A plan shipped as a classpath resource (the build copies examples/ into the jar). */
  static Optional<Source> bundled(String resource) {
    try (InputStream in = PlanFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new Source("(bundled) " + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
