package dev.uploads.ops.deadletters;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * The pipeline's health as the console's overview shows it, read from the database every service
 * shares: the outbox's depth and age, which relay holds which shard, and what each worker process
 * last said of its jobs (consumer lag, breakers). No service is called, so the overview answers
 * even when a worker does not, and then shows when it was last heard from.
 */
public final class Pipeline {
  /** A worker or relay not heard from for this long is shown as silent. */
  static final int SILENT_SECONDS = 30;

  private final Jdbi jdbi;

  public Pipeline(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public record Outbox(
      @JsonProperty("depth") long depth,
      @JsonProperty("oldest_age_seconds") double oldestAgeSeconds) {}

  public record Shard(
      @JsonProperty("shard") int shard,
      @JsonProperty("owner") String owner,
      @JsonProperty("lease_until") Instant leaseUntil,
      @JsonProperty("held") boolean held) {}

  public record WorkerJob(
      @JsonProperty("instance") String instance,
      @JsonProperty("job") String job,
      @JsonProperty("lag") Long lag,
      @JsonProperty("breakers") JsonNode breakers,
      @JsonProperty("seen_at") Instant seenAt,
      @JsonProperty("live") boolean live) {}

  public record Health(
      @JsonProperty("outbox") Outbox outbox,
      @JsonProperty("shards") List<Shard> shards,
      @JsonProperty("workers") List<WorkerJob> workers,
      @JsonProperty("at") Instant at) {}

  public Health health() {
    return jdbi.withHandle(
        h ->
            new Health(
                outbox(h),
                h.createQuery(
                        "SELECT shard, owner, lease_until,"
                            + " (owner IS NOT NULL AND lease_until > now()) AS held"
                            + " FROM relay_shards ORDER BY shard")
                    .registerRowMapper(ConstructorMapper.factory(Shard.class))
                    .mapTo(Shard.class)
                    .list(),
                h.createQuery(
                        "SELECT instance, job, lag, breakers::text AS breakers, seen_at,"
                            + " seen_at > now() - make_interval(secs => :silent) AS live"
                            + " FROM worker_status ORDER BY job, instance")
                    .bind("silent", (double) SILENT_SECONDS)
                    .map(
                        (rs, ctx) -> {
                          long lag = rs.getLong("lag");
                          boolean lagKnown = !rs.wasNull();
                          try {
                            return new WorkerJob(
                                rs.getString("instance"),
                                rs.getString("job"),
                                lagKnown ? lag : null,
                                Json.MAPPER.readTree(rs.getString("breakers")),
                                Letters.instant(rs, "seen_at"),
                                rs.getBoolean("live"));
                          } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                          }
                        })
                    .list(),
                Instant.now()));
  }

  private static Outbox outbox(Handle h) {
    return h.createQuery(
            "SELECT count(*) AS depth, coalesce(extract(epoch FROM now() - min(created_at)), 0)"
                + " AS oldest_age_seconds FROM outbox")
        .registerRowMapper(ConstructorMapper.factory(Outbox.class))
        .mapTo(Outbox.class)
        .one();
  }
}
