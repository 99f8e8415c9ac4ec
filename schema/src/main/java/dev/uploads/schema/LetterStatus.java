package dev.uploads.schema;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one model of a dead letter's life (table {@code dead_letters}, column {@code status}), for
 * the worker that records and settles letters and the operators' tools that replay and discard
 * them:
 *
 * <pre>
 *   (recorded) ──▶ open ──replay sent──▶ replaying ──processed──▶ resolved
 *                   ▲ │                   │     ▲
 *                   │ └──discard──┐       │     └──replay sent (with include-parked)──┐
 *                   └─failed again┴───────┘                                             │
 *                                 ▼       └──failed again, replays used up──▶ parked ───┘
 *                             discarded ◀──────────────discard───────────────────┘
 * </pre>
 *
 * Letters that still need someone are {@link #unresolved()}: at most one per event and job (a
 * partial unique index). Resolved and discarded letters are closed, and retention prunes them.
 */
public enum LetterStatus {
  OPEN,
  REPLAYING,
  PARKED,
  RESOLVED,
  DISCARDED;

  /** Statuses of letters that still need someone: one per event and job at most. */
  public static final Set<LetterStatus> UNRESOLVED = EnumSet.of(OPEN, REPLAYING, PARKED);

  /** Statuses of letters that need nothing more; retention deletes them after a while. */
  public static final Set<LetterStatus> CLOSED = EnumSet.of(RESOLVED, DISCARDED);

  /** What an action takes when its filter names no status: what waits for an operator. */
  public static final Set<LetterStatus> AWAITING_OPERATOR = EnumSet.of(OPEN, PARKED);

  /** The name in the database, in JSON and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LetterStatus parse(String label) {
    for (LetterStatus status : values()) {
      if (status.label().equals(label)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "a letter status is one of " + labels(List.of(values())) + ", not '" + label + "'");
  }

  public boolean unresolved() {
    return UNRESOLVED.contains(this);
  }

  /** Whether a replay may send this letter again: open ones, parked ones only when asked. */
  public boolean replayable(boolean includeParked) {
    return this == OPEN || (this == PARKED && includeParked);
  }

  /** Whether an operator may give up on this letter. */
  public boolean discardable() {
    return this == OPEN || this == PARKED;
  }

  /**
   * Where a replaying letter goes when its replay fails again: back to open, or parked once it has
   * been replayed {@code parkAfter} times, so that a letter that keeps failing stops being retried.
   */
  public static LetterStatus afterFailedReplay(int replays, int parkAfter) {
    return replays >= parkAfter ? PARKED : OPEN;
  }

  /** Labels as a comma-separated list, for messages. */
  public static String labels(java.util.Collection<LetterStatus> statuses) {
    return statuses.stream().map(LetterStatus::label).collect(Collectors.joining(", "));
  }

  /** Labels as a SQL list, such as {@code 'open', 'parked'}, for queries fixed at build time. */
  public static String sqlList(java.util.Collection<LetterStatus> statuses) {
    return statuses.stream()
        .sorted()
        .map(s -> "'" + s.label() + "'")
        .collect(Collectors.joining(", "));
  }
}
