package dev.uploads.bench.stack;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured. Only 202s count as successes (and only their latencies are in the
 * histogram); every other status and every broken connection is an error.
 */
public record LoadResult(
    long accepted,
    Map<Integer, Long> otherStatuses,
    long ioErrors,
    String firstError,
    Histogram latencyMicros,
    double seconds,
    long loadGeneratorCpuNanos) {

  public double acceptedPerSecond() {
    return seconds > 0 ? accepted / seconds : 0;
  }

  public long errors() {
    return ioErrors + otherStatuses.values().stream().mapToLong(Long::longValue).sum();
  }

  public double p50Millis() {
    return accepted == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(50) / 1000.0;
  }

  public double p99Millis() {
    return accepted == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(99) / 1000.0;
  }

  /** The load generator's CPU as a share of one core over the measured interval. */
  double loadGeneratorCores() {
    return seconds > 0 ? loadGeneratorCpuNanos / (seconds * 1e9) : 0;
  }

  /** Per-thread counts while a run is in progress; merged once all threads have finished. */
  static final class Tally {
    final Histogram latency = new Histogram(3);
    final Map<Integer, Long> statuses = new TreeMap<>();
    long accepted;
    long ioErrors;
    long cpuNanos;
    String firstError;

    void status(int status, long latencyMicros, String errorBody) {
      if (status == 202) {
        accepted++;
        latency.recordValue(Math.max(0, latencyMicros));
      } else {
        statuses.merge(status, 1L, Long::sum);
        if (firstError == null) {
          firstError = "HTTP " + status + ": " + errorBody;
        }
      }
    }

    void ioError(Exception e) {
      ioErrors++;
      if (firstError == null) {
        firstError = e.toString();
      }
    }

    static LoadResult merge(Iterable<Tally> tallies, double seconds) {
      Histogram all = new Histogram(3);
      Map<Integer, Long> statuses = new TreeMap<>();
      long accepted = 0;
      long io = 0;
      long cpu = 0;
      String first = null;
      for (Tally t : tallies) {
        all.add(t.latency);
        t.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
        accepted += t.accepted;
        io += t.ioErrors;
        cpu += t.cpuNanos;
        first = first != null ? first : t.firstError;
      }
      return new LoadResult(accepted, statuses, io, first, all, seconds, cpu);
    }
  }
}
