package dev.uploads.schema;

/** Kafka topic names: one topic per aggregate, plus a dead-letter and a redrive topic per job. */
public final class Topics {
  public static final String UPLOADS = "uploads";

  private Topics() {}

  /** Where a job's dead letters are announced. */
  public static String deadLetters(String job) {
    return job + ".dlt";
  }

  /** Operator replays for one job; read by that job only. */
  public static String redrive(String job) {
    return job + ".redrive";
  }
}
