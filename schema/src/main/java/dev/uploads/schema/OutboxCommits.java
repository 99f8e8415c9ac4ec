package dev.uploads.schema;

import org.jdbi.v3.core.config.JdbiConfig;

/**
 * What a process does once a transaction that appended outbox rows has committed: typically wake
 * its own relay and {@link OutboxNotifier#committed() NOTIFY} the others. Set it once on the {@code
 * Jdbi}: {@code jdbi.getConfig(OutboxCommits.class).onCommit(notifier::committed)}. {@link
 * Outbox#append} then registers it with the handle's commit, so it runs after the commit, never for
 * a rolled-back transaction, and no writer can forget it. Without it, relays find new rows at their
 * next poll.
 */
public final class OutboxCommits implements JdbiConfig<OutboxCommits> {
  private Runnable listener;

  public OutboxCommits() {}

  private OutboxCommits(OutboxCommits other) {
    this.listener = other.listener;
  }

  /** Runs {@code listener} after each commit of a transaction that appended outbox rows. */
  public OutboxCommits onCommit(Runnable listener) {
    this.listener = listener;
    return this;
  }

  Runnable listener() {
    return listener;
  }

  @Override
  public OutboxCommits createCopy() {
    return new OutboxCommits(this);
  }
}
