package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writer processes filling one small queue filesystem at the same time. Each finds enough
 * space when it claims its slot, then the others take it: the first append of its cycle, and the
 * open of its slot's metadata, happen on a full disk. Chronicle creates those files sparse and
 * writes their headers through the map, which used to kill writer JVMs with SIGBUS (about one
 * round in three of this test, in VM code: not even an InternalError). Now those files are made
 * with real blocks first, so every writer exits normally with every event queued or spooled.
 */
class ConcurrentFullDiskTest {
  private static final int WRITERS = 3;
  private static final int EVENTS = 1_500;

  @TempDir Path tmp;

  @Test
  void writersRacingForTheLastBlocksNeverCrashAndLoseNothing() throws Exception {
    Tmpfs.assumeAvailable(tmp);
    for (int round = 0; round < 3; round++) {
      Home home = new Home(tmp.resolve("home-" + round));
      Files.createDirectories(home.queueDir());
      Tmpfs.mount(home.queueDir(), "2m");
      try {
        List<Process> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          writers.add(ChildJvm.start(WriterChild.class, Map.of("WRITER_CHILD_BODY_BYTES", "1000"),
              tmp.resolve("stderr-" + round + "-" + w), home.dir().toString(), Integer.toString(EVENTS)));
        }
        Set<String> queued = new HashSet<>();
        Set<String> spooled = new HashSet<>();
        for (Process p : writers) {
          List<String> lines = readAll(p);
          assertEquals(0, p.waitFor(), "writer exit code (134: SIGBUS abort); its stdout ends: "
              + lines.subList(Math.max(0, lines.size() - 5), lines.size()));
          for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            assertTrue(f[0].equals("QUEUED") ? queued.add(f[1]) : f[0].equals("SPOOLED") && spooled.add(f[1]), line);
          }
        }
        assertEquals(WRITERS * EVENTS, queued.size() + spooled.size());
        assertTrue(!spooled.isEmpty(), "2 MiB cannot hold 4.5 MB of events");
        Set<String> inQueue = QueueContents.read(home).stream().map(Envelope::eventId).collect(Collectors.toSet());
        assertEquals(queued, inQueue, "the queue holds exactly the events acknowledged as queued");
        Set<String> inSpool = new HashSet<>();
        for (Path f : home.spoolFiles()) {
          for (String line : Files.readAllLines(f)) {
            inSpool.add(EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8)).eventId());
          }
        }
        assertEquals(spooled, inSpool, "the spool holds exactly the events acknowledged as spooled");
      } finally {
        Tmpfs.unmount(home.queueDir());
      }
    }
  }

  private static List<String> readAll(Process p) throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    }
    return lines;
  }
}
