package dev.baton.runtime.coordination;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import dev.baton.v1.CrossOrchestratorMessage;
import dev.baton.v1.MessagePayload;
import dev.baton.v1.MessageType;
import dev.baton.v1.Priority;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Building and reading the seed's CrossOrchestratorMessage. */
public final class Messages {
  /** How long a requester waits when the message names no timeout_seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** The to_orchestrator of a message for the master itself. */
  public static final String MASTER = "master";

  private Messages() {}

  /** A new message with a fresh correlation id and the current time; {@code to} empty publishes it to subscribers. */
  public static CrossOrchestratorMessage.Builder message(
      MessageType type, String from, String to, String subject, Struct content, Priority urgency, Clock clock) {
    return CrossOrchestratorMessage.newBuilder()
        .setType(type)
        .setFromOrchestrator(from)
        .setToOrchestrator(to)
        .setCorrelationId(UUID.randomUUID().toString())
        .setTimestamp(timestamp(clock.instant()))
        .setPayload(MessagePayload.newBuilder().setSubject(subject).setContent(content).setUrgency(urgency));
  }

  /** The response to {@code request}: same type, subject and correlation id, back to its sender. */
  public static CrossOrchestratorMessage response(CrossOrchestratorMessage request, String from, Struct content, Clock clock) {
    return CrossOrchestratorMessage.newBuilder()
        .setType(request.getType())
        .setFromOrchestrator(from)
        .setToOrchestrator(request.getFromOrchestrator())
        .setCorrelationId(request.getCorrelationId())
        .setTimestamp(timestamp(clock.instant()))
        .setResponse(true)
        .setPayload(MessagePayload.newBuilder().setSubject(request.getPayload().getSubject())
            .setContent(content == null ? Struct.getDefaultInstance() : content)
            .setUrgency(request.getPayload().getUrgency()))
        .build();
  }

  /** A response saying why the request was not answered. */
  public static CrossOrchestratorMessage errorResponse(CrossOrchestratorMessage request, String from, String error, Clock clock) {
    return response(request, from, null, clock).toBuilder().setError(error).build();
  }

  /** How long the sender waits: timeout_seconds, or the default when it is not positive. */
  public static Duration timeout(CrossOrchestratorMessage m) {
    int s = m.getPayload().getTimeoutSeconds();
    return s > 0 ? Duration.ofSeconds(s) : DEFAULT_TIMEOUT;
  }

  /** The seed's word for a type: sync_request, integration_point, dependency_update, conflict_notification. */
  public static String typeWord(MessageType type) {
    return switch (type) {
      case MESSAGE_TYPE_SYNC_REQUEST -> "sync_request";
      case MESSAGE_TYPE_INTEGRATION_POINT -> "integration_point";
      case MESSAGE_TYPE_DEPENDENCY_UPDATE -> "dependency_update";
      case MESSAGE_TYPE_CONFLICT_NOTIFICATION -> "conflict_notification";
      default -> "message";
    };
  }

  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
