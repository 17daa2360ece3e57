package dev.metadb.ingester.lines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineReaderTest {
  @TempDir Path dir;

  @Test
  void returnsCompleteLinesWithoutBreaksAndLeavesTheTrailingFragment() throws IOException {
    Path file = write("one\ntwo\r\n\nthree-no-newline");
    try (FileChannel channel = FileChannel.open(file)) {
      LineReader reader = new LineReader(channel, 0, 1, 1024);
      List<String> lines = new ArrayList<>();
      List<Long> numbers = new ArrayList<>();
      while (reader.next()) {
        lines.add(content(reader));
        numbers.add(reader.number());
      }
      assertEquals(List.of("one", "two", ""), lines);
      assertEquals(List.of(1L, 2L, 3L), numbers);
      assertEquals("three-no-newline".length(), reader.pendingLength());
      assertEquals(10, reader.completeUpTo());
      reader.takeTrailing();
      assertTrue(reader.torn());
      assertEquals("three-no-newline", content(reader));
      assertEquals(4, reader.number());
      assertEquals(Files.size(file), reader.end());
    }
  }

  @Test
  void resumesAtAnOffsetWithTheRightLineNumber() throws IOException {
    Path file = write("a\nbb\nccc\n");
    try (FileChannel channel = FileChannel.open(file)) {
      assertEquals(2, LineReader.countNewlines(channel, 5));
      LineReader reader = new LineReader(channel, 5, 3, 1024);
      assertTrue(reader.next());
      assertEquals("ccc", content(reader));
      assertEquals(3, reader.number());
      assertEquals(5, reader.start());
      assertEquals(9, reader.end());
      assertFalse(reader.next());
      assertEquals(0, reader.pendingLength());
    }
  }

  @Test
  void skipsAnOversizedLineWithoutHoldingItAndGoesOn() throws IOException {
    byte[] big = new byte[3 * 1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    Path file = dir.resolve("big.jsonl");
    Files.write(file, "before\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, big, StandardOpenOption.APPEND);
    Files.write(file, "\nafter\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (FileChannel channel = FileChannel.open(file)) {
      LineReader reader = new LineReader(channel, 0, 1, 64 * 1024);
      assertTrue(reader.next());
      assertEquals("before", content(reader));
      assertTrue(reader.next());
      assertTrue(reader.oversized());
      assertEquals(7, reader.start());
      assertEquals(7 + big.length + 1, reader.end());
      assertTrue(reader.buffer().length <= 64 * 1024 + 2, "buffer stayed within the limit");
      assertTrue(reader.next());
      assertEquals("after", content(reader));
      assertEquals(3, reader.number());
      assertFalse(reader.next());
    }
  }

  @Test
  void aBufferGrownForALongLineGoesBackToOneChunkOnceItIsConsumed() throws IOException {
    byte[] big = new byte[3 * 1024 * 1024];
    Arrays.fill(big, (byte) 'x');
    Path file = dir.resolve("long.jsonl");
    Files.write(file, big);
    Files.write(file, "\nafter\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (FileChannel channel = FileChannel.open(file)) {
      LineReader reader = new LineReader(channel, 0, 1, 8 * 1024 * 1024);
      assertTrue(reader.next());
      assertEquals(big.length, reader.contentLength());
      assertTrue(reader.buffer().length > big.length, "the long line is held whole");
      assertTrue(reader.next());
      assertEquals("after", content(reader));
      assertFalse(reader.next());
      assertEquals(256 * 1024, reader.buffer().length, "the grown buffer is given back once the reader caught up");
    }
  }

  @Test
  void anOversizedFragmentAtTheEndIsPendingAndCanBeTaken() throws IOException {
    byte[] big = new byte[200_000];
    Arrays.fill(big, (byte) 'y');
    Path file = dir.resolve("tail.jsonl");
    Files.write(file, "ok\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, big, StandardOpenOption.APPEND);
    try (FileChannel channel = FileChannel.open(file)) {
      LineReader reader = new LineReader(channel, 0, 1, 10_000);
      assertTrue(reader.next());
      assertFalse(reader.next());
      assertEquals(big.length, reader.pendingLength());
      assertEquals(3, reader.completeUpTo());
      reader.takeTrailing();
      assertTrue(reader.oversized());
      assertTrue(reader.torn());
      assertEquals(3, reader.start());
      assertEquals(3 + big.length, reader.end());
    }
  }

  @Test
  void linesLongerThanTheReadChunkUpToTheLimitComeBackWhole() throws IOException {
    String longLine = "z".repeat(700_000);
    Path file = write("s\n" + longLine + "\r\nt\n");
    try (FileChannel channel = FileChannel.open(file)) {
      LineReader reader = new LineReader(channel, 0, 1, 700_000);
      assertTrue(reader.next());
      assertTrue(reader.next());
      assertFalse(reader.oversized());
      assertEquals(longLine, content(reader));
      assertTrue(reader.next());
      assertEquals("t", content(reader));
    }
  }

  @Test
  void seesLinesAppendedAfterAnEarlierEndOfFile() throws IOException {
    Path file = write("first\npart");
    try (FileChannel channel = FileChannel.open(file)) {
      LineReader reader = new LineReader(channel, 0, 1, 1024);
      assertTrue(reader.next());
      assertFalse(reader.next());
      Files.write(file, "ial\nsecond\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
      assertTrue(reader.next());
      assertEquals("partial", content(reader));
      assertTrue(reader.next());
      assertEquals("second", content(reader));
    }
  }

  private Path write(String text) throws IOException {
    Path file = dir.resolve("lines-" + System.nanoTime() + ".jsonl");
    Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static String content(LineReader reader) {
    return new String(reader.buffer(), reader.contentOffset(), reader.contentLength(), StandardCharsets.UTF_8);
  }
}
