package dev.uploads.schema;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * "Something was committed to the outbox": wakes a waiting relay at once instead of at its next
 * poll. Signals coalesce: any number of commits while the relay is busy cost one wake-up.
 */
public final class OutboxSignal {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition raised = lock.newCondition();
  private boolean pending;

  public void raise() {
    lock.lock();
    try {
      pending = true;
      raised.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until raised or the timeout passes; clears the signal. */
  public boolean await(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lock();
    try {
      while (!pending) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        raised.awaitNanos(left);
      }
      pending = false;
      return true;
    } finally {
      lock.unlock();
    }
  }
}
