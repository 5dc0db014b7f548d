package dev.baton.cli;

import dev.baton.runtime.droid.definition.DroidDefinition;
import dev.baton.runtime.droid.definition.DroidDefinitions;
import dev.baton.runtime.orchestrator.Specialisation;
import dev.baton.runtime.orchestrator.Specialisations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton droids list|validate [DIR]}: the droid definitions a sub-orchestrator would use,
 * read here without any server, so a team can check its {@code .factory/droids} and
 * {@code .claude/agents} files before a plan runs on them.
 */
@Command(name = "droids", mixinStandardHelpOptions = true,
    description = {
      "Lists or validates droid definitions: the built-in ones of each domain, a directory of",
      "*.md files (as given to 'baton orchestrator --droids'), or a repository's .factory/droids",
      "and .claude/agents."
    },
    subcommands = {DroidsCommand.ListDroids.class, DroidsCommand.ValidateDroids.class})
final class DroidsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.INVALID_INPUT;
  }

  /** One group of definitions and where it came from. */
  record Group(String origin, DroidDefinitions droids) {}

  /**
   * What DIR holds: a repository's two directories when it has either, else DIR itself as a
   * directory of definitions. Without DIR, the built-in pool of every domain (or of {@code domain}).
   */
  static List<Group> read(Path dir, String domain) {
    List<Group> groups = new ArrayList<>();
    if (dir == null) {
      List<Specialisation> all = domain == null ? Specialisations.all() : List.of(Specialisations.find(domain));
      all.forEach(s -> groups.add(new Group(s.domain(), s.profile().droids())));
      return groups;
    }
    if (!Files.isDirectory(dir)) {
      throw CliException.invalidInput(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
          + " (expected: a directory of droid definition *.md files, or a repository root)");
    }
    List<Path> dirs = repositoryDirectories(dir);
    if (dirs.isEmpty()) {
      groups.add(new Group(dir.toString(), DroidDefinitions.load(dir)));
    } else {
      dirs.forEach(d -> groups.add(new Group(d.toString(), DroidDefinitions.load(d))));
    }
    if (domain != null) {
      // The pool that domain's orchestrator would use: its built-ins, overridden in order.
      DroidDefinitions pool = Specialisations.find(domain).profile().droids();
      for (Group g : groups) {
        pool = pool.overriddenBy(g.droids());
      }
      return List.of(new Group(domain, pool));
    }
    return groups;
  }

  private static List<Path> repositoryDirectories(Path root) {
    List<Path> dirs = new ArrayList<>();
    for (String d : DroidDefinitions.REPOSITORY_DIRECTORIES) {
      if (Files.isDirectory(root.resolve(d))) {
        dirs.add(root.resolve(d));
      }
    }
    return dirs;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {
        "Shows a table of droid definitions: name, domain or file, runner, model, number of",
        "expertise keywords and description. With --domain and DIR: the merged pool that domain",
        "would use (its built-ins overridden by DIR's definitions)."
      })
  static final class ListDroids implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
        description = "A directory of *.md definitions, or a repository root (default: the built-in droids).")
    Path dir;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain's pool.")
    String domain;

    @Option(names = "--width", paramLabel = "COLUMNS", defaultValue = "${env:COLUMNS:-120}",
        description = "Width of the table (default: $COLUMNS or 120).")
    int width;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<String[]> rows = new ArrayList<>();
      for (Group group : read(dir, domain)) {
        for (DroidDefinition d : group.droids()) {
          String origin = d.source().startsWith("builtin:") ? group.origin() + " (built-in)" : d.source();
          rows.add(new String[] {d.name(), origin, orDash(d.runner()), orDash(d.model()),
              String.valueOf(d.expertise().size()), d.description()});
        }
      }
      if (rows.isEmpty()) {
        out.println("no droid definitions in " + dir);
      } else {
        Table.print(out, new String[] {"NAME", "DOMAIN/SOURCE", "RUNNER", "MODEL", "EXPERTISE", "DESCRIPTION"},
            rows, Math.max(60, width));
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static String orDash(String s) {
      return s.isEmpty() ? "-" : s;
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {
        "Reads every definition and prints 'ok: N definitions', or exits 2 with one line naming",
        "the first bad file, its line, the field and the fix."
      })
  static final class ValidateDroids implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
        description = "A directory of *.md definitions, or a repository root (default: the built-in droids).")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      int count = read(dir, null).stream().mapToInt(g -> g.droids().size()).sum();
      PrintWriter out = spec.commandLine().getOut();
      out.println("ok: " + count + (count == 1 ? " definition" : " definitions"));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** A plain text table whose last column is cut to fit the width. */
  static final class Table {
    private Table() {}

    static void print(PrintWriter out, String[] header, List<String[]> rows, int width) {
      int columns = header.length;
      int[] widths = new int[columns];
      for (int c = 0; c < columns - 1; c++) {
        widths[c] = header[c].length();
        for (String[] row : rows) {
          widths[c] = Math.max(widths[c], row[c].length());
        }
      }
      int used = 0;
      for (int c = 0; c < columns - 1; c++) {
        used += widths[c] + 2;
      }
      int last = Math.max(12, width - used);
      out.println(line(header, widths, last));
      for (String[] row : rows) {
        out.println(line(row, widths, last));
      }
    }

    private static String line(String[] cells, int[] widths, int last) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < cells.length - 1; c++) {
        b.append(cells[c]).append(" ".repeat(widths[c] - cells[c].length() + 2));
      }
      String tail = cells[cells.length - 1].replaceAll("\\s+", " ");
      b.append(tail.length() <= last ? tail : tail.substring(0, last - 3) + "...");
      return b.toString().stripTrailing();
    }
  }
}
