package dev.uploads.schema;

/** Kafka topic names: one topic per aggregate, plus a dead-letter and a redrive topic per job. */
public final class Topics {
  public static final String UPLOADS = "uploads";

  /** The jobs, each one consumer group with its own dead-letter and redrive topics. */
  public static final java.util.List<String> JOBS =
      java.util.List.of("thumbnails", "emails", "stats");

  private Topics() {}

  /** Every topic the system uses, with a partition count for local set-ups. */
  public static java.util.Map<String, Integer> all(int uploadPartitions) {
    java.util.Map<String, Integer> topics = new java.util.HashMap<>();
    topics.put(UPLOADS, uploadPartitions);
    for (String job : JOBS) {
      topics.put(deadLetters(job), 1);
      topics.put(redrive(job), 1);
    }
    return topics;
  }

  /** Where a job's dead letters are announced. */
  public static String deadLetters(String job) {
    return job + ".dlt";
  }

  /** Operator replays for one job; read by that job only. */
  public static String redrive(String job) {
    return job + ".redrive";
  }
}
