package dev.uploads.topology;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

/** Reads the truth from PostgreSQL, through its published port. */
record Sql(Topology topology) {
  /** The single value {@code query} returns, as text; {@code ?} parameters bound in order. */
  String text(String query, Object... parameters) throws Exception {
    try (Connection connection = topology.sql();
        PreparedStatement statement = connection.prepareStatement(query)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new AssertionError("no row: " + query);
        }
        return rows.getString(1);
      }
    }
  }

  long number(String query, Object... parameters) throws Exception {
    return Long.parseLong(text(query, parameters));
  }

  /** The account a client's uploads belong to. */
  UUID account(String email) throws Exception {
    return UUID.fromString(text("SELECT id::text FROM accounts WHERE email = ?", email));
  }

  long uploads(UUID account, String status) throws Exception {
    return number(
        "SELECT count(*) FROM uploads WHERE account_id = ? AND status = ?", account, status);
  }

  long deadLetters() throws Exception {
    return number("SELECT count(*) FROM dead_letters");
  }
}
