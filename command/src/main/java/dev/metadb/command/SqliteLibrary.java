package dev.metadb.command;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Points sqlite-jdbc at the native library the build unpacked beside its jar (the distribution's
 * {@code lib/libsqlitejdbc.so}, see {@code command/src/build/natives.xml}), so a run loads it in
 * place instead of copying it into {@code java.io.tmpdir}, where a killed process would leave the
 * copy for good.
 *
 * <p>It sets the system property {@code org.sqlite.lib.path}, which sqlite-jdbc reads when its
 * first connection opens, so it must run before that. It changes nothing when the property is
 * already set (the user's choice wins) or when no library sits beside the jar (a Maven or IDE
 * classpath: sqlite-jdbc then unpacks as usual). A library there that does not load (another
 * platform) makes sqlite-jdbc fall back to unpacking.
 */
final class SqliteLibrary {
  static final String PATH_PROPERTY = "org.sqlite.lib.path";

  private SqliteLibrary() {}

  /** Sets {@code org.sqlite.lib.path} to the directory of sqlite-jdbc's jar if the library is there. */
  static void useUnpacked() {
    if (System.getProperty(PATH_PROPERTY) == null) {
      jarDirectory().flatMap(SqliteLibrary::holdingLibrary)
          .ifPresent(dir -> System.setProperty(PATH_PROPERTY, dir.toString()));
    }
  }

  /** {@code dir} if it holds this platform's sqlite-jdbc library file. */
  static Optional<Path> holdingLibrary(Path dir) {
    return Files.isRegularFile(dir.resolve(System.mapLibraryName("sqlitejdbc"))) ? Optional.of(dir) : Optional.empty();
  }

  /** The directory of the jar (or class directory) sqlite-jdbc's driver was loaded from. */
  private static Optional<Path> jarDirectory() {
    var source = org.sqlite.JDBC.class.getProtectionDomain().getCodeSource();
    if (source == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(Path.of(source.getLocation().toURI()).getParent());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
