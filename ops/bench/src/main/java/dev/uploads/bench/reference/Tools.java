package dev.uploads.bench.reference;

import dev.uploads.bench.kit.Child;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the native tools the reference measurements run, and fetches missing ones from Debian's
 * packages without installing anything: {@code apt-get download} and {@code dpkg-deb -x} into a
 * tools directory (.local/tools), as ops/check-alerts does for promtool. A binary whose shared
 * libraries are not all on the machine gets the packages {@code apt-get -s install} says are
 * missing, extracted beside it and found through LD_LIBRARY_PATH (libvips-tools needs about 40).
 *
 * <p>Every command runs through the kit's {@link Child}.
 */
public final class Tools {
  public static final List<String> NAMES = List.of("pg_test_fsync", "pgbench", "vipsthumbnail");

  private static final long COMMAND_TIMEOUT_SECONDS = 300;

  /**
   * A tool ready to run. source: "path" (found on PATH), "system" (a Debian PostgreSQL directory),
   * "tools-dir" (extracted earlier), "fetched" (extracted now); libraryPath is empty unless the
   * binary needs libraries extracted beside it.
   */
  public record Tool(String name, String path, String source, String libraryPath, String version) {
    /** Untranslated messages and a decimal point (the output is parsed), and its libraries. */
    public Map<String, String> environment() {
      String inherited = System.getenv().getOrDefault("LD_LIBRARY_PATH", "");
      return libraryPath.isEmpty()
          ? Map.of("LC_ALL", "C")
          : Map.of("LC_ALL", "C", "LD_LIBRARY_PATH", libraryPath + ":" + inherited);
    }

    public List<String> command(List<String> args) {
      return Stream.concat(Stream.of(path), args.stream()).toList();
    }

    /** Runs it to completion; a failure or overrun is an error with the end of its output. */
    public Child.Output run(List<String> args, long timeoutSeconds, Path log)
        throws IOException, InterruptedException {
      return Child.command(command(args), environment(), log)
          .finishOk(Duration.ofSeconds(timeoutSeconds));
    }
  }

  private final Path toolsDir;

  public Tools(Path toolsDir) {
    this.toolsDir = toolsDir.toAbsolutePath();
  }

  /** The default: .local/tools under the working directory (the project root in ops/ scripts). */
  public static Tools local() {
    return new Tools(Path.of(".local/tools"));
  }

  public Tool get(String name) throws IOException, InterruptedException {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown tool " + name + "; known: " + NAMES);
    }
    Optional<Path> onPath = onPath(name);
    if (onPath.isPresent()) {
      return ready(name, onPath.get(), "path");
    }
    Optional<Path> system = newestPostgresBin(Path.of("/usr/lib/postgresql"), name);
    if (system.isPresent()) {
      return ready(name, system.get(), "system");
    }
    Optional<Path> extracted = inToolsDir(name);
    if (extracted.isPresent()) {
      return ready(name, extracted.get(), "tools-dir");
    }
    String pkg = packageOf(name);
    fetch(pkg);
    Path binary =
        inToolsDir(name)
            .orElseThrow(() -> new IllegalStateException(pkg + " holds no " + name + " binary"));
    if (!missingLibraries(binary).isEmpty()) {
      fetch(missingPackages(pkg).toArray(String[]::new));
    }
    return ready(name, binary, "fetched");
  }

  private Tool ready(String name, Path binary, String source)
      throws IOException, InterruptedException {
    List<String> missing = missingLibraries(binary);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(binary + " cannot load " + missing);
    }
    // Extracted libraries only for extracted binaries: a system one keeps the system's libraries.
    String libs = binary.startsWith(toolsDir) ? libraryPath() : "";
    Tool unversioned = new Tool(name, binary.toString(), source, libs, "");
    String out = run(unversioned.command(List.of("--version")), unversioned.environment(), 30);
    return new Tool(name, binary.toString(), source, libs, out.lines().findFirst().orElse(""));
  }

  private static Optional<Path> onPath(String name) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private Optional<Path> inToolsDir(String name) throws IOException {
    Path bin = toolsDir.resolve("usr/bin").resolve(name);
    if (Files.isExecutable(bin)) {
      return Optional.of(bin);
    }
    return newestPostgresBin(toolsDir.resolve("usr/lib/postgresql"), name);
  }

  /** Debian keeps PostgreSQL's programs in /usr/lib/postgresql/MAJOR/bin, off PATH. */
  private static Optional<Path> newestPostgresBin(Path root, String name) throws IOException {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .sorted(Comparator.comparingInt(Tools::major).reversed())
          .map(v -> v.resolve("bin").resolve(name))
          .filter(Files::isExecutable)
          .findFirst();
    }
  }

  private static int major(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString().split("\\.")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * pgbench and pg_test_fsync are both in the server package postgresql-MAJOR (not the client
   * package); the metapackage postgresql names this Debian release's major.
   */
  private static String packageOf(String name) throws IOException, InterruptedException {
    if (name.equals("vipsthumbnail")) {
      return "libvips-tools";
    }
    String depends = aptWithRefresh(List.of("apt-cache", "depends", "postgresql"));
    return depends
        .lines()
        .map(String::trim)
        .filter(l -> l.matches("Depends: postgresql-[0-9]+"))
        .map(l -> l.substring("Depends: ".length()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no postgresql-MAJOR in: " + depends));
  }

  /** The package's dependencies that are not installed, as apt would install them. */
  private static Set<String> missingPackages(String pkg) throws IOException, InterruptedException {
    String plan = aptWithRefresh(List.of("apt-get", "-s", "install", pkg));
    return plan.lines()
        .filter(l -> l.startsWith("Inst "))
        .map(l -> l.split(" ")[1])
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  private void fetch(String... packages) throws IOException, InterruptedException {
    Path debs = toolsDir.resolve(".debs");
    Files.createDirectories(debs);
    // apt-get download writes to the working directory.
    List<String> download =
        new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", debs.toString()));
    download.addAll(List.of("apt-get", "download"));
    download.addAll(List.of(packages));
    aptWithRefresh(download);
    try (Stream<Path> files = Files.list(debs)) {
      for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).toList()) {
        run(List.of("dpkg-deb", "-x", deb.toString(), toolsDir.toString()), Map.of(), 120);
        Files.delete(deb);
      }
    }
  }

  /** Fails at first on stale or missing package lists: refresh them once and try again. */
  private static String aptWithRefresh(List<String> command)
      throws IOException, InterruptedException {
    try {
      return run(command, Map.of(), COMMAND_TIMEOUT_SECONDS);
    } catch (IOException stale) {
      run(List.of("apt-get", "update", "-qq"), Map.of(), COMMAND_TIMEOUT_SECONDS);
      return run(command, Map.of(), COMMAND_TIMEOUT_SECONDS);
    }
  }

  private List<String> missingLibraries(Path binary) throws IOException, InterruptedException {
    if (!isElf(binary)) {
      return List.of(); // e.g. Debian's /usr/bin/pgbench, a Perl wrapper that picks a version
    }
    Map<String, String> env =
        binary.startsWith(toolsDir) && !libraryPath().isEmpty()
            ? Map.of("LD_LIBRARY_PATH", libraryPath())
            : Map.of();
    return run(List.of("ldd", binary.toString()), env, 30)
        .lines()
        .filter(l -> l.contains("not found"))
        .map(l -> l.trim().split(" ")[0])
        .toList();
  }

  private static boolean isElf(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(4), new byte[] {0x7f, 'E', 'L', 'F'});
    }
  }

  /** The multiarch library directories extracted packages put shared libraries in. */
  private String libraryPath() throws IOException {
    List<String> dirs = new ArrayList<>();
    for (Path lib : List.of(toolsDir.resolve("usr/lib"), toolsDir.resolve("lib"))) {
      if (Files.isDirectory(lib)) {
        try (Stream<Path> entries = Files.list(lib)) {
          entries
              .filter(d -> d.getFileName().toString().endsWith("-linux-gnu"))
              .filter(Files::isDirectory)
              .sorted()
              .forEach(d -> dirs.add(d.toString()));
        }
      }
    }
    return String.join(":", dirs);
  }

  /** Runs a command to completion within the time limit: its stdout and stderr. */
  private static String run(List<String> command, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("bench-tool-", "");
    try {
      Child.Output out =
          Child.command(command, env, log).finishOk(Duration.ofSeconds(timeoutSeconds));
      return out.stdout() + "\n" + out.stderr();
    } finally {
      for (String suffix : List.of("", ".out", ".err")) {
        Files.deleteIfExists(Path.of(log + suffix));
      }
    }
  }
}
