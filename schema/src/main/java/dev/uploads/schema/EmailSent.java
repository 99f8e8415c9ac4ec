package dev.uploads.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.UUID;

/** The "your upload is ready" mail was handed to the SMTP server. */
public record EmailSent(
    @JsonProperty("upload_id") UUID uploadId,
    @JsonProperty("account_id") UUID accountId,
    @JsonProperty("recipient") String recipient,
    @JsonProperty("message_id") String messageId)
    implements UploadEvent {
  public static final String TYPE = "email.sent";
  public static final int VERSION = 1;

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }

  @Override
  @JsonIgnore
  public int version() {
    return VERSION;
  }
}
