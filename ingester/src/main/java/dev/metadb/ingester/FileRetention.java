package dev.metadb.ingester;

import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deletes finished files in the home's finished-files directories ({@link
 * RetentionPolicies#DIRECTORIES}: {@code logs/replayed}, {@code logs/quarantine}, {@code
 * inbox/done}) once their last modification is older than the directory's policy (default
 * {@link RetentionPolicies#FILES_DEFAULT}).
 *
 * <p>NOTHING NOT YET APPLIED. Only these directories are swept: a file is in {@code
 * logs/replayed} or {@code inbox/done} only after every line of it was applied, and {@code
 * logs/quarantine} holds lines that will never apply (kept for the operator to read). The spool
 * files in {@code logs/} and the inbox files still being read are never touched. Only regular
 * files directly in the directory go; symbolic links (to the file or the directory) are left
 * alone, and so is anything in subdirectories.
 */
public final class FileRetention {
  private FileRetention() {}

  /** Applies the policies once; returns the number of files deleted. */
  public static int sweep(Home home, RetentionPolicies policies, Instant now, Consumer<String> log) {
    int deleted = 0;
    for (String name : RetentionPolicies.DIRECTORIES) {
      Optional<Duration> age = policies.forDirectory(name);
      Path dir = home.dir().resolve(name);
      if (age.isEmpty() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Instant cutoff = now.minus(age.get());
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
            Files.delete(file);
            deleted++;
            log.accept("retention: deleted " + name + "/" + file.getFileName() + " (older than " + age.get().toDays() + " days)");
          }
        }
      } catch (IOException e) {
        log.accept("retention: cannot sweep " + dir + " (will retry): " + e);
      }
    }
    return deleted;
  }
}
