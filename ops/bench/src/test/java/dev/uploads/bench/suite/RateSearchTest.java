package dev.uploads.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RateSearchTest {
  /** Runs the search against a system whose true limit is {@code limit}. */
  private static List<Double> tried(double start, int steps, double limit, RateSearch search) {
    List<Double> rates = new ArrayList<>();
    for (OptionalDouble r = search.next(); r.isPresent(); r = search.next()) {
      rates.add(r.getAsDouble());
      search.result(r.getAsDouble(), r.getAsDouble() <= limit);
    }
    return rates;
  }

  @Test
  void doublesUntilAFailureThenBisectsToWithinTenPercent() {
    RateSearch search = new RateSearch(100, 20);
    List<Double> rates = tried(100, 20, 330, search);
    assertEquals(List.of(100.0, 200.0, 400.0), rates.subList(0, 3));
    double limit = search.limit().getAsDouble();
    assertTrue(
        limit <= 330 && search.lowestFailed().getAsDouble() / limit <= 1.10, rates::toString);
  }

  @Test
  void halvesWhenTheStartFails() {
    RateSearch search = new RateSearch(100, 20);
    List<Double> rates = tried(100, 20, 30, search);
    assertEquals(List.of(100.0, 50.0, 25.0), rates.subList(0, 3));
    assertTrue(search.limit().getAsDouble() <= 30);
  }

  @Test
  void stopsAtItsStepLimit() {
    RateSearch search = new RateSearch(100, 3);
    assertEquals(3, tried(100, 3, 1e9, search).size());
    assertEquals(400, search.limit().getAsDouble());
    assertTrue(search.lowestFailed().isEmpty());
  }

  @Test
  void reportsNoLimitWhenNothingPasses() {
    RateSearch search = new RateSearch(4, 10);
    tried(4, 10, 0.5, search);
    assertTrue(search.limit().isEmpty());
  }
}
