package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void invalidArgumentFromTheMasterIsInvalidInputWithItsDescription() {
    ExitCodes.Outcome outcome =
        ExitCodes.of(Status.INVALID_ARGUMENT.withDescription("spec.tasks[1].id: bad").asRuntimeException());

    assertThat(outcome).isEqualTo(new ExitCodes.Outcome(2, "spec.tasks[1].id: bad"));
  }

  @Test
  void unreachableMasterIsThreeAndSaysHowToStartOne() {
    String message = "cannot reach the master at 127.0.0.1:7233 within 1m (127.0.0.1:7233: UNAVAILABLE refused);"
        + " start one with `baton up`, pass --master, or raise --retry-for";
    ExitCodes.Outcome outcome = ExitCodes.of(new MasterUnreachableException(message, new ConnectException("refused")));

    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.message()).isEqualTo(message);
  }

  @Test
  void missingFileIsInvalidInput() {
    assertThat(ExitCodes.of(new NoSuchFileException("plan.yaml")).exitCode()).isEqualTo(2);
  }

  @Test
  void unexpectedServerErrorsAreOne() {
    assertThat(ExitCodes.of(Status.INTERNAL.withDescription("boom").asRuntimeException()).exitCode()).isEqualTo(1);
  }

  @Test
  void multiLineMessagesBecomeOneLine() {
    assertThat(ExitCodes.oneLine("first\n  second\r\nthird")).isEqualTo("first | second | third");
  }
}
