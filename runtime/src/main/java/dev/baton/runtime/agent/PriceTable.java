package dev.baton.runtime.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.v1.Usage;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * What tokens cost, per model, for runners whose CLI reports no cost (droid, codex) and for the
 * running estimate of claude before its final result line gives the real figure.
 *
 * <p>Prices are US dollars per million tokens. The operator sets them in a file (see
 * {@link #load}); a model without an entry is priced by the {@value #DEFAULT} entry, so a missing
 * price never makes a usd budget silently unlimited. Costs computed here are marked
 * {@code cost_estimated}.
 */
public final class PriceTable {
  /** The entry that prices models the table does not name. */
  public static final String DEFAULT = "default";

  /**
   * Prices of one model in USD per million tokens.
   *
   * @param input uncached input tokens
   * @param output output tokens (reasoning included)
   * @param cacheRead input tokens served from the prompt cache
   * @param cacheWrite input tokens written to the prompt cache
   */
  public record Price(double input, double output, double cacheRead, double cacheWrite) {
    public Price {
      check("input", input);
      check("output", output);
      check("cacheRead", cacheRead);
      check("cacheWrite", cacheWrite);
    }

    /** A price whose cache reads cost a tenth of input and cache writes as much as input. */
    public static Price of(double input, double output) {
      return new Price(input, output, input / 10, input);
    }

    private static void check(String what, double value) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(what + ": " + value + " (expected: >= 0 USD per million tokens)");
      }
    }
  }

  /**
   * The built-in default price when the operator configures none: deliberately on the expensive
   * side (USD 3 in, 15 out per million), so budgets err towards stopping early.
   */
  public static final Price FALLBACK = new Price(3.0, 15.0, 0.30, 3.75);

  private final Map<String, Price> prices;

  /** A table of the given prices; without a {@value #DEFAULT} entry, {@link #FALLBACK} is it. */
  public PriceTable(Map<String, Price> prices) {
    Map<String, Price> copy = new LinkedHashMap<>();
    prices.forEach((model, price) -> copy.put(model.toLowerCase(Locale.ROOT), Objects.requireNonNull(price, model)));
    copy.putIfAbsent(DEFAULT, FALLBACK);
    this.prices = Map.copyOf(copy);
  }

  /** Only the {@link #FALLBACK} default. */
  public static PriceTable defaults() {
    return new PriceTable(Map.of());
  }

  /** The price of {@code model} (case-insensitive), else of the default entry. */
  public Price price(String model) {
    Price price = model == null ? null : prices.get(model.toLowerCase(Locale.ROOT));
    return price != null ? price : prices.get(DEFAULT);
  }

  /** USD the tokens of {@code usage} cost with its model's price. */
  public double cost(Usage usage) {
    Price p = price(usage.getModel());
    return (usage.getInputTokens() * p.input()
            + usage.getOutputTokens() * p.output()
            + usage.getCacheReadTokens() * p.cacheRead()
            + usage.getCacheWriteTokens() * p.cacheWrite())
        / 1_000_000.0;
  }

  /** {@code usage} with its cost computed here and marked estimated. */
  public Usage estimate(Usage usage) {
    return usage.toBuilder().setCostUsd(cost(usage)).setCostEstimated(true).build();
  }

  /**
   * Reads a price file. YAML ({@code .yaml}/{@code .yml}/{@code .json}):
   * <pre>
   * default:        {input: 3, output: 15, cacheRead: 0.3}
   * gpt-5-codex:    {input: 1.25, output: 10, cacheRead: 0.125}
   * </pre>
   * or properties (any other name): {@code <model>.input=1.25}, {@code <model>.output=10},
   * {@code <model>.cacheRead=0.125}, {@code <model>.cacheWrite=...}. Cache prices default to a tenth
   * of input (read) and input (write).
   */
  public static PriceTable load(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
        return fromTree(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()), file);
      }
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      }
      return fromProperties(properties, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the price table " + file + ": " + e.getMessage(), e);
    }
  }

  private static PriceTable fromTree(JsonNode root, Path file) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      return defaults();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": expected a map of model -> {input, output, cacheRead}");
    }
    Map<String, Price> prices = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode node = entry.getValue();
      Map<String, Double> fields = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> fields.put(f.getKey(), number(f.getValue().asText(), file, entry.getKey() + "." + f.getKey())));
      prices.put(entry.getKey(), price(entry.getKey(), fields, file));
    }
    return new PriceTable(prices);
  }

  private static PriceTable fromProperties(Properties properties, Path file) {
    Map<String, Map<String, Double>> byModel = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      // Model names hold dots (gpt-5.1-codex): the field is after the last one.
      int dot = key.lastIndexOf('.');
      if (dot <= 0) {
        throw new IllegalArgumentException(file + ": key '" + key + "' (expected: <model>.input|output|cacheRead|cacheWrite)");
      }
      byModel.computeIfAbsent(key.substring(0, dot), m -> new LinkedHashMap<>())
          .put(key.substring(dot + 1), number(properties.getProperty(key), file, key));
    }
    Map<String, Price> prices = new LinkedHashMap<>();
    byModel.forEach((model, fields) -> prices.put(model, price(model, fields, file)));
    return new PriceTable(prices);
  }

  private static Price price(String model, Map<String, Double> fields, Path file) {
    for (String field : fields.keySet()) {
      if (!java.util.Set.of("input", "output", "cacheRead", "cacheWrite").contains(field)) {
        throw new IllegalArgumentException(file + ": " + model + "." + field
            + " (expected one of: input, output, cacheRead, cacheWrite)");
      }
    }
    if (!fields.containsKey("input") || !fields.containsKey("output")) {
      throw new IllegalArgumentException(file + ": model '" + model + "' needs both input and output prices");
    }
    double input = fields.get("input");
    return new Price(input, fields.get("output"), fields.getOrDefault("cacheRead", input / 10),
        fields.getOrDefault("cacheWrite", input));
  }

  private static double number(String text, Path file, String key) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": " + key + ": '" + text + "' (expected: USD per million tokens)");
    }
  }

  @Override
  public String toString() {
    return "PriceTable" + prices;
  }
}
