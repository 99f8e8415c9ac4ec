package dev.uploads.ops.deadletters;

/**
 * An operator's request that cannot be carried out as asked. Nothing was changed when this is
 * thrown; the message says what to do instead. The CLI and the HTTP endpoints map the kind to an
 * exit code and a status.
 */
public final class OperatorError extends RuntimeException {
  public enum Kind {
    /** Malformed or incomplete input: 400, exit code 2. */
    BAD_INPUT,
    /** An id that names nothing: 404, exit code 3. */
    NOT_FOUND,
    /** Valid input that the letters' state refuses, such as a parked letter: 409, exit code 4. */
    CONFLICT,
    /** A viewer's key asking to act: 403 (the CLI has no roles: it is the database's owner). */
    FORBIDDEN
  }

  private final Kind kind;

  private OperatorError(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public static OperatorError badInput(String message) {
    return new OperatorError(Kind.BAD_INPUT, message);
  }

  public static OperatorError notFound(String message) {
    return new OperatorError(Kind.NOT_FOUND, message);
  }

  public static OperatorError conflict(String message) {
    return new OperatorError(Kind.CONFLICT, message);
  }

  public static OperatorError forbidden(String message) {
    return new OperatorError(Kind.FORBIDDEN, message);
  }

  public Kind kind() {
    return kind;
  }
}
