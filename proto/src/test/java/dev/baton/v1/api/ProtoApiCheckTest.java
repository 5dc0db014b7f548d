package dev.baton.v1.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API cannot break by accident: the protos pass {@code buf lint} (proto/buf.yaml) and {@code buf
 * breaking} against the last released API (proto/api-baseline/baton-v1.json), and both checks bite:
 * a copy of the protos with a renumbered field or a removed RPC fails buf breaking with buf's message,
 * and one with a mis-named field fails buf lint.
 */
class ProtoApiCheckTest {
  private static final Path MODULE = Buf.repoRoot().resolve("proto");
  private static final Path BASELINE = MODULE.resolve("api-baseline/baton-v1.json");
  private static final String MASTER_PROTO = "src/main/proto/baton/v1/master.proto";
  private static Buf buf;

  @BeforeAll
  static void findBuf() {
    buf = Buf.find();
  }

  @Test
  void theProtosPassLint() throws Exception {
    Buf.Result lint = buf.run(MODULE, "lint");
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  @Test
  void theProtosAreCompatibleWithTheLastReleasedApi() throws Exception {
    assertThat(BASELINE).isRegularFile();
    Buf.Result breaking = buf.run(MODULE, "breaking", "--against", BASELINE.toString());
    assertThat(breaking.exitCode()).as(breaking.output()).isZero();
  }

  @Test
  void aRenumberedFieldFailsBreakingWithBufsMessage(@TempDir Path dir) throws Exception {
    Path copy = copyOfModule(dir);
    edit(copy, "message WatchPlanRequest {\n  string plan_id = 1;", "message WatchPlanRequest {\n  string plan_id = 3;");

    Buf.Result breaking = buf.run(copy, "breaking", "--against", BASELINE.toString());

    assertThat(breaking.exitCode()).as(breaking.output()).isNotZero();
    assertThat(breaking.output()).contains(MASTER_PROTO + ":",
        "Previously present field \"1\" with name \"plan_id\" on message \"WatchPlanRequest\" was deleted.");
  }

  @Test
  void aRemovedRpcFailsBreakingWithBufsMessage(@TempDir Path dir) throws Exception {
    Path copy = copyOfModule(dir);
    edit(copy, "  rpc CancelPlan(CancelPlanRequest) returns (CancelPlanResponse);\n", "");

    Buf.Result breaking = buf.run(copy, "breaking", "--against", BASELINE.toString());

    assertThat(breaking.exitCode()).as(breaking.output()).isNotZero();
    assertThat(breaking.output()).contains("Previously present RPC \"CancelPlan\" on service \"Master\" was deleted.");
  }

  @Test
  void aMisnamedFieldFailsLint(@TempDir Path dir) throws Exception {
    Path copy = copyOfModule(dir);
    edit(copy, "message GetPlanRequest {\n  string plan_id = 1;",
        "message GetPlanRequest {\n  string plan_id = 1;\n  string planName = 2;");

    Buf.Result lint = buf.run(copy, "lint");

    assertThat(lint.exitCode()).as(lint.output()).isNotZero();
    assertThat(lint.output()).contains(MASTER_PROTO + ":",
        "Field name \"planName\" should be lower_snake_case, such as \"plan_name\".");
    // an added field is no break: only the lint rule bites here
    assertThat(buf.run(copy, "breaking", "--against", BASELINE.toString()).exitCode()).isZero();
  }

  /** buf.yaml and the protos, nothing else, in {@code dir}. */
  private static Path copyOfModule(Path dir) throws IOException {
    Files.copy(MODULE.resolve("buf.yaml"), dir.resolve("buf.yaml"));
    Path from = MODULE.resolve("src/main/proto");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = dir.resolve("src/main/proto").resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    return dir;
  }

  /** Replaces {@code from} (which must be there, so the test cannot pass vacuously) in master.proto. */
  private static void edit(Path module, String from, String to) throws IOException {
    Path file = module.resolve(MASTER_PROTO);
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replace(from, to));
  }
}
