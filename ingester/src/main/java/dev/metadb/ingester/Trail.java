package dev.metadb.ingester;

import dev.metadb.event.Table;
import java.nio.file.Path;

/**
 * One {@code --trail TABLE=GLOB}: the files GLOB matches hold one {@code table}'s events, a data
 * object per line. Wildcards only in the last path element ({@code /var/log/agents/watchdog-events-*.jsonl}).
 */
public record Trail(Table table, Path glob) {
  /**
   * Parses {@code TABLE=GLOB}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Trail parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException("--trail expects TABLE=GLOB (for example watchdog_events=/var/log/agents/watchdog-events-*.jsonl), got '" + spec + "'");
    }
    String tableName = spec.substring(0, eq);
    Table table = Table.byName(tableName).orElseThrow(() -> new IllegalArgumentException(
        "--trail " + spec + ": unknown table '" + tableName + "'"));
    Path glob = Path.of(spec.substring(eq + 1)).toAbsolutePath().normalize();
    Path parent = glob.getParent();
    if (parent == null || parent.toString().matches(".*[*?\\[\\]{}].*")) {
      throw new IllegalArgumentException("--trail " + spec + ": wildcards are allowed only in the file name, not in the directory " + parent);
    }
    return new Trail(table, glob);
  }
}
