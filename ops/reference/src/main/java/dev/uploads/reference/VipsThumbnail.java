package dev.uploads.reference;

import java.awt.Dimension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * libvips' vipsthumbnail making one JPEG thumbnail of a given width: what a native image library
 * takes for the work of the thumbnail job. Each run is a process of its own, so its wall time
 * includes starting the process and loading libvips and its libraries; as many runs of {@code
 * vipsthumbnail --version} measure that start, and the figures "after start" take it off. One run
 * before the measured ones warms the page cache. CPU time is all of vips' threads together.
 */
public final class VipsThumbnail {
  private static final long RUN_TIMEOUT_SECONDS = 60;

  public record Result(
      String reference,
      String image,
      int width,
      int height,
      double megapixels,
      int thumbnailWidth,
      int runs,
      double medianMs,
      double minMs,
      double maxMs,
      double meanMs,
      double cpuMsPerRun,
      double startMedianMs,
      double msPerMegapixel,
      double msPerMegapixelAfterStart,
      String tool) {}

  private VipsThumbnail() {}

  public static Result run(Tools.Tool tool, Path jpeg, int thumbnailWidth, int runs, Path workDir)
      throws IOException, InterruptedException {
    if (runs < 1 || runs > 100) {
      throw new IllegalArgumentException("runs must be 1..100: " + runs);
    }
    Dimension size = dimensions(jpeg);
    Path out = Files.createDirectories(workDir).toAbsolutePath().resolve("vips-thumbnail.jpg");
    // "WIDTHx": that width, the height following the aspect ratio.
    List<String> args =
        List.of(
            jpeg.toAbsolutePath().toString(), "--size", thumbnailWidth + "x", "-o", out.toString());
    Tools.run(tool.process(args), RUN_TIMEOUT_SECONDS);
    int made = dimensions(out).width;
    if (made != Math.min(thumbnailWidth, size.width)) {
      throw new IllegalStateException(
          "vipsthumbnail made a thumbnail " + made + " wide, not " + thumbnailWidth);
    }
    double[] start = wallMillis(tool, List.of("--version"), runs);
    double cpuBefore = ChildCpu.reapedSeconds();
    double[] millis = wallMillis(tool, args, runs);
    double cpuMsPerRun = (ChildCpu.reapedSeconds() - cpuBefore) * 1000 / runs;
    Files.deleteIfExists(out);
    double median = median(millis);
    double megapixels = (double) size.width * size.height / 1e6;
    return new Result(
        "vipsthumbnail",
        jpeg.getFileName().toString(),
        size.width,
        size.height,
        round(megapixels),
        thumbnailWidth,
        runs,
        round(median),
        round(millis[0]),
        round(millis[runs - 1]),
        round(Arrays.stream(millis).average().orElseThrow()),
        round(cpuMsPerRun),
        round(median(start)),
        round(median / megapixels),
        round((median - median(start)) / megapixels),
        tool.version());
  }

  /** Sorted wall times of runs one after the other. */
  private static double[] wallMillis(Tools.Tool tool, List<String> args, int runs)
      throws IOException, InterruptedException {
    double[] millis = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Tools.run(tool.process(args), RUN_TIMEOUT_SECONDS);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return millis;
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** From the header alone, without decoding the image. */
  private static Dimension dimensions(Path jpeg) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(jpeg.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IllegalArgumentException("not an image: " + jpeg);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        return new Dimension(reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    }
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  /** VipsThumbnail JPEG THUMBNAIL_WIDTH [RUNS=10] */
  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      throw new IllegalArgumentException("usage: VipsThumbnail JPEG THUMBNAIL_WIDTH [RUNS]");
    }
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path work = Files.createTempDirectory("vips-thumbnail-");
    try {
      Result result =
          run(
              Tools.local().get("vipsthumbnail"),
              Path.of(args[0]),
              Integer.parseInt(args[1]),
              runs,
              work);
      System.out.println(Json.line(result));
    } finally {
      Files.deleteIfExists(work);
    }
  }
}
