package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.TexturedJpeg;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import dev.uploads.bench.reference.Vips;
import dev.uploads.bench.stack.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Phone photos through the whole stack: distinct textured JPEGs of 1 to 12 MP, mixed, uploaded over
 * HTTP one after the other, and uploads/s from the first request until the last upload is {@code
 * ready} (its thumbnails stored). Beside it, vipsthumbnail makes the same widths of the same files,
 * one process per core: images/s.
 */
final class PhotoScenario {
  /** 4:3 sizes of 1, 2, 3, 5, 8 and 12 MP, the range phone cameras write. */
  private static final int[][] SIZES = {
    {1155, 866}, {1632, 1224}, {2000, 1500}, {2582, 1936}, {3264, 2448}, {4000, 3000}
  };

  private final Context ctx;
  private final StackUnderTest s;
  private final Figure figure;

  PhotoScenario(Context ctx, StackUnderTest s) {
    this.ctx = ctx;
    this.s = s;
    String name =
        String.format(
            "uploads/s to ready, %d phone JPEGs of 1–12 MP mixed", ctx.options().photos());
    this.figure =
        ctx.report()
            .add(
                new Figure(
                    "photos",
                    name,
                    "/s",
                    "vipsthumbnail, the same files and widths, images/s",
                    Figure.Target.ratioAtLeast(1.0)))
            .cpuBasis("CPU-s per 1,000 photos; ours: every process; vipsthumbnail: its processes");
  }

  void run() throws Exception {
    int count = ctx.options().photos();
    List<byte[]> jpegs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    Path dir = ctx.data().resolve("photos");
    Files.createDirectories(dir);
    for (int i = 0; i < count; i++) {
      int[] size = SIZES[i % SIZES.length];
      jpegs.add(TexturedJpeg.make(size[0], size[1], 2_000 + i));
      files.add(Files.write(dir.resolve("photo-" + i + ".jpg"), jpegs.get(i)));
    }
    long bytes = jpegs.stream().mapToLong(j -> j.length).sum();
    ctx.say("photos: %d JPEGs of 1–12 MP, %.1f MB in all", count, bytes / 1e6);
    List<byte[]> requests =
        LoadGenerator.multipart(
            jpegs, s.api.getHostString() + ":" + s.api.getPort(), s.stack.apiKey());
    Vips vips = null;
    try {
      vips = Vips.find();
    } catch (java.io.IOException | RuntimeException e) {
      figure.theirsMissing("vipsthumbnail not available: " + e.getMessage());
    }
    Vips found = vips;
    ctx.rounds(
        "photos",
        ctx.options().round("photos"),
        r ->
            List.of(() -> ours(requests, r), () -> theirs(found, files, dir.resolve("vips-" + r))));
  }

  private void ours(List<byte[]> requests, int round) throws Exception {
    s.settle(ctx.timeout(Duration.ofSeconds(60)));
    Timestamp from = s.databaseNow();
    Cpu.Sample a = s.cpu.sample();
    try (HttpConnection http = new HttpConnection(s.api)) {
      for (byte[] request : requests) {
        if (http.exchange(request) != 202) {
          throw new IllegalStateException("a photo was refused: " + http.lastErrorBody());
        }
      }
    }
    long deadline =
        System.nanoTime() + ctx.timeout(Duration.ofSeconds(60L + 5L * requests.size())).toNanos();
    double[] done = ready(from);
    while (done[0] < requests.size() && done[1] == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      done = ready(from);
    }
    Cpu.Use cpu = Cpu.between(a, s.cpu.sample());
    if (done[0] < requests.size()) {
      throw new IllegalStateException(
          String.format("%.0f of %d photos ready, %.0f failed", done[0], requests.size(), done[1]));
    }
    double perSecond = requests.size() / done[2];
    ctx.say("   photos round %d: %.1f uploads/s to ready", round, perSecond);
    ctx.report().detail("photos", Map.of("round", round, "seconds", done[2], "cpu", cpu));
    figure.ours(perSecond, Cpu.Use.per1000(cpu.all(), requests.size()));
  }

  /** Ready and failed uploads created since {@code from}, and seconds until the last was ready. */
  private double[] ready(Timestamp from) throws Exception {
    try (Connection c = Sql.connect(s.uploadsDb);
        PreparedStatement q =
            c.prepareStatement(
                """
                SELECT count(*) FILTER (WHERE status = 'ready'),
                       count(*) FILTER (WHERE status = 'failed'),
                       extract(epoch FROM max(updated_at) - ?)
                FROM uploads WHERE created_at >= ?""")) {
      q.setTimestamp(1, from);
      q.setTimestamp(2, from);
      try (ResultSet row = q.executeQuery()) {
        row.next();
        return new double[] {row.getLong(1), row.getLong(2), row.getDouble(3)};
      }
    }
  }

  private void theirs(Vips vips, List<Path> files, Path out) throws Exception {
    if (vips == null) {
      return;
    }
    Cpu.Sample a = s.cpu.sample();
    double seconds = vips.run(files, out);
    Cpu.Use use = Cpu.between(a, s.cpu.sample());
    ctx.say("   vipsthumbnail round: %.1f images/s", files.size() / seconds);
    figure.theirs(files.size() / seconds, Cpu.Use.per1000(use.children(), files.size()));
  }
}
