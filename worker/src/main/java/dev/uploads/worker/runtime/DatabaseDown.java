package dev.uploads.worker.runtime;

import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionException;

/**
 * The database is a dependency too: while it is unreachable, jobs pause instead of failing events.
 */
final class DatabaseDown {
  private DatabaseDown() {}

  /** SQL state class 08 is "connection exception"; 57P0x is the server shutting down. */
  static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
    }
    return false;
  }
}
