package dev.uploads.stack;

import dev.uploads.infra.LocalSmtp;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Copies every mail the local SMTP server receives into a folder as an .eml file, so that a person
 * can open it in any mail client or editor, also after the stack stopped.
 */
final class MailDrop implements AutoCloseable {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final LocalSmtp smtp;
  private final Path folder;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private int written;

  MailDrop(LocalSmtp smtp, Path folder) throws IOException {
    this.smtp = smtp;
    this.folder = Files.createDirectories(folder);
    timer.scheduleWithFixedDelay(this::drain, 1, 1, TimeUnit.SECONDS);
  }

  private synchronized void drain() {
    List<MimeMessage> received = smtp.received();
    for (; written < received.size(); written++) {
      Path file = folder.resolve(LocalDateTime.now().format(STAMP) + "-" + (written + 1) + ".eml");
      try (OutputStream out = Files.newOutputStream(file)) {
        received.get(written).writeTo(out);
      } catch (IOException | MessagingException e) {
        System.err.println("could not save a received mail to " + file + ": " + e);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdown();
    drain();
  }
}
