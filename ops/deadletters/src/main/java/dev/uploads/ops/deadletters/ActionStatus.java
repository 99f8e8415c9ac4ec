package dev.uploads.ops.deadletters;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a replay or discard stands (table {@code dead_letter_actions}, column {@code status}).
 * {@link #INTERRUPTED} is never stored: it is a running action whose runner has not been heard from
 * for a while, which a resume picks up.
 *
 * <pre>
 *   running ──pause──▶ paused ──resume──▶ running ──every letter done──▶ completed
 *      │                 │
 *      └─────cancel──────┴──▶ cancelled (the letters not sent yet stay as they were)
 * </pre>
 */
public enum ActionStatus {
  RUNNING,
  INTERRUPTED,
  PAUSED,
  CANCELLED,
  COMPLETED,
  FAILED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ActionStatus parse(String label) {
    for (ActionStatus status : values()) {
      if (status.label().equals(label)) {
        return status;
      }
    }
    throw OperatorError.badInput(
        "an action's status is one of "
            + Arrays.stream(values()).map(ActionStatus::label).collect(Collectors.joining(", "))
            + ", not '"
            + label
            + "'");
  }

  /** Whether a runner may take the action's remaining letters (a resume after a crash). */
  public boolean runnable() {
    return this == RUNNING || this == INTERRUPTED;
  }
}
