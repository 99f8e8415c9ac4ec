package dev.uploads.ops.deadletters;

/**
 * What an operator asks for: replay or discard the letters a filter selects, and why.
 *
 * @param rate letters per second for a replay; null for no limit
 * @param max the most letters one action may take; a larger selection is refused, not cut
 */
public record ActionRequest(
    Kind kind, LetterFilter filter, String reason, boolean includeParked, Double rate, int max) {
  public static final int MAX_LIMIT = 100_000;

  public enum Kind {
    REPLAY,
    DISCARD;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ActionRequest {
    if (kind == null) {
      throw OperatorError.badInput("say whether to replay or discard");
    }
    if (filter == null || filter.isEmpty()) {
      throw OperatorError.badInput(
          "say which letters: give letter ids or a filter such as --job, --fingerprint, --key,"
              + " --exception, --type, --status, --since");
    }
    if (max < 1 || max > MAX_LIMIT) {
      throw OperatorError.badInput("--max must be between 1 and " + MAX_LIMIT + ", not " + max);
    }
    if (rate != null && (rate.isNaN() || rate < 0.01 || rate > 100_000)) {
      throw OperatorError.badInput(
          "--rate must be between 0.01 and 100000 letters per second (or 'unlimited'), not "
              + rate);
    }
    reason = reason == null ? null : reason.strip();
  }

  /** A dry run needs no reason; anything that changes letters does. */
  void requireReason() {
    if (reason == null || reason.isEmpty()) {
      throw OperatorError.badInput(
          "a reason is required for every "
              + kind.label()
              + " (--reason \"...\"): it is kept in the audit trail");
    }
  }
}
