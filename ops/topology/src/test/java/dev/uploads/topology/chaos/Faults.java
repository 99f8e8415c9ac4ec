package dev.uploads.topology.chaos;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.uploads.topology.Topology;
import dev.uploads.topology.chaos.FaultSchedule.Kind;
import dev.uploads.topology.chaos.FaultSchedule.Planned;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.testcontainers.containers.GenericContainer;

/**
 * Carries the schedule out against the running topology, one fault at a time, through the Docker
 * engine: kill and start, pause and unpause, stop and start, disconnect from the topology's network
 * and connect again (with the same aliases, so that the others find it by name). After each fault
 * it measures the recovery: the time from the fault's end until every upload committed before that
 * end is done: its events published, its thumbnails made (or its failure recorded) and its mail
 * sent.
 */
final class Faults {
  /** One fault as it happened; seconds since the run started. */
  record Fired(Kind kind, String target, double at, double endedAt, long recoveryMs) {}

  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(180);

  /**
   * What is still to do for the uploads committed before a time: events not yet published, uploads
   * still {@code received} (no thumbnails yet, no failure code), and uploads {@code ready} whose
   * mail has not gone out.
   */
  private static final String BEHIND =
      """
      SELECT (SELECT count(*) FROM outbox WHERE created_at < ?)
           + (SELECT count(*) FROM uploads WHERE status = 'received' AND created_at < ?)
           + (SELECT count(*) FROM uploads u WHERE u.status = 'ready' AND u.created_at < ?
                AND NOT EXISTS (SELECT 1 FROM email_deliveries e WHERE e.upload_id = u.id))
      """;

  private final Topology topology;
  private final ChaosConfig config;
  private final long runStart;
  final List<Fired> timeline = new CopyOnWriteArrayList<>();

  /** COMMIT replies the fault proxy cut off so far (the proxy's own count). */
  volatile int lostCommits;

  Faults(Topology topology, ChaosConfig config, long runStart) {
    this.topology = topology;
    this.config = config;
    this.runStart = runStart;
  }

  /**
   * Fires the plan in order; past {@code rounds} rounds (every kind that many times), it stops
   * early (between faults) once {@code stop} says so.
   */
  void run(List<Planned> plan, int rounds, BooleanSupplier stop) throws Exception {
    Thread.sleep(10_000); // Some traffic before the first fault.
    for (Planned planned : plan) {
      if (timeline.size() >= rounds * Kind.values().length && stop.getAsBoolean()) {
        return;
      }
      double at = seconds();
      String target = fire(planned);
      double endedAt = seconds();
      Instant end = Instant.now();
      long recovery = recovery(end);
      Fired fired = new Fired(planned.kind(), target, at, endedAt, recovery);
      timeline.add(fired);
      System.out.printf(
          "[chaos] t=%6.1f s %-16s %-10s for %5.1f s, recovered in %d ms%n",
          at, planned.kind(), target, endedAt - at, recovery);
      Thread.sleep(planned.gapAfter().toMillis());
    }
  }

  private String fire(Planned planned) throws Exception {
    return switch (planned.kind()) {
      case API_KILL -> restart(relayHolder(), true);
      case WORKER_KILL -> restart(topology.workers.get(planned.replica()), true);
      case RELAY_PAUSE -> pause(relayHolder(), config.relayPause());
      case WORKER_PAUSE -> pause(topology.workers.get(planned.replica()), config.workerPause());
      case POSTGRES_RESTART -> restart(topology.postgres, false);
      case KAFKA_RESTART -> restart(topology.kafka, false);
      case S3_OUTAGE -> cutOff(topology.s3, config.outage());
      case SMTP_OUTAGE -> cutOff(topology.smtp, config.outage());
      case WORKER_PARTITION -> cutOff(topology.workers.get(planned.replica()), config.outage());
      case LOST_COMMIT -> loseCommits(3);
    };
  }

  /**
   * Arms the fault proxy in front of the first API replica's PostgreSQL {@code times} times in a
   * row, each time waiting (up to 20 s) until a COMMIT's reply was cut off.
   */
  private String loseCommits(int times) throws Exception {
    String control = Live.url(topology.pgproxy, 8090);
    for (int i = 0; i < times; i++) {
      int before = lostReplies(control);
      HttpResponse<Void> armed =
          Live.HTTP.send(
              HttpRequest.newBuilder(URI.create(control + "/lose-next-reply"))
                  .timeout(Duration.ofSeconds(5))
                  .POST(HttpRequest.BodyPublishers.ofString("COMMIT\0"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (armed.statusCode() != 202) {
        throw new IllegalStateException("the fault proxy answered " + armed.statusCode());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (lostReplies(control) == before && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }
    lostCommits = lostReplies(control);
    return name(topology.apis.get(0)) + "-commits";
  }

  private static int lostReplies(String control) throws Exception {
    return Live.JSON
        .readTree(Live.get(control + "/", null, Duration.ofSeconds(5)).body())
        .path("lostReplies")
        .asInt();
  }

  /** kill -9 (or a stop with a grace period) and a start of the same container. */
  private String restart(GenericContainer<?> container, boolean kill) throws Exception {
    DockerClient docker = container.getDockerClient();
    if (kill) {
      docker.killContainerCmd(container.getContainerId()).exec();
    } else {
      docker.stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
    }
    Thread.sleep(2000);
    docker.startContainerCmd(container.getContainerId()).exec();
    Live.forget(container);
    return name(container);
  }

  private String pause(GenericContainer<?> container, Duration length) throws Exception {
    DockerClient docker = container.getDockerClient();
    docker.pauseContainerCmd(container.getContainerId()).exec();
    try {
      Thread.sleep(length.toMillis());
    } finally {
      docker.unpauseContainerCmd(container.getContainerId()).exec();
    }
    return name(container);
  }

  private String cutOff(GenericContainer<?> container, Duration length) throws Exception {
    DockerClient docker = container.getDockerClient();
    List<String> aliases = new ArrayList<>(container.getNetworkAliases());
    docker
        .disconnectFromNetworkCmd()
        .withNetworkId(topology.networkId())
        .withContainerId(container.getContainerId())
        .withForce(true)
        .exec();
    try {
      Thread.sleep(length.toMillis());
    } finally {
      docker
          .connectToNetworkCmd()
          .withNetworkId(topology.networkId())
          .withContainerId(container.getContainerId())
          .withContainerNetwork(new ContainerNetwork().withAliases(aliases))
          .exec();
      Live.forget(container);
    }
    return name(container);
  }

  /** The replica whose relay holds the most shards now (the first when neither answers). */
  private GenericContainer<?> relayHolder() {
    GenericContainer<?> best = topology.apis.get(0);
    int most = -1;
    for (GenericContainer<?> api : topology.apis) {
      try {
        var response = Live.get(Live.url(api, 8081) + "/metrics", null, Duration.ofSeconds(3));
        int shards =
            Live.JSON
                .readTree(response.body())
                .path("gauges")
                .path("relay.owned-shards")
                .path("value")
                .asInt(-1);
        if (shards > most) {
          most = shards;
          best = api;
        }
      } catch (Exception e) {
        // A replica that does not answer holds nothing worth pausing.
      }
    }
    return best;
  }

  private long recovery(Instant end) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + RECOVERY_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection sql = Live.sql(topology.postgres);
          PreparedStatement waiting = sql.prepareStatement(BEHIND)) {
        for (int i = 1; i <= 3; i++) {
          waiting.setTimestamp(i, Timestamp.from(end));
        }
        try (ResultSet rows = waiting.executeQuery()) {
          rows.next();
          if (rows.getLong(1) == 0) {
            return Duration.ofNanos(System.nanoTime() - start).toMillis();
          }
        }
      } catch (Exception e) {
        // PostgreSQL is still coming back.
      }
      Thread.sleep(500);
    }
    return -1;
  }

  private double seconds() {
    return (System.nanoTime() - runStart) / 1e9;
  }

  private static String name(GenericContainer<?> container) {
    return container.getLabels().get(Topology.LABEL + ".name");
  }
}
