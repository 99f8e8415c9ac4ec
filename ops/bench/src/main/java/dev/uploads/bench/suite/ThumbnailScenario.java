package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.BenchInfra;
import dev.uploads.bench.jobs.TexturedJpeg;
import dev.uploads.bench.jobs.ThumbnailPhase;
import dev.uploads.bench.jobs.UploadsTopic;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.reference.Vips;
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
                          "ms per MP, %d × %s, widths %s", size.count(), size.label(), Vips.WIDTHS),
                      "ms/MP",
                      "vipsthumbnail, the same images and widths",
                      Figure.Target.ratioAtMost(1.0)))
              .cpuBasis(
                  "CPU-s per 1,000 images; ours: worker JVM + PostgreSQL + broker; vipsthumbnail: its processes");
    }
  }

  void run(BenchInfra infra, UploadsTopic topic, Cpu cpu) throws Exception {
    Vips vips = null;
    String missing = null;
    try {
      vips = Vips.find();
      ctx.report().header("vipsthumbnail", vips.version());
    } catch (java.io.IOException | RuntimeException e) {
      missing = "vipsthumbnail not available: " + e.getMessage();
    }
    Vips found = vips;
    String why = missing;
    ctx.rounds(
        "thumbnails",
        ctx.options().round("thumbnails"),
        r -> List.of(() -> ours(infra, topic, cpu, r), () -> theirs(found, why, cpu, r)));
  }

  private void ours(BenchInfra infra, UploadsTopic topic, Cpu cpu, int round) throws Exception {
    List<ThumbnailPhase.Batch> batches =
        ThumbnailPhase.run(
            infra,
            topic,
            cpu,
            ctx.options().thumbnailConcurrency(),
            sizes,
            () -> ctx.timeout(Duration.ofSeconds(120)),
            ctx.say());
    for (int i = 0; i < batches.size(); i++) {
      ThumbnailPhase.Batch b = batches.get(i);
      double cpuSeconds = b.cpu().jvm() + b.cpu().kafka() + b.cpu().postgres();
      if (!b.finished() || b.ready() != b.size().count()) {
        String ready = b.ready() + " of " + b.size().count() + " ready";
        figures[i].remark("round " + round + ": " + ready + " before the time box ended");
      }
      figures[i].ours(
          b.finished() ? b.wallMsPerMegapixel() : null, Cpu.Use.per1000(cpuSeconds, b.done()));
    }
    ctx.report().detail("thumbnails", Map.of("round", round, "batches", batches));
  }

  private void theirs(Vips vips, String missing, Cpu cpu, int round) throws Exception {
    for (int i = 0; i < sizes.size(); i++) {
      if (vips == null) {
        figures[i].theirsMissing(missing);
        continue;
      }
      ThumbnailPhase.Size size = sizes.get(i);
      byte[] jpeg = TexturedJpeg.make(size.width(), size.height(), i + 1);
      Path dir = ctx.data().resolve("vips/round-" + round + "/" + i);
      List<Path> images = Vips.copies(jpeg, size.count(), dir.resolve("in"));
      Cpu.Sample a = cpu.sample();
      double seconds = vips.run(images, dir.resolve("out"));
      Cpu.Use use = Cpu.between(a, cpu.sample());
      double msPerMp = seconds * 1000 / (size.count() * size.megapixels());
      figures[i].theirs(msPerMp, Cpu.Use.per1000(use.children(), size.count()));
      Map<String, Object> run = Map.of("size", size.label(), "seconds", seconds, "cpu", use);
      ctx.report().detail("thumbnails_vips", Map.of("round", round, "run", run));
      ctx.say("   vipsthumbnail round %d, %s: %.1f ms/MP", round, size.label(), msPerMp);
    }
  }
}
