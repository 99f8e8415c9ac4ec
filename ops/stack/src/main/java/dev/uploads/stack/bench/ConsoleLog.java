package dev.uploads.stack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the system wrote to its console during the run (request log, Liquibase, warnings), reduced
 * to what a reader of the report needs: how many warnings and errors, and the first few.
 */
final class ConsoleLog {
  private static final int EXAMPLES = 5;

  private ConsoleLog() {}

  static List<String> summarize(Path file) {
    long lines = 0;
    long problems = 0;
    List<String> examples = new ArrayList<>();
    try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) all::iterator) {
        lines++;
        if (line.startsWith("WARN") || line.startsWith("ERROR")) {
          problems++;
          if (examples.size() < EXAMPLES) {
            examples.add("    " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
          }
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of("console output of the system could not be read: " + e);
    }
    List<String> notes = new ArrayList<>();
    notes.add(
        "Console output of the system (request log etc., sent to a file): "
            + lines
            + " lines, "
            + problems
            + " WARN/ERROR"
            + (problems > 0 ? "; first ones:" : ""));
    notes.addAll(examples);
    return notes;
  }
}
