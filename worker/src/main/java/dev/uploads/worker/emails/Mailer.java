package dev.uploads.worker.emails;

import dev.uploads.worker.runtime.PermanentFailure;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** Sends mail over SMTP with a Message-ID the caller chooses, so that a resend is recognisable. */
public final class Mailer {
  private final Session session;
  private final InternetAddress from;

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
    try {
      Transport.send(message);
    } catch (SendFailedException e) {
      if (e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0) {
        throw new PermanentFailure("the SMTP server refused " + to + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }
}
