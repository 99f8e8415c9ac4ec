package dev.uploads.worker;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.ops.deadletters.AdminAccessSettings;
import dev.uploads.schema.blob.BlobSettings;
import dev.uploads.schema.trace.TracingSettings;
import dev.uploads.worker.emails.SmtpSettings;
import dev.uploads.worker.runtime.JobSettings;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class WorkerConfiguration extends Configuration {
  @Valid @NotNull @JsonProperty private DataSourceFactory database = new DataSourceFactory();
  @Valid @NotNull @JsonProperty private Kafka kafka = new Kafka();

  /** Where uploads and thumbnails live; the API must name the same store. */
  @Valid @JsonProperty private BlobSettings blobs;

  /**
   * Deprecated: the root of a filesystem blob store, from before the {@code blobs} block; still
   * read so that older configuration files keep working.
   */
  @JsonProperty private String blobRoot;

  @Valid @NotNull @JsonProperty private SmtpSettings smtp = new SmtpSettings();
  @Valid @NotNull @JsonProperty private Breaker breakers = new Breaker();
  @Valid @NotNull @JsonProperty private Jobs jobs = new Jobs();

  /** Spans of every event a job handles; exported only where an OTLP endpoint is set. */
  @Valid @NotNull @JsonProperty private TracingSettings tracing = new TracingSettings();

  /** Dropwizard's own {@code admin} block configures tasks and health checks, hence the name. */
  @Valid @NotNull @JsonProperty private AdminAccessSettings adminAccess = new AdminAccessSettings();

  public DataSourceFactory getDatabase() {
    return database;
  }

  public Kafka getKafka() {
    return kafka;
  }

  /** The {@code blobs} block, or a filesystem store at the deprecated {@code blobRoot}. */
  public BlobSettings getBlobs() {
    if (blobs != null) {
      return blobs;
    }
    return blobRoot == null ? new BlobSettings() : BlobSettings.filesystem(blobRoot);
  }

  @JsonIgnore
  @AssertTrue(message = "set blobs or the deprecated blobRoot, not both")
  public boolean isOneBlobStoreNamed() {
    return blobs == null || blobRoot == null;
  }

  public SmtpSettings getSmtp() {
    return smtp;
  }

  public Breaker getBreakers() {
    return breakers;
  }

  public Jobs getJobs() {
    return jobs;
  }

  public TracingSettings getTracing() {
    return tracing;
  }

  public AdminAccessSettings getAdminAccess() {
    return adminAccess;
  }

  public static class Kafka {
    @NotEmpty @JsonProperty private String bootstrapServers = "127.0.0.1:9092";

    /** Extra consumer properties; they override the runtime's defaults. */
    @JsonProperty private Map<String, String> consumer = new HashMap<>();

    public String getBootstrapServers() {
      return bootstrapServers;
    }

    public Map<String, String> getConsumer() {
      return consumer;
    }
  }

  public static class Breaker {
    /** Failed calls in a row that open a dependency's breaker; keep it below retry attempts. */
    @Min(1)
    @Max(50)
    @JsonProperty
    private int failuresToOpen = 3;

    @NotNull @JsonProperty private Duration openFor = Duration.seconds(5);

    public int getFailuresToOpen() {
      return failuresToOpen;
    }

    public Duration getOpenFor() {
      return openFor;
    }
  }

  public static class Jobs {
    @Valid @NotNull @JsonProperty private Thumbnails thumbnails = new Thumbnails();
    @Valid @NotNull @JsonProperty private JobSettings emails = new JobSettings();
    @Valid @NotNull @JsonProperty private JobSettings stats = new JobSettings();

    public Thumbnails getThumbnails() {
      return thumbnails;
    }

    public JobSettings getEmails() {
      return emails;
    }

    public JobSettings getStats() {
      return stats;
    }
  }

  public static class Thumbnails extends JobSettings {
    @NotEmpty @JsonProperty private List<@Min(1) @Max(4096) Integer> widths = List.of(128, 512);

    /** Larger images are refused undecoded: a decompression bomb costs nothing. */
    @Min(1)
    @JsonProperty
    private long maxPixels = 40_000_000L;

    public List<Integer> getWidths() {
      return widths;
    }

    public long getMaxPixels() {
      return maxPixels;
    }
  }
}
