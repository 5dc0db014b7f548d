package dev.baton.master.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps a YAML tree onto a proto message by the message's descriptor: YAML keys are the fields' JSON
 * names (camelCase: {@code dependsOn}, {@code failFirstAttempts}), so the YAML and the proto stay one
 * format with one validator. Refuses unknown keys (naming the closest known one) and values of the
 * wrong shape; enumerated words and durations stay strings here and are checked by the validator.
 */
final class TreeToProto {
  private final Places places;

  TreeToProto(Places places) {
    this.places = places;
  }

  void merge(JsonNode object, Message.Builder builder, String path) {
    Descriptor type = builder.getDescriptorForType();
    if (!object.isObject()) {
      throw places.fail(path, "expected a mapping with " + knownFields(type) + ", got " + YamlTreeReader.describe(object));
    }
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      FieldDescriptor field = byJsonName(type, e.getKey());
      if (field == null) {
        throw places.fail(childPath, unknownField(type, e.getKey()));
      }
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue; // "dependsOn:" with nothing after it: the default
      }
      if (field.isMapField()) {
        mapField(field, value, builder, childPath);
      } else if (field.isRepeated()) {
        if (!value.isArray()) {
          throw places.fail(childPath, "expected a list like [a, b], got " + YamlTreeReader.describe(value));
        }
        for (int i = 0; i < value.size(); i++) {
          builder.addRepeatedField(field, single(field, value.get(i), builder, childPath + "[" + i + "]"));
        }
      } else {
        builder.setField(field, single(field, value, builder, childPath));
      }
    }
  }

  private void mapField(FieldDescriptor field, JsonNode value, Message.Builder builder, String path) {
    if (!value.isObject()) {
      throw places.fail(path, "expected a mapping of names to text, got " + YamlTreeReader.describe(value));
    }
    Descriptor entryType = field.getMessageType();
    Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> e = entries.next();
      Message.Builder entry = builder.newBuilderForField(field);
      entry.setField(entryType.findFieldByName("key"), e.getKey());
      entry.setField(entryType.findFieldByName("value"), text(e.getValue(), path + "." + e.getKey()));
      builder.addRepeatedField(field, entry.build());
    }
  }

  private Object single(FieldDescriptor field, JsonNode value, Message.Builder parent, String path) {
    return switch (field.getJavaType()) {
      case STRING -> text(value, path);
      case INT -> {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
          throw places.fail(path, "expected a whole number, got " + YamlTreeReader.describe(value));
        }
        yield value.intValue();
      }
      case LONG -> {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
          throw places.fail(path, "expected a whole number, got " + YamlTreeReader.describe(value));
        }
        yield value.longValue();
      }
      case DOUBLE -> {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
          throw places.fail(path, "expected a number, got " + YamlTreeReader.describe(value));
        }
        yield value.doubleValue();
      }
      case BOOLEAN -> {
        if (!value.isBoolean()) {
          throw places.fail(path, "expected true or false, got " + YamlTreeReader.describe(value));
        }
        yield value.booleanValue();
      }
      case MESSAGE -> {
        Message.Builder child = parent.newBuilderForField(field);
        merge(value, child, path);
        yield child.build();
      }
      default -> throw new IllegalStateException("plan field of unsupported type: " + field.getFullName());
    };
  }

  /** Scalars become their text, so {@code estimate: 30} reaches the validator as "30" and is explained there. */
  private String text(JsonNode value, String path) {
    if (value.isContainerNode() || value.isNull()) {
      throw places.fail(path, "expected text, got " + YamlTreeReader.describe(value));
    }
    return value.asText();
  }

  private static FieldDescriptor byJsonName(Descriptor type, String key) {
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJsonName().equals(key)) {
        return f;
      }
    }
    return null;
  }

  private static String knownFields(Descriptor type) {
    return type.getFields().stream().map(FieldDescriptor::getJsonName).collect(Collectors.joining(", "));
  }

  private static String unknownField(Descriptor type, String key) {
    List<String> known = type.getFields().stream().map(FieldDescriptor::getJsonName).toList();
    String hint = dev.baton.runtime.text.Suggestions.closest(key, known);
    return "unknown field '" + key + "' (expected one of: " + String.join(", ", known) + ")"
        + (hint == null ? "" : "; did you mean '" + hint + "'?");
  }
}
