package dev.uploads.api.upload;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * The name an upload is shown by, made from whatever the client sent as its file name. Clients send
 * paths ({@code C:\Users\…\photo.jpg}, {@code ../../etc/passwd.png}), line breaks that would split
 * a header or a log line, bidirectional overrides that make {@code gpj.exe} read as {@code
 * exe.jpg}, and names of any length. What is kept: the last path segment, without control
 * characters, in NFC, at most {@link #MAX_BYTES} bytes of UTF-8 cut on a code point with the
 * extension kept. Every other script and emoji (joiners and variation selectors included) pass
 * through intact.
 */
final class DisplayName {
  static final int MAX_BYTES = 255;

  /* An extension longer than this is part of the name, not something to keep at all costs. */
  private static final int MAX_EXTENSION_BYTES = 16;

  private DisplayName() {}

  /** The display name, or null when nothing displayable is left (or nothing was sent). */
  static String of(String sent) {
    if (sent == null) {
      return null;
    }
    String name = Normalizer.normalize(sent, Normalizer.Form.NFC);
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    name = withoutControls(name).strip();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return null;
    }
    if (utf8Length(name) <= MAX_BYTES) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String extension = dot > 0 ? name.substring(dot) : "";
    if (utf8Length(extension) > MAX_EXTENSION_BYTES) {
      extension = "";
    }
    String stem = name.substring(0, name.length() - extension.length());
    return cut(stem, MAX_BYTES - utf8Length(extension)).strip() + extension;
  }

  private static String withoutControls(String name) {
    StringBuilder kept = new StringBuilder(name.length());
    name.codePoints()
        .filter(c -> !Character.isISOControl(c) && !isBidiControl(c) && !isLoneSurrogate(c))
        .forEach(kept::appendCodePoint);
    return kept.toString();
  }

  /** Embeddings, overrides, isolates and marks: they reorder how the rest of a name reads. */
  private static boolean isBidiControl(int c) {
    return (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200E
        || c == 0x200F
        || c == 0x061C;
  }

  private static boolean isLoneSurrogate(int c) {
    return c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE;
  }

  /** The longest prefix of whole code points that fits in {@code maxBytes} of UTF-8. */
  private static String cut(String text, int maxBytes) {
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int c = text.codePointAt(end);
      int size = utf8Length(new String(Character.toChars(c)));
      if (bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      end += Character.charCount(c);
    }
    return text.substring(0, end);
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
