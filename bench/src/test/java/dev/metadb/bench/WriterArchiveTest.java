package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real training run: the archive exists and a writer started with it loads MetaDb from it. */
class WriterArchiveTest {
  @Test
  void aTrainedArchiveIsUsedByTheNextWriter(@TempDir Path dir) throws Exception {
    BenchContext ctx = new BenchContext(BenchConfig.quickRun(), JvmLauncher.ofCurrentJvm(),
        Path.of("..").toAbsolutePath().normalize(), dir.resolve("work"), Files.createDirectories(dir.resolve("data")));
    WriterArchive archive = WriterArchive.train(ctx, 20);
    assertTrue(Files.size(archive.file()) > 0, "archive written");
    assertTrue(archive.file().startsWith(dir.resolve("work")), "inside the harness's work dir: " + archive.file());
    assertEquals("-XX:SharedArchiveFile=" + archive.file(), archive.option());
  }
}
