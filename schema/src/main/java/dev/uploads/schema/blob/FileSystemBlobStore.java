package dev.uploads.schema.blob;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Blob store on a local (or mounted) file system.
 *
 * <p>Layout: {@code root/sha256/ab/cd/abcd...} for content, {@code root/derived/<key>} for derived
 * blobs, {@code root/tmp} for writes in progress. Temp files live inside the root so that the final
 * rename never crosses a file system and can be atomic: readers see a whole blob or none.
 */
public final class FileSystemBlobStore implements BlobStore {
  private static final int COPY_BUFFER_SIZE = 64 * 1024;

  private final Path tmp;
  private final Path contentRoot;
  private final Path derivedRoot;

  public FileSystemBlobStore(Path root) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    this.tmp = Files.createDirectories(base.resolve("tmp"));
    this.contentRoot = Files.createDirectories(base.resolve("sha256"));
    this.derivedRoot = Files.createDirectories(base.resolve("derived"));
  }

  @Override
  public StoredBlob put(InputStream in, long maxBytes) throws IOException {
    UploadHead sniffed = UploadHead.read(in, maxBytes);
    byte[] head = sniffed.bytes();
    ImageType type = sniffed.type();

    Path temp = newTempPath();
    boolean renamed = false;
    try {
      MessageDigest sha256 = sha256();
      long size;
      try (FileChannel out = create(temp)) {
        size = copy(head, in, maxBytes, sha256, out);
        // Flushed before the rename publishes it, so an acknowledged upload survives a crash.
        out.force(true);
      }
      String hex = HexFormat.of().formatHex(sha256.digest());
      Path target = contentPath(hex);
      // Same key means same bytes: an existing blob is already the right one.
      if (!Files.exists(target)) {
        publish(temp, target);
        renamed = true;
      }
      return new StoredBlob(hex, hex, size, type);
    } finally {
      if (!renamed) {
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    return Files.newInputStream(resolve(key));
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public void putDerived(String key, byte[] bytes) throws IOException {
    putDerivedAll(Map.of(key, bytes));
  }

  /**
   * Each blob is written and flushed under a temporary name first; then all are renamed into place
   * and each directory that gained an entry is synced once, rather than once per blob.
   */
  @Override
  public void putDerivedAll(Map<String, byte[]> blobs) throws IOException {
    Map<Path, Path> renames = new LinkedHashMap<>();
    boolean renamed = false;
    try {
      for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
        Path target = derivedPath(BlobKey.requireDerivedKey(blob.getKey()));
        Path temp = newTempPath();
        renames.put(temp, target);
        try (FileChannel out = create(temp)) {
          writeFully(out, blob.getValue(), blob.getValue().length);
          out.force(true);
        }
      }
      Set<Path> synced = new HashSet<>();
      for (Map.Entry<Path, Path> rename : renames.entrySet()) {
        publish(rename.getKey(), rename.getValue(), synced);
      }
      for (Path parent : synced) {
        syncDirectory(parent);
      }
      renamed = true;
    } finally {
      if (!renamed) {
        for (Path temp : renames.keySet()) {
          Files.deleteIfExists(temp);
        }
      }
    }
  }

  private static long copy(
      byte[] head, InputStream in, long maxBytes, MessageDigest sha256, FileChannel out)
      throws IOException {
    sha256.update(head);
    writeFully(out, head, head.length);
    long size = head.length;
    byte[] buffer = new byte[COPY_BUFFER_SIZE];
    while (true) {
      // Never ask for more than one byte past the limit: an oversized upload is then noticed
      // without reading (or buffering) any of its remainder.
      int wanted = (int) Math.min(buffer.length, maxBytes - size + 1);
      int n = in.read(buffer, 0, wanted);
      if (n < 0) {
        return size;
      }
      size += n;
      if (size > maxBytes) {
        throw new TooLargeException(maxBytes);
      }
      sha256.update(buffer, 0, n);
      writeFully(out, buffer, n);
    }
  }

  private static void writeFully(FileChannel out, byte[] bytes, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private Path newTempPath() {
    return tmp.resolve(UUID.randomUUID() + ".part");
  }

  /**
   * CREATE_NEW rather than Files.createTempFile: the latter makes the file owner-only (0600), and
   * the rename would carry that mode into the store, hiding blobs from other readers.
   */
  private static FileChannel create(Path temp) throws IOException {
    return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  private static void publish(Path temp, Path target) throws IOException {
    Set<Path> toSync = new HashSet<>();
    publish(temp, target, toSync);
    for (Path dir : toSync) {
      syncDirectory(dir);
    }
  }

  /**
   * Renames the temporary file into place, creating its directories, and adds to {@code toSync}
   * every directory whose entries changed: the new entry's, then every directory created for it, up
   * to the one that already existed (a directory made since the last sync is itself only an
   * unsynced entry of its parent). A rename is durable once they are synced.
   */
  private static void publish(Path temp, Path target, Set<Path> toSync) throws IOException {
    Path parent = target.getParent();
    Path existing = parent;
    while (!Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (!existing.equals(parent)) {
      Files.createDirectories(parent);
    }
    Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
    for (Path dir = parent; !dir.equals(existing); dir = dir.getParent()) {
      toSync.add(dir);
    }
    toSync.add(existing);
  }

  private static void syncDirectory(Path directory) {
    // A rename is only durable once its directory entry is on disk. Some platforms cannot open a
    // directory as a channel; there the file's own fsync is the best available.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // best effort, see above
    }
  }

  private Path resolve(String key) {
    return BlobKey.isContentKey(key)
        ? contentPath(key)
        : derivedPath(BlobKey.requireDerivedKey(key));
  }

  private Path contentPath(String hex) {
    // Two levels of fan-out keep directories small enough for every file system to list quickly.
    return contentRoot.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
  }

  private Path derivedPath(String key) {
    Path path = derivedRoot.resolve(key).normalize();
    if (!path.startsWith(derivedRoot)) {
      throw new IllegalArgumentException("derived key escapes the store: " + key);
    }
    return path;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
