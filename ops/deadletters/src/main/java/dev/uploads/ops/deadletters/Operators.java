package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Operator credentials for the admin HTTP endpoints: 256-bit random keys starting {@code opk_},
 * stored as SHA-256 in their own table. A client API key is never found there, whatever it is.
 */
public final class Operators {
  public static final String PREFIX = "opk_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Jdbi jdbi;

  public Operators(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** What a key may do: a viewer looks, an operator looks and acts. */
  public enum Role {
    VIEWER,
    OPERATOR;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role parse(String value) {
      for (Role role : values()) {
        if (role.label().equals(value)) {
          return role;
        }
      }
      throw OperatorError.badInput("a role is 'viewer' or 'operator', not '" + value + "'");
    }
  }

  /** The holder of a verified key. */
  public record Operator(String name, Role role) {
    public boolean mayAct() {
      return role == Role.OPERATOR;
    }
  }

  /** Creates an operator and returns the key, which is shown this once and never stored. */
  public String add(String name) {
    return add(name, Role.OPERATOR);
  }

  /** Creates a key holder with a role and returns the key, shown this once and never stored. */
  public String add(String name, Role role) {
    if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
      throw OperatorError.badInput(
          "an operator name is 1 to 64 letters, digits, '.', '_', '@' or '-', not '" + name + "'");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    int added =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO operators (id, name, key_hash, role)"
                            + " VALUES (:id, :name, :hash, :role) ON CONFLICT (name) DO NOTHING")
                    .bind("id", UUID.randomUUID())
                    .bind("name", name)
                    .bind("role", role.label())
                    .bind("hash", hash(key))
                    .execute());
    if (added == 0) {
      throw OperatorError.conflict("an operator named '" + name + "' exists already");
    }
    return key;
  }

  public void revoke(String name) {
    int revoked =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE operators SET revoked_at = now()"
                            + " WHERE name = :name AND revoked_at IS NULL")
                    .bind("name", name)
                    .execute());
    if (revoked == 0) {
      throw OperatorError.notFound("no active operator is named '" + name + "'");
    }
  }

  /** Gives an active key holder another role; it takes effect at their next request. */
  public void assign(String name, Role role) {
    int changed =
        jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE operators SET role = :role"
                            + " WHERE name = :name AND revoked_at IS NULL")
                    .bind("role", role.label())
                    .bind("name", name)
                    .execute());
    if (changed == 0) {
      throw OperatorError.notFound("no active operator is named '" + name + "'");
    }
  }

  /** A key holder as {@code operators list} shows them; the key itself is never kept. */
  public record KeyHolder(
      @JsonProperty("name") String name,
      @JsonProperty("role") String role,
      @JsonProperty("created_at") Instant createdAt,
      @JsonProperty("revoked_at") Instant revokedAt) {}

  public List<KeyHolder> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT name, role, created_at, revoked_at FROM operators ORDER BY name")
                .registerRowMapper(ConstructorMapper.factory(KeyHolder.class))
                .mapTo(KeyHolder.class)
                .list());
  }

  /** Who holds a presented key, if it is an operator key and not revoked. */
  public Optional<Operator> verify(String key) {
    if (key == null || !key.startsWith(PREFIX) || key.length() > 200) {
      return Optional.empty();
    }
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, role FROM operators"
                        + " WHERE key_hash = :hash AND revoked_at IS NULL")
                .bind("hash", hash(key))
                .map(
                    (rs, ctx) ->
                        new Operator(rs.getString("name"), Role.parse(rs.getString("role"))))
                .findOne());
  }

  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
