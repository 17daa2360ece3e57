package dev.metadb.writer;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: every record in every inbox file of a home ({@code inbox/SOURCE-DATE.jsonl}, not
 * {@code done/}), decoded, in file-name then file order; the blank lines of the framing skipped.
 */
public final class InboxContents {
  private InboxContents() {}

  public static List<Envelope> read(Home home) throws IOException, InvalidEventException {
    List<Envelope> all = new ArrayList<>();
    if (!Files.isDirectory(home.inboxDir())) {
      return all;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(home.inboxDir())) {
      files = list.filter(p -> Inbox.FileName.parse(p.getFileName().toString()).isPresent()).sorted().toList();
    }
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          all.add(EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
    return all;
  }
}
