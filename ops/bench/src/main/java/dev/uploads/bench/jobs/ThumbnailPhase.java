package dev.uploads.bench.jobs;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.schema.UploadReceived;
import dev.uploads.schema.blob.FileSystemBlobStore;
import dev.uploads.schema.blob.StoredBlob;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Thumbnail throughput by image size. Real JPEGs go into the worker's blob store with matching
 * {@code uploads} rows, as the API would leave them; with only the thumbnails job running (and
 * joined, so start-up is not timed) one batch per size is written and timed until its offsets are
 * committed, one size after the other so the figures do not mix.
 */
public final class ThumbnailPhase {
  private static final String GROUP = "thumbnails";

  private ThumbnailPhase() {}

  public record Size(String label, int width, int height, int count) {
    public double megapixels() {
      return width * (double) height / 1e6;
    }
  }

  public record Batch(
      Size size,
      long jpegBytes,
      boolean finished,
      long done,
      double seconds,
      double perSecond,
      double wallMsPerMegapixel,
      long ready,
      Cpu.Use cpu) {}

  public static List<Batch> run(
      BenchInfra infra,
      UploadsTopic topic,
      Cpu cpu,
      int concurrency,
      List<Size> sizes,
      Supplier<Duration> timeout,
      Consumer<String> say)
      throws Exception {
    FileSystemBlobStore blobs = new FileSystemBlobStore(infra.setup.blobRoot());
    List<StoredBlob> stored = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      Size size = sizes.get(i);
      byte[] jpeg = TexturedJpeg.make(size.width(), size.height(), i + 1);
      stored.add(blobs.put(new ByteArrayInputStream(jpeg), Long.MAX_VALUE));
      say.accept(
          String.format(
              "thumbnails: made a %dx%d JPEG of %,d bytes",
              size.width(), size.height(), jpeg.length));
    }
    topic.moveGroupToEnd(GROUP);
    List<Batch> batches = new ArrayList<>();
    try (InProcessWorker worker =
        InProcessWorker.start(infra.setup, GROUP, Map.of(GROUP, concurrency))) {
      if (!topic.awaitJoined(GROUP, Duration.ofSeconds(30))) {
        throw new IllegalStateException("the thumbnails job did not join its group in 30 s");
      }
      for (int i = 0; i < sizes.size(); i++) {
        batches.add(batch(infra, topic, cpu, sizes.get(i), stored.get(i), timeout.get(), say));
      }
    }
    return batches;
  }

  private static Batch batch(
      BenchInfra infra,
      UploadsTopic topic,
      Cpu cpu,
      Size size,
      StoredBlob blob,
      Duration timeout,
      Consumer<String> say)
      throws Exception {
    List<UUID> ids = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < size.count(); i++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      records.add(
          UploadsTopic.record(
              new UploadReceived(
                  id,
                  infra.account(i).id(),
                  size.label() + "-" + i + ".jpg",
                  "image/jpeg",
                  blob.sizeBytes(),
                  blob.sha256(),
                  blob.key())));
    }
    infra.insertUploads(ids, "received", blob.sizeBytes(), blob.sha256(), blob.key());
    say.accept("thumbnails: " + size.count() + " × " + size.label() + " events");
    Cpu.Sample before = cpu.sample();
    long start = System.nanoTime();
    topic.sendAll(records);
    UploadsTopic.Progress progress =
        topic.awaitCaughtUp(GROUP, topic.endOffsets(), size.count(), start, timeout);
    Cpu.Sample after = cpu.sample();
    long ready =
        infra.jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM uploads WHERE status = 'ready' AND id = ANY(:ids)")
                    .bind("ids", ids.toArray(new UUID[0]))
                    .mapTo(Long.class)
                    .one());
    double pixelWork = Math.max(1, progress.done()) * size.megapixels();
    Batch batch =
        new Batch(
            size,
            blob.sizeBytes(),
            progress.finished(),
            progress.done(),
            progress.seconds(),
            progress.perSecond(),
            progress.seconds() * 1000 / pixelWork,
            ready,
            Cpu.between(before, after));
    say.accept(
        String.format(
            "thumbnails: %s: %d of %d in %.1f s = %.1f/s, %.1f ms/MP, %d ready",
            size.label(),
            batch.done(),
            size.count(),
            batch.seconds(),
            batch.perSecond(),
            batch.wallMsPerMegapixel(),
            batch.ready()));
    return batch;
  }
}
