package dev.baton.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a provider and a consumer OpenAPI 3 document of the same API from a seed: resources of
 * four operations each (list, create, read, update), provider schemas through $ref with allOf,
 * nested objects and arrays, consumer schemas inline, reading a random subset of the fields with
 * other parameter names. {@code defects} response fields the consumer reads are dropped from the
 * provider, so the comparison does real work and has a known answer.
 */
final class OpenApiPairGenerator {
  private static final String[] TYPES = {"string", "integer", "number", "boolean"};

  record Pair(String provider, String consumer, int operations, int defects) {}

  private OpenApiPairGenerator() {}

  /** @param operations a multiple of 4 */
  static Pair generate(long seed, int operations, int defects) {
    if (operations % 4 != 0 || defects > operations / 4) {
      throw new IllegalArgumentException("operations: " + operations + " (expected: a multiple of 4, >= 4 * defects)");
    }
    Random random = new Random(seed);
    int resources = operations / 4;
    StringBuilder provider = new StringBuilder(header("Generated provider")).append("paths:\n");
    StringBuilder consumer = new StringBuilder(header("Generated consumer")).append("paths:\n");
    StringBuilder schemas = new StringBuilder();
    for (int r = 0; r < resources; r++) {
      String name = "R" + r;
      List<String[]> fields = new ArrayList<>();
      int count = 8 + random.nextInt(8);
      for (int f = 0; f < count; f++) {
        fields.add(new String[] {"f" + f, TYPES[random.nextInt(TYPES.length)]});
      }
      boolean defect = r < defects;
      provider.append(providerPaths(name, r));
      consumer.append(consumerPaths(fields, r, random));
      schemas.append(providerSchemas(name, fields, defect));
    }
    provider.append("components:\n  securitySchemes:\n    bearerAuth: {type: http, scheme: bearer}\n  schemas:\n")
        .append(schemas)
        .append("    Audit:\n      type: object\n      properties:\n        createdAt: {type: string, format: date-time}\n"
            + "        updatedAt: {type: string, format: date-time}\n");
    consumer.append("components:\n  securitySchemes:\n    jwt: {type: http, scheme: bearer}\n");
    return new Pair(provider.toString(), consumer.toString(), operations, defects);
  }

  private static String header(String title) {
    return "openapi: 3.0.3\ninfo: {title: " + title + ", version: 1.0.0}\nsecurity:\n  - "
        + (title.contains("provider") ? "bearerAuth" : "jwt") + ": []\n";
  }

  private static String providerPaths(String name, int r) {
    String ref = "{$ref: '#/components/schemas/" + name + "'}";
    String item = "/r" + r + "/{id}";
    return "  /r" + r + ":\n"
        + "    get:\n      responses:\n        '200':\n          description: list\n          content:\n"
        + "            application/json:\n              schema: {type: array, items: " + ref + "}\n"
        + "    post:\n      requestBody:\n        required: true\n        content:\n          application/json:\n"
        + "            schema: {$ref: '#/components/schemas/" + name + "New'}\n"
        + "      responses:\n        '201':\n          description: created\n          content:\n"
        + "            application/json:\n              schema: " + ref + "\n"
        + "  " + item + ":\n"
        + "    get:\n      responses:\n        '200':\n          description: one\n          content:\n"
        + "            application/json:\n              schema: " + ref + "\n"
        + "        '404': {description: missing}\n"
        + "    put:\n      requestBody:\n        content:\n          application/json:\n"
        + "            schema: {$ref: '#/components/schemas/" + name + "New'}\n"
        + "      responses:\n        '200':\n          description: updated\n          content:\n"
        + "            application/json:\n              schema: " + ref + "\n";
  }

  private static String providerSchemas(String name, List<String[]> fields, boolean defect) {
    StringBuilder s = new StringBuilder();
    s.append("    ").append(name).append(":\n      allOf:\n        - $ref: '#/components/schemas/Audit'\n")
        .append("        - type: object\n          properties:\n            id: {type: string}\n");
    // The defect: the provider no longer returns the first field, which the consumer reads.
    for (int i = defect ? 1 : 0; i < fields.size(); i++) {
      s.append("            ").append(fields.get(i)[0]).append(": {type: ").append(fields.get(i)[1]).append("}\n");
    }
    s.append("            lines:\n              type: array\n              items: {$ref: '#/components/schemas/")
        .append(name).append("Line'}\n");
    s.append("    ").append(name).append("Line:\n      type: object\n      properties:\n")
        .append("        sku: {type: string}\n        quantity: {type: integer, format: int32}\n");
    s.append("    ").append(name).append("New:\n      type: object\n      required: [").append(fields.get(0)[0])
        .append("]\n      properties:\n");
    for (String[] f : fields) {
      s.append("        ").append(f[0]).append(": {type: ").append(f[1]).append("}\n");
    }
    return s.toString();
  }

  private static String consumerPaths(List<String[]> fields, int r, Random random) {
    StringBuilder read = new StringBuilder("type: object\n");
    String indent = "                ";
    read.append(indent).append("properties:\n").append(indent).append("  id: {type: string}\n");
    read.append(indent).append("  updatedAt: {type: string, format: date-time}\n");
    // Always the first field (the one a defect removes), then a random subset of the others.
    for (int i = 0; i < fields.size(); i++) {
      if (i == 0 || random.nextInt(3) > 0) {
        read.append(indent).append("  ").append(fields.get(i)[0]).append(": {type: ").append(fields.get(i)[1]).append("}\n");
      }
    }
    read.append(indent).append("  lines:\n").append(indent).append("    type: array\n").append(indent)
        .append("    items:\n").append(indent).append("      type: object\n").append(indent)
        .append("      properties:\n").append(indent).append("        sku: {type: string}\n");
    String schema = read.toString();
    String send = "type: object\n" + indent + "properties:\n" + indent + "  " + fields.get(0)[0] + ": {type: "
        + fields.get(0)[1] + "}\n";
    String item = "/r" + r + "/{r" + r + "Id}";
    return "  /r" + r + ":\n"
        + "    get:\n      responses:\n        '200':\n          description: list\n          content:\n"
        + "            application/json:\n              schema:\n                type: array\n                items:\n"
        + "                  " + schema.replace("\n" + indent, "\n  " + indent)
        + "    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n"
        + "              " + send.replace(indent, "              ")
        + "      responses:\n        '201':\n          description: created\n"
        + "  " + item + ":\n"
        + "    get:\n      responses:\n        '200':\n          description: one\n          content:\n"
        + "            application/json:\n              schema:\n                " + schema
        + "    put:\n      requestBody:\n        content:\n          application/json:\n            schema:\n"
        + "              " + send.replace(indent, "              ")
        + "      responses:\n        '200':\n          description: updated\n";
  }
}
