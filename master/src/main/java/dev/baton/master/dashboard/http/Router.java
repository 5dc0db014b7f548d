package dev.baton.master.dashboard.http;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import dev.baton.runtime.security.Principal;
import dev.baton.runtime.security.Role;
import dev.baton.runtime.security.auth.AccessRules;
import dev.baton.v1.CancelPlanRequest;
import dev.baton.v1.CancelPlanResponse;
import dev.baton.v1.GetPlanRequest;
import dev.baton.v1.GetPlanResponse;
import dev.baton.v1.ListPlansRequest;
import dev.baton.v1.ListPlansResponse;
import dev.baton.v1.MasterGrpc;
import dev.baton.v1.WatchPlanRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each request of docs/dashboard.md's API to its handler; static files for the rest. Runs on
 * the request threads; hands event streams to the stream pool ({@link Streams}).
 */
final class Router {
  private static final Logger log = LoggerFactory.getLogger(Router.class);
  /** Plan and task ids in paths: what ids the master gives and plans name. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  static final String ID_RULE = "1 to 128 characters of A-Z a-z 0-9 . _ : -, starting with a letter or digit";
  /** Largest body of POST /api/login and POST /api/plans/{plan}/cancel. */
  static final int MAX_BODY = 8 * 1024;
  /** Longest request path. */
  static final int MAX_PATH = 1024;
  static final String CSRF_HEADER = "X-Baton-Request";

  private final MasterCalls calls;
  private final DashboardApi api;
  private final HttpAuth auth;
  private final StaticFiles files;
  private final Streams streams;

  Router(DashboardApi api, DashboardSettings settings, HttpAuth auth, StaticFiles files, ExecutorService streamPool) {
    this.api = api;
    this.calls = new MasterCalls(api.service(), api.leading(), api.leader(), api.masterId());
    this.auth = auth;
    this.files = files;
    this.streams = new Streams(calls, settings, streamPool);
  }

  void handle(HttpExchange ex) {
    boolean handedOver = false;
    try {
      HttpIo.common(ex);
      String raw = ex.getRequestURI().getRawPath();
      if (raw == null || raw.length() > MAX_PATH) {
        throw ApiError.badRequest("the request path is longer than " + MAX_PATH + " characters");
      }
      if (raw.equals("/api") || raw.startsWith("/api/")) {
        handedOver = api(ex, segments(raw));
      } else {
        method(ex, "GET", "HEAD");
        files.serve(ex, raw);
      }
    } catch (ApiError e) {
      DashboardServer.answer(ex, e);
    } catch (IOException e) {
      log.debug("dashboard request {} failed: {}", ex.getRequestURI(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("dashboard request {} failed", ex.getRequestURI(), e);
      DashboardServer.answer(ex, new ApiError(500, "INTERNAL", "internal error (" + e.getClass().getSimpleName()
          + "); see the master's log"));
    } finally {
      if (!handedOver) {
        ex.close();
      }
    }
  }

  /** @return true when the exchange went to a stream thread, which closes it */
  private boolean api(HttpExchange ex, List<String> s) throws IOException {
    String what = "dashboard " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath();
    // /api/login and /api/logout need no principal: they make or drop one.
    if (s.size() == 2 && s.get(1).equals("login")) {
      method(ex, "POST");
      login(ex);
      return false;
    }
    if (s.size() == 2 && s.get(1).equals("logout")) {
      method(ex, "POST");
      ex.getResponseHeaders().add("Set-Cookie", auth.logoutCookie());
      HttpIo.sendEmpty(ex, 204);
      return false;
    }
    Principal caller = auth.principal(ex, what);
    String remote = HttpAuth.remote(ex);
    if (s.size() == 2 && s.get(1).equals("session")) {
      method(ex, "GET", "HEAD");
      session(ex, caller, remote);
      return false;
    }
    if (s.size() == 2 && s.get(1).equals("plans")) {
      method(ex, "GET", "HEAD");
      ListPlansResponse r = calls.unary(MasterGrpc.getListPlansMethod(), caller, remote,
          (m, o) -> m.listPlans(ListPlansRequest.getDefaultInstance(), o));
      HttpIo.sendJson(ex, 200, HttpIo.json(r));
      return false;
    }
    if (s.size() == 2 && s.get(1).equals("dashboard")) {
      method(ex, "GET", "HEAD");
      HttpIo.sendJson(ex, 200, streams.dashboardJson(caller, remote));
      return false;
    }
    if (s.size() == 3 && s.get(1).equals("stream") && s.get(2).equals("plans")) {
      method(ex, "GET");
      return streams.plans(ex, caller, remote);
    }
    if (s.size() == 3 && s.get(1).equals("stream") && s.get(2).equals("dashboard")) {
      method(ex, "GET");
      return streams.dashboard(ex, caller, remote);
    }
    if (s.size() >= 3 && s.get(1).equals("plans")) {
      String plan = id("plan", s.get(2));
      if (s.size() == 3) {
        method(ex, "GET", "HEAD");
        HttpIo.sendJson(ex, 200, HttpIo.json(getPlan(plan, caller, remote)));
        return false;
      }
      if (s.size() == 4 && s.get(3).equals("events")) {
        method(ex, "GET");
        return streams.planEvents(ex, caller, remote, plan, after(ex));
      }
      if (s.size() == 4 && s.get(3).equals("cancel")) {
        method(ex, "POST");
        cancel(ex, caller, remote, plan);
        return false;
      }
      if (s.size() == 5 && s.get(3).equals("tasks")) {
        method(ex, "GET", "HEAD");
        task(ex, caller, remote, plan, id("task", s.get(4)));
        return false;
      }
    }
    throw ApiError.notFound("no API at " + ex.getRequestMethod() + " " + abbreviate(ex.getRequestURI().getRawPath())
        + " (docs/dashboard.md lists the API)");
  }

  private GetPlanResponse getPlan(String plan, Principal caller, String remote) {
    return calls.unary(MasterGrpc.getGetPlanMethod(), caller, remote,
        (m, o) -> m.getPlan(GetPlanRequest.newBuilder().setPlanId(plan).build(), o));
  }

  private void session(HttpExchange ex, Principal caller, String remote) throws IOException {
    // Who may read the plans may open the dashboard: an anonymous caller of a checked master is asked
    // to sign in (401), one without a reading role is refused (403), as ListPlans would be.
    calls.authorize(MasterGrpc.getListPlansMethod(), caller, remote);
    boolean leading = calls.leading();
    String roles = AccessRules.effective(caller.roles()).stream().filter(r -> r != Role.ORCHESTRATOR && r != Role.MASTER
        || caller.roles().contains(r)).map(Role::wireName).sorted().map(HttpIo::str).collect(Collectors.joining(","));
    HttpIo.sendJson(ex, 200, "{\"caller\":" + HttpIo.str(caller.display()) + ",\"roles\":[" + roles + "]"
        + ",\"mode\":" + HttpIo.str(leading ? "leader" : "standby") + ",\"readOnly\":" + !leading
        + ",\"leader\":" + HttpIo.str(calls.leader().orElse("")) + ",\"masterId\":" + HttpIo.str(calls.masterId()) + "}");
  }

  private void cancel(HttpExchange ex, Principal caller, String remote, String plan) throws IOException {
    // A cross-site form cannot set this header: with SameSite=Strict cookies, a second guard.
    if (!"1".equals(ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
      throw new ApiError(403, "PERMISSION_DENIED", "POST /api/plans/" + plan + "/cancel needs the header "
          + CSRF_HEADER + ": 1 (a guard against cross-site requests)");
    }
    calls.authorize(MasterGrpc.getCancelPlanMethod(), caller, remote);
    calls.requireLeader("cancel plan " + plan);
    String reason = "";
    byte[] body = HttpIo.body(ex, MAX_BODY);
    if (body.length > 0) {
      reason = string(parse(body), "reason");
    }
    CancelPlanRequest request = CancelPlanRequest.newBuilder().setPlanId(plan)
        .setReason(reason.isEmpty() ? "cancelled from the dashboard by " + caller.display() : reason).build();
    checkBounds(request);
    CancelPlanResponse r = calls.unary(MasterGrpc.getCancelPlanMethod(), caller, remote, (m, o) -> m.cancelPlan(request, o));
    HttpIo.sendJson(ex, 200, HttpIo.json(r));
  }

  private void task(HttpExchange ex, Principal caller, String remote, String plan, String task) throws IOException {
    var status = getPlan(plan, caller, remote).getStatus();
    var t = status.getTasksList().stream().filter(x -> x.getId().equals(task)).findFirst()
        .orElseThrow(() -> ApiError.notFound("plan " + plan + " has no task '" + task + "' (GET /api/plans/" + plan
            + " lists its tasks)"));
    HttpIo.sendJson(ex, 200, "{\"task\":" + HttpIo.json(t) + "," + api.tasks().details(status, t) + "}");
  }

  private void login(HttpExchange ex) throws IOException {
    Struct body = parse(HttpIo.body(ex, MAX_BODY));
    String token = string(body, "token").strip();
    if (token.isEmpty() || !token.matches("[A-Za-z0-9._~+/=-]+")) {
      throw ApiError.badRequest("login needs {\"token\":\"<token>\"}: a token of the master's --tokens file or a JWT"
          + " (letters, digits and . _ ~ + / = - only)");
    }
    Principal p = auth.byToken(ex, token);
    log.info("dashboard login of {} from {}", p.display(), HttpAuth.remote(ex));
    ex.getResponseHeaders().add("Set-Cookie", auth.loginCookie(token));
    HttpIo.sendEmpty(ex, 204);
  }

  private long after(HttpExchange ex) {
    String q = HttpIo.query(ex).get("after");
    String header = ex.getRequestHeaders().getFirst("Last-Event-ID");
    String value = q != null ? q : header;
    String name = q != null ? "after" : "Last-Event-ID";
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      long n = Long.parseLong(value.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + ": '" + abbreviate(value) + "' (expected: an event sequence >= 0; 0 replays"
          + " from the start)");
    }
  }

  private static void checkBounds(com.google.protobuf.Message request) {
    try {
      dev.baton.runtime.limits.BatonBounds.standard().check(request, "");
    } catch (RuntimeException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static Struct parse(byte[] body) {
    Struct.Builder b = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
    } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
      throw ApiError.badRequest("the body is not a JSON object: " + e.getMessage());
    }
    return b.build();
  }

  private static String string(Struct s, String field) {
    Value v = s.getFieldsOrDefault(field, null);
    if (v == null) {
      return "";
    }
    if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
      throw ApiError.badRequest("'" + field + "' must be a JSON string");
    }
    return v.getStringValue();
  }

  private static String id(String what, String value) {
    if (!ID.matcher(value).matches()) {
      throw ApiError.badRequest(what + " id '" + abbreviate(value) + "' (expected: " + ID_RULE + ")");
    }
    return value;
  }

  private static void method(HttpExchange ex, String... allowed) {
    String m = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(m)) {
        return;
      }
    }
    ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
    throw new ApiError(405, "INVALID_ARGUMENT", m + " is not allowed on " + abbreviate(ex.getRequestURI().getRawPath())
        + " (expected: " + String.join(" or ", allowed) + ")");
  }

  private static List<String> segments(String raw) {
    String[] parts = raw.substring(1).split("/", -1);
    List<String> out = new java.util.ArrayList<>(parts.length);
    for (String p : parts) {
      out.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
    }
    if (out.size() > 1 && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1); // a trailing slash
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  static RejectedExecutionException busy() {
    return new RejectedExecutionException("no stream thread");
  }
}
