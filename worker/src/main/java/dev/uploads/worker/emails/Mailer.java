package dev.uploads.worker.emails;

import dev.uploads.worker.runtime.PermanentFailure;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Sends mail over SMTP with a Message-ID the caller chooses, so that a resend is recognisable.
 *
 * <p>SMTP connections are kept open and reused, one per sending thread at most, instead of a TCP
 * handshake, greeting, EHLO and QUIT for every mail. A connection idle for longer than {@link
 * #MAX_IDLE_NANOS} is closed rather than reused (servers drop idle clients). A reused connection
 * that fails in any way other than refusing the recipient is replaced by a fresh one once within
 * the same send, so a connection the server closed while it sat idle is not a failed attempt; if
 * the server had in fact taken the message, the resend carries the same Message-ID, as any retry of
 * the job would.
 */
public final class Mailer implements AutoCloseable {
  /** Well under the 5 minutes RFC 5321 (4.5.3.2.7) lets a server wait for the next command. */
  static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

  static {
    // Jakarta Mail looks its stream provider up with a ServiceLoader scan of every jar on the
    // class path each time a message is built or written (jakarta.mail.util.FactoryFinder); it
    // was the worker's hottest code. Naming the implementation makes the lookup a class-name load.
    if (System.getProperty(STREAM_PROVIDER) == null) {
      System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  private final Session session;
  private final InternetAddress from;
  private final Deque<Pooled> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  private record Pooled(Transport transport, long idleSince) {}

  public Mailer(SmtpSettings settings) throws AddressException {
    Properties p = new Properties();
    p.put("mail.smtp.host", settings.getHost());
    p.put("mail.smtp.port", Integer.toString(settings.getPort()));
    String timeout = Long.toString(settings.getTimeout().toMilliseconds());
    p.put("mail.smtp.connectiontimeout", timeout);
    p.put("mail.smtp.timeout", timeout);
    p.put("mail.smtp.writetimeout", timeout);
    this.session = Session.getInstance(p);
    this.from = new InternetAddress(settings.getFrom());
  }

  /**
   * Throws {@link PermanentFailure} when the server refuses the recipient for good (a 5xx reply to
   * RCPT TO); any other failure is transient.
   */
  public void send(String to, String messageId, String subject, String text)
      throws MessagingException, PermanentFailure {
    MimeMessage message =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    try {
      message.setFrom(from);
      message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to, true));
    } catch (AddressException e) {
      throw new PermanentFailure("recipient address '" + to + "' is invalid", e);
    }
    message.setSubject(subject, "UTF-8");
    message.setText(text, "UTF-8");
    message.saveChanges();
    try {
      Transport reused = takeIdle();
      if (reused != null) {
        try {
          sendOn(reused, message);
          return;
        } catch (MessagingException e) {
          if (refusedRecipient(e)) {
            throw e; // the server answered: a fresh connection would get the same answer
          }
          // Closed by the server while idle, most likely; one fresh connection decides.
        }
      }
      Transport fresh = session.getTransport("smtp");
      fresh.connect();
      sendOn(fresh, message);
    } catch (SendFailedException e) {
      if (refusedRecipient(e)) {
        throw new PermanentFailure("the SMTP server refused " + to + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private static boolean refusedRecipient(MessagingException e) {
    return e instanceof SendFailedException refused
        && refused.getInvalidAddresses() != null
        && refused.getInvalidAddresses().length > 0;
  }

  /** Sends on the connection and pools it again; on any failure the connection is closed. */
  private void sendOn(Transport transport, MimeMessage message) throws MessagingException {
    try {
      transport.sendMessage(message, message.getAllRecipients());
    } catch (MessagingException | RuntimeException e) {
      closeQuietly(transport);
      throw e;
    }
    if (closed) {
      closeQuietly(transport);
    } else {
      idle.push(new Pooled(transport, System.nanoTime()));
    }
  }

  /** The most recently used open connection, closing any that idled too long; null if none. */
  private Transport takeIdle() {
    Pooled p;
    while ((p = idle.poll()) != null) {
      // Not Transport.isConnected(): for SMTP that is a NOOP round trip on every send.
      if (System.nanoTime() - p.idleSince() < MAX_IDLE_NANOS) {
        return p.transport();
      }
      closeQuietly(p.transport());
    }
    return null;
  }

  /** Connections currently open and idle; for tests. */
  int idleConnections() {
    return idle.size();
  }

  @Override
  public void close() {
    closed = true;
    Pooled p;
    while ((p = idle.poll()) != null) {
      closeQuietly(p.transport());
    }
  }

  private static void closeQuietly(Transport transport) {
    try {
      transport.close();
    } catch (MessagingException | RuntimeException e) {
      // The connection is unusable either way.
    }
  }
}
