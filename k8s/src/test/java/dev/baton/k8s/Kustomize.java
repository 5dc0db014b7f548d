package dev.baton.k8s;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code kustomize build} of one overlay (kustomize v5.8.2 from .tools/bin). */
final class Kustomize {
  private Kustomize() {}

  /** The overlay rendered; the result's exit code is non-zero (and stderr says why) when it does not build. */
  static Tools.Result build(Path overlay) throws Exception {
    return Tools.run(
        List.of(Tools.tool("kustomize").toString(), "build", overlay.toString()),
        overlay, null, Duration.ofMinutes(2));
  }
}
