package dev.uploads.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalSmtpTest {

  /**
   * Jakarta Mail replaces Message-ID with a random one in saveChanges(), which Transport.send
   * calls; overriding updateMessageID() is the supported way to send a chosen one, e.g. one derived
   * from an event id so that a retried send can be recognised as a duplicate.
   */
  static final class FixedIdMessage extends MimeMessage {
    private final String messageId;

    FixedIdMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }

  @Test
  void keepsSubjectRecipientsAndChosenMessageId(@TempDir Path dir) throws Exception {
    try (LocalSmtp smtp = LocalSmtp.start(0)) {
      Session session = session(smtp.port());
      MimeMessage message = message(session, "<evt-1@uploads.dev>", "first");
      message.addRecipient(Message.RecipientType.CC, new InternetAddress("other@nowhere.test"));
      Transport.send(message);

      assertTrue(smtp.awaitReceived(1, Duration.ofSeconds(5)));
      // One SMTP transaction with two recipients is one received message.
      assertEquals(1, smtp.receivedCount());
      MimeMessage got = smtp.received().get(0);
      assertEquals("first", got.getSubject());
      assertEquals("user@example.org", got.getRecipients(Message.RecipientType.TO)[0].toString());
      assertArrayEquals(new String[] {"<evt-1@uploads.dev>"}, got.getHeader("Message-ID"));

      List<Path> files = smtp.saveAsEml(dir.resolve("mail"));
      assertEquals(List.of(dir.resolve("mail/00001.eml")), files);
      try (InputStream in = Files.newInputStream(files.get(0))) {
        MimeMessage saved = new MimeMessage(session, in);
        assertEquals("first", saved.getSubject());
        assertEquals("<evt-1@uploads.dev>", saved.getMessageID());
      }
    }
  }

  @Test
  void sendsFailWhileProxyRefusesAndSucceedAfterwards() throws Exception {
    try (LocalSmtp smtp = LocalSmtp.start(0);
        FlakyTcpProxy proxy = FlakyTcpProxy.start("127.0.0.1", smtp.port())) {
      Session session = session(proxy.port());

      proxy.refuseNext(2);
      assertThrows(MessagingException.class, () -> send(session, "<r1@x>"));
      assertThrows(MessagingException.class, () -> send(session, "<r2@x>"));
      send(session, "<r3@x>");

      proxy.setDown(true);
      assertThrows(MessagingException.class, () -> send(session, "<d1@x>"));
      proxy.setDown(false);
      send(session, "<d2@x>");

      assertEquals(5, proxy.acceptedConnections());
      assertEquals(List.of("<r3@x>", "<d2@x>"), messageIds(smtp));
    }
  }

  @Test
  void sendsFailWhileServerIsStoppedAndSucceedAfterRestart() throws Exception {
    try (LocalSmtp smtp = LocalSmtp.start(0)) {
      int port = smtp.port();
      Session session = session(port);
      send(session, "<before@x>");

      smtp.stop();
      assertFalse(smtp.isRunning());
      assertThrows(MessagingException.class, () -> send(session, "<during@x>"));

      smtp.restart();
      assertTrue(smtp.isRunning());
      assertEquals(port, smtp.port());
      send(session, "<after@x>");
      // Received mail outlives the restart; GreenMail's own mailboxes would not.
      assertEquals(List.of("<before@x>", "<after@x>"), messageIds(smtp));
    }
  }

  private static void send(Session session, String messageId) throws MessagingException {
    Transport.send(message(session, messageId, "subject " + messageId));
  }

  private static MimeMessage message(Session session, String messageId, String subject)
      throws MessagingException {
    MimeMessage message = new FixedIdMessage(session, messageId);
    message.setFrom("uploads@localhost");
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("user@example.org"));
    message.setSubject(subject);
    message.setText("Your upload is ready.");
    return message;
  }

  private static List<String> messageIds(LocalSmtp smtp) throws MessagingException {
    List<MimeMessage> received = smtp.received();
    String[] ids = new String[received.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = received.get(i).getMessageID();
    }
    return List.of(ids);
  }

  /** Short timeouts: a failure should fail the send in milliseconds, not hang the test. */
  private static Session session(int port) {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(port));
    props.put("mail.smtp.connectiontimeout", "2000");
    props.put("mail.smtp.timeout", "2000");
    props.put("mail.smtp.writetimeout", "2000");
    return Session.getInstance(props);
  }
}
