package dev.baton.master.registry;

import dev.baton.v1.CoordinateResponse;

/** Sends frames down one instance's Coordinate stream. Thread-safe; a send on a closed stream is dropped. */
@FunctionalInterface
public interface CoordinateSink {
  void send(CoordinateResponse frame);
}
