package dev.uploads.infra;

import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real SMTP server (GreenMail) on 127.0.0.1 that accepts mail for any recipient without
 * authentication and keeps every message it receives, so tests can check what was sent and a person
 * running the local stack can read it.
 *
 * <p>{@link #received()} lists each accepted SMTP transaction once, in arrival order, however many
 * recipients it had. The list lives in this object, not in GreenMail (whose mailboxes are wiped by
 * stop), so it survives {@link #stop()} and {@link #restart()}; it is held in memory and ends with
 * the JVM. A message is added before the server answers 250 to its DATA, so it is there as soon as
 * the client's send returns. To read the mails, call {@link #saveAsEml(Path)}: it writes them as
 * .eml files that any mail client or text editor opens.
 */
public final class LocalSmtp implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  private final int port;
  private final List<MimeMessage> messages = new ArrayList<>();
  private GreenMail server;
  private MovingMessage lastRecorded;

  private LocalSmtp(int port) {
    this.port = port;
  }

  /** Starts the server; port 0 picks a free port, which is kept for restarts. */
  public static LocalSmtp start(int port) {
    LocalSmtp smtp = new LocalSmtp(port == 0 ? Ports.free() : port);
    smtp.launch();
    return smtp;
  }

  public int port() {
    return port;
  }

  public String host() {
    return HOST;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Starts the server again on the same port; also works after stop(). Keeps received(). */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Closes the port, so that senders get connection refused, as with a mail server outage. */
  public synchronized void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** A snapshot of all messages received since start, oldest first. */
  public List<MimeMessage> received() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }

  public int receivedCount() {
    synchronized (messages) {
      return messages.size();
    }
  }

  /** Waits until at least count messages were received in total; false on timeout. */
  public boolean awaitReceived(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (messages) {
      while (messages.size() < count) {
        long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
          return false;
        }
        messages.wait(remainingMillis);
      }
      return true;
    }
  }

  /**
   * Writes every received message to dir as 00001.eml, 00002.eml, ... (arrival order) and returns
   * the files. Numbering by position makes calling it again overwrite the same files rather than
   * duplicate them, so it can be called whenever a person wants to look.
   */
  public List<Path> saveAsEml(Path dir) {
    List<Path> files = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      List<MimeMessage> snapshot = received();
      for (int i = 0; i < snapshot.size(); i++) {
        Path file = dir.resolve(String.format("%05d.eml", i + 1));
        try (OutputStream out = Files.newOutputStream(file)) {
          snapshot.get(i).writeTo(out);
        }
        files.add(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not save received mail to " + dir, e);
    } catch (MessagingException e) {
      throw new IllegalStateException("could not write a received message to " + dir, e);
    }
    return files;
  }

  private synchronized void launch() {
    GreenMail greenMail =
        new NoDelayGreenMail(new ServerSetup(port, HOST, ServerSetup.PROTOCOL_SMTP));
    UserManager users = greenMail.getUserManager();
    // Set before start(), not via withConfiguration, which applies only once the port is open:
    // a sender retrying during restart() could otherwise be asked to log in.
    users.setAuthRequired(false);
    // The default handler creates a mailbox for any unknown recipient, so all mail is accepted.
    users.setMessageDeliveryHandler(recordingThen(users.getMessageDeliveryHandler()));
    greenMail.start();
    server = greenMail;
  }

  private MessageDeliveryHandler recordingThen(MessageDeliveryHandler next) {
    return (message, recipient) -> {
      record(message);
      return next.handle(message, recipient);
    };
  }

  /**
   * GreenMail calls the handler once per recipient with the same message object, and delivers one
   * message at a time (SmtpManager.send is synchronized), so comparing with the last one suffices.
   */
  private void record(MovingMessage message) throws MessagingException {
    synchronized (messages) {
      if (message == lastRecorded) {
        return;
      }
      lastRecorded = message;
      // A copy, so that nothing GreenMail does to the instance it files in its mailboxes (flags,
      // attachment stripping) changes what callers see.
      messages.add(new MimeMessage(message.getMessage()));
      messages.notifyAll();
    }
  }
}
