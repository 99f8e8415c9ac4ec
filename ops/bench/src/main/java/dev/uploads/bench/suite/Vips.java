package dev.uploads.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * libvips' vipsthumbnail doing the thumbnails job's work on the same images: for each image, one
 * JPEG of each of the job's widths. As many processes as cores share the images (the job runs lanes
 * in parallel too), each image a file of its own and vips' operation cache off, so nothing is
 * served from memory that the job has to decode. The binary is the one ops/reference's Tools finds
 * (or fetches from Debian's libvips-tools).
 */
final class Vips {
  static final int[] WIDTHS = {128, 512};

  private final JsonNode tool;

  private Vips(JsonNode tool) {
    this.tool = tool;
  }

  static Vips find(Path log) throws References.NotAvailable, InterruptedException {
    JsonNode tool =
        References.json(References.TOOLS, List.of("vipsthumbnail"), Duration.ofSeconds(600), log);
    return new Vips(tool);
  }

  String version() {
    return tool.path("version").asText();
  }

  /** Wall seconds to make every width of {@code count} copies of the JPEG. */
  double run(byte[] jpeg, int count, Path dir) throws IOException, InterruptedException {
    int processes = Math.min(count, Runtime.getRuntime().availableProcessors());
    List<List<String>> shares = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < count; i++) {
      Path file =
          Files.createDirectories(dir.resolve("p" + (i % processes))).resolve("img-" + i + ".jpg");
      Files.write(file, jpeg);
      shares.get(i % processes).add(file.toString());
    }
    long start = System.nanoTime();
    for (int width : WIDTHS) {
      List<Process> running = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (List<String> files : shares) {
        Path log = dir.resolve("vips-" + width + "-" + logs.size() + ".log");
        logs.add(log);
        List<String> command =
            new ArrayList<>(
                List.of(
                    tool.path("path").asText(),
                    "--vips-cache-max=0",
                    "--size",
                    width + "x",
                    "-o",
                    "tn-" + width + "-%s.jpg"));
        command.addAll(files);
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        String libraries = tool.path("library_path").asText();
        if (!libraries.isEmpty()) {
          builder
              .environment()
              .merge("LD_LIBRARY_PATH", libraries, (old, ours) -> ours + ":" + old);
        }
        running.add(builder.start());
      }
      for (int k = 0; k < running.size(); k++) {
        Process p = running.get(k);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
          running.forEach(Process::destroyForcibly);
          throw new IOException("vipsthumbnail did not finish in 300 s");
        }
        if (p.exitValue() != 0) {
          throw new IOException(
              "vipsthumbnail failed (exit "
                  + p.exitValue()
                  + "): "
                  + Files.readString(logs.get(k)));
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    try (var made = Files.walk(dir)) {
      long thumbnails = made.filter(f -> f.getFileName().toString().startsWith("tn-")).count();
      if (thumbnails != (long) count * WIDTHS.length) {
        throw new IOException(
            "vipsthumbnail made " + thumbnails + " thumbnails, not " + count * WIDTHS.length);
      }
    }
    return seconds;
  }
}
