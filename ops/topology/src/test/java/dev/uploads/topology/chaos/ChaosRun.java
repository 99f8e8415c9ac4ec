package dev.uploads.topology.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploads.topology.Client;
import dev.uploads.topology.Topology;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One chaos run: the topology, load at a fixed rate with faults from the seed's schedule, a drain,
 * then the reconciliation and the report. Throws with the seed, the timeline and the first
 * discrepancy when anything does not reconcile.
 */
final class ChaosRun {
  private static final String EMAIL = "chaos@example.test";

  private ChaosRun() {}

  static void run(ChaosConfig config) throws Exception {
    System.out.printf(
        "[chaos] seed %d: %d s of load at %.1f uploads/s, outages of %d s, worker pause %d s%n",
        config.seed(),
        config.load().toSeconds(),
        config.rate(),
        config.outage().toSeconds(),
        config.workerPause().toSeconds());
    Topology topology = Topology.start();
    boolean passed = false;
    try {
      run(config, topology);
      passed = true;
    } finally {
      if (!passed) {
        topology.dumpLogs("chaos-" + config.seed());
      }
      topology.close();
    }
  }

  private static void run(ChaosConfig config, Topology topology) throws Exception {
    Client client = topology.account(EMAIL);
    UUID account;
    try (var sql = Live.sql(topology.postgres);
        var statement = sql.prepareStatement("SELECT id FROM accounts WHERE email = ?")) {
      statement.setString(1, EMAIL);
      try (var rows = statement.executeQuery()) {
        rows.next();
        account = rows.getObject(1, UUID.class);
      }
    }
    // Faults stop a little before the load does, so that the last one's effect is still loaded.
    Duration faultBudget = config.load().minusSeconds(20);
    List<FaultSchedule.Planned> plan = FaultSchedule.draw(config.seed(), config.rounds() + 20);
    System.out.printf(
        "[chaos] planned faults (first round): %s%n",
        plan.stream().limit(FaultSchedule.Kind.values().length).map(p -> p.kind()).toList());
    long runStart = System.nanoTime();
    long faultsEnd = runStart + faultBudget.toNanos();
    Faults faults = new Faults(topology, config, runStart);
    Load load = new Load(client, topology.apis, config.seed());
    ExecutorService faulting = Executors.newSingleThreadExecutor();
    Future<?> fired =
        faulting.submit(
            () -> {
              faults.run(plan, config.rounds(), () -> System.nanoTime() > faultsEnd);
              return null;
            });
    load.run(config.rate(), config.load(), fired::isDone);
    fired.get(10, TimeUnit.MINUTES);
    faulting.shutdown();
    long loadEnded = System.nanoTime();
    System.out.printf(
        "[chaos] load ended: %d uploads sent, %d accepted; %d faults fired%n",
        load.sent.size(), load.accepted(), faults.timeline.size());

    long deadline = loadEnded + config.drainTimeout().toNanos();
    while (!drained(topology, account)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            ChaosReport.failure(
                config,
                faults.timeline,
                List.of("not drained within " + config.drainTimeout().toSeconds() + " s")));
      }
      Thread.sleep(1000);
    }
    long drainedAt = System.nanoTime();
    long drainMs = TimeUnit.NANOSECONDS.toMillis(drainedAt - loadEnded);
    double lastFaultEnd =
        faults.timeline.isEmpty() ? 0 : faults.timeline.get(faults.timeline.size() - 1).endedAt();
    long sinceLastFaultMs =
        TimeUnit.NANOSECONDS.toMillis(drainedAt - runStart) - Math.round(lastFaultEnd * 1000);

    Reconciliation reconciliation =
        new Reconciliation(
            load,
            Truth.read(topology.postgres, account),
            TopicLog.read(topology.kafkaBootstrap(), Duration.ofMinutes(3)),
            bucket(topology),
            mails(topology),
            stats(topology, client));
    Services.check(topology, reconciliation);
    ChaosReport.write(
        config,
        load,
        faults.timeline,
        faults.lostCommits,
        sinceLastFaultMs,
        drainMs,
        reconciliation);
    if (!reconciliation.discrepancies.isEmpty()) {
      throw new AssertionError(
          ChaosReport.failure(config, faults.timeline, reconciliation.discrepancies));
    }
  }

  private static boolean drained(Topology topology, UUID account) {
    try {
      return Truth.drained(topology.postgres, account);
    } catch (Exception e) {
      return false;
    }
  }

  private static Set<String> bucket(Topology topology) throws Exception {
    String listing =
        topology
            .s3
            .execInContainer("find", Topology.S3_DATA + "/" + Topology.BUCKET, "-type", "f")
            .getStdout();
    return new HashSet<>(List.of(listing.strip().split("\n")));
  }

  private static List<String> mails(Topology topology) throws Exception {
    HttpResponse<byte[]> response =
        Live.get(
            Live.url(topology.smtp, 8080)
                + "/api/user/"
                + URLEncoder.encode(EMAIL, StandardCharsets.UTF_8)
                + "/messages/INBOX",
            null,
            Duration.ofSeconds(60));
    List<String> ids = new ArrayList<>();
    if (response.statusCode() == 200) {
      for (JsonNode message : Live.JSON.readTree(response.body())) {
        ids.add(message.get("Message-ID").asText());
      }
    }
    return ids;
  }

  private static JsonNode stats(Topology topology, Client client) throws Exception {
    HttpResponse<byte[]> response =
        Live.get(
            Live.url(topology.apis.get(0), 8080) + "/v1/stats",
            client.key(),
            Duration.ofSeconds(10));
    if (response.statusCode() != 200) {
      throw new AssertionError("/v1/stats answered " + response.statusCode());
    }
    return Live.JSON.readTree(response.body()).get("total");
  }
}
