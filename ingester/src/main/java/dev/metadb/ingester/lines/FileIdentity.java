package dev.metadb.ingester.lines;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What makes a spool file the same file across runs, renames and moves, and a new file under an
 * old name a different one.
 *
 * <p>TEXT FORM (the {@code replay_ledger.identity} column): {@code sha256:<64 hex> ino:<dev>:<ino>}
 *
 * <ul>
 *   <li>The hash covers the file's bytes up to and including the {@code \n} that ends its first
 *       non-blank line (blank lines before it included: an inbox write begins with {@code \n},
 *       so an inbox file's first line is empty), or its first {@value #HEAD_BYTES} bytes when
 *       that is longer. Spool and inbox files are only ever appended to, so once that line is
 *       complete these bytes never change and the hash holds while the file grows. A spool line
 *       carries a time-ordered random event id and a timestamp, so two different spool files
 *       practically never share a first line; inbox and trail lines may, which is why the inbox
 *       also requires the inode to match ({@link Ledger#findSameFile}).
 *   <li>Device and inode (or {@code ino:-} where the file system has no "unix" view) survive a
 *       rename or a move within one file system, not a copy.
 * </ul>
 *
 * <p>Content is the ground truth: a ledger row is this file's when the hash is equal; the inode
 * and the path only choose among several rows with the same hash (see {@link Ledger#find}). A file
 * with no complete first line yet has no identity: there is nothing in it to apply.
 */
public record FileIdentity(String contentHash, String inode) {
  public static final int HEAD_BYTES = 4096;

  /**
   * The identity of an open file, if its head is settled: a complete first non-blank line, or
   * HEAD_BYTES, or (when {@code finished}) whatever the file holds.
   */
  public static Optional<FileIdentity> read(FileChannel channel, Path path, boolean finished) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(HEAD_BYTES);
    while (head.hasRemaining()) {
      if (channel.read(head, head.position()) <= 0) {
        break;
      }
    }
    byte[] bytes = head.array();
    int length = head.position();
    int hashed = -1;
    boolean blank = true;
    for (int i = 0; i < length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        if (!blank) {
          hashed = i + 1;
          break;
        }
      } else if (b != ' ' && b != '\t' && b != '\r') {
        blank = false;
      }
    }
    if (hashed < 0 && (length == HEAD_BYTES || (finished && length > 0))) {
      hashed = length;
    }
    if (hashed < 0) {
      return Optional.empty();
    }
    return Optional.of(new FileIdentity(sha256(bytes, hashed), inode(path)));
  }

  /** Parses the text form written by {@link #text()}. */
  public static FileIdentity parse(String text) {
    int space = text.indexOf(" ino:");
    if (space < 0) {
      return new FileIdentity(text, "-");
    }
    return new FileIdentity(text.substring(0, space), text.substring(space + 5));
  }

  public String text() {
    return contentHash + " ino:" + inode;
  }

  /** The first 12 hex digits of the hash, enough to name a file apart from its namesakes. */
  public String shortHash() {
    return contentHash.substring("sha256:".length(), "sha256:".length() + 12);
  }

  private static String sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static String inode(Path path) {
    try {
      Object dev = Files.getAttribute(path, "unix:dev");
      Object ino = Files.getAttribute(path, "unix:ino");
      return dev + ":" + ino;
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      return "-";
    }
  }
}
