package dev.baton.master.conflict;

import dev.baton.master.conflict.DeploymentDocs.ServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads the {@code DeploymentConfig} YAML format (kind deployment_config, from frontend and backend). */
final class DeploymentConfigParser {
  static final String KIND = "DeploymentConfig";
  static final String EXPECTED = "a DeploymentConfig mapping with service, image, namespace, ports, paths and healthCheckPath";
  static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/:@-]{0,254}");
  static final String IMAGE_EXPECTED = "an image reference such as registry.example.com/shop/cart-api:1.4.0";

  private DeploymentConfigParser() {}

  static ServiceConfig parse(String documentName, String content) {
    YamlDocument.Mapping root = YamlDocument.parse(documentName, content, EXPECTED).mapping();
    root.allowOnly("apiVersion", "kind", "service", "image", "namespace", "ports", "host", "paths",
        "healthCheckPath");
    FormatHeader.check(root, KIND);
    return new ServiceConfig(
        documentName,
        FormatHeader.name(root, "service"),
        image(root),
        root.has("namespace") ? Optional.of(FormatHeader.name(root, "namespace")) : Optional.empty(),
        ports(root),
        host(root),
        paths(root),
        healthPath(root));
  }

  static Optional<String> image(YamlDocument.Mapping m) {
    Optional<String> image = m.optString("image", IMAGE_EXPECTED);
    image.ifPresent(i -> {
      if (!IMAGE.matcher(i).matches()) {
        throw m.fail("image", "'" + i + "' (expected: " + IMAGE_EXPECTED + ")");
      }
    });
    return image;
  }

  static List<Integer> ports(YamlDocument.Mapping m) {
    List<Integer> ports = new ArrayList<>();
    for (YamlDocument.Scalar s : m.scalars("ports", "a port in 1..65535")) {
      ports.add(FormatHeader.port(s));
    }
    return List.copyOf(ports);
  }

  static String host(YamlDocument.Mapping m) {
    return m.optString("host", "an ingress host name such as shop.example.com").orElse(DeploymentDocs.ANY_HOST);
  }

  static List<String> paths(YamlDocument.Mapping m) {
    List<String> paths = new ArrayList<>();
    for (YamlDocument.Scalar s : m.scalars("paths", "a path starting with '/'")) {
      paths.add(FormatHeader.path(s));
    }
    return List.copyOf(paths);
  }

  static Optional<String> healthPath(YamlDocument.Mapping m) {
    if (!m.has("healthCheckPath")) {
      return Optional.empty();
    }
    List<YamlDocument.Scalar> s = m.scalars("healthCheckPath", "a path starting with '/'");
    return Optional.of(FormatHeader.path(s.get(0)));
  }
}
