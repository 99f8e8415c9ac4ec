package dev.uploads.api.auth;

import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Creating accounts and their keys: for the operator command, the local stack and tests. */
public final class Accounts {
  private Accounts() {}

  /** A new account with one key; the key is returned in clear once and never stored so. */
  public static NewAccount create(Jdbi jdbi, String email) {
    UUID id = UUID.randomUUID();
    String key = ApiKeys.generate();
    jdbi.useTransaction(
        h -> {
          AccountDao dao = h.attach(AccountDao.class);
          dao.insertAccount(id, email);
          dao.insertKey(ApiKeys.hash(key), id, ApiKeys.visiblePrefix(key));
        });
    return new NewAccount(id, key);
  }

  public record NewAccount(UUID id, String apiKey) {}
}
