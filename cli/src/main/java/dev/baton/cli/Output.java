package dev.baton.cli;

/** What a command prints: text for people, or the proto JSON mapping for scripts. */
enum Output {
  text,
  json
}
