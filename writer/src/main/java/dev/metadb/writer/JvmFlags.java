package dev.metadb.writer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Whether this JVM was started with the flags Chronicle Queue needs on Java 17 (packages of the
 * JDK exported and opened to the unnamed module). Without them every queue append fails deep in
 * Chronicle ({@code FileChannelImpl.map0}), and a writer would spool every event while looking
 * healthy: a misconfigured JVM is not a storage failure, so {@link MetaDb#open} refuses it at once
 * with the exact flags and the usual ways to pass them.
 *
 * <p>The flags come from the build ({@code jvm-flags.properties}, filtered from the root pom's one
 * definition). A module the JDK does not have (a jlinked runtime without {@code jdk.compiler}) is
 * not required.
 */
final class JvmFlags {
  private static final Properties BUILD = load();

  private JvmFlags() {}

  /** The command-line flags, as one line: {@code -D... --add-exports=... --add-opens=...}. */
  static String commandLine() {
    return BUILD.getProperty("flags");
  }

  /** The flags this JVM lacks; empty when it has them all. */
  static List<String> missing() {
    Module self = JvmFlags.class.getModule();
    List<String> missing = new ArrayList<>();
    for (String target : BUILD.getProperty("exports").trim().split("\\s+")) {
      Optional<Module> module = module(target);
      if (module.isPresent() && !module.get().isExported(pkg(target), self)) {
        missing.add("--add-exports=" + target + "=ALL-UNNAMED");
      }
    }
    for (String target : BUILD.getProperty("opens").trim().split("\\s+")) {
      Optional<Module> module = module(target);
      if (module.isPresent() && !module.get().isOpen(pkg(target), self)) {
        missing.add("--add-opens=" + target + "=ALL-UNNAMED");
      }
    }
    return missing;
  }

  /** Throws {@link MissingJvmFlagsException} unless this JVM has every flag. */
  static void check() {
    List<String> missing = missing();
    if (!missing.isEmpty()) {
      throw new MissingJvmFlagsException(missing, commandLine());
    }
  }

  private static Optional<Module> module(String target) {
    return ModuleLayer.boot().findModule(target.substring(0, target.indexOf('/')));
  }

  private static String pkg(String target) {
    return target.substring(target.indexOf('/') + 1);
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = JvmFlags.class.getResourceAsStream("jvm-flags.properties")) {
      if (in == null) {
        throw new IllegalStateException("jvm-flags.properties is missing from the writer jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
