package dev.uploads.schema;

import java.util.Map;

/** Every event type this system publishes, with its payload class. Anything else is unknown. */
public final class EventTypes {
  public static final Map<String, Class<? extends Event>> KNOWN =
      Map.of(
          UploadReceived.TYPE, UploadReceived.class,
          UploadThumbnailed.TYPE, UploadThumbnailed.class,
          UploadFailed.TYPE, UploadFailed.class,
          EmailSent.TYPE, EmailSent.class);

  private EventTypes() {}
}
