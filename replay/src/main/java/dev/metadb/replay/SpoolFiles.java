package dev.metadb.replay;

import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which files a replay reads, and in what order.
 *
 * <p>A spool file is named {@code meta-db-errors-YYYY-MM-DD.jsonl} (UTC date of the lines in it).
 * By default replay reads every such file directly in {@code <home>/logs} (not in {@code
 * replayed/} or {@code quarantine/}); {@code --spool DIR} reads the ones directly in DIR, {@code
 * --spool FILE} that one file whatever its name. Order: {@link Home#spoolFilesIn}'s, oldest date first
 * (the order status lists them in), so events land roughly in time order and the ts_utc index is
 * appended to.
 *
 * <p>A file whose name carries today's date or a later one (UTC), or no date at all, may still be
 * appended to: its trailing incomplete line is left alone and the file is not moved.
 */
public final class SpoolFiles {
  private SpoolFiles() {}

  /** The spool files of {@code home}, oldest first; empty when there is no logs directory. */
  public static List<Path> inHome(Home home) throws IOException {
    return home.spoolFiles();
  }

  /**
   * The files {@code --spool} names: the spool files directly in a directory, or one file.
   *
   * @throws NoSuchFileException when {@code fileOrDir} does not exist
   */
  public static List<Path> named(Path fileOrDir) throws IOException {
    if (Files.isDirectory(fileOrDir)) {
      return Home.spoolFilesIn(fileOrDir);
    }
    if (!Files.exists(fileOrDir)) {
      throw new NoSuchFileException(fileOrDir.toString(), null, "no such spool file or directory");
    }
    return List.of(fileOrDir.toAbsolutePath().normalize());
  }
}
