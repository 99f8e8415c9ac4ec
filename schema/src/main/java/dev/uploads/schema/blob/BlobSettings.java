package dev.uploads.schema.blob;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code blobs} block of both the API's and the worker's configuration: which store holds the
 * uploads and thumbnails, and how to reach it.
 *
 * <p>It lives in {@code schema}, beside the stores, rather than once in each service, because it is
 * part of the contract of how blobs are addressed: an API replica that writes a content key and a
 * worker that reads it must resolve that key to the same object, so both must build their store
 * from the same settings with the same code. Two copies could drift (another default region, other
 * addressing) and each service would still start, reading and writing different objects.
 *
 * <pre>
 * blobs: {type: filesystem, root: .local/blobs}              # the default
 * blobs: {type: s3, bucket: uploads, region: eu-west-1}      # AWS, the SDK's credential chain
 * blobs: {type: s3, bucket: uploads, endpoint: http://minio:9000, pathStyle: true,
 *         accessKeyId: ${S3_ACCESS_KEY_ID}, secretAccessKey: ${S3_SECRET_ACCESS_KEY}}
 * </pre>
 */
public class BlobSettings {
  public enum Type {
    @JsonProperty("filesystem")
    FILESYSTEM,
    @JsonProperty("s3")
    S3
  }

  @NotNull @JsonProperty private Type type = Type.FILESYSTEM;

  /** filesystem: the directory that holds the blobs. */
  @NotEmpty @JsonProperty private String root = ".local/blobs";

  /** s3: the bucket; it must exist. */
  @JsonProperty private String bucket;

  /** s3: the service URL of an S3-compatible server; none for AWS S3 (the region decides). */
  @JsonProperty private String endpoint;

  @NotEmpty @JsonProperty private String region = "us-east-1";

  /** s3: bucket in the path rather than the host name, as most S3-compatible servers need. */
  @JsonProperty private boolean pathStyle;

  /** s3: static credentials; without them the SDK's default chain (environment, profile, role). */
  @JsonProperty private String accessKeyId;

  @JsonProperty private String secretAccessKey;

  /** s3: the size of one part of a multipart upload, and the most an upload buffers in memory. */
  @NotNull @JsonProperty private DataSize partSize = DataSize.mebibytes(8);

  /**
   * s3: memory for the buffers of all uploads in flight together (each holds what arrived, up to a
   * part); an upload that would go beyond it is answered 503. None: a quarter of the heap, and at
   * least two parts.
   */
  @JsonProperty private DataSize bufferBudget;

  /** s3: how long to wait for a connection. */
  @NotNull @JsonProperty private Duration connectTimeout = Duration.seconds(2);

  /**
   * s3: how long one request may take (one try: the SDK retries up to twice more), so that a store
   * that accepts connections but never answers fails like one that is down.
   */
  @NotNull @JsonProperty private Duration requestTimeout = Duration.seconds(30);

  /** The file system store under {@code root}, e.g. for a configuration that names only a root. */
  public static BlobSettings filesystem(String root) {
    BlobSettings settings = new BlobSettings();
    settings.root = root;
    return settings;
  }

  public Type getType() {
    return type;
  }

  public String getRoot() {
    return root;
  }

  public String getBucket() {
    return bucket;
  }

  /** Builds the configured store; it does not contact a remote store yet. */
  public BlobStore build() throws IOException {
    return switch (type) {
      case FILESYSTEM -> new FileSystemBlobStore(Path.of(root));
      case S3 -> new S3BlobStore(s3Client(), bucket, (int) partSize.toBytes(), bufferBudget());
    };
  }

  long bufferBudget() {
    return bufferBudget != null
        ? bufferBudget.toBytes()
        : Math.max(2 * partSize.toBytes(), Runtime.getRuntime().maxMemory() / 4);
  }

  @JsonIgnore
  @AssertTrue(message = "bufferBudget must hold at least one part (partSize)")
  public boolean isBufferBudgetAtLeastOnePart() {
    return bufferBudget == null || bufferBudget.toBytes() >= partSize.toBytes();
  }

  private S3Client s3Client() {
    java.time.Duration request = requestTimeout.toJavaDuration();
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(region))
            .forcePathStyle(pathStyle)
            .credentialsProvider(credentials())
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(connectTimeout.toJavaDuration())
                    .socketTimeout(request))
            // Checksums only where S3 requires them: the newer default (CRC32 trailers on every
            // upload) is not understood by every S3-compatible server. SigV4 still signs the body.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o -> o.apiCallAttemptTimeout(request));
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials() {
    if (accessKeyId != null && !accessKeyId.isBlank()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @JsonIgnore
  @AssertTrue(message = "type s3 needs a bucket")
  public boolean isBucketGivenForS3() {
    return type != Type.S3 || (bucket != null && !bucket.isBlank());
  }

  @JsonIgnore
  @AssertTrue(message = "accessKeyId and secretAccessKey go together: give both or neither")
  public boolean isCredentialsPaired() {
    return blank(accessKeyId) == blank(secretAccessKey);
  }

  @JsonIgnore
  @AssertTrue(message = "endpoint must be an http or https URL, e.g. http://127.0.0.1:9000")
  public boolean isEndpointUrl() {
    if (blank(endpoint)) {
      return true;
    }
    try {
      URI uri = URI.create(endpoint);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @JsonIgnore
  @AssertTrue(message = "partSize must be from 5 MiB (S3's smallest part) to 1 GiB")
  public boolean isPartSizeAllowed() {
    return partSize.toBytes() >= S3BlobStore.MIN_PART_SIZE
        && partSize.toBytes() <= DataSize.gibibytes(1).toBytes();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
