package dev.uploads.schema.blob;

/**
 * Memory set aside for the buffers of uploads in flight, shared by all of them. An upload takes
 * from it as its buffer grows and gives everything back when it ends; one that would go over the
 * budget is refused at once as the store being unavailable (503 with Retry-After), which sheds load
 * while a slow or unreachable store keeps uploads waiting, instead of running out of heap.
 */
final class MemoryBudget {
  private final long limit;
  private long used;

  MemoryBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("the buffer budget must be positive: " + limit);
    }
    this.limit = limit;
  }

  Lease lease() {
    return new Lease();
  }

  synchronized long used() {
    return used;
  }

  private synchronized boolean take(long bytes) {
    if (used + bytes > limit) {
      return false;
    }
    used += bytes;
    return true;
  }

  private synchronized void give(long bytes) {
    used -= bytes;
  }

  /** What one upload holds; closing it gives it all back. */
  final class Lease implements AutoCloseable {
    private long held;

    void grow(long bytes) throws BlobStoreUnavailableException {
      if (!take(bytes)) {
        throw new BlobStoreUnavailableException(
            "uploads in flight hold the whole buffer budget ("
                + limit
                + " bytes): the store is slower than uploads arrive",
            null);
      }
      held += bytes;
    }

    @Override
    public void close() {
      give(held);
      held = 0;
    }
  }
}
