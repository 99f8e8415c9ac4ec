package dev.uploads.schema;

import java.util.Locale;

/**
 * What an operator action did with one of its letters (table {@code dead_letter_action_items},
 * column {@code outcome}). A replay's letter is {@link #SENT} when it goes to {@code
 * <job>.redrive}; the worker then settles it as {@link #RESOLVED}, {@link #FAILED} (the letter is
 * open again) or {@link #PARKED}, in the same transaction that moves the letter to that {@link
 * LetterStatus}.
 */
public enum LetterOutcome {
  SENT,
  RESOLVED,
  FAILED,
  PARKED,
  DISCARDED,
  SKIPPED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome a failed replay records, from where the letter went. */
  public static LetterOutcome ofFailedReplay(LetterStatus next) {
    return next == LetterStatus.PARKED ? PARKED : FAILED;
  }
}
