package dev.baton.runtime.droid;

import dev.baton.runtime.server.BatonException;
import dev.baton.v1.DelegationPackage;
import dev.baton.v1.Deliverable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a task's files live, and how files become {@link Deliverable}s.
 *
 * <p>Every path a plan names is resolved inside the workspace root: a plan must not make a droid
 * write to {@code /etc} by naming {@code ../../etc}.
 */
public final class Workspaces {
  /** Files up to this size that decode as UTF-8 text travel inline in the deliverable. */
  public static final int INLINE_LIMIT_BYTES = 64 * 1024;

  private static final Map<String, String> MEDIA_TYPES =
      Map.ofEntries(
          Map.entry("yaml", "application/yaml"),
          Map.entry("yml", "application/yaml"),
          Map.entry("json", "application/json"),
          Map.entry("md", "text/markdown"),
          Map.entry("txt", "text/plain"),
          Map.entry("log", "text/plain"),
          Map.entry("xml", "application/xml"),
          Map.entry("html", "text/html"),
          Map.entry("css", "text/css"),
          Map.entry("js", "text/javascript"),
          Map.entry("ts", "text/x-typescript"),
          Map.entry("tsx", "text/x-typescript"),
          Map.entry("java", "text/x-java"),
          Map.entry("sql", "application/sql"),
          Map.entry("tf", "text/x-terraform"),
          Map.entry("sh", "text/x-shellscript"),
          Map.entry("graphql", "application/graphql"),
          Map.entry("proto", "text/x-protobuf"));

  private Workspaces() {}

  /**
   * The task's workspace, created: {@code root/<workspace>} when the plan names one, else
   * {@code root/<plan_id>/<task_id>}.
   */
  public static Path resolve(Path root, DelegationPackage delegation, String workspace) {
    String relative =
        workspace == null || workspace.isBlank()
            ? delegation.getPlanId() + "/" + delegation.getTaskId()
            : workspace;
    Path dir = inside(root, relative, "workspace");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create workspace " + dir + ": " + e.getMessage(), e);
    }
    return dir;
  }

  /** Resolves {@code relative} under {@code base}, refusing absolute paths and escapes. */
  public static Path inside(Path base, String relative, String what) {
    Path normalisedBase = base.toAbsolutePath().normalize();
    Path candidate = normalisedBase.resolve(relative).normalize();
    if (Path.of(relative).isAbsolute() || !candidate.startsWith(normalisedBase)) {
      throw BatonException.invalidArgument(
          what + ": '" + relative + "' leaves the workspace root (expected: a relative path inside "
              + normalisedBase + ")");
    }
    return candidate;
  }

  /**
   * True when {@code file}, with every symbolic link followed, is still inside {@code base}: a
   * droid could otherwise leave {@code api/openapi.yaml -> /etc/shadow} and have it published.
   * False when the file does not exist.
   */
  public static boolean reallyInside(Path base, Path file) {
    try {
      return file.toRealPath().startsWith(base.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  /** The deliverable for a file in the workspace, if it exists as a regular file inside it. */
  public static Optional<Deliverable> deliverable(Path workspace, String name) {
    Path file;
    try {
      file = inside(workspace, name, "deliverable");
    } catch (BatonException e) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(file) || !reallyInside(workspace, file)) {
      return Optional.empty();
    }
    try {
      long size = Files.size(file);
      Deliverable.Builder builder =
          Deliverable.newBuilder()
              .setName(name)
              .setPath(workspace.toAbsolutePath().normalize().relativize(file).toString())
              .setMediaType(mediaType(name))
              .setSizeBytes(size);
      if (size <= INLINE_LIMIT_BYTES) {
        text(Files.readAllBytes(file)).ifPresent(builder::setContent);
      }
      return Optional.of(builder.build());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The delegation's expected deliverables as found in the workspace; each one missing adds a
   * warning to {@code issues}.
   */
  public static java.util.List<Deliverable> expected(Path workspace, DelegationPackage delegation,
      java.util.List<dev.baton.v1.ExecutionIssue> issues) {
    java.util.List<Deliverable> found = new java.util.ArrayList<>();
    for (String expected : delegation.getExpectedDeliverablesList()) {
      deliverable(workspace, expected).ifPresentOrElse(found::add,
          () -> issues.add(DroidOutcome.issue(dev.baton.v1.IssueSeverity.ISSUE_SEVERITY_WARNING,
              "expected deliverable '" + expected + "' not found in the workspace " + workspace)));
    }
    return found;
  }

  /** A media type guessed from the file name's extension; text/plain when unknown. */
  public static String mediaType(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith("dockerfile")) {
      return "text/x-dockerfile";
    }
    int dot = lower.lastIndexOf('.');
    String ext = dot < 0 ? "" : lower.substring(dot + 1);
    return MEDIA_TYPES.getOrDefault(ext, "text/plain");
  }

  /** The bytes as text, when they are valid UTF-8 without NUL bytes (so not a binary file). */
  static Optional<String> text(byte[] bytes) {
    for (byte b : bytes) {
      if (b == 0) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
