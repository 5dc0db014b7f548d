package dev.baton.cli.mesh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start another {@code baton} JVM: the java binary and class path of this one, plus options.
 *
 * <p>Starting children from the same binary and class path means {@code baton up} from the shaded
 * jar, from an IDE and from Surefire all launch the same code they run themselves.
 *
 * @param java the java executable
 * @param classPath the class path handed to {@code -cp}
 * @param jvmOptions options placed before the main class; the defaults favour start-up time,
 *     since a mesh starts five JVMs on a small machine
 */
public record JavaCommand(Path java, String classPath, List<String> jvmOptions) {
  public static final String MAIN_CLASS = "dev.baton.cli.Baton";

  /** Fast start-up, small heaps: every server of a local mesh is a short-lived process. */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx384m", "-Xshare:auto");

  public JavaCommand {
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(classPath, "classPath");
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The java binary and class path of the running JVM, with {@link #DEFAULT_JVM_OPTIONS}. */
  public static JavaCommand current() {
    Path java =
        ProcessHandle.current()
            .info()
            .command()
            .map(Path::of)
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    return new JavaCommand(java, System.getProperty("java.class.path"), DEFAULT_JVM_OPTIONS);
  }

  /** The full command line running {@code baton} with {@code args}. */
  public List<String> baton(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(MAIN_CLASS);
    command.addAll(args);
    return command;
  }
}
