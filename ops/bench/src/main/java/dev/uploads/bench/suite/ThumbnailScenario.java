package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.BenchInfra;
import dev.uploads.bench.jobs.ProcessCpu;
import dev.uploads.bench.jobs.TexturedJpeg;
import dev.uploads.bench.jobs.ThumbnailPhase;
import dev.uploads.bench.jobs.UploadsTopic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Milliseconds of wall time per megapixel of source image: the thumbnails job ({@link
 * ThumbnailPhase}: events in, thumbnails stored, uploads ready, offsets committed) against
 * vipsthumbnail making the same widths of the same images ({@link Vips}). The images are generated
 * with texture ({@link TexturedJpeg}, the same seeds as the job's phase, so the same bytes).
 */
final class ThumbnailScenario {
  private final Context ctx;
  private final List<ThumbnailPhase.Size> sizes;
  private final Figure[] figures;

  ThumbnailScenario(Context ctx) {
    this.ctx = ctx;
    SuiteOptions o = ctx.options();
    this.sizes =
        List.of(
            new ThumbnailPhase.Size("1 MP", 1155, 866, o.smallImages()),
            new ThumbnailPhase.Size("12 MP", 4000, 3000, o.largeImages()));
    this.figures = new Figure[sizes.size()];
    for (int i = 0; i < sizes.size(); i++) {
      ThumbnailPhase.Size size = sizes.get(i);
      figures[i] =
          ctx.report()
              .add(
                  new Figure(
                      "thumbnails",
                      String.format(
                          "ms per MP, %d × %s, widths 128 and 512", size.count(), size.label()),
                      "ms/MP",
                      "vipsthumbnail, the same images and widths",
                      Figure.Target.ratioAtMost(3.0)))
              .cpuBasis(
                  "CPU-s per 1,000 images; ours: worker JVM + PostgreSQL + broker; vipsthumbnail: its processes");
    }
  }

  void run(BenchInfra infra, UploadsTopic topic, ProcessCpu processes, SystemCpu cpu)
      throws Exception {
    SuiteOptions o = ctx.options();
    Vips vips = null;
    String missing = null;
    try {
      vips = Vips.find(ctx.data().resolve("references/tools-vipsthumbnail"));
      ctx.report().header("vipsthumbnail", vips.version());
    } catch (References.NotAvailable e) {
      missing = e.getMessage();
    }
    Duration round = Duration.ofSeconds(60 + 3L * o.largeImages() + o.smallImages() / 5);
    for (int r = 1; r <= o.rounds(); r++) {
      if (r > 1 && !ctx.fits(round)) {
        figures[0].remark("rounds " + r + ".." + o.rounds() + " not run: time budget");
        break;
      }
      if (r % 2 == 1) {
        ours(infra, topic, processes, r);
        theirs(vips, missing, cpu, r);
      } else {
        theirs(vips, missing, cpu, r);
        ours(infra, topic, processes, r);
      }
    }
  }

  private void ours(BenchInfra infra, UploadsTopic topic, ProcessCpu processes, int round)
      throws Exception {
    List<ThumbnailPhase.Batch> batches =
        ThumbnailPhase.run(
            infra,
            topic,
            processes,
            ctx.options().thumbnailConcurrency(),
            sizes,
            () -> ctx.timeout(Duration.ofSeconds(120)),
            ctx.say());
    for (int i = 0; i < batches.size(); i++) {
      ThumbnailPhase.Batch b = batches.get(i);
      Map<String, Double> cores = b.cores();
      double cpuSeconds =
          (cores.get("jvm") + cores.get("kafka") + cores.get("postgres")) * b.seconds();
      if (!b.finished() || b.ready() != b.events()) {
        figures[i].remark(
            "round "
                + round
                + ": "
                + b.ready()
                + " of "
                + b.events()
                + " ready before the time box ended");
      }
      figures[i].ours(
          b.finished() ? b.wallMsPerMegapixel() : null,
          SystemCpu.Use.per1000(cpuSeconds, b.done()));
    }
    ctx.report().detail("thumbnails", Map.of("round", round, "batches", batches));
  }

  private void theirs(Vips vips, String missing, SystemCpu cpu, int round) throws Exception {
    for (int i = 0; i < sizes.size(); i++) {
      if (vips == null) {
        figures[i].theirsMissing(missing);
        continue;
      }
      ThumbnailPhase.Size size = sizes.get(i);
      byte[] jpeg = TexturedJpeg.make(size.width(), size.height(), i + 1);
      Path dir = ctx.data().resolve("vips/round-" + round + "/" + i);
      SystemCpu.Sample a = cpu.sample();
      double seconds = vips.run(jpeg, size.count(), dir);
      SystemCpu.Use use = SystemCpu.between(a, cpu.sample());
      double msPerMp = seconds * 1000 / (size.count() * size.megapixels());
      figures[i].theirs(msPerMp, SystemCpu.Use.per1000(use.children(), size.count()));
      ctx.report()
          .detail(
              "thumbnails_vips",
              Map.of(
                  "round",
                  round,
                  "size",
                  size.label(),
                  "seconds",
                  seconds,
                  "ms_per_mp",
                  msPerMp,
                  "cpu_seconds",
                  use.json()));
      ctx.say(
          String.format("   vipsthumbnail round %d, %s: %.1f ms/MP", round, size.label(), msPerMp));
    }
  }
}
