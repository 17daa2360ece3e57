package dev.metadb.faults;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.EventIds;
import dev.metadb.event.EventValidator;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.replay.ReplayRequest;
import dev.metadb.store.MetaDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Fault class "hostile input" at the last edge: spool files with random corruption, replayed by
 * {@code metadb replay} child JVMs that are killed with SIGKILL mid-file several times before one
 * runs to the end.
 *
 * <p>The files are two finished days of spool (dated before today, mtime past the settle time),
 * each line an envelope as the writer spools it. A seeded share of the lines is damaged: a bit
 * flipped, cut short, a byte that is not UTF-8, NULs, the closing brace dropped, two lines
 * spliced into one, junk lines, a line repeated, CRLF endings, a line over the length limit, a
 * torn last line.
 *
 * <p>THE ORACLE for each line is what the format promises: a line that is valid UTF-8 and
 * decodes ({@link EnvelopeCodec#decode}, as the writer's own codec) is applied; any other
 * non-blank line is quarantined with a reason. Must hold: replay never crashes; every undamaged
 * line's event is in meta.db once; every line the oracle refuses has exactly one quarantine entry
 * (however many runs were killed), and no other line has one; every row's event comes from a line
 * of these files.
 */
@Order(6)
class CorruptSpoolFaultTest {
  @Test
  void corruptSpoolFilesReplayedThroughKillsQuarantineTheBadLinesAndLandTheRestOnce() throws Exception {
    String test = "CorruptSpoolFaultTest";
    Seed seed = Seed.of(test, CorruptSpoolFaultTest.class);
    int linesPerFile = Scale.of("spool.lines", 15_000, 100_000);
    int kills = Scale.of("spool.kills", 3, 15);
    long started = System.nanoTime();
    try (Harness h = new Harness(test, seed)) {
      Random r = h.random;
      Files.createDirectories(h.home.logsDir());
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      Map<Path, List<byte[]>> files = new HashMap<>();
      Set<String> mayLand = new HashSet<>();
      for (int days = 2; days >= 1; days--) {
        Path file = h.home.spoolFile(today.minusDays(days));
        Map<String, byte[]> originals = new HashMap<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] segment : corruptedSpool(h, r, linesPerFile, days == 1, originals)) {
          bytes.write(segment);
        }
        Files.write(file, bytes.toByteArray());
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        List<byte[]> lines = split(bytes.toByteArray());
        files.put(file, lines);
        // The writer's side of the books: events whose line is in the file as it was written.
        Set<ByteBuffer> present = new HashSet<>();
        for (byte[] line : lines) {
          present.add(ByteBuffer.wrap(line));
        }
        byte[] last = lines.get(lines.size() - 1);
        for (Map.Entry<String, byte[]> o : originals.entrySet()) {
          byte[] line = o.getValue();
          if (present.contains(ByteBuffer.wrap(line)) || java.util.Arrays.equals(last, java.util.Arrays.copyOf(line, line.length - 1))) {
            h.books.told("spool", -1, o.getKey(), Books.Status.SPOOLED);
          }
        }
      }
      h.replayExits(0, 1);

      h.faultActive(true);
      while (h.faults.getOrDefault("kill -9 replay", 0L) < kills) {
        Map<String, Long> before = ledger(h);
        ChildProcess replay = ChildProcess.metadb(h.logs, "replay", "replay", "--home", h.home.dir().toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        // Kill once this run has committed part of a file (or, when it ends first, stop killing).
        while (replay.isAlive() && System.nanoTime() < deadline && ledger(h).equals(before)) {
          Thread.sleep(5);
        }
        Thread.sleep(h.random.nextInt(300));
        if (!replay.isAlive()) {
          replay.await(Duration.ofSeconds(10));
          break;
        }
        replay.kill9();
        h.count("kill -9 replay");
        if (midFile(h)) {
          h.observe("replay kills that landed mid-file (ledger strictly inside the file)");
        }
      }
      h.faultsOver();
      long recovery = h.recover(Duration.ofSeconds(180));
      h.finalDrain(0);

      // The oracle, line by line.
      Map<String, Set<Long>> quarantined = new HashMap<>();
      long duplicateEntries = 0;
      for (QuarantineReasons.Entry e : QuarantineReasons.entries(h.home)) {
        String name = Path.of(e.source()).getFileName().toString();
        if (!quarantined.computeIfAbsent(name, k -> new HashSet<>()).add(e.line())) {
          duplicateEntries++;
        }
        h.require(!e.reason().isBlank(), "every quarantine entry has a reason");
      }
      h.require(duplicateEntries == 0, duplicateEntries + " lines were quarantined more than once");
      long refused = 0;
      long wrongly = 0;
      List<String> sample = new ArrayList<>();
      for (Map.Entry<Path, List<byte[]>> f : files.entrySet()) {
        Set<Long> q = quarantined.getOrDefault(f.getKey().getFileName().toString(), Set.of());
        long number = 0;
        for (byte[] line : f.getValue()) {
          number++;
          Verdict v = oracle(line);
          if (v == Verdict.QUARANTINE) {
            refused++;
          } else if (v == Verdict.APPLY) {
            mayLand.add(decode(line).eventId());
          }
          if ((v == Verdict.QUARANTINE) != q.contains(number)) {
            wrongly++;
            if (sample.size() < 5) {
              sample.add(f.getKey().getFileName() + " line " + number + " oracle " + v + ", quarantined " + q.contains(number) + ": "
                  + new String(line, 0, Math.min(120, line.length), StandardCharsets.UTF_8));
            }
          }
        }
      }
      h.require(wrongly == 0, wrongly + " lines quarantined against the oracle, e.g. " + sample);
      Audit.Result a = Audit.check(h.home, h.books, List.of(), mayLand::contains);
      h.report("hostile input", "spool files with random corruption, replay killed -9 mid-file " + kills + "x",
          a, recovery, started, refused + " lines refused by the oracle (the other damaged lines still decode and land like any line)");
      h.passed();
    }
  }

  /** Each spool file's committed offset in the replay ledger, by file. */
  private static Map<String, Long> ledger(Harness h) throws java.sql.SQLException {
    Map<String, Long> offsets = new HashMap<>();
    if (!Files.exists(h.home.metaDb())) {
      return offsets;
    }
    try (java.sql.Connection c = MetaDatabase.connectReadOnly(h.home.metaDb());
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT file, byte_offset FROM replay_ledger")) {
      while (rs.next()) {
        offsets.put(rs.getString(1), rs.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      // no ledger yet (the schema is being created)
    }
    return offsets;
  }

  /** Whether a spool file in logs/ has a ledger offset strictly inside it: replay stopped mid-file. */
  private static boolean midFile(Harness h) throws Exception {
    for (Map.Entry<String, Long> e : ledger(h).entrySet()) {
      Path file = Path.of(e.getKey());
      if (e.getValue() > 0 && Files.exists(file) && e.getValue() < Files.size(file)) {
        return true;
      }
    }
    return false;
  }

  /** The file's lines as replay sees them: each with its line break, the last one maybe without. */
  private static List<byte[]> split(byte[] content) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(content, start, i + 1));
        start = i + 1;
      }
    }
    if (start < content.length) {
      lines.add(java.util.Arrays.copyOfRange(content, start, content.length));
    }
    return lines;
  }

  enum Verdict { APPLY, BLANK, QUARANTINE }

  /** What the spool format promises for one line (with its line break, or torn at the end). */
  static Verdict oracle(byte[] line) {
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
      if (end > 0 && line[end - 1] == '\r') {
        end--;
      }
    }
    boolean blank = true;
    for (int i = 0; i < end; i++) {
      byte b = line[i];
      blank &= b == ' ' || b == '\t' || b == '\r';
    }
    if (blank) {
      return Verdict.BLANK;
    }
    if (end > ReplayRequest.DEFAULT_MAX_LINE_BYTES) {
      return Verdict.QUARANTINE;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line, 0, end));
      EnvelopeCodec.decode(line, 0, end);
      return Verdict.APPLY;
    } catch (CharacterCodingException | InvalidEventException e) {
      return Verdict.QUARANTINE;
    }
  }

  private static Envelope decode(byte[] line) throws InvalidEventException {
    int end = line.length;
    while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
      end--;
    }
    return EnvelopeCodec.decode(line, 0, end);
  }

  /**
   * The segments of a spool file of {@code n} events, a seeded tenth of them damaged; every
   * event's undamaged line goes into {@code originals} by event id. With {@code tornTail} the file
   * ends in a line without its line break, and one line is over the length limit.
   */
  private static List<byte[]> corruptedSpool(Harness h, Random r, int n, boolean tornTail, Map<String, byte[]> originals) {
    List<byte[]> lines = new ArrayList<>();
    SpoolStamp stamp = new SpoolStamp(SpoolStamp.WRITER, "queue append failed: corrupt-spool fault test", Timestamps.now());
    for (int i = 0; i < n; i++) {
      Table table = Table.values()[r.nextInt(Table.values().length)];
      Envelope envelope;
      try {
        envelope = new Envelope(EventIds.next(), Timestamps.now(), "host", 4242L,
            EventValidator.fromJson(table, EventFactory.data(table, "spool", i, r)));
      } catch (InvalidEventException e) {
        throw new AssertionError("EventFactory made an invalid event", e);
      }
      byte[] encoded = EnvelopeCodec.encode(envelope, stamp);
      byte[] line = new byte[encoded.length + 1];
      System.arraycopy(encoded, 0, line, 0, encoded.length);
      line[encoded.length] = '\n';
      originals.put(envelope.eventId(), line);
      if (r.nextInt(10) == 0) {
        h.observe("lines damaged");
        lines.addAll(damage(r, line, h));
      } else {
        lines.add(line);
      }
    }
    if (tornTail) {
      h.count("line over the length limit");
      byte[] huge = new byte[ReplayRequest.DEFAULT_MAX_LINE_BYTES + 2];
      java.util.Arrays.fill(huge, (byte) 'x');
      huge[huge.length - 1] = '\n';
      lines.add(r.nextInt(lines.size()), huge);
      byte[] last = lines.remove(lines.size() - 1);
      lines.add(java.util.Arrays.copyOf(last, last.length - 1));
      h.count("torn last line");
    }
    return lines;
  }

  /** One way of damaging {@code line}; returns what goes into the file in its place. */
  private static List<byte[]> damage(Random r, byte[] line, Harness h) {
    byte[] copy = line.clone();
    int body = line.length - 1;
    switch (r.nextInt(9)) {
      case 0 -> {
        int at = r.nextInt(body);
        copy[at] ^= (byte) (1 << r.nextInt(8));
        if (copy[at] == '\n') {
          copy[at] = '#';
        }
        h.count("damage: bit flipped");
        return List.of(copy);
      }
      case 1 -> {
        byte[] cut = java.util.Arrays.copyOf(line, 1 + r.nextInt(body));
        cut[cut.length - 1] = '\n';
        h.count("damage: cut short");
        return List.of(cut);
      }
      case 2 -> {
        copy[1 + r.nextInt(body - 1)] = (byte) 0xFF;
        h.count("damage: byte that is not UTF-8");
        return List.of(copy);
      }
      case 3 -> {
        copy[1 + r.nextInt(body - 1)] = 0;
        h.count("damage: NUL byte");
        return List.of(copy);
      }
      case 4 -> {
        byte[] noBrace = java.util.Arrays.copyOf(line, body);
        noBrace[body - 1] = '\n';
        h.count("damage: closing brace dropped");
        return List.of(noBrace);
      }
      case 5 -> {
        h.count("damage: junk line inserted");
        byte[] junk = HostileInput.randomLine(r, 1 + r.nextInt(200));
        byte[] junkLine = java.util.Arrays.copyOf(junk, junk.length + 1);
        junkLine[junk.length] = '\n';
        return List.of(junkLine, line);
      }
      case 6 -> {
        h.count("damage: line repeated");
        return List.of(line, line.clone());
      }
      case 7 -> {
        byte[] crlf = java.util.Arrays.copyOf(line, line.length + 1);
        crlf[body] = '\r';
        crlf[body + 1] = '\n';
        h.count("damage: CRLF line end");
        return List.of(crlf);
      }
      default -> {
        byte[] spliced = java.util.Arrays.copyOf(line, body);
        h.count("damage: line break lost (spliced into the next line)");
        return List.of(spliced);
      }
    }
  }
}
