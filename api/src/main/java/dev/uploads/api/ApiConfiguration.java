package dev.uploads.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.api.relay.KafkaSettings;
import dev.uploads.api.relay.RelaySettings;
import dev.uploads.api.upload.UploadSettings;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

public class ApiConfiguration extends Configuration {
  @Valid @NotNull @JsonProperty private DataSourceFactory database = new DataSourceFactory();
  @Valid @NotNull @JsonProperty private UploadSettings uploads = new UploadSettings();
  @Valid @NotNull @JsonProperty private KafkaSettings kafka = new KafkaSettings();
  @Valid @NotNull @JsonProperty private RelaySettings relay = new RelaySettings();

  @Valid @NotNull @JsonProperty
  private dev.uploads.ops.deadletters.DeadLetterSettings deadLetters =
      new dev.uploads.ops.deadletters.DeadLetterSettings();

  public dev.uploads.ops.deadletters.DeadLetterSettings getDeadLetters() {
    return deadLetters;
  }

  /** Dropwizard's own {@code admin} block configures tasks and health checks, hence the name. */
  @Valid @NotNull @JsonProperty
  private dev.uploads.ops.deadletters.AdminAccessSettings adminAccess =
      new dev.uploads.ops.deadletters.AdminAccessSettings();

  public dev.uploads.ops.deadletters.AdminAccessSettings getAdminAccess() {
    return adminAccess;
  }

  /** False in a process that only relays (the {@code relay} command): no upload endpoints. */
  @JsonProperty private boolean serveUploads = true;

  public DataSourceFactory getDatabase() {
    return database;
  }

  public UploadSettings getUploads() {
    return uploads;
  }

  public KafkaSettings getKafka() {
    return kafka;
  }

  public RelaySettings getRelay() {
    return relay;
  }

  public boolean isServeUploads() {
    return serveUploads;
  }

  public void setServeUploads(boolean serveUploads) {
    this.serveUploads = serveUploads;
  }
}
