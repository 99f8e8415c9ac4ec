package dev.uploads.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.api.relay.KafkaSettings;
import dev.uploads.api.relay.RelaySettings;
import dev.uploads.api.upload.UploadSettings;
import dev.uploads.schema.blob.BlobSettings;
import dev.uploads.schema.trace.TracingSettings;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

public class ApiConfiguration extends Configuration {
  @Valid @NotNull @JsonProperty private DataSourceFactory database = new DataSourceFactory();
  @Valid @NotNull @JsonProperty private UploadSettings uploads = new UploadSettings();
  @Valid @NotNull @JsonProperty private KafkaSettings kafka = new KafkaSettings();
  @Valid @NotNull @JsonProperty private RelaySettings relay = new RelaySettings();

  /** Spans of every request and event; exported only where an OTLP endpoint is set. */
  @Valid @NotNull @JsonProperty private TracingSettings tracing = new TracingSettings();

  public TracingSettings getTracing() {
    return tracing;
  }

  /** Where uploads and thumbnails live; the worker must name the same store. */
  @Valid @JsonProperty private BlobSettings blobs;

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

  /** The {@code blobs} block, or a filesystem store at the deprecated {@code uploads.blobRoot}. */
  public BlobSettings getBlobs() {
    if (blobs != null) {
      return blobs;
    }
    String legacyRoot = uploads.getBlobRoot();
    return legacyRoot == null ? new BlobSettings() : BlobSettings.filesystem(legacyRoot);
  }

  @JsonIgnore
  @AssertTrue(message = "set blobs or the deprecated uploads.blobRoot, not both")
  public boolean isOneBlobStoreNamed() {
    return blobs == null || uploads.getBlobRoot() == null;
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
