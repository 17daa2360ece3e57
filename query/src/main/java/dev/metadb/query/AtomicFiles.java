package dev.metadb.query;

import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file replacement by rename: a file is written under a temporary name in the same
 * directory and renamed over the target, so a reader (or a crash) sees the old file or the new
 * one, never a part. Temporary names end in {@link #TMP_SUFFIX}; leftovers of a crash are removed
 * by the snapshot store's clean-up. Temporary files are created new (never through a link, never
 * over an existing file), owner-only.
 */
final class AtomicFiles {
  static final String TMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = temporary(target);
    try {
      try (FileChannel channel = create(tmp)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      commit(tmp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** A fresh temporary path next to {@code target}. */
  static Path temporary(Path target) {
    return target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + TMP_SUFFIX);
  }

  /** Renames {@code tmp} over {@code target} atomically. */
  static void commit(Path tmp, Path target) throws IOException {
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static FileChannel create(Path tmp) throws IOException {
    return PrivateFiles.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }
}
