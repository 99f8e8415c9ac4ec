package dev.uploads.schema.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanKind;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** How a hop continues the traceparent it is given, and what it leaves in the MDC. */
class TracingTest {
  private static final String TRACEPARENT = "00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})";

  @Test
  void aHopIsAChildOfItsTraceparentAndNamesItselfInTheMdcUntilClosed() {
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    try (Tracing tracing = Tracing.unexported("test");
        Hop outer = tracing.hop("outer", SpanKind.CONSUMER, parent)) {
      String mine = outer.traceparent();
      assertTrue(mine.matches(TRACEPARENT), mine);
      assertEquals(parent.substring(0, 36), mine.substring(0, 36), "the parent's trace");
      assertNotEquals(parent.substring(36, 52), mine.substring(36, 52), "a span of its own");
      assertTrue(mine.endsWith("-01"), "the parent's sampling decision");
      assertEquals(mine.substring(3, 35), MDC.get(Hop.TRACE_ID));
      assertEquals(mine.substring(36, 52), MDC.get(Hop.SPAN_ID));
      try (Hop inner = tracing.hop("inner", SpanKind.INTERNAL)) {
        assertEquals(outer.traceId(), inner.traceId(), "a child of the current hop");
        assertEquals(inner.traceparent().substring(36, 52), MDC.get(Hop.SPAN_ID));
      }
      assertEquals(mine.substring(36, 52), MDC.get(Hop.SPAN_ID), "given back when closed");
    }
    assertNull(MDC.get(Hop.TRACE_ID));
    assertNull(MDC.get(Hop.SPAN_ID));
  }

  @Test
  void withoutAValidTraceparentAHopStartsATrace() {
    try (Tracing tracing = Tracing.unexported("test")) {
      for (String invalid :
          new String[] {
            null,
            "",
            "garbage",
            "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01"
          }) {
        try (Hop hop = tracing.hop("root", SpanKind.SERVER, invalid)) {
          assertTrue(hop.traceparent().matches(TRACEPARENT), hop.traceparent());
          assertNotEquals("0".repeat(32), hop.traceId());
          assertNotEquals("4bf92f3577b34da6a3ce929d0e0e4736", hop.traceId());
        }
      }
    }
  }

  @Test
  void anUnsampledCallerStaysUnsampledWithSpansOfItsOwn() {
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    try (Tracing tracing = Tracing.unexported("test");
        Hop hop = tracing.hop("child", SpanKind.SERVER, parent)) {
      assertEquals(parent.substring(0, 36), hop.traceparent().substring(0, 36));
      assertNotEquals(parent.substring(36, 52), hop.traceparent().substring(36, 52));
      assertTrue(hop.traceparent().endsWith("-00"), hop.traceparent());
    }
  }
}
