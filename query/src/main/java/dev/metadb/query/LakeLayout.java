package dev.metadb.query;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one host's exported rows live in a lake: a Hive-partitioned directory tree of Parquet
 * files that DuckDB, Trino, Spark and ClickHouse read as tables.
 *
 * <pre>
 *   LAKE/table=&lt;table&gt;/date=&lt;YYYY-MM-DD&gt;/host=&lt;host&gt;/&lt;host&gt;-&lt;first id&gt;-&lt;last id&gt;.parquet
 * </pre>
 *
 * <p>A FILE holds the rows of one export CHUNK of one table, the ids first..last of that host's
 * meta.db, whose ts_utc falls on {@code date} (UTC). A chunk whose rows span several dates is one
 * file per date, all with the same name: the name is the chunk's id range, not the file's own
 * lowest and highest id. Chunks of a host and table never overlap, so names never collide.
 *
 * <p>TEMPORARY files are written next to their target as {@code .<name>.<pid>.tmp}: a dot first
 * (Hive, Spark and Trino skip hidden files) and no {@code .parquet} ending (no glob picks them up).
 *
 * <p>HOST names are made safe for a path segment and for every engine's partition parser: lower
 * case, {@code [a-z0-9._-]} kept, anything else becomes {@code -}. Every home exporting into one
 * lake must have its own host name; two homes with one name would write into the same directory.
 */
final class LakeLayout {
  static final String SUFFIX = ".parquet";
  static final String TMP_SUFFIX = ".tmp";
  private static final Pattern HOST_CHARS = Pattern.compile("[^a-z0-9._-]");

  private final Path lake;
  private final String host;
  private final Pattern fileName;

  /**
   * @param lake the lake's root directory
   * @param host already {@linkplain #sanitizeHost sanitized}
   */
  LakeLayout(Path lake, String host) {
    this.lake = lake;
    this.host = host;
    this.fileName = Pattern.compile(Pattern.quote(host) + "-(\\d+)-(\\d+)" + Pattern.quote(SUFFIX));
  }

  /**
   * {@code name} as a partition value: lower case, unsafe characters replaced by {@code -}.
   *
   * @throws IllegalArgumentException when nothing usable is left (empty, {@code .} or {@code ..})
   */
  static String sanitizeHost(String name) {
    String safe = HOST_CHARS.matcher(name.trim().toLowerCase(Locale.ROOT)).replaceAll("-");
    if (safe.isEmpty() || safe.chars().allMatch(c -> c == '.')) {
      throw new IllegalArgumentException("host name '" + name + "' cannot name a lake partition");
    }
    return safe;
  }

  Path lake() {
    return lake;
  }

  String host() {
    return host;
  }

  /** {@code LAKE/table=<table>}. */
  Path tableDir(String table) {
    return lake.resolve("table=" + table);
  }

  /** The directory of this host's files of {@code table} on {@code date}. */
  Path hostDir(String table, LocalDate date) {
    return tableDir(table).resolve("date=" + date).resolve("host=" + host);
  }

  /** The file of chunk {@code first..last} of {@code table} for the rows on {@code date}. */
  Path file(String table, LocalDate date, long first, long last) {
    return hostDir(table, date).resolve(host + "-" + first + "-" + last + SUFFIX);
  }

  /** A temporary name in {@code target}'s directory, unique to this process. */
  static Path temporary(Path target) {
    return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + TMP_SUFFIX);
  }

  /** A chunk found in the lake: its id range, from a file's name. */
  record Chunk(long first, long last) {}

  /**
   * Every chunk of this host's {@code table} that has at least one file in the lake, and deletes
   * this host's temporary files (a killed export's) on the way. The caller holds the export lock,
   * so no temporary file of this host is being written.
   */
  List<Chunk> chunksPresent(String table) throws IOException {
    List<Chunk> chunks = new ArrayList<>();
    for (Path dateDir : list(tableDir(table), "date=*")) {
      Path hostDir = dateDir.resolve("host=" + host);
      for (Path file : list(hostDir, "*")) {
        String name = file.getFileName().toString();
        if (name.startsWith("." + host + "-") && name.endsWith(TMP_SUFFIX)) {
          Files.deleteIfExists(file);
          continue;
        }
        parse(name).ifPresent(chunks::add);
      }
    }
    return chunks;
  }

  Optional<Chunk> parse(String name) {
    Matcher m = fileName.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Chunk(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
  }

  private static List<Path> list(Path dir, String glob) throws IOException {
    List<Path> paths = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
      for (Path entry : entries) {
        paths.add(entry);
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return paths;
  }
}
