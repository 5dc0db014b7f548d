package dev.baton.master.conflict;

import dev.baton.master.conflict.ApiSurface.FieldType;
import dev.baton.master.conflict.ApiSurface.Fields;
import dev.baton.master.conflict.ApiSurface.Operation;
import dev.baton.master.plan.PlanModel;
import dev.baton.v1.CrossOrchestratorConflict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The api_contract check: what the consumer (the frontend's api_contract, OpenAPI 3 or ApiUsage)
 * calls against what the provider (the backend's api_implementation, OpenAPI 3) serves. Finds an
 * operation the provider lacks, a method mismatch, a response status or field the consumer reads
 * that is absent (reported once, at the highest absent level), a type or format mismatch, a
 * required request field the consumer does not send, and an auth scheme mismatch. Locations use the
 * consumer's spelling of the path; parties are [consumer, provider].
 */
final class ApiContractDetector implements CheckDetector {
  static final String CHECK = "api_contract";
  static final String CONTRACT = "api_contract";
  static final String IMPLEMENTATION = "api_implementation";
  private static final Pattern OPENAPI = Pattern.compile("(?m)^[\"']?openapi[\"']?\\s*:|\"openapi\"\\s*:");

  @Override
  public PlanModel.Check check() {
    return PlanModel.Check.API_CONTRACT;
  }

  @Override
  public List<CrossOrchestratorConflict> detect(SharedDocuments documents) {
    List<SharedDocuments.Published> consumerDocs = documents.ofKind(CONTRACT);
    List<SharedDocuments.Published> providerDocs = documents.ofKind(IMPLEMENTATION);
    if (consumerDocs.isEmpty() && providerDocs.isEmpty()) {
      return List.of();
    }
    List<CrossOrchestratorConflict> out = new ArrayList<>();
    if (consumerDocs.isEmpty()) {
      out.add(Conflicts.missing(CHECK, CONTRACT, "frontend", "the API it consumes"));
    }
    if (providerDocs.isEmpty()) {
      out.add(Conflicts.missing(CHECK, IMPLEMENTATION, "backend", "the OpenAPI 3 document of the API it implements"));
    }
    List<SharedDocuments.Published> consumerOf = new ArrayList<>();
    List<ApiSurface> consumers = new ArrayList<>();
    for (SharedDocuments.Published p : consumerDocs) {
      try {
        String content = p.document().getContent();
        consumers.add(OPENAPI.matcher(content).find()
            ? OpenApiParser.parse(p.name(), content) : ApiUsageParser.parse(p.name(), content));
        consumerOf.add(p);
      } catch (DocumentException e) {
        out.add(Conflicts.unreadable(CHECK, p, e));
      }
    }
    Provider provider = new Provider();
    for (SharedDocuments.Published p : providerDocs) {
      try {
        provider.add(OpenApiParser.parse(p.name(), p.document().getContent()));
      } catch (DocumentException e) {
        out.add(Conflicts.unreadable(CHECK, p, e));
      }
    }
    if (!out.isEmpty()) {
      return Conflicts.sorted(out);
    }
    List<String> providerParties = SharedDocuments.domains(providerDocs, "backend");
    for (int i = 0; i < consumers.size(); i++) {
      List<String> parties = new ArrayList<>(List.of(consumerOf.get(i).domain()));
      parties.addAll(providerParties);
      new Comparison(consumerOf.get(i).domain(), String.join(", ", providerParties), consumers.get(i), provider,
          parties, out).run();
    }
    return Conflicts.sorted(out);
  }

  /** All provider documents merged: operations by key, methods by normalised path. */
  static final class Provider {
    final Map<String, Operation> operations = new TreeMap<>();
    final Map<String, TreeMap<String, Operation>> byPath = new TreeMap<>();
    final List<String> documents = new ArrayList<>();

    void add(ApiSurface surface) {
      documents.add(surface.document());
      for (Operation o : new TreeMap<>(surface.operations()).values()) {
        if (operations.putIfAbsent(o.key(), o) == null) {
          byPath.computeIfAbsent(ApiSurface.normalize(o.path()), p -> new TreeMap<>()).put(o.method(), o);
        }
      }
    }
  }

  private record Comparison(String consumer, String provider, ApiSurface api, Provider impl, List<String> parties,
      List<CrossOrchestratorConflict> out) {

    void run() {
      for (Operation c : new TreeMap<>(api.operations()).values()) {
        Operation p = impl.operations.get(c.key());
        if (p == null) {
          absentOperation(c);
          continue;
        }
        auth(c, p);
        request(c, p);
        responses(c, p);
      }
    }

    private void absentOperation(Operation c) {
      TreeMap<String, Operation> methods = impl.byPath.get(ApiSurface.normalize(c.path()));
      if (methods == null) {
        add(c.label(),
            consumer + " calls " + c.label() + " (" + api.document() + ") and " + provider + "'s "
                + String.join(", ", impl.documents) + " has no such path",
            provider + ": implement " + c.label() + " (or " + consumer + ": stop calling it)");
        return;
      }
      String served = methods.firstEntry().getValue().path();
      List<String> ms = ApiSurface.METHODS.stream().filter(methods::containsKey).toList();
      add(c.label(),
          consumer + " calls " + c.label() + " and " + provider + " serves " + served + " only with "
              + String.join(", ", ms),
          consumer + ": call " + served + " with " + String.join(" or ", ms) + " (or " + provider + ": add "
              + c.method() + " " + served + ")");
    }

    private void auth(Operation c, Operation p) {
      for (Set<String> sent : c.security()) {
        for (Set<String> accepted : p.security()) {
          if (covers(sent, accepted)) {
            return;
          }
        }
      }
      add(c.label() + " security",
          consumer + " calls " + c.label() + " with " + schemes(c.security()) + " and " + provider + " requires "
              + schemes(p.security()),
          consumer + ": authenticate with " + schemes(p.security()) + " (or " + provider
              + ": accept " + schemes(c.security()) + ")");
    }

    /** Every scheme the provider wants is sent; a bare "apiKey" from the consumer matches any apiKey. */
    static boolean covers(Set<String> sent, Set<String> accepted) {
      for (String want : accepted) {
        boolean found = false;
        for (String have : sent) {
          if (have.equals(want) || want.startsWith(have + ":")) {
            found = true;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    }

    static String schemes(List<Set<String>> alternatives) {
      List<String> out = new ArrayList<>();
      for (Set<String> s : alternatives) {
        out.add(s.isEmpty() ? "no auth" : String.join(" + ", new TreeSet<>(s)));
      }
      return String.join(" or ", out);
    }

    private void request(Operation c, Operation p) {
      Fields sent = c.request();
      Fields wanted = p.request();
      String at = c.label() + " request field ";
      if (!sent.isEmpty() || p.requestBodyRequired()) {
        TreeSet<String> missing = new TreeSet<>();
        for (String r : new TreeSet<>(wanted.required())) {
          if (!sends(sent, r) && !hasAncestorIn(r, missing)) {
            missing.add(r);
          }
        }
        for (String r : missing) {
          add(at + r,
              provider + " requires " + r + " (" + wanted.types().getOrDefault(r, FieldType.ANY) + ") in the request of "
                  + p.label() + " and " + consumer + " does not send it",
              consumer + ": send " + r + " (or " + provider + ": make it optional)");
        }
      }
      for (Map.Entry<String, FieldType> f : new TreeMap<>(sent.types()).entrySet()) {
        FieldType theirs = wanted.types().get(f.getKey());
        if (theirs != null) {
          types(at + f.getKey(), consumer + " sends " + f.getKey() + " as " + f.getValue(),
              provider + " expects " + theirs, f.getValue(), theirs, "send");
        }
      }
    }

    private static boolean sends(Fields sent, String path) {
      if (sent.types().containsKey(path)) {
        return true;
      }
      String prefixDot = path + ".";
      String prefixArray = path + "[]";
      return sent.types().keySet().stream().anyMatch(k -> k.startsWith(prefixDot) || k.startsWith(prefixArray));
    }

    private static boolean hasAncestorIn(String path, Set<String> set) {
      for (String p = ApiSurface.parent(path); !p.isEmpty(); p = ApiSurface.parent(p)) {
        if (set.contains(p)) {
          return true;
        }
      }
      return false;
    }

    private void responses(Operation c, Operation p) {
      for (Map.Entry<String, Fields> r : new TreeMap<>(c.responses()).entrySet()) {
        String status = r.getKey();
        Fields theirs = response(p, status);
        String at = c.label() + " response " + status;
        if (theirs == null) {
          add(at,
              consumer + " handles a " + status + " response of " + c.label() + " and " + provider
                  + " declares only " + String.join(", ", p.responses().keySet()),
              provider + ": declare the " + status + " response (or " + consumer + ": handle "
                  + String.join(" or ", p.responses().keySet()) + ")");
          continue;
        }
        TreeMap<String, String> absent = new TreeMap<>();
        for (Map.Entry<String, FieldType> f : new TreeMap<>(r.getValue().types()).entrySet()) {
          String field = f.getKey();
          if (!theirs.knows(field)) {
            String top = field;
            for (String up = ApiSurface.parent(field); !up.isEmpty() && !theirs.knows(up); up = ApiSurface.parent(up)) {
              top = up;
            }
            absent.putIfAbsent(top, field);
            continue;
          }
          FieldType provided = theirs.types().get(field);
          if (provided != null) {
            types(at + " field " + field, consumer + " reads " + field + " as " + f.getValue(),
                provider + " returns " + provided, f.getValue(), provided, "read");
          }
        }
        absent.forEach((top, field) -> add(at + " field " + top,
            consumer + " reads " + field + " from the " + status + " response of " + c.label() + " and " + provider
                + "'s response schema has no " + top,
            provider + ": return " + top + " in the " + status + " response (or " + consumer + ": stop reading it)"));
      }
    }

    /** The provider's response for a status: exact, else its class (2XX), else default. */
    private static Fields response(Operation p, String status) {
      Fields exact = p.responses().get(status);
      if (exact != null) {
        return exact;
      }
      Fields range = p.responses().get(status.charAt(0) + "XX");
      return range != null ? range : p.responses().get("default");
    }

    private void types(String location, String ours, String theirs, FieldType mine, FieldType provided, String verb) {
      if (!ApiSurface.compatible(mine.type(), provided.type())) {
        add(location, ours + " and " + theirs,
            consumer + ": " + verb + " it as " + provided + " (or " + provider + ": change it to " + mine + ")");
      } else if (mine.format().isPresent() && provided.format().isPresent()
          && !mine.format().get().equals(provided.format().get())) {
        add(location, ours + " and " + theirs + " (format differs)",
            consumer + ": " + verb + " it as " + provided + " (or " + provider + ": use format " + mine.format().get()
                + ")");
      }
    }

    private void add(String location, String description, String fix) {
      out.add(Conflicts.of(CHECK, parties, location, description, fix));
    }
  }
}
