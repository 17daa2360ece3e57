package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished-file retention: only old regular files in the three directories, never the spool. */
class FileRetentionTest {
  @TempDir Path dir;

  private static Path file(Path path, int daysOld) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "{}\n");
    Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(Duration.ofDays(daysOld))));
    return path;
  }

  @Test
  void deletesOnlyFinishedFilesOlderThanTheirDirectorysPolicy() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path logs = home.logsDir();
    Path oldReplayed = file(logs.resolve("replayed/meta-db-errors-2026-01-01.jsonl"), 31);
    Path newReplayed = file(logs.resolve("replayed/meta-db-errors-2026-11-30.jsonl"), 29);
    Path oldQuarantine = file(logs.resolve("quarantine/x.rejects.jsonl"), 40);
    Path oldDone = file(home.dir().resolve("inbox/done/cron-2026-01-01.jsonl"), 45);
    Path oldSpool = file(logs.resolve("meta-db-errors-2026-01-01.jsonl"), 300);
    Path oldInbox = file(home.dir().resolve("inbox/cron-2026-01-01.jsonl"), 300);
    Path nested = file(logs.resolve("replayed/keep/old.jsonl"), 300);
    Path link = logs.resolve("replayed/link.jsonl");
    Files.createSymbolicLink(link, oldSpool);
    Files.setLastModifiedTime(logs.resolve("replayed/keep"), FileTime.from(Instant.now().minus(Duration.ofDays(300))));

    List<String> log = new ArrayList<>();
    int deleted;
    try (MetaDatabase db = MetaDatabase.open(home.metaDb())) {
      RetentionPolicies.set(db, RetentionPolicies.INBOX_DONE, Duration.ofDays(60).toSeconds(), Instant.now());
      deleted = FileRetention.sweep(home, RetentionPolicies.load(db.connection()), Instant.now(), log::add);
    }
    assertEquals(2, deleted, log.toString());
    assertTrue(Files.notExists(oldReplayed));
    assertTrue(Files.notExists(oldQuarantine));
    for (Path kept : List.of(newReplayed, oldDone, oldSpool, oldInbox, nested, link)) {
      assertTrue(Files.exists(kept, java.nio.file.LinkOption.NOFOLLOW_LINKS), kept + " was deleted");
    }
    assertTrue(log.get(0).startsWith("retention: deleted logs/"), log.toString());
  }
}
