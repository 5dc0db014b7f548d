package dev.baton.runtime.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** W3C trace context from a client's current span to the server handler's remote parent, over real gRPC calls. */
class TracingInterceptorsTest {
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
          io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create()))
      .build();
  private final AtomicReference<SpanContext> seen = new AtomicReference<>();
  private final String name = InProcessServerBuilder.generateName();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServerInterceptors.intercept(new HealthGrpc.HealthImplBase() {
          @Override
          public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
            seen.set(Span.fromContext(TraceContext.remoteParent()).getSpanContext());
            response.onNext(HealthCheckResponse.getDefaultInstance());
            response.onCompleted();
          }
        }, TracingInterceptors.server()))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().intercept(TracingInterceptors.client()).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    provider.close();
  }

  @Test
  void theCallersCurrentSpanIsTheHandlersRemoteParent() {
    Span span = provider.get("test").spanBuilder("delegate t").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    } finally {
      span.end();
    }
    assertThat(seen.get().isRemote()).isTrue();
    assertThat(seen.get().getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(seen.get().getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
    assertThat(seen.get().isSampled()).isTrue();
  }

  @Test
  void withoutASpanNothingIsSentAndTheParentIsTheRoot() {
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertThat(seen.get().isValid()).isFalse();
    // The remote parent is per call: nothing leaks out of the handler to this thread.
    assertThat(TraceContext.remoteParent()).isEqualTo(Context.root());
  }

  @Test
  void aTraceparentVariableIsContinuedWhenTheCallerHasNoSpan() {
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    ManagedChannel fromScript = InProcessChannelBuilder.forName(name).directExecutor()
        .intercept(new TracingInterceptors.Client(Map.of("TRACEPARENT", parent))).build();
    try {
      HealthGrpc.newBlockingStub(fromScript).check(HealthCheckRequest.getDefaultInstance());
    } finally {
      fromScript.shutdownNow();
    }
    assertThat(seen.get().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(seen.get().getSpanId()).isEqualTo("00f067aa0ba902b7");
  }

  @Test
  void aMapRoundTripKeepsTheSpanAndAMalformedOneIsTheRoot() {
    Span span = provider.get("test").spanBuilder("plan p").startSpan();
    Map<String, String> fields = TraceContext.toMap(Context.root().with(span));
    assertThat(fields).containsKey("traceparent");
    assertThat(Span.fromContext(TraceContext.fromMap(fields)).getSpanContext().getSpanId())
        .isEqualTo(span.getSpanContext().getSpanId());
    assertThat(Span.fromContext(TraceContext.fromMap(Map.of("traceparent", "garbage"))).getSpanContext().isValid()).isFalse();
    span.end();
  }
}
