package dev.uploads.worker.stats;

import dev.uploads.schema.EmailSent;
import dev.uploads.schema.EventHeaders;
import dev.uploads.schema.EventJson;
import dev.uploads.schema.Topics;
import dev.uploads.schema.UploadFailed;
import dev.uploads.schema.UploadReceived;
import dev.uploads.schema.UploadThumbnailed;
import dev.uploads.worker.runtime.Delivery;
import dev.uploads.worker.runtime.Job;
import dev.uploads.worker.runtime.PermanentFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Per-account, per-day counters, each event counted exactly once: the counter update and the
 * processed-event marker commit together. Dead letters are counted from the other jobs' dead-letter
 * topics, keyed by the letter id (the record keeps the original event's id).
 */
public final class StatsJob implements Job {
  public static final String NAME = "stats";
  private static final List<String> COUNTED_DEAD_LETTERS = List.of("thumbnails", "emails");

  private final Jdbi jdbi;

  public StatsJob(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> extraTopics() {
    return COUNTED_DEAD_LETTERS.stream().map(Topics::deadLetters).toList();
  }

  @Override
  public Set<String> handles() {
    return Set.of(UploadReceived.TYPE, UploadThumbnailed.TYPE, EmailSent.TYPE, UploadFailed.TYPE);
  }

  /** Counters are cheap: many events share one commit, which is what bounds this job. */
  public static final int BATCH = 500;

  @Override
  public int batchSize() {
    return BATCH;
  }

  @Override
  public Outcome apply(Delivery delivery) throws PermanentFailure {
    return applyAll(List.of(delivery)).get(0);
  }

  @Override
  public List<Outcome> applyAll(List<Delivery> deliveries) throws PermanentFailure {
    List<StatsDao.Change> changes = new ArrayList<>(deliveries.size());
    for (Delivery delivery : deliveries) {
      changes.add(change(delivery));
    }
    // One statement; the transaction is explicit all the same, so that it commits even where the
    // pool is configured not to auto-commit.
    Set<UUID> fresh = jdbi.inTransaction(h -> StatsDao.apply(h, NAME, changes));
    List<Outcome> outcomes = new ArrayList<>(changes.size());
    for (StatsDao.Change change : changes) {
      // remove: a second delivery of one event in the same batch is a duplicate too
      outcomes.add(fresh.remove(change.event()) ? Outcome.APPLIED : Outcome.DUPLICATE);
    }
    return outcomes;
  }

  private static StatsDao.Change change(Delivery delivery) throws PermanentFailure {
    boolean deadLetter = delivery.topic().endsWith(".dlt");
    UUID marker = deadLetter ? letterMarker(delivery) : delivery.requireEventId();
    Counts counts = deadLetter ? Counts.deadLetter(accountOf(delivery)) : count(delivery);
    return new StatsDao.Change(
        marker, counts, LocalDate.ofInstant(delivery.occurredAt(), ZoneOffset.UTC));
  }

  private static Counts count(Delivery delivery) throws PermanentFailure {
    try {
      byte[] value = delivery.value();
      return switch (delivery.eventType()) {
        case UploadReceived.TYPE -> {
          UploadReceived e = EventJson.read(value, UploadReceived.class);
          yield new Counts(e.accountId(), 1, e.sizeBytes(), 0, 0, 0);
        }
        case UploadThumbnailed.TYPE -> {
          UploadThumbnailed e = EventJson.read(value, UploadThumbnailed.class);
          yield new Counts(e.accountId(), 0, 0, e.thumbnails().size(), 0, 0);
        }
        case EmailSent.TYPE -> {
          EmailSent e = EventJson.read(value, EmailSent.class);
          yield new Counts(e.accountId(), 0, 0, 0, 1, 0);
        }
        default -> new Counts(EventJson.read(value, UploadFailed.class).accountId(), 0, 0, 0, 0, 0);
      };
    } catch (IOException | RuntimeException e) {
      throw new PermanentFailure("payload of " + delivery.eventType() + " does not parse", e);
    }
  }

  /** The account a dead letter belongs to, when its original payload says; else uncounted. */
  private static UUID accountOf(Delivery delivery) {
    try {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(delivery.value());
      return node != null && node.hasNonNull("account_id")
          ? UUID.fromString(node.get("account_id").asText())
          : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static UUID letterMarker(Delivery delivery) throws PermanentFailure {
    String letter = delivery.header(EventHeaders.DLT_LETTER_ID);
    if (letter == null) {
      throw new PermanentFailure("dead-letter record without " + EventHeaders.DLT_LETTER_ID);
    }
    return UUID.nameUUIDFromBytes(("dead-letter:" + letter).getBytes(StandardCharsets.UTF_8));
  }

  /** How much one event adds to its account's counters for the day. */
  public record Counts(
      UUID account,
      long uploadsReceived,
      long bytesReceived,
      long thumbnailsMade,
      long emailsSent,
      long deadLetters) {
    static Counts deadLetter(UUID account) {
      return new Counts(account, 0, 0, 0, 0, 1);
    }
  }
}
