package dev.uploads.bench.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The order of the run. The three job phases share one PostgreSQL and Kafka (each job's group
 * starts at the topic's end, so earlier phases' records are not replayed); they are stopped before
 * the latency phase starts the whole stack, so the two never compete. A failed phase becomes a
 * "failed" row and the others still run.
 */
final class Phases {
  // What each later phase took with the defaults on a busy 2-core machine (~30 s each), plus
  // margin;
  // if one runs longer, its own waits are cut by the budget rather than the run overrunning.
  private static final Duration EMAIL_RESERVE = Duration.ofSeconds(40);
  private static final Duration THUMBNAIL_RESERVE = Duration.ofSeconds(40);

  private final JobBenchOptions o;
  private final Budget budget;
  private final Results results;
  private final Consumer<String> say;
  private final Duration latencyReserve;

  Phases(JobBenchOptions o, Budget budget, Results results, Consumer<String> say) {
    this.o = o;
    this.budget = budget;
    this.results = results;
    this.say = say;
    // stack start ~35 s, warm-up, the load itself, waiting for the last uploads, stop
    this.latencyReserve = Duration.ofSeconds(o.uploadSeconds() + 50);
  }

  private interface Step {
    void run() throws Exception;
  }

  boolean runAll(Path data) {
    boolean ok = true;
    say.accept("starting PostgreSQL and Kafka for the job phases");
    try (BenchInfra infra = BenchInfra.start(data.resolve("jobs"), o.accounts());
        UploadsTopic topic = new UploadsTopic(infra.kafka.bootstrapServers())) {
      ProcessCpu cpu = new ProcessCpu(data.resolve("jobs").resolve("postgres"));
      ok &= attempt("stats", () -> stats(infra, topic, cpu));
      ok &= attempt("thumbnails", () -> thumbnails(infra, topic, cpu));
      ok &= attempt("emails", () -> emails(infra, topic, cpu));
      say.accept("job phases done; stopping PostgreSQL and Kafka");
    } catch (Exception e) {
      ok = false;
      failed("job phases", e);
    }
    ok &= attempt("latency", () -> latency(data.resolve("stack")));
    return ok;
  }

  private void stats(BenchInfra infra, UploadsTopic topic, ProcessCpu cpu) throws Exception {
    Duration reserve = latencyReserve.plus(EMAIL_RESERVE).plus(THUMBNAIL_RESERVE);
    say.accept("stats: warm-up, " + o.warmupEvents() + " events (not measured)");
    StatsPhase.warmUp(
        infra, topic, o.warmupEvents(), budget.timeout(Duration.ofSeconds(60), reserve));
    results.note(
        "stats runs follow an unmeasured warm-up of "
            + o.warmupEvents()
            + " events in the same JVM, so the worker's code is JIT-compiled as in a running worker");
    List<StatsPhase.Run> runs = new ArrayList<>();
    results.data("stats", runs);
    Duration box = Duration.ofSeconds(o.statsSeconds());
    for (int concurrency : o.statsConcurrency()) {
      // writing the backlog and stopping the worker take ~15 s besides the time box
      if (!runs.isEmpty() && !budget.fits(box.plusSeconds(15), reserve)) {
        results.row(
            "stats events/s, concurrency " + concurrency,
            "not run",
            "skipped: not in the time budget");
        continue;
      }
      StatsPhase.Run r =
          StatsPhase.run(
              infra, topic, cpu, concurrency, o.statsEvents(), budget.timeout(box, reserve), say);
      runs.add(r);
      Rows.stats(results, r, o.statsSeconds());
    }
  }

  private void thumbnails(BenchInfra infra, UploadsTopic topic, ProcessCpu cpu) throws Exception {
    List<ThumbnailPhase.Size> sizes =
        List.of(
            new ThumbnailPhase.Size("1 MP", 1155, 866, o.smallImages()),
            new ThumbnailPhase.Size("12 MP", 4000, 3000, o.largeImages()));
    List<ThumbnailPhase.Batch> batches =
        ThumbnailPhase.run(
            infra,
            topic,
            cpu,
            o.thumbnailConcurrency(),
            sizes,
            () -> budget.timeout(Duration.ofSeconds(90), latencyReserve.plus(EMAIL_RESERVE)),
            say);
    results.data("thumbnails", batches);
    Rows.thumbnails(results, batches, o.thumbnailConcurrency());
  }

  private void emails(BenchInfra infra, UploadsTopic topic, ProcessCpu cpu) throws Exception {
    EmailPhase.Run r =
        EmailPhase.run(
            infra,
            topic,
            cpu,
            o.emails(),
            budget.timeout(Duration.ofSeconds(90), latencyReserve),
            say);
    results.data("emails", r);
    Rows.emails(results, r);
  }

  private void latency(Path dir) throws Exception {
    LatencyPhase.Run r =
        LatencyPhase.run(
            dir,
            o.uploadRate(),
            o.uploadSeconds(),
            budget.timeout(Duration.ofSeconds(60), Duration.ofSeconds(15)),
            say);
    results.data("upload_to_ready", r);
    Rows.latency(results, r);
  }

  private boolean attempt(String name, Step step) {
    try {
      step.run();
      return true;
    } catch (Exception e) {
      failed(name, e);
      return false;
    }
  }

  private void failed(String name, Exception e) {
    say.accept(name + " failed: " + e);
    e.printStackTrace(System.out);
    results.row(name, "failed", e.toString());
    results.data(name + "_error", e.toString());
  }
}
