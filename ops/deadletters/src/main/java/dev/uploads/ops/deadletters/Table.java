package dev.uploads.ops.deadletters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for people: aligned columns, long cells cut with an ellipsis. */
final class Table {
  private final List<String> headings;
  private final List<List<String>> rows = new ArrayList<>();
  private final int maxCell;

  Table(int maxCell, String... headings) {
    this.maxCell = maxCell;
    this.headings = List.of(headings);
  }

  Table row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      String text = cell == null ? "-" : cell.toString().replace('\n', ' ');
      row.add(text.length() <= maxCell ? text : text.substring(0, maxCell - 1) + "…");
    }
    rows.add(row);
    return this;
  }

  void print(PrintStream out) {
    int[] widths = new int[headings.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headings.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    line(out, headings, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
  }

  private static void line(PrintStream out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      line.append(cells.get(i));
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - cells.get(i).length() + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }
}
