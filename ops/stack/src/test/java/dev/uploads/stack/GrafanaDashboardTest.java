package dev.uploads.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/grafana/uploads.json} imports as it is into any Grafana: no datasource of this
 * installation is named, every query goes through the {@code datasource} variable, and the panels
 * fit the grid without overlapping. Its queries are held to the exported metrics by {@code
 * DashboardMetricsTest}.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("../grafana/uploads.json");

  @Test
  void importsAsItIsWithThePrometheusSourceAVariable() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertTrue(dashboard.path("id").isMissingNode(), "no id: Grafana gives one on import");
    assertFalse(dashboard.has("__inputs"), "no import-time inputs to fill in");
    assertEquals("uploads", dashboard.get("uid").asText());
    JsonNode variable = dashboard.at("/templating/list/0");
    assertEquals("datasource", variable.get("type").asText());
    assertEquals("datasource", variable.get("name").asText());
    assertEquals("prometheus", variable.get("query").asText());

    Set<Integer> ids = new HashSet<>();
    boolean[][] grid = new boolean[200][24];
    int queries = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      String title = panel.get("title").asText();
      assertTrue(ids.add(panel.get("id").asInt()), "panel ids are unique: " + title);
      JsonNode at = panel.get("gridPos");
      int x = at.get("x").asInt();
      int y = at.get("y").asInt();
      assertTrue(x + at.get("w").asInt() <= 24, title + " fits the 24 columns");
      for (int row = y; row < y + at.get("h").asInt(); row++) {
        for (int column = x; column < x + at.get("w").asInt(); column++) {
          assertFalse(grid[row][column], title + " overlaps another panel");
          grid[row][column] = true;
        }
      }
      if (panel.get("type").asText().equals("row")) {
        continue;
      }
      assertEquals("${datasource}", panel.at("/datasource/uid").asText(), title);
      assertFalse(panel.get("targets").isEmpty(), title + " has queries");
      for (JsonNode target : panel.get("targets")) {
        assertEquals("${datasource}", target.at("/datasource/uid").asText(), title);
        assertFalse(target.get("expr").asText().isBlank(), title + " has an expression");
        queries++;
      }
    }
    assertTrue(queries >= 20, "the dashboard's queries: " + queries);
  }
}
