package dev.uploads.api.auth;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

public interface AccountDao {
  @SqlUpdate("INSERT INTO accounts (id, email) VALUES (:id, :email)")
  void insertAccount(@Bind("id") UUID id, @Bind("email") String email);

  @SqlUpdate(
      """
      INSERT INTO api_keys (key_hash, account_id, prefix) VALUES (:hash, :account, :prefix)
      """)
  void insertKey(
      @Bind("hash") byte[] hash, @Bind("account") UUID account, @Bind("prefix") String prefix);

  @SqlQuery(
      """
      SELECT account_id FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL
      """)
  Optional<UUID> findAccountByKeyHash(@Bind("hash") byte[] hash);
}
