package dev.uploads.bench.suite;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for one connection. A thread per connection with
 * prepared request bytes costs a fraction of what an async client costs per request, which matters
 * when the load generator shares two cores with the system it measures.
 */
final class HttpConnection implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 30_000;
  private static final int MAX_LINE = 8_192;

  private final InetSocketAddress address;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private boolean closeAfterResponse;
  private String lastErrorBody = "";

  HttpConnection(InetSocketAddress address) {
    this.address = address;
  }

  /** Sends one complete request and reads the whole response; returns the status code. */
  int exchange(byte[] request) throws IOException {
    if (socket == null) {
      connect();
    }
    try {
      out.write(request);
      out.flush();
      int status = readResponse();
      if (closeAfterResponse) {
        close();
      }
      return status;
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  /** The start of the body of the last response that was not a 202, for error reports. */
  String lastErrorBody() {
    return lastErrorBody;
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(READ_TIMEOUT_MS);
    s.connect(address, CONNECT_TIMEOUT_MS);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
    out = s.getOutputStream();
  }

  private int readResponse() throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    long length = -1;
    boolean chunked = false;
    closeAfterResponse = parts[0].equals("HTTP/1.0");
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.toLowerCase().contains("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        closeAfterResponse = value.equalsIgnoreCase("close");
      }
    }
    StringBuilder body = status != 202 ? new StringBuilder() : null;
    if (chunked) {
      for (long size = chunkSize(); size > 0; size = chunkSize()) {
        skip(size, body);
        readLine();
      }
      while (!readLine().isEmpty()) {
        // trailers
      }
    } else if (length >= 0) {
      skip(length, body);
    } else {
      skip(Long.MAX_VALUE, body);
      closeAfterResponse = true;
    }
    if (body != null) {
      lastErrorBody = body.toString();
    }
    return status;
  }

  private long chunkSize() throws IOException {
    String line = readLine();
    int semicolon = line.indexOf(';');
    return Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
  }

  /** Reads and drops n bytes (or up to EOF for n = MAX_VALUE), keeping the first 300 if asked. */
  private void skip(long n, StringBuilder keep) throws IOException {
    byte[] buffer = new byte[4096];
    long left = n;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new EOFException("connection closed inside a response body");
      }
      if (keep != null && keep.length() < 300) {
        keep.append(new String(buffer, 0, Math.min(read, 300), StandardCharsets.UTF_8));
      }
      left -= read;
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r'
            ? line.substring(0, end - 1)
            : line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE);
      }
      line.append((char) b);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing left to do with a broken connection
      }
      socket = null;
    }
  }
}
