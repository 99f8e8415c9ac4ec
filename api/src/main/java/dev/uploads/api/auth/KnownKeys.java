package dev.uploads.api.auth;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recently verified key hashes, so that a busy client does not cost a key lookup per request. A
 * revoked key stops working after at most {@code ttlNanos}. Only successes are kept, so a wrong key
 * can never be cached into a right one.
 */
public final class KnownKeys {
  private static final int MAX_ENTRIES = 10_000;
  private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();
  private final long ttlNanos;

  public KnownKeys(java.time.Duration ttl) {
    this.ttlNanos = ttl.toNanos();
  }

  Optional<UUID> get(byte[] hash) {
    Entry entry = entries.get(ByteBuffer.wrap(hash));
    if (entry == null || System.nanoTime() - entry.verifiedAt > ttlNanos) {
      return Optional.empty();
    }
    return Optional.of(entry.account);
  }

  void put(byte[] hash, UUID account) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(ByteBuffer.wrap(hash), new Entry(account, System.nanoTime()));
  }

  private record Entry(UUID account, long verifiedAt) {}
}
