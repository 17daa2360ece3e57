package dev.metadb.replay;

import dev.metadb.ingester.lines.FileDates;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which files a replay reads, and in what order.
 *
 * <p>A spool file is named {@code meta-db-errors-YYYY-MM-DD.jsonl} (UTC date of the lines in it).
 * By default replay reads every such file directly in {@code <home>/logs} (not in {@code
 * replayed/} or {@code quarantine/}); {@code --spool DIR} reads the ones directly in DIR, {@code
 * --spool FILE} that one file whatever its name. Order: oldest date first, then by name, so events
 * land roughly in time order and the ts_utc index is appended to.
 *
 * <p>A file whose name carries today's date or a later one (UTC), or no date at all, may still be
 * appended to: its trailing incomplete line is left alone and the file is not moved.
 */
public final class SpoolFiles {
  private SpoolFiles() {}

  /** The spool files of {@code home}, oldest first; empty when there is no logs directory. */
  public static List<Path> inHome(Home home) throws IOException {
    Path logs = home.logsDir();
    return Files.isDirectory(logs) ? inDirectory(logs) : List.of();
  }

  /**
   * The files {@code --spool} names: the spool files directly in a directory, or one file.
   *
   * @throws NoSuchFileException when {@code fileOrDir} does not exist
   */
  public static List<Path> named(Path fileOrDir) throws IOException {
    if (Files.isDirectory(fileOrDir)) {
      return inDirectory(fileOrDir);
    }
    if (!Files.exists(fileOrDir)) {
      throw new NoSuchFileException(fileOrDir.toString(), null, "no such spool file or directory");
    }
    return List.of(fileOrDir.toAbsolutePath().normalize());
  }

  private static List<Path> inDirectory(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Home.SPOOL_PREFIX + "*" + Home.SPOOL_SUFFIX)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry)) {
          files.add(entry.toAbsolutePath().normalize());
        }
      }
    }
    files.sort(
        Comparator.comparing((Path p) -> FileDates.dateOf(p).orElse(LocalDate.MAX))
            .thenComparing(p -> p.getFileName().toString()));
    return files;
  }
}
