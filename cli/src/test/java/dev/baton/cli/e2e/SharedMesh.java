package dev.baton.cli.e2e;

import dev.baton.cli.mesh.Mesh;
import dev.baton.cli.mesh.MeshLauncher;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One full mesh (master + four sub-orchestrators, five processes) shared by every test class that
 * asks for a {@link Mesh} parameter, started on first use and stopped when the test run ends, also
 * after failures: it lives in the root store, which closes it.
 *
 * <p>Tests that must see an untouched master (no plans yet) start their own instead.
 */
final class SharedMesh implements ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedMesh.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Mesh.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NS)
        .computeIfAbsent(Running.class, k -> Running.start(), Running.class)
        .mesh();
  }

  /** The launcher and its mesh; closing stops every process it started. */
  record Running(MeshLauncher launcher, Mesh mesh) implements AutoCloseable {
    static Running start() {
      MeshLauncher launcher =
          new MeshLauncher(MeshLauncher.Options.in(MeshLauncher.Options.newRunDir(TestPaths.runsDir().resolve("shared"))));
      try {
        return new Running(launcher, launcher.startMesh(0));
      } catch (RuntimeException e) {
        launcher.killAll();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        launcher.close();
      } finally {
        launcher.killAll();
      }
    }
  }
}
