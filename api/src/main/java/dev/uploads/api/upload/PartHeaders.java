package dev.uploads.api.upload;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The headers of one multipart part, looked up case-insensitively. */
final class PartHeaders {
  private final Map<String, String> valuesByName;

  private PartHeaders(Map<String, String> valuesByName) {
    this.valuesByName = valuesByName;
  }

  /**
   * Reads from just after a boundary delimiter through the blank line that ends the headers. The
   * whole block, boundary line included, must fit in {@code maxBytes}, so a client cannot make the
   * server buffer an endless header.
   */
  static PartHeaders read(BoundaryScanner scanner, int maxBytes) throws IOException {
    int budget = maxBytes;
    String boundaryLineRest = scanner.readLine(budget);
    if (!boundaryLineRest.isBlank()) {
      throw new MalformedMultipartException("unexpected text after a multipart boundary");
    }
    budget -= boundaryLineRest.length() + 2;
    Map<String, String> headers = new HashMap<>();
    for (String line = scanner.readLine(budget); !line.isEmpty(); line = scanner.readLine(budget)) {
      budget -= line.length() + 2;
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new MalformedMultipartException("multipart part header without a name");
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      headers.putIfAbsent(name, line.substring(colon + 1).trim());
    }
    return new PartHeaders(headers);
  }

  /** The header's value, or null if the part does not have it. */
  String get(String name) {
    return valuesByName.get(name.toLowerCase(Locale.ROOT));
  }
}
