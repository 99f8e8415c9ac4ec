package dev.uploads.bench.jobs;

import dev.uploads.bench.kit.Cpu;
import dev.uploads.infra.LocalSmtp;
import dev.uploads.schema.UploadThumbnailed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Email throughput: {@code upload.thumbnailed} events for ready uploads of accounts with addresses,
 * handled by the emails job alone (already joined) against the real local SMTP server, timed from
 * the first record written until the server holds every mail. One SMTP conversation and one
 * PostgreSQL transaction per event.
 */
public final class EmailPhase {
  private static final String GROUP = "emails";

  private EmailPhase() {}

  public record Run(
      int events,
      boolean finished,
      long mails,
      double seconds,
      double perSecond,
      long deliveriesRecorded,
      boolean offsetsCommitted,
      Cpu.Use cpu) {}

  public static Run run(
      BenchInfra infra,
      UploadsTopic topic,
      Cpu cpu,
      int events,
      Duration timeout,
      Consumer<String> say)
      throws Exception {
    List<UUID> uploads = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      UUID id = UUID.randomUUID();
      uploads.add(id);
      UUID account = infra.account(i).id();
      records.add(
          UploadsTopic.record(
              new UploadThumbnailed(
                  id,
                  account,
                  List.of(
                      new UploadThumbnailed.Thumbnail(128, 96, "thumbnails/" + id + "/128.jpg"),
                      new UploadThumbnailed.Thumbnail(
                          512, 384, "thumbnails/" + id + "/512.jpg")))));
    }
    infra.insertUploads(uploads, "ready", 1000, "00", "00");
    long deliveriesBefore = infra.count("SELECT count(*) FROM email_deliveries");
    topic.moveGroupToEnd(GROUP);
    try (LocalSmtp smtp = LocalSmtp.start(0);
        InProcessWorker worker =
            InProcessWorker.start(infra.setupWithSmtp(smtp.port()), GROUP, Map.of(GROUP, 4))) {
      if (!topic.awaitJoined(GROUP, Duration.ofSeconds(30))) {
        throw new IllegalStateException("the emails job did not join its group in 30 s");
      }
      say.accept("emails: " + events + " upload.thumbnailed events, SMTP on port " + smtp.port());
      Cpu.Sample before = cpu.sample();
      long start = System.nanoTime();
      topic.sendAll(records);
      var ends = topic.endOffsets();
      long deadline = start + timeout.toNanos();
      while (smtp.receivedCount() < events && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Cpu.Sample after = cpu.sample();
      long mails = smtp.receivedCount();
      // The delivery row commits after the mail is sent; give the last transactions a moment.
      UploadsTopic.Progress committed =
          topic.awaitCaughtUp(GROUP, ends, events, System.nanoTime(), Duration.ofSeconds(10));
      Run run =
          new Run(
              events,
              mails >= events,
              mails,
              seconds,
              mails / seconds,
              infra.count("SELECT count(*) FROM email_deliveries") - deliveriesBefore,
              committed.finished(),
              Cpu.between(before, after));
      say.accept(
          String.format(
              "emails: %d of %d mails in %.1f s = %.0f/s, %d deliveries recorded",
              mails, events, seconds, run.perSecond(), run.deliveriesRecorded()));
      return run;
    }
  }
}
