package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SMTP failing for a moment, or for a while: retried or paused, never dead-lettered. */
class SmtpFailuresTest {
  @Test
  void twoFailedAttemptsThenOneMailAndNoDeadLetter() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("flaky@example.test");
    long retriesBefore = system.meter("job.emails.retried");
    system.smtpProxy.refuseNext(2);
    system.smtpProxy.dropConnections(); // the worker keeps SMTP connections open between mails
    String id = client.upload(Images.jpeg(320, 240));
    SystemHarness.await(
        "the mail arrives", Duration.ofSeconds(60), () -> client.mailsReceived() == 1);
    Thread.sleep(1_000);
    assertEquals(1, client.mailsReceived());
    assertTrue(
        system.meter("job.emails.retried") - retriesBefore >= 2, "both failures were retried");
    assertEquals(0, system.count("SELECT count(*) FROM dead_letters WHERE event_key = ?", id));
  }

  @Test
  void outageOpensTheBreakerPausesTheJobAndLosesNothing() throws Exception {
    SystemHarness system = SystemHarness.get();
    Client client = system.newClient("outage@example.test");
    long deadLettersBefore = system.count("SELECT count(*) FROM dead_letters WHERE job = 'emails'");
    system.smtpProxy.setDown(true);
    system.smtpProxy.dropConnections(); // the worker keeps SMTP connections open between mails
    List<String> ids;
    try {
      ids = DuplicatesAndCrashTest.uploadMany(client, 100);
      SystemHarness.await(
          "the SMTP breaker opens", Duration.ofSeconds(60), () -> breaker(system).equals("OPEN"));
      SystemHarness.await(
          "every upload is ready meanwhile",
          Duration.ofSeconds(120),
          () ->
              system.count(
                      "SELECT count(*) FROM uploads u JOIN accounts a ON a.id = u.account_id "
                          + "WHERE a.email = ? AND u.status = 'ready'",
                      client.email())
                  == 100);
      Thread.sleep(5_000); // several open periods pass: the job must keep pausing, not failing
      assertEquals(0, client.mailsReceived());
      assertEquals(
          deadLettersBefore,
          system.count("SELECT count(*) FROM dead_letters WHERE job = 'emails'"));
    } finally {
      system.smtpProxy.setDown(false);
    }
    SystemHarness.await(
        "every mail is sent once SMTP is back",
        Duration.ofSeconds(120),
        () -> client.mailsReceived() >= 100);
    Thread.sleep(1_000);
    assertEquals(100, client.mailsReceived());
    assertEquals(
        deadLettersBefore, system.count("SELECT count(*) FROM dead_letters WHERE job = 'emails'"));
    assertEquals("CLOSED", breaker(system));
  }

  private static String breaker(SystemHarness system) {
    try {
      return system.workerMetrics().at("/gauges/breaker.smtp.state/value").asText();
    } catch (Exception e) {
      return "unknown";
    }
  }
}
