package dev.uploads.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapping of event payloads, shared by every producer and consumer of events. */
public final class EventJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EventJson() {}

  public static String write(Event event) {
    try {
      return MAPPER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("event " + event.type() + " cannot be serialised", e);
    }
  }

  /** Parses a payload; a payload that does not match its type is a permanent failure. */
  public static <T extends Event> T read(byte[] payload, Class<T> type) throws IOException {
    return MAPPER.readValue(payload, type);
  }

  public static <T extends Event> T read(String payload, Class<T> type) {
    try {
      return MAPPER.readValue(payload, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
