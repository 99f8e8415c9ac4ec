package dev.uploads.worker.emails;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.uploads.infra.FlakyTcpProxy;
import dev.uploads.infra.LocalSmtp;
import dev.uploads.worker.runtime.PermanentFailure;
import io.dropwizard.jackson.Jackson;
import jakarta.mail.MessagingException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mailer against a real SMTP server, behind a proxy that breaks connections on demand. */
class MailerTest {
  private LocalSmtp smtp;
  private FlakyTcpProxy proxy;
  private Mailer mailer;

  @BeforeEach
  void start() throws Exception {
    smtp = LocalSmtp.start(0);
    proxy = FlakyTcpProxy.start(smtp.host(), smtp.port());
    SmtpSettings settings =
        Jackson.newObjectMapper()
            .readValue(
                "{\"host\": \"127.0.0.1\", \"port\": " + proxy.port() + ", \"timeout\": \"3s\"}",
                SmtpSettings.class);
    mailer = new Mailer(settings);
  }

  @AfterEach
  void stop() {
    mailer.close();
    proxy.close();
    smtp.close();
  }

  @Test
  void consecutiveMailsShareOneConnection() throws Exception {
    for (int i = 1; i <= 3; i++) {
      mailer.send("a@example.test", "<m" + i + "@uploads.local>", "subject " + i, "text " + i);
    }
    assertEquals(List.of("<m1@uploads.local>", "<m2@uploads.local>", "<m3@uploads.local>"), ids());
    assertEquals(1, proxy.acceptedConnections());
    assertEquals(1, mailer.idleConnections());
  }

  @Test
  void aPooledConnectionTheServerDroppedIsReplacedWithinTheSameSend() throws Exception {
    mailer.send("a@example.test", "<m1@uploads.local>", "s", "t");
    proxy.dropConnections();
    mailer.send("a@example.test", "<m2@uploads.local>", "s", "t");
    assertEquals(List.of("<m1@uploads.local>", "<m2@uploads.local>"), ids());
    assertEquals(2, proxy.acceptedConnections());
  }

  @Test
  void anOutageFailsTheSendTransientlyAndTheNextSendAfterItSucceeds() throws Exception {
    mailer.send("a@example.test", "<m1@uploads.local>", "s", "t");
    proxy.setDown(true);
    proxy.dropConnections();
    MessagingException failure =
        assertThrows(
            MessagingException.class,
            () -> mailer.send("a@example.test", "<m2@uploads.local>", "s", "t"));
    assertEquals(0, mailer.idleConnections(), "a failed connection is not pooled: " + failure);
    proxy.setDown(false);
    mailer.send("a@example.test", "<m2@uploads.local>", "s", "t");
    assertEquals(List.of("<m1@uploads.local>", "<m2@uploads.local>"), ids());
  }

  @Test
  void anInvalidRecipientIsPermanentAndLeavesNothingSent() {
    assertThrows(
        PermanentFailure.class,
        () -> mailer.send("not an address", "<m1@uploads.local>", "s", "t"));
    assertEquals(List.of(), ids());
  }

  @Test
  void closingClosesThePooledConnections() throws Exception {
    mailer.send("a@example.test", "<m1@uploads.local>", "s", "t");
    mailer.close();
    assertEquals(0, mailer.idleConnections());
  }

  private List<String> ids() {
    return smtp.received().stream()
        .map(
            m -> {
              try {
                return m.getMessageID();
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
