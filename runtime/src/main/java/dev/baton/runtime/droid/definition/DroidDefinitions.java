package dev.baton.runtime.droid.definition;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ordered droid pool: unique names, the first droid the generalist that wins ties. Pools are
 * loaded from a directory, a repository or the class path, and merged so that a later source
 * overrides an earlier one by name (an overridden droid keeps its place; new ones are appended).
 */
public final class DroidDefinitions implements Iterable<DroidDefinition> {
  /** More files than this in one directory is a mistake (a wrong --droids), not a pool. */
  public static final int MAX_FILES = 500;

  /** A repository's own definition directories, in increasing precedence. */
  public static final List<String> REPOSITORY_DIRECTORIES = List.of(".factory/droids", ".claude/agents");

  private static final DroidDefinitions EMPTY = new DroidDefinitions(List.of());

  private final List<DroidDefinition> droids;
  private final Map<String, DroidDefinition> byName;

  private DroidDefinitions(List<DroidDefinition> droids) {
    this.droids = List.copyOf(droids);
    Map<String, DroidDefinition> map = new LinkedHashMap<>();
    for (DroidDefinition d : this.droids) {
      DroidDefinition earlier = map.putIfAbsent(d.name(), d);
      if (earlier != null) {
        throw new IllegalArgumentException("droids: '" + d.name() + "' twice (" + earlier.source() + " and "
            + d.source() + "; expected: unique names)");
      }
    }
    this.byName = map;
  }

  public static DroidDefinitions empty() {
    return EMPTY;
  }

  /** A pool of these definitions in this order; IllegalArgumentException naming a repeated name. */
  public static DroidDefinitions of(List<DroidDefinition> droids) {
    return droids.isEmpty() ? EMPTY : new DroidDefinitions(droids);
  }

  /**
   * The definitions in {@code dir}'s {@code *.md} files (not its subdirectories), in file-name order.
   *
   * @throws DroidDefinitionException for the first bad file, for two files with one name, or when
   *     {@code dir} is not a directory
   */
  public static DroidDefinitions load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DroidDefinitionException(dir.toString(), 0, "",
          Files.exists(dir) ? "not a directory (expected: a directory of droid definition *.md files)"
              : "no such directory (expected: a directory of droid definition *.md files)");
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.md")) {
      for (Path file : stream) {
        if (Files.isRegularFile(file)) {
          files.add(file);
        }
        if (files.size() > MAX_FILES) {
          throw new DroidDefinitionException(dir.toString(), 0, "",
              "more than " + MAX_FILES + " *.md files (expected: a directory of droid definitions)");
        }
      }
    } catch (IOException e) {
      throw new DroidDefinitionException(dir.toString(), 0, "", "cannot list: " + e, e);
    }
    files.sort(null);
    Map<String, DroidDefinition> byName = new LinkedHashMap<>();
    for (Path file : files) {
      DroidDefinition d = DroidDefinitionParser.parse(file);
      DroidDefinition earlier = byName.putIfAbsent(d.name(), d);
      if (earlier != null) {
        throw new DroidDefinitionException(file.toString(), 1, "name", "'" + d.name() + "' is also the name in "
            + earlier.source() + " (expected: one definition per name in a directory; rename or delete one)");
      }
    }
    return of(List.copyOf(byName.values()));
  }

  /**
   * A checked-out repository's own droids: {@code .factory/droids} overridden by
   * {@code .claude/agents} (absent directories contribute nothing).
   */
  public static DroidDefinitions loadRepository(Path root) {
    DroidDefinitions pool = EMPTY;
    for (String dir : REPOSITORY_DIRECTORIES) {
      Path path = root.resolve(dir);
      if (Files.isDirectory(path)) {
        pool = pool.overriddenBy(load(path));
      }
    }
    return pool;
  }

  /**
   * Definitions shipped on the class path: {@code directory/NAME.md} for each name, in that order.
   * Their source is {@code builtin:<label>/NAME.md}.
   */
  public static DroidDefinitions fromResources(ClassLoader loader, String directory, String label, List<String> names) {
    List<DroidDefinition> out = new ArrayList<>();
    for (String name : names) {
      String resource = directory + "/" + name + ".md";
      String source = "builtin:" + label + "/" + name + ".md";
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new DroidDefinitionException(source, 0, "",
              "not on the class path (expected: " + resource + " next to the orchestrator.yaml that lists it)");
        }
        byte[] bytes = in.readNBytes(DroidDefinitionParser.MAX_BYTES + 1);
        DroidDefinition d = DroidDefinitionParser.parse(source, DroidDefinitionParser.decode(source, bytes), null);
        if (!d.name().equals(name)) {
          throw new DroidDefinitionException(source, 0, "name", "'" + d.name() + "' in a file listed as '" + name
              + "' (expected: the file name and the name field agree)");
        }
        out.add(d);
      } catch (IOException e) {
        throw new DroidDefinitionException(source, 0, "", "cannot read: " + e, e);
      }
    }
    return of(out);
  }

  /** This pool with {@code later}'s definitions replacing same-named ones in place and the rest appended. */
  public DroidDefinitions overriddenBy(DroidDefinitions later) {
    if (later.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return later;
    }
    Map<String, DroidDefinition> merged = new LinkedHashMap<>(byName);
    later.forEach(d -> merged.put(d.name(), d));
    return new DroidDefinitions(List.copyOf(merged.values()));
  }

  /** The definitions in order. */
  public List<DroidDefinition> list() {
    return droids;
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public Optional<DroidDefinition> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Each droid's expertise keywords, in pool order (ties go to the first). */
  public Map<String, List<String>> expertiseByDroid() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    droids.forEach(d -> out.put(d.name(), d.expertise()));
    return out;
  }

  public int size() {
    return droids.size();
  }

  public boolean isEmpty() {
    return droids.isEmpty();
  }

  @Override
  public Iterator<DroidDefinition> iterator() {
    return droids.iterator();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DroidDefinitions other && droids.equals(other.droids);
  }

  @Override
  public int hashCode() {
    return droids.hashCode();
  }

  @Override
  public String toString() {
    return "DroidDefinitions" + names();
  }
}
