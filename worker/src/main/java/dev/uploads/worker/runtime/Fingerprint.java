package dev.uploads.worker.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Groups failures that share a cause: exception class, message with its variable parts (ids,
 * numbers, quoted values) blanked, and the top stack frame. Two uploads failing on the same bug get
 * the same fingerprint; the operator's summary counts them together.
 */
public final class Fingerprint {
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern HEX = Pattern.compile("\\b[0-9a-fA-F]{16,}\\b");
  private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private Fingerprint() {}

  public static String normalise(String message) {
    if (message == null) {
      return "";
    }
    String text = UUID.matcher(message).replaceAll("<id>");
    text = HEX.matcher(text).replaceAll("<hex>");
    text = QUOTED.matcher(text).replaceAll("<value>");
    return NUMBER.matcher(text).replaceAll("<n>").trim();
  }

  public static String of(Throwable failure) {
    StackTraceElement[] frames = failure.getStackTrace();
    String top =
        frames.length == 0 ? "" : frames[0].getClassName() + "." + frames[0].getMethodName();
    String basis = failure.getClass().getName() + "|" + normalise(failure.getMessage()) + "|" + top;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
