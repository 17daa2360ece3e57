package dev.metadb.replay;

import dev.metadb.event.Table;
import dev.metadb.ingester.lines.LineFormat;
import dev.metadb.ingester.lines.TrailLineFormat;
import java.nio.file.Path;

/**
 * One file to replay: an error spool file (each line an envelope) or a trail of one table (each
 * line that table's data object, see {@code --trail}).
 *
 * @param file the file
 * @param trailTable the trail's table, or null for a spool file
 */
public record ReplaySource(Path file, Table trailTable) {
  public ReplaySource {
    file = file.toAbsolutePath().normalize();
  }

  /** An error spool file. */
  public static ReplaySource spool(Path file) {
    return new ReplaySource(file, null);
  }

  /** A trail of {@code table} events. */
  public static ReplaySource trail(Table table, Path file) {
    return new ReplaySource(file, table);
  }

  public boolean isTrail() {
    return trailTable != null;
  }

  LineFormat format() {
    return trailTable == null ? new SpoolLineFormat() : new TrailLineFormat(trailTable, null);
  }
}
