package dev.metadb.ingester;

import dev.metadb.writer.Home;
import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Retires a damaged writer slot: writes {@link Home#SLOT_RETIRED} (the reason, one line) into its
 * directory, then deletes the owner marks of the writer holding it.
 *
 * <p>ORDER MATTERS. The mark first: a writer claiming the slot checks for it after creating its
 * owner mark. Then the owner marks: a writer still appending to the slot finds its mark gone after
 * its next append and spools that event and the ones after it, instead of appending behind the
 * damage. Either way no event is reported QUEUED into the slot after this returns without being
 * in its files already.
 */
final class SlotRetirement {
  private static final String OWNER_MARK_GLOB = "owner-*";

  private SlotRetirement() {}

  /** Retires {@code slotDir} for {@code reason}; a slot already retired keeps its first reason. */
  static void retire(Path slotDir, String reason) throws IOException {
    Path mark = slotDir.resolve(Home.SLOT_RETIRED);
    if (!Files.exists(mark, LinkOption.NOFOLLOW_LINKS)) {
      try (FileChannel out = PrivateFiles.open(mark, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        out.write(ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.UTF_8)));
        out.force(true);
      }
    }
    try (DirectoryStream<Path> marks = Files.newDirectoryStream(slotDir, OWNER_MARK_GLOB)) {
      for (Path owner : marks) {
        Files.deleteIfExists(owner);
      }
    }
  }

  /** The reason {@code slotDir} was retired, or null when it is not. */
  static String reason(Path slotDir) {
    Path mark = slotDir.resolve(Home.SLOT_RETIRED);
    if (!Files.isRegularFile(mark, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      return Files.readString(mark, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "retired (the reason cannot be read: " + e.getMessage() + ")";
    }
  }
}
