package dev.baton.cli;

import java.io.PrintWriter;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code baton} command: server roles ({@code master}, {@code orchestrator}), a local mesh
 * ({@code up}, {@code demo}) and clients of the master's API ({@code submit}, {@code status},
 * {@code watch}, {@code list}, {@code cancel}, {@code dashboard}), plus {@code validate} and {@code droids}, which need no master.
 *
 * <p>Exit status: 0 the plan succeeded (or the command did its job), 1 the plan failed or was
 * cancelled, 2 invalid input or usage, 3 the master cannot be reached; {@link ExitCodes} is the one
 * place that decides.
 */
@Command(
    name = "baton",
    mixinStandardHelpOptions = true,
    versionProvider = Baton.Version.class,
    description = "Coordinates software projects carried out by AI coding agents across specialised orchestrators.",
    subcommands = {
      DemoCommand.class,
      UpCommand.class,
      MasterCommand.class,
      OrchestratorCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      WatchCommand.class,
      ListCommand.class,
      CancelCommand.class,
      DashboardCommand.class,
      ValidateCommand.class,
      DroidsCommand.class,
      JournalCommand.class,
      CertsCommand.class,
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the plan succeeded, or the command did its job",
      "1:the plan failed or was cancelled",
      "2:invalid input or usage",
      "3:the master cannot be reached"
    })
public final class Baton implements java.util.concurrent.Callable<Integer> {
  /** Server roles log at INFO to stderr; client commands only warn, so their output stays readable. */
  private static final Set<String> SERVER_COMMANDS = Set.of("master", "orchestrator");

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs {@code baton args} and returns its exit status (does not exit). */
  public static int execute(String... args) {
    configureLogging(args);
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Baton());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> ExitCodes.report(ex, cmd.getErr()));
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          String name = ex.getCommandLine().getCommandSpec().qualifiedName();
          err.println("baton: " + ExitCodes.oneLine(ex.getMessage()) + " (see '" + name + " --help')");
          err.flush();
          return ExitCodes.INVALID_INPUT;
        });
    return cl;
  }

  /**
   * gRPC logs through java.util.logging; a client command's failure to reach a master (an unknown
   * host, say) is reported on one line by {@link ExitCodes}, not as gRPC's warning with a stack
   * trace. Held here: java.util.logging keeps loggers weakly, and would forget the level.
   */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  private static void configureLogging(String[] args) {
    boolean server = args.length > 0 && SERVER_COMMANDS.contains(args[0]);
    // Read by logback.xml; the older slf4j-simple property is still honoured there.
    String key = "baton.log.level";
    if (System.getProperty(key) == null && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty(key, server ? "info" : "warn");
    }
    if (!server && System.getenv("BATON_DEBUG") == null) {
      GRPC_LOG.setLevel(java.util.logging.Level.SEVERE);
    }
  }

  /** {@code baton} alone: usage on stderr, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.INVALID_INPUT;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Baton.class.getPackage().getImplementationVersion();
      return new String[] {"baton " + (v == null ? "(development build)" : v)};
    }
  }
}
