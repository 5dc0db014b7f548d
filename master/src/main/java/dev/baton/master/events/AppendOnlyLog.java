package dev.baton.master.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A list that only grows, for one writer at a time and any number of lock-free readers: the
 * element is stored before the size is published (a volatile write), so a reader that sees size n
 * sees elements 0..n-1. Appends cost O(1); a CopyOnWriteArrayList copies the whole log on each.
 */
final class AppendOnlyLog<E> {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private volatile AtomicReferenceArray<AtomicReferenceArray<E>> chunks = new AtomicReferenceArray<>(16);
  private volatile int size;

  /** Appends {@code e}; callers serialise appends (the plan's lock). */
  void add(E e) {
    int n = size;
    int c = n >>> CHUNK_BITS;
    AtomicReferenceArray<AtomicReferenceArray<E>> cs = chunks;
    if (c >= cs.length()) {
      AtomicReferenceArray<AtomicReferenceArray<E>> grown = new AtomicReferenceArray<>(cs.length() * 2);
      for (int i = 0; i < cs.length(); i++) {
        grown.set(i, cs.get(i));
      }
      chunks = grown;
      cs = grown;
    }
    AtomicReferenceArray<E> chunk = cs.get(c);
    if (chunk == null) {
      chunk = new AtomicReferenceArray<>(CHUNK);
      cs.set(c, chunk);
    }
    chunk.set(n & (CHUNK - 1), e);
    size = n + 1;
  }

  int size() {
    return size;
  }

  /** Element {@code i}, for {@code i < size()} as read before. */
  E get(int i) {
    return chunks.get(i >>> CHUNK_BITS).get(i & (CHUNK - 1));
  }

  /** A copy of elements {@code from} (inclusive) to {@code to} (exclusive). */
  List<E> copy(int from, int to) {
    List<E> out = new ArrayList<>(Math.max(0, to - from));
    for (int i = from; i < to; i++) {
      out.add(get(i));
    }
    return List.copyOf(out);
  }
}
