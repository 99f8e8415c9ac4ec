package dev.uploads.bench.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void givenValuesWinAndDefaultsFillTheRest() {
    Options o = new Options(new String[] {"--rounds=1", "--scenarios=ingest,relay", "--keep-data"});
    assertEquals(1, o.positive("rounds", 3));
    assertEquals(27, o.positive("budget-minutes", 27));
    assertEquals(List.of("ingest", "relay"), o.list("scenarios", List.of("x"), List.of()));
    assertTrue(o.flag("keep-data"));
    assertFalse(o.flag("verbose"));
    o.done();
  }

  @Test
  void anUnknownOptionIsRefusedWithTheKnownOnes() {
    Options o = new Options(new String[] {"--rounds=2", "--roudns=3"});
    o.positive("rounds", 3);
    o.integer("ingest-limit", 0, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::done);
    assertTrue(e.getMessage().contains("--roudns"), e.getMessage());
    assertTrue(e.getMessage().contains("known: --rounds=3 --ingest-limit=0"), e.getMessage());
  }

  @Test
  void badValuesSayWhatIsExpected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Options(new String[] {"--rounds=0"}).positive("rounds", 3));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Options(new String[] {"--rounds=many"}).positive("rounds", 3));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Options(new String[] {"--scenarios=ingest,typo"})
                    .list("scenarios", List.of(), List.of("ingest", "relay")));
    assertTrue(e.getMessage().contains("'typo'; known: ingest,relay"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Options(new String[] {"rounds=1"}));
  }
}
