package dev.uploads.bench.suite;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured, as the load generator's JVM reports it. Only 202s count as successes
 * (and only their latencies are in the percentiles); every other status and every broken connection
 * is an error.
 */
public record LoadResult(
    long accepted,
    Map<Integer, Long> otherStatuses,
    long ioErrors,
    String firstError,
    double p50Millis,
    double p99Millis,
    double seconds) {

  public double acceptedPerSecond() {
    return seconds > 0 ? accepted / seconds : 0;
  }

  public long errors() {
    return ioErrors + otherStatuses.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Per-thread counts while a run is in progress; merged once all threads have finished. */
  static final class Tally {
    final Histogram latency = new Histogram(3);
    final Map<Integer, Long> statuses = new TreeMap<>();
    long accepted;
    long ioErrors;
    String firstError;

    void status(int status, long latencyMicros, String errorBody) {
      if (status == 202) {
        accepted++;
        latency.recordValue(Math.max(0, latencyMicros));
      } else {
        statuses.merge(status, 1L, Long::sum);
        firstError = firstError != null ? firstError : "HTTP " + status + ": " + errorBody;
      }
    }

    void ioError(Exception e) {
      ioErrors++;
      firstError = firstError != null ? firstError : e.toString();
    }

    static LoadResult merge(List<Tally> tallies, double seconds) {
      Histogram all = new Histogram(3);
      Map<Integer, Long> statuses = new TreeMap<>();
      long accepted = 0;
      long io = 0;
      String first = null;
      for (Tally t : tallies) {
        all.add(t.latency);
        t.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
        accepted += t.accepted;
        io += t.ioErrors;
        first = first != null ? first : t.firstError;
      }
      double p50 = accepted == 0 ? Double.NaN : all.getValueAtPercentile(50) / 1000.0;
      double p99 = accepted == 0 ? Double.NaN : all.getValueAtPercentile(99) / 1000.0;
      return new LoadResult(accepted, statuses, io, first, p50, p99, seconds);
    }
  }
}
