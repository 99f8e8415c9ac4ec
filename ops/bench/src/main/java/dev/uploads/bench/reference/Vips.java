package dev.uploads.bench.reference;

import dev.uploads.bench.kit.Child;
import dev.uploads.worker.WorkerConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * libvips' vipsthumbnail doing the thumbnails job's work on the same images: for each image, one
 * JPEG of each width the worker's Thumbnailer makes by default. As many processes as cores share
 * the images (the job runs lanes in parallel too), each image a file of its own and vips' operation
 * cache off, so nothing is served from memory that the job has to decode.
 */
public final class Vips {
  public static final List<Integer> WIDTHS = new WorkerConfiguration.Thumbnails().getWidths();

  private final Tools.Tool tool;

  private Vips(Tools.Tool tool) {
    this.tool = tool;
  }

  /** Found on the machine or fetched into .local/tools (see {@link Tools}). */
  public static Vips find() throws IOException, InterruptedException {
    return new Vips(Tools.local().get("vipsthumbnail"));
  }

  public String version() {
    return tool.version();
  }

  /** Wall seconds to make every width of each image; {@code images} are JPEG files. */
  public double run(List<Path> images, Path dir) throws IOException, InterruptedException {
    int processes = Math.min(images.size(), Runtime.getRuntime().availableProcessors());
    List<List<String>> shares = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      shares.add(new ArrayList<>(List.of("--vips-cache-max=0")));
    }
    for (int i = 0; i < images.size(); i++) {
      shares.get(i % processes).add(images.get(i).toAbsolutePath().toString());
    }
    Files.createDirectories(dir);
    long start = System.nanoTime();
    for (int width : WIDTHS) {
      List<Child> running = new ArrayList<>();
      for (List<String> files : shares) {
        List<String> args = new ArrayList<>(files);
        args.addAll(List.of("--size", width + "x", "-o", dir + "/tn-" + width + "-%s.jpg"));
        Path log = dir.resolve("vips-" + width + "-" + running.size());
        running.add(Child.command(tool.command(args), tool.environment(), log));
      }
      for (Child child : running) {
        child.finishOk(Duration.ofSeconds(300));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try (var made = Files.list(dir)) {
      long thumbnails = made.filter(f -> f.getFileName().toString().startsWith("tn-")).count();
      long expected = (long) images.size() * WIDTHS.size();
      if (thumbnails != expected) {
        throw new IOException("vipsthumbnail made " + thumbnails + " thumbnails, not " + expected);
      }
    }
    return seconds;
  }

  /** Writes {@code count} copies of a JPEG as files of their own under dir. */
  public static List<Path> copies(byte[] jpeg, int count, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      files.add(Files.write(dir.resolve("img-" + i + ".jpg"), jpeg));
    }
    return files;
  }
}
