package dev.baton.master.conflict;

import dev.baton.master.conflict.ApiSurface.Fields;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads an OpenAPI 3 document (YAML or JSON) with swagger-parser's {@link OpenAPIV3Parser} into an
 * {@link ApiSurface}. Nothing is fetched: external references are refused, local ones followed
 * here, so a document cannot make the master open a connection. The text must first pass
 * {@link YamlDocument}'s bounded reader, so malformed or hostile YAML fails there, quietly and with
 * the same message as in the other documents.
 */
final class OpenApiParser {
  static final String EXPECTED = "an OpenAPI 3 document (openapi: 3.0.x or 3.1.x, with paths)";

  private OpenApiParser() {}

  static ApiSurface parse(String documentName, String content) {
    if (content.getBytes(StandardCharsets.UTF_8).length > YamlDocument.MAX_BYTES) {
      throw new DocumentException(documentName, "", "the document is larger than " + YamlDocument.MAX_BYTES + " bytes");
    }
    if (!content.stripLeading().startsWith("{")) {
      // YAML (JSON goes to Jackson's JSON parser, which is linear): see YamlCost.
      try {
        dev.baton.runtime.limits.YamlCost.checkRuns("document", content);
      } catch (dev.baton.runtime.limits.BoundsException e) {
        throw new DocumentException(documentName, "", e.getMessage().substring("document (".length()).replaceFirst("\\): ", ": "));
      }
      // The bounded reader first (nesting, aliases, size; one clear error): swagger-parser's own YAML
      // reading has none of these bounds and logs a stack trace at ERROR for every malformed document.
      YamlDocument.parse(documentName, content, EXPECTED);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(false);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(content, null, options);
    OpenAPI api = result == null ? null : result.getOpenAPI();
    if (api == null || api.getOpenapi() == null || !api.getOpenapi().startsWith("3.")) {
      List<String> messages = result == null || result.getMessages() == null ? List.of() : result.getMessages();
      throw new DocumentException(documentName, "",
          "not an OpenAPI 3 document" + (messages.isEmpty() ? "" : " (" + String.join("; ", messages.subList(0,
              Math.min(3, messages.size()))) + ")") + " (expected: " + EXPECTED + ")");
    }
    Components components = api.getComponents() == null ? new Components() : api.getComponents();
    Map<String, ApiSurface.Operation> operations = new TreeMap<>();
    if (api.getPaths() != null) {
      for (Map.Entry<String, PathItem> path : new TreeMap<>(api.getPaths()).entrySet()) {
        for (Map.Entry<PathItem.HttpMethod, io.swagger.v3.oas.models.Operation> op :
            path.getValue().readOperationsMap().entrySet()) {
          ApiSurface.Operation o = operation(documentName, api, components, path.getKey(),
              op.getKey().name().toUpperCase(Locale.ROOT), op.getValue());
          operations.putIfAbsent(o.key(), o);
        }
      }
    }
    return new ApiSurface(documentName, operations);
  }

  @SuppressWarnings("rawtypes") // swagger-models exposes a raw Schema map
  private static ApiSurface.Operation operation(String doc, OpenAPI api, Components components, String path,
      String method, io.swagger.v3.oas.models.Operation op) {
    String label = method + " " + path;
    Map<String, Schema> schemas = components.getSchemas();
    RequestBody body = op.getRequestBody();
    if (body != null && body.get$ref() != null) {
      body = lookup(doc, label + " requestBody", body.get$ref(), "#/components/requestBodies/",
          components.getRequestBodies());
    }
    Fields request = body == null ? Fields.NONE
        : SchemaFlattener.flatten(doc, label + " request", schemas, schema(body.getContent()), true);
    Map<String, Fields> responses = new TreeMap<>();
    if (op.getResponses() != null) {
      for (Map.Entry<String, ApiResponse> r : op.getResponses().entrySet()) {
        ApiResponse response = r.getValue();
        if (response != null && response.get$ref() != null) {
          response = lookup(doc, label + " response " + r.getKey(), response.get$ref(), "#/components/responses/",
              components.getResponses());
        }
        String status = r.getKey().toUpperCase(Locale.ROOT).equals("DEFAULT") ? "default" : r.getKey().toUpperCase(Locale.ROOT);
        responses.put(status, response == null ? Fields.NONE
            : SchemaFlattener.flatten(doc, label + " response " + status, schemas, schema(response.getContent()), false));
      }
    }
    List<SecurityRequirement> requirements = op.getSecurity() != null ? op.getSecurity() : api.getSecurity();
    return new ApiSurface.Operation(method, path, request, body != null && Boolean.TRUE.equals(body.getRequired()),
        responses, security(doc, label, requirements, components.getSecuritySchemes()));
  }

  private static <T> T lookup(String doc, String where, String ref, String prefix, Map<String, T> in) {
    T found = ref.startsWith(prefix) && in != null ? in.get(ref.substring(prefix.length())) : null;
    if (found == null) {
      throw new DocumentException(doc, where, "$ref '" + ref + "' names nothing under " + prefix);
    }
    return found;
  }

  /** The JSON body's schema: application/json, else another JSON type, else the first listed. */
  private static Schema<?> schema(Content content) {
    if (content == null || content.isEmpty()) {
      return null;
    }
    MediaType media = content.get("application/json");
    if (media == null) {
      media = content.entrySet().stream().filter(e -> e.getKey().contains("json")).map(Map.Entry::getValue)
          .findFirst().orElse(content.values().iterator().next());
    }
    return media == null ? null : media.getSchema();
  }

  private static List<Set<String>> security(String doc, String label, List<SecurityRequirement> requirements,
      Map<String, SecurityScheme> schemes) {
    List<Set<String>> alternatives = new ArrayList<>();
    if (requirements == null || requirements.isEmpty()) {
      alternatives.add(Set.of());
      return alternatives;
    }
    for (SecurityRequirement requirement : requirements) {
      Set<String> together = new TreeSet<>();
      for (String name : requirement.keySet()) {
        SecurityScheme scheme = schemes == null ? null : schemes.get(name);
        if (scheme == null) {
          throw new DocumentException(doc, label + " security",
              "scheme '" + name + "' is not defined in components.securitySchemes");
        }
        together.add(signature(scheme));
      }
      alternatives.add(Set.copyOf(together));
    }
    return List.copyOf(alternatives);
  }

  /** Schemes compare by what a client must send, never by their names: bearer, apiKey:header:X-Key... */
  static String signature(SecurityScheme scheme) {
    if (scheme.getType() == null) {
      return "unknown";
    }
    return switch (scheme.getType()) {
      case HTTP -> scheme.getScheme() == null ? "http" : scheme.getScheme().toLowerCase(Locale.ROOT);
      case APIKEY -> "apiKey:" + scheme.getIn() + ":" + scheme.getName();
      case OAUTH2 -> "oauth2";
      case OPENIDCONNECT -> "openIdConnect";
      case MUTUALTLS -> "mutualTLS";
    };
  }
}
