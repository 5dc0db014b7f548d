package dev.baton.runtime.orchestrator;

import dev.baton.runtime.registry.ServiceNames;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the specialisations on the class path: every {@code baton/orchestrators/<domain>/orchestrator.yaml}
 * (see {@link ResourceSpecialisation}).
 *
 * <p>Resources rather than a {@code ServiceLoader}: a domain is data, and the shaded {@code baton.jar}
 * keeps each domain's folder apart without a merging transformer. {@link #find} looks its one file up
 * directly; {@link #all} lists the folders of every class-path entry (directories, and jars with
 * directory entries, which Maven's jar and shade plugins write) and also probes the four standard
 * domains, so those are found even in a jar written without directory entries.
 */
public final class Specialisations {
  private static final Pattern ENTRY =
      Pattern.compile(Pattern.quote(ResourceSpecialisation.ROOT) + "/([a-z0-9-]+)/" + Pattern.quote(ResourceSpecialisation.FILE));

  private Specialisations() {}

  /** Every specialisation on the class path, sorted by domain. */
  public static List<Specialisation> all() {
    ClassLoader loader = loader();
    List<Specialisation> found = new ArrayList<>();
    for (String domain : domains(loader)) {
      found.add(ResourceSpecialisation.load(loader, domain));
    }
    return List.copyOf(found);
  }

  /**
   * The specialisation of {@code domain}.
   *
   * @throws IllegalArgumentException naming the domains that are available, or the problem in the
   *     domain's resources
   */
  public static Specialisation find(String domain) {
    ClassLoader loader = loader();
    if (domain != null && ResourceSpecialisation.exists(loader, domain)) {
      return ResourceSpecialisation.load(loader, domain);
    }
    List<String> domains = domains(loader);
    throw new IllegalArgumentException(
        "unknown domain '" + domain + "' (expected one of: "
            + (domains.isEmpty() ? "none on the class path; add a *-orch module" : String.join(", ", domains))
            + ")");
  }

  /** True when {@code domain}'s specialisation is on the class path (one resource looked up). */
  public static boolean exists(String domain) {
    return domain != null && ResourceSpecialisation.exists(loader(), domain);
  }

  /** The domains on the class path, sorted. */
  public static List<String> domains() {
    return domains(loader());
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : Specialisations.class.getClassLoader();
  }

  private static List<String> domains(ClassLoader loader) {
    TreeSet<String> domains = new TreeSet<>();
    for (String known : ServiceNames.DOMAINS) {
      if (ResourceSpecialisation.exists(loader, known)) {
        domains.add(known);
      }
    }
    try {
      Enumeration<URL> roots = loader.getResources(ResourceSpecialisation.ROOT);
      while (roots.hasMoreElements()) {
        scan(roots.nextElement(), domains);
      }
    } catch (IOException e) {
      throw new IllegalStateException(ResourceSpecialisation.ROOT + ": cannot list the class path: " + e, e);
    }
    return List.copyOf(domains);
  }

  private static void scan(URL root, TreeSet<String> domains) throws IOException {
    if (root.getProtocol().equals("file")) {
      Path dir;
      try {
        dir = Path.of(root.toURI());
      } catch (URISyntaxException e) {
        return;
      }
      try (Stream<Path> children = Files.list(dir)) {
        children.filter(c -> Files.isRegularFile(c.resolve(ResourceSpecialisation.FILE)))
            .map(c -> c.getFileName().toString())
            .filter(d -> d.matches("[a-z0-9-]+"))
            .forEach(domains::add);
      }
      return;
    }
    URLConnection connection = root.openConnection();
    if (connection instanceof JarURLConnection jar) {
      jar.setUseCaches(false);
      try (JarFile file = jar.getJarFile()) {
        Enumeration<JarEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
          Matcher m = ENTRY.matcher(entries.nextElement().getName());
          if (m.matches()) {
            domains.add(m.group(1));
          }
        }
      }
    }
  }
}
