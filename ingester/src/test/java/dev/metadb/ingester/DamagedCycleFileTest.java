package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real cycle files damaged the ways disks and people damage them, with events before and after
 * the damage and a writer appending after it: every event recorded must end up landed in meta.db,
 * spooled (by the writer, for replay, or by the ingester as undecodable bytes with the reason),
 * or inside a byte range the ingester reports lost. The damaged slot is retired: the writer's
 * next events go to another slot.
 */
class DamagedCycleFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BEFORE = 10;
  private static final int AFTER = 5;
  /** The entry (0-based) whose header is damaged. */
  private static final int DAMAGED = 4;

  @TempDir Path dir;

  enum Damage {
    ZEROED_HEADER, LEFT_INCOMPLETE, LENGTH_TOO_LONG, LENGTH_TOO_SHORT, TRUNCATED
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void everyEventIsLandedSpooledOrReportedLost(Damage damage) throws Exception {
    Home home = new Home(dir.resolve("home"));
    Map<String, String> recorded = new LinkedHashMap<>();
    try (MetaDb first = MetaDb.open(home.dir())) {
      for (int i = 0; i < BEFORE; i++) {
        record(first, "before-" + i, recorded);
      }
    }
    Path cycle = IngesterTest.cycleFiles(home.slotDir(0)).get(0);
    List<long[]> entries = dataDocuments(cycle);
    assertEquals(BEFORE, entries.size());
    int lostExpected = damage(cycle, damage, entries);
    Set<String> cutOff = new HashSet<>();
    for (int i = BEFORE - lostExpected; i < BEFORE; i++) {
      cutOff.add("before-" + i);
    }

    List<String> log = new CopyOnWriteArrayList<>();
    try (MetaDb writer = MetaDb.open(home.dir())) {
      for (int i = 0; i < AFTER; i++) {
        record(writer, "after-damage-" + i, recorded);
      }
      List<String> damageReport;
      try (Ingester ingester = Ingester.open(home, new IngestOptions(100, Duration.ofMillis(20), 7, false), log::add)) {
        ingester.drain();
        damageReport = ingester.damage();
      }
      assertFalse(damageReport.isEmpty(), damage + ": the damage must be reported; log " + log);
      assertTrue(damageReport.get(0).startsWith("slot-00: damaged: "), damageReport.get(0));
      assertTrue(Files.exists(home.slotDir(0).resolve(Home.SLOT_RETIRED)), "the slot is retired");
      // The writer still holding slot-00 must not append behind the damage: its next event is
      // spooled and the ones after it go to a fresh slot.
      for (int i = 0; i < AFTER; i++) {
        record(writer, "after-retirement-" + i, recorded);
      }
      assertTrue(writer.slotNumber() != 0, "the writer moved off the retired slot, now on " + writer.slotNumber());
    }
    try (Ingester ingester = Ingester.open(home, new IngestOptions(100, Duration.ofMillis(20), 7, false), log::add)) {
      ingester.drain();
      assertTrue(ingester.damage().stream().noneMatch(l -> l.contains("damaged: ")),
          "a retired slot is not reported again: " + ingester.damage());
    }

    Set<String> landed = new HashSet<>();
    try (var c = Sql.connect(home.metaDb()); var rs = c.createStatement().executeQuery("SELECT event_id FROM ticks")) {
      while (rs.next()) {
        landed.add(rs.getString(1));
      }
    }
    Set<String> spooledByWriter = new HashSet<>();
    List<String> undecodable = new ArrayList<>();
    Path spool = home.spoolFileToday();
    for (String line : Files.exists(spool) ? Files.readAllLines(spool) : List.<String>of()) {
      JsonNode node = JSON.readTree(line);
      if (node.has("event_id")) {
        spooledByWriter.add(node.get("event_id").asText());
      } else {
        assertTrue(node.path("spool").path("reason").asText().contains("slot-00 index 0x"), line);
        undecodable.add(new String(Base64.getDecoder().decode(node.get("raw_base64").asText()), StandardCharsets.ISO_8859_1));
      }
    }
    int inUndecodable = 0;
    int lost = 0;
    List<String> unaccounted = new ArrayList<>();
    for (Map.Entry<String, String> e : recorded.entrySet()) {
      String id = e.getKey();
      if (landed.contains(id) || spooledByWriter.contains(id)) {
        continue;
      }
      if (undecodable.stream().anyMatch(raw -> raw.contains(id))) {
        inUndecodable++;
      } else if (cutOff.contains(e.getValue())) {
        lost++;
      } else {
        unaccounted.add(e.getValue() + " " + id);
      }
    }
    assertEquals(List.of(), unaccounted, damage + ": events neither landed, spooled nor in a reported lost range; log " + log);
    assertEquals(lostExpected, lost + inUndecodable, damage + ": events only partly readable or cut off");
    if (lostExpected > 0) {
      assertTrue(log.stream().anyMatch(l -> l.contains("is lost") || l.contains("cannot be decoded")), log.toString());
    }
    System.out.printf("%s: %d recorded, %d landed, %d spooled by the writer, %d in undecodable spooled bytes, %d lost%n",
        damage, recorded.size(), recorded.keySet().stream().filter(landed::contains).count(),
        recorded.keySet().stream().filter(id -> !landed.contains(id) && spooledByWriter.contains(id)).count(),
        inUndecodable, lost);
  }

  @Test
  void aRunningIngesterReportsTheDamageAndKeepsIngesting() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Map<String, String> recorded = new LinkedHashMap<>();
    try (MetaDb first = MetaDb.open(home.dir())) {
      for (int i = 0; i < BEFORE; i++) {
        record(first, "before-" + i, recorded);
      }
    }
    Path cycle = IngesterTest.cycleFiles(home.slotDir(0)).get(0);
    damage(cycle, Damage.ZEROED_HEADER, dataDocuments(cycle));
    List<String> log = new CopyOnWriteArrayList<>();
    try (Ingester ingester = Ingester.open(home, new IngestOptions(100, Duration.ofMillis(20), 7, false), log::add)) {
      try (RunningIngester running = new RunningIngester(ingester, log); MetaDb writer = MetaDb.open(home.dir())) {
        for (int i = 0; i < 4 * AFTER; i++) {
          record(writer, "while-running-" + i, recorded);
          Thread.sleep(50);
        }
        // Every event is a row, or (appended while its slot was being retired) spooled for replay.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!landedOrSpooled(home, recorded.keySet())) {
          assertTrue(System.nanoTime() < deadline, "events neither landed nor spooled; log " + log);
          Thread.sleep(20);
        }
      }
      assertEquals(1, ingester.damage().stream().filter(l -> l.startsWith("slot-00: damaged: ")).count(), ingester.damage().toString());
      assertTrue(log.stream().noneMatch(l -> l.startsWith("run failed")), log.toString());
    }
  }

  @Test
  void damageAtTheStartOfTheNextCycleIsFoundToo() throws Exception {
    Home home = new Home(dir.resolve("home"));
    try (SlotAppender slot = SlotAppender.daysAgo(home, 0, 1)) {
      for (int i = 0; i < 5; i++) {
        slot.append(SampleEvents.sample(Table.TICKS, i));
      }
      slot.setDaysAgo(0);
      for (int i = 5; i < 10; i++) {
        slot.append(SampleEvents.sample(Table.TICKS, i));
      }
    }
    List<Path> cycles = IngesterTest.cycleFiles(home.slotDir(0));
    assertEquals(2, cycles.size(), cycles.toString());
    Path today = cycles.get(1);
    try (FileChannel ch = FileChannel.open(today, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4), dataDocuments(today).get(0)[0]);
    }
    List<String> log = new CopyOnWriteArrayList<>();
    try (Ingester ingester = Ingester.open(home, new IngestOptions(100, Duration.ofMillis(20), 7, false), log::add)) {
      ingester.drain();
      assertTrue(ingester.damage().stream().anyMatch(l -> l.startsWith("slot-00: damaged: " + today.getFileName())),
          ingester.damage().toString());
    }
    assertEquals(10, Sql.count(home.metaDb(), "SELECT count(*) FROM ticks"), log.toString());
  }

  /** Whether every id is a ticks row or a line the writer spooled. */
  private static boolean landedOrSpooled(Home home, Set<String> ids) throws Exception {
    Set<String> seen = new HashSet<>();
    try (var c = Sql.connect(home.metaDb()); var rs = c.createStatement().executeQuery("SELECT event_id FROM ticks")) {
      while (rs.next()) {
        seen.add(rs.getString(1));
      }
    }
    Path spool = home.spoolFileToday();
    for (String line : Files.exists(spool) ? Files.readAllLines(spool) : List.<String>of()) {
      JsonNode node = JSON.readTree(line);
      if (node.has("event_id")) {
        seen.add(node.get("event_id").asText());
      }
    }
    return seen.containsAll(ids);
  }

  private static void record(MetaDb writer, String source, Map<String, String> recorded) {
    RecordResult result = writer.recordTick(source, null);
    assertTrue(result.recorded(), source + ": " + result);
    recorded.put(result.eventId(), source);
  }

  /**
   * Damages entry {@link #DAMAGED} (or cuts the file inside entry 6) and returns how many of the
   * last recorded events can no longer be read whole.
   */
  private int damage(Path cycle, Damage damage, List<long[]> entries) throws Exception {
    long at = entries.get(DAMAGED)[0];
    int length = (int) entries.get(DAMAGED)[1];
    try (FileChannel ch = FileChannel.open(cycle, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      switch (damage) {
        case ZEROED_HEADER -> header.putInt(0, 0);
        case LEFT_INCOMPLETE -> header.putInt(0, length | 0x80000000);
        case LENGTH_TOO_LONG -> header.putInt(0, length + 40);
        case LENGTH_TOO_SHORT -> header.putInt(0, length - 40);
        case TRUNCATED -> {
          ch.truncate(entries.get(6)[0] + 20);
          return BEFORE - 6;
        }
      }
      ch.write(header, at);
    }
    return 0;
  }

  /** {position, length} of every data document of a sound cycle file. */
  static List<long[]> dataDocuments(Path file) throws Exception {
    List<long[]> found = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      long p = 0;
      while (true) {
        b.clear();
        ch.read(b, p);
        int h = b.getInt(0);
        if (h == 0 || h == 0xC0000000) {
          return found;
        }
        int length = h & 0x3FFFFFFF;
        if ((h & 0x40000000) == 0) {
          found.add(new long[] {p, length});
        }
        p = (p + 4 + length + 3) & ~3L;
      }
    }
  }
}
