package dev.baton.cli.e2e;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real OTLP/gRPC trace receiver for the tests: grpc-java serving the collector's TraceService on a
 * free loopback port, keeping every span it is sent (the processes under test export to it with
 * their OTLP exporter, as to an OpenTelemetry Collector). Spans arrive on gRPC threads.
 */
final class OtlpCollector implements AutoCloseable {
  /** One received span, flattened: ids in lowercase hex, attributes as strings. */
  record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
      String kind, Map<String, String> attributes, String statusCode, String statusMessage, List<String> events) {
    String attribute(String key) {
      return attributes.getOrDefault(key, "");
    }
  }

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final Server server;

  OtlpCollector() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
            for (ResourceSpans rs : request.getResourceSpansList()) {
              String service = value(rs.getResource(), "service.name");
              for (ScopeSpans ss : rs.getScopeSpansList()) {
                ss.getSpansList().forEach(s -> spans.add(flatten(service, s)));
              }
            }
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .build()
        .start();
  }

  /** The endpoint for OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over gRPC, plaintext). */
  String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private static ReceivedSpan flatten(String service, io.opentelemetry.proto.trace.v1.Span s) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (KeyValue kv : s.getAttributesList()) {
      attributes.put(kv.getKey(), text(kv.getValue()));
    }
    List<String> events = new ArrayList<>();
    s.getEventsList().forEach(e -> events.add(e.getName()));
    return new ReceivedSpan(service, hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()), s.getName(),
        s.getKind().name(), attributes, s.getStatus().getCode().name(), s.getStatus().getMessage(), events);
  }

  private static String value(Resource r, String key) {
    return r.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
        .map(kv -> text(kv.getValue())).orElse("");
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> v.toString();
    };
  }

  private static String hex(com.google.protobuf.ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
