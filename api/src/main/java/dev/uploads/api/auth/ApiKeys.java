package dev.uploads.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API keys: 256 random bits behind a short visible prefix. Only their SHA-256 is stored; a slow
 * password hash would add nothing for secrets this long, and would cost every request.
 */
public final class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PREFIX = "upk_";

  private ApiKeys() {}

  public static String generate() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The part of a key that may be shown in listings and logs. */
  public static String visiblePrefix(String key) {
    return key.substring(0, Math.min(key.length(), PREFIX.length() + 6));
  }
}
