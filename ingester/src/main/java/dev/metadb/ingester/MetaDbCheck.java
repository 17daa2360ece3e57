package dev.metadb.ingester;

import dev.metadb.store.MetaDatabase;
import dev.metadb.store.Schema;
import dev.metadb.store.SchemaGate;
import dev.metadb.store.SqliteFailure;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metadb verify}'s check of meta.db: {@code PRAGMA integrity_check} (every page, index and
 * constraint) and a schema version this metadb knows, read over a {@link
 * MetaDatabase#connectReadOnly read-only connection}. It also hands the checkpoints to the queue
 * check, which needs them to say whether each points at an entry that exists.
 *
 * <p>integrity_check reads the whole file: seconds per GiB. It holds a read transaction meanwhile,
 * which under WAL does not block the ingester (only its idle-time TRUNCATE checkpoint waits).
 */
public final class MetaDbCheck {
  /** How many of integrity_check's lines are reported; it stops at 100 by itself. */
  private static final int MAX_LINES = 10;

  /**
   * @param result the check's findings
   * @param checkpoints every slot's checkpoint; null when meta.db could not be read
   */
  public record Outcome(CheckResult result, Map<String, CheckpointStore.Checkpoint> checkpoints) {}

  private MetaDbCheck() {}

  public static Outcome run(Home home) {
    String subject = "meta.db";
    List<Finding> findings = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    if (!Files.exists(home.metaDb())) {
      findings.add(Finding.note(subject, "no meta.db yet: nothing has been ingested (metadb ingest creates it)"));
      return new Outcome(new CheckResult("meta.db", findings, counts), Map.of());
    }
    if (!Files.isRegularFile(home.metaDb())) {
      findings.add(Finding.problem(subject, home.metaDb() + " is not a regular file: move it away; metadb ingest creates a new meta.db"));
      return new Outcome(new CheckResult("meta.db", findings, counts), null);
    }
    Map<String, CheckpointStore.Checkpoint> checkpoints = null;
    try (Connection connection = MetaDatabase.connectReadOnly(home.metaDb())) {
      int version = SchemaGate.readVersion(connection);
      counts.put("schema_version", (long) version);
      integrity(connection, subject, findings);
      if (version > Schema.VERSION) {
        findings.add(Finding.problem(subject, "schema v" + version + " is newer than this metadb (v" + Schema.VERSION
            + "): a newer metadb wrote it; verify it with that version"));
      } else if (version == 0) {
        findings.add(Finding.note(subject, "no schema yet (the next metadb ingest creates it)"));
        checkpoints = Map.of();
      } else {
        if (version < Schema.VERSION) {
          findings.add(Finding.note(subject, "schema v" + version + " is older than this metadb (v" + Schema.VERSION
              + "): the next metadb ingest migrates it"));
        }
        checkpoints = CheckpointStore.load(connection);
      }
    } catch (SQLException e) {
      findings.add(Finding.problem(subject, describe(e)));
    }
    return new Outcome(new CheckResult("meta.db", findings, counts), checkpoints);
  }

  private static void integrity(Connection connection, String subject, List<Finding> findings) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA integrity_check(" + MAX_LINES + ")")) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    if (!lines.equals(List.of("ok"))) {
      findings.add(Finding.problem(subject, "integrity_check failed: " + String.join("; ", lines) + ". " + DAMAGED_HINT));
    }
  }

  private static final String DAMAGED_HINT =
      "Stop the ingester and copy meta.db, meta.db-wal and meta.db-shm aside; sqlite3's .recover can salvage"
          + " the readable rows. Events still in the queue or spool can be ingested again into a new meta.db.";

  private static String describe(SQLException e) {
    SqliteFailure failure = SqliteFailure.of(e);
    if (failure == SqliteFailure.NOT_A_DATABASE) {
      return "meta.db is not an SQLite database (its header is damaged or it is another kind of file). " + DAMAGED_HINT;
    }
    if (failure == SqliteFailure.CORRUPT) {
      return "meta.db is damaged (" + e.getMessage() + "). " + DAMAGED_HINT;
    }
    return "meta.db cannot be read: " + e.getMessage();
  }
}
