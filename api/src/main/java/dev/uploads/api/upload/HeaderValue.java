package dev.uploads.api.upload;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A header value with {@code ; name=value} parameters, e.g. Content-Type, Content-Disposition. */
record HeaderValue(String value, Map<String, String> parameters) {

  /** Parameter names are lowercased (they are case-insensitive); the first occurrence wins. */
  static HeaderValue parse(String header) {
    if (header == null) {
      return new HeaderValue("", Map.of());
    }
    int length = header.length();
    int semicolon = header.indexOf(';');
    String value = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
    Map<String, String> parameters = new HashMap<>();
    int i = semicolon < 0 ? length : semicolon + 1;
    while (i < length) {
      int equals = header.indexOf('=', i);
      int nextSemicolon = header.indexOf(';', i);
      if (equals < 0) {
        break;
      }
      if (nextSemicolon >= 0 && nextSemicolon < equals) {
        i = nextSemicolon + 1; // a parameter without a value carries nothing we use
        continue;
      }
      String name = header.substring(i, equals).trim().toLowerCase(Locale.ROOT);
      int start = equals + 1;
      while (start < length && Character.isWhitespace(header.charAt(start))) {
        start++;
      }
      String parameter;
      int end;
      if (start < length && header.charAt(start) == '"') {
        // No backslash unescaping: browsers percent-encode quotes in filenames and send Windows
        // paths with bare backslashes, and boundaries cannot contain either character.
        int close = header.indexOf('"', start + 1);
        parameter = close < 0 ? header.substring(start + 1) : header.substring(start + 1, close);
        end = close < 0 ? -1 : header.indexOf(';', close + 1);
      } else {
        end = header.indexOf(';', start);
        parameter = (end < 0 ? header.substring(start) : header.substring(start, end)).trim();
      }
      parameters.putIfAbsent(name, parameter);
      i = end < 0 ? length : end + 1;
    }
    return new HeaderValue(value, Map.copyOf(parameters));
  }

  String parameter(String name) {
    return parameters.get(name);
  }
}
