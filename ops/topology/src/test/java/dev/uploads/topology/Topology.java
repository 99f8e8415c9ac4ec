package dev.uploads.topology;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The production topology, from the images of {@code ops/build-images}, on one Docker network of
 * its own: PostgreSQL, Kafka, the S3 store, the SMTP catcher, migrations and topics as one-shots,
 * two API replicas (each with its relay; the first reaches PostgreSQL through a fault proxy) and
 * two workers. The host reaches them only through ports published on 127.0.0.1. Everything it
 * creates carries the label {@link #LABEL}, so that {@code ops/topology-tests --clean} can remove
 * what a killed test JVM left behind (Ryuk, which would do it otherwise, cannot be pulled here).
 */
public final class Topology implements AutoCloseable {
  public static final String LABEL = "dev.uploads.topology";
  public static final String S3_DATA = "/var/lib/s3proxy/data";
  public static final String BUCKET = "uploads";
  private static final String TAG = System.getProperty("topology.image.tag", "local");
  private static final String PASSWORD = "topology";
  private static final Duration START = Duration.ofMinutes(3);
  private static final Pattern API_KEY = Pattern.compile("api key (\\S+)");

  public final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Network network;
  private final List<GenericContainer<?>> created = new CopyOnWriteArrayList<>();
  private final AtomicInteger names = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final int kafkaHostPort;
  public final GenericContainer<?> postgres;
  public final GenericContainer<?> kafka;
  public final GenericContainer<?> s3;
  public final GenericContainer<?> smtp;

  /**
   * The fault proxy (ops/infra's FaultProxy) between the first API replica and PostgreSQL, steered
   * over HTTP on its published port 8090: the chaos runs cut the reply to a COMMIT there.
   */
  public final GenericContainer<?> pgproxy;

  public final List<GenericContainer<?>> apis = new CopyOnWriteArrayList<>();
  public final List<GenericContainer<?>> workers = new CopyOnWriteArrayList<>();

  private Topology() {
    network =
        Network.builder()
            .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(LABEL, run)))
            .build();
    postgres =
        container("postgres", "postgres", 512)
            .withEnv("POSTGRES_PASSWORD", PASSWORD)
            .waitingFor(Wait.forHealthcheck());
    loopback(postgres, Map.of(5432, 0));
    kafkaHostPort = freeLoopbackPort();
    // A second listener for the host, advertised as the port published for it: the containers
    // keep using kafka:9092.
    kafka =
        container("kafka", "kafka", 768)
            .withEnv("JAVA_OPTS", "-Xms128m -Xmx384m -XX:+ExitOnOutOfMemoryError")
            .withEnv("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:19092")
            .withEnv(
                "KAFKA_ADVERTISED_LISTENERS",
                "PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:" + kafkaHostPort)
            .withEnv(
                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT")
            .withEnv("KAFKA_ADVERTISED_HOST", "kafka")
            .waitingFor(Wait.forHealthcheck());
    loopback(kafka, Map.of(19092, kafkaHostPort));
    s3 =
        container("s3", "s3", 512)
            .withEnv("JAVA_OPTS", "-Xmx256m -XX:+ExitOnOutOfMemoryError")
            .withEnv("S3PROXY_IDENTITY", "topology")
            .withEnv("S3PROXY_CREDENTIAL", PASSWORD)
            .withEnv("S3PROXY_BUCKETS", BUCKET)
            .waitingFor(Wait.forHealthcheck());
    smtp =
        container("smtp", "smtp", 384)
            .withEnv("JAVA_OPTS", "-Xmx192m -XX:+ExitOnOutOfMemoryError")
            .waitingFor(Wait.forHealthcheck());
    loopback(smtp, Map.of(8080, 0));
    pgproxy =
        container("jre", "pgproxy", 192)
            .withCopyFileToContainer(MountableFile.forHostPath(infraJar()), "/opt/fault-proxy.jar")
            .withCommand(
                "java",
                "-Xmx48m",
                "-cp",
                "/opt/fault-proxy.jar",
                "dev.uploads.infra.FaultProxy",
                "5432",
                "postgres",
                "5432",
                "8090")
            .waitingFor(Wait.forHttp("/").forPort(8090));
    loopback(pgproxy, Map.of(8090, 0));
  }

  /** ops/infra's jar (or its classes, when the reactor resolves to them), holding FaultProxy. */
  private static Path infraJar() {
    try {
      return Path.of(
          dev.uploads.infra.FaultProxy.class
              .getProtectionDomain()
              .getCodeSource()
              .getLocation()
              .toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the whole topology; on any failure, dumps the logs and removes what it created. */
  public static Topology start() {
    Topology topology = new Topology();
    Runtime.getRuntime().addShutdownHook(new Thread(topology::close, "topology-cleanup"));
    long started = System.nanoTime();
    try {
      topology.startAll(
          List.of(topology.postgres, topology.kafka, topology.s3, topology.smtp, topology.pgproxy));
      topology.startAll(
          List.of(
              topology
                  .oneShot("api", "migrate")
                  .withCommand("db", "migrate", "/etc/uploads/api.yml"),
              topology
                  .oneShot("kafka", "topics")
                  .withCommand("bash", "-c", topicsScript())
                  .withEnv("KAFKA_TOOLS_OPTS", "-Xmx128m")));
      List<GenericContainer<?>> services = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        topology.apis.add(topology.api(i == 0));
        topology.workers.add(topology.worker());
      }
      services.addAll(topology.apis);
      services.addAll(topology.workers);
      topology.startAll(services);
    } catch (RuntimeException | Error e) {
      topology.dumpLogs("start");
      topology.close();
      throw e;
    }
    System.out.printf(
        "topology %s: %d containers up in %d s%n",
        topology.run,
        topology.created.size(),
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    return topology;
  }

  private static String topicsScript() {
    StringBuilder script = new StringBuilder("set -e; ");
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put("uploads", 6);
    for (String job : List.of("thumbnails", "emails", "stats")) {
      topics.put(job + ".dlt", 1);
      topics.put(job + ".redrive", 1);
    }
    topics.forEach(
        (topic, partitions) ->
            script.append(
                "kafka-topics --bootstrap-server kafka:9092 --create --if-not-exists --topic %s --partitions %d; "
                    .formatted(topic, partitions)));
    return script.toString();
  }

  /**
   * A new API replica (server with its relay), reaching PostgreSQL through {@link #pgproxy} or
   * directly; not started.
   */
  GenericContainer<?> api(boolean throughProxy) {
    GenericContainer<?> api =
        service("api", "api", 640)
            .waitingFor(Wait.forHttp("/healthcheck").forPort(8081).withStartupTimeout(START));
    if (throughProxy) {
      api.withEnv("DATABASE_URL", "jdbc:postgresql://pgproxy:5432/uploads");
    }
    loopback(api, Map.of(8080, 0, 8081, 0));
    return api;
  }

  /** A new worker; not started. */
  GenericContainer<?> worker() {
    GenericContainer<?> worker =
        service("worker", "worker", 640)
            .withEnv("SMTP_HOST", "smtp")
            .withEnv("SMTP_PORT", "3025")
            .waitingFor(Wait.forHttp("/admin/healthcheck").forPort(8081).withStartupTimeout(START));
    loopback(worker, Map.of(8081, 0));
    return worker;
  }

  private GenericContainer<?> service(String image, String alias, int memoryMb) {
    return container(image, alias, memoryMb)
        .withEnv("JAVA_OPTS", "-Xmx320m -XX:+ExitOnOutOfMemoryError")
        .withEnv("DATABASE_URL", "jdbc:postgresql://postgres:5432/uploads")
        .withEnv("DATABASE_PASSWORD", PASSWORD)
        .withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
        .withEnv("BLOB_STORE", "s3")
        .withEnv("S3_BUCKET", BUCKET)
        .withEnv("S3_ENDPOINT", "http://s3:9000")
        .withEnv("S3_REGION", "us-east-1")
        .withEnv("S3_PATH_STYLE", "true")
        .withEnv("S3_ACCESS_KEY_ID", "topology")
        .withEnv("S3_SECRET_ACCESS_KEY", PASSWORD);
  }

  private GenericContainer<?> oneShot(String image, String alias) {
    return service(image, alias, 512)
        .withEnv("JAVA_OPTS", "-Xmx192m")
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(START));
  }

  private GenericContainer<?> container(String image, String alias, int memoryMb) {
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse("uploads/" + image + ":" + TAG))
            .withNetwork(network)
            .withNetworkAliases(alias)
            .withLabel(LABEL, run)
            .withLabel(LABEL + ".name", alias + "-" + names.incrementAndGet())
            .withStartupTimeout(START)
            .withCreateContainerCmdModifier(
                cmd -> cmd.getHostConfig().withMemory(memoryMb * 1024L * 1024L));
    created.add(container);
    return container;
  }

  /**
   * Publishes the given container ports on 127.0.0.1 only (Testcontainers would publish them on
   * every interface): host port 0 picks a free one.
   */
  private static void loopback(GenericContainer<?> container, Map<Integer, Integer> ports) {
    container.withExposedPorts(ports.keySet().toArray(Integer[]::new));
    container.withCreateContainerCmdModifier(
        cmd -> {
          Ports bindings = new Ports();
          ports.forEach(
              (inside, host) ->
                  bindings.bind(
                      ExposedPort.tcp(inside),
                      host == 0
                          ? Ports.Binding.bindIp("127.0.0.1")
                          : Ports.Binding.bindIpAndPort("127.0.0.1", host)));
          cmd.getHostConfig().withPortBindings(bindings);
        });
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }

  private void startAll(List<? extends Startable> containers) {
    try {
      Startables.deepStart(containers.stream()).get(START.toSeconds() + 30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("containers did not start: " + e.getMessage(), e);
    }
  }

  /** Creates an account with the API image's own {@code add-account} one-shot. */
  public Client account(String email) {
    GenericContainer<?> oneShot =
        oneShot("api", "add-account")
            .withCommand("add-account", "--email", email, "/etc/uploads/api.yml");
    startAll(List.of(oneShot));
    Matcher key = API_KEY.matcher(oneShot.getLogs());
    if (!key.find()) {
      throw new IllegalStateException("add-account printed no key:\n" + oneShot.getLogs());
    }
    return new Client(this, email, key.group(1));
  }

  /**
   * Whether the S3 store's bucket holds the blob {@code key}: an object whose name ends with it
   * (the store files content under a prefix), which the filesystem backend keeps as a file.
   */
  boolean inBucket(String key) throws Exception {
    return !s3.execInContainer("find", S3_DATA + "/" + BUCKET, "-type", "f", "-path", "*/" + key)
        .getStdout()
        .isBlank();
  }

  String apiUrl(GenericContainer<?> api) {
    return "http://127.0.0.1:" + api.getMappedPort(8080);
  }

  String adminUrl(GenericContainer<?> service) {
    return "http://127.0.0.1:" + service.getMappedPort(8081);
  }

  /** The id of the topology's own network, for cutting a container off it and back. */
  public String networkId() {
    return network.getId();
  }

  String mailUrl() {
    return "http://127.0.0.1:" + smtp.getMappedPort(8080);
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaHostPort;
  }

  Connection sql() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + postgres.getMappedPort(5432) + "/uploads",
        "uploads",
        PASSWORD);
  }

  /**
   * Starts a new container in the place of a killed API replica or worker, so that the next
   * scenario finds two of each again. The dead one stays (stopped) until the end, for its log.
   */
  GenericContainer<?> replace(GenericContainer<?> dead) {
    List<GenericContainer<?>> group = apis.contains(dead) ? apis : workers;
    GenericContainer<?> fresh = group == apis ? api(apis.indexOf(dead) == 0) : worker();
    startAll(List.of(fresh));
    group.set(group.indexOf(dead), fresh);
    return fresh;
  }

  /** The relay's {@code relay.owned-shards} gauge, from the replica's open admin /metrics. */
  int ownedShards(GenericContainer<?> api) throws Exception {
    var response =
        Client.HTTP.send(
            HttpRequest.newBuilder(URI.create(adminUrl(api) + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode());
    }
    return Client.JSON
        .readTree(response.body())
        .path("gauges")
        .path("relay.owned-shards")
        .path("value")
        .asInt(-1);
  }

  /** {@code docker kill}: SIGKILL, no shutdown hook, no clean hand-over. */
  public void kill(GenericContainer<?> container) {
    container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
  }

  void stopEngineSide(GenericContainer<?> container) {
    container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
  }

  void startEngineSide(GenericContainer<?> container) {
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
  }

  /** Writes every container's log to target/topology-logs/{label}/. */
  public void dumpLogs(String label) {
    Path dir = Path.of("target", "topology-logs", run, label.replaceAll("[^A-Za-z0-9_.-]", "_"));
    try {
      Files.createDirectories(dir);
      for (GenericContainer<?> container : created) {
        if (container.getContainerId() == null) {
          continue;
        }
        String name = container.getLabels().get(LABEL + ".name");
        try {
          Files.writeString(
              dir.resolve(name + ".log"), container.getLogs(), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
          Files.writeString(dir.resolve(name + ".log"), "no log: " + e, StandardCharsets.UTF_8);
        }
      }
      System.out.println("container logs in " + dir.toAbsolutePath());
    } catch (IOException e) {
      System.out.println("could not write the container logs: " + e);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<GenericContainer<?>> reversed = new ArrayList<>(created);
    Collections.reverse(reversed);
    for (GenericContainer<?> container : reversed) {
      try {
        container.stop();
      } catch (RuntimeException e) {
        System.out.println("could not remove a container: " + e);
      }
    }
    try {
      network.close();
    } catch (RuntimeException e) {
      System.out.println("could not remove network " + network.getId() + ": " + e);
    }
  }
}
