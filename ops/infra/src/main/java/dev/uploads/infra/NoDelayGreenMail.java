package dev.uploads.infra;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;

/**
 * GreenMail serving SMTP only, with TCP_NODELAY on client connections. GreenMail writes each reply
 * line in two small packets; with Nagle's algorithm the second waits for the client's delayed ACK,
 * which adds about 40 ms to every SMTP command and about 300 ms to every mail sent.
 */
final class NoDelayGreenMail extends GreenMail {

  NoDelayGreenMail(ServerSetup smtp) {
    super(smtp);
  }

  /** Called by the GreenMail constructor with the one setup passed above. */
  @Override
  protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
    return Map.of(ServerSetup.PROTOCOL_SMTP, new NoDelaySmtpServer(config[0], managers));
  }

  private static final class NoDelaySmtpServer extends SmtpServer {

    NoDelaySmtpServer(ServerSetup setup, Managers managers) {
      super(setup, managers);
    }

    @Override
    protected void handleClientSocket(Socket client) throws SocketException {
      client.setTcpNoDelay(true);
      super.handleClientSocket(client);
    }
  }
}
