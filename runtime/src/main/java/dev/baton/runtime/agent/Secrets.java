package dev.baton.runtime.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an API key from a secrets directory: a file named after the variable, its content trimmed. */
final class Secrets {
  private static final long MAX_BYTES = 64 * 1024;

  private Secrets() {}

  /** The key, or null when there is no such readable file (the message never holds the value). */
  static String read(Path dir, String variable) {
    if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      return null;
    }
    Path file = dir.resolve(variable);
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
        return null;
      }
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    }
  }
}
