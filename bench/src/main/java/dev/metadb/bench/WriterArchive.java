package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dynamic class-data-sharing archive of the {@code MetaDb} writer, made the way a library user
 * makes one on JDK 17: one training run of the writer with {@code -XX:ArchiveClassesAtExit}, then
 * every later start with {@code -XX:SharedArchiveFile}, the training run and every later start with
 * the same other JVM options ({@link #jvmOptions}).
 *
 * <p>Both steps are untimed and run before the table's runs, in a scratch dir of the harness.
 * The JVM ignores an archive it cannot use without a word (another JDK build, a changed
 * classpath), so {@link #train} then starts one writer with the archive and class-load logging and
 * fails unless {@code MetaDb} itself came from the archive: a row labelled "with the archive" is
 * never a run without it. A JDK 17 archive needs a classpath of jars (it refuses a non-empty
 * directory), so this runs from the packaged harness, as {@code bin/metadb-bench} starts it.
 */
record WriterArchive(Path file, List<String> jvmOptions) {

  /** What a writer JVM starts with to use this archive: the archive, then the JVM options it was trained with. */
  List<String> options() {
    List<String> options = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + file));
    options.addAll(jvmOptions);
    return options;
  }

  /**
   * Trains an archive with {@code writes} metadb writes on a fresh home, the writer started with
   * {@code jvmOptions} as it will be when it uses the archive, and checks that it is used.
   */
  static WriterArchive train(BenchContext ctx, long writes, List<String> jvmOptions) throws IOException, InterruptedException {
    Path dir = ctx.freshDir("writer-archive");
    WriterArchive archive = new WriterArchive(dir.resolve("app.jsa"), List.copyOf(jvmOptions));
    List<String> training = new ArrayList<>(List.of("-XX:ArchiveClassesAtExit=" + archive.file()));
    training.addAll(jvmOptions);
    run(ctx, dir, "train", training, writes);
    if (!Files.isRegularFile(archive.file())) {
      throw new IOException("the training run left no archive at " + archive.file());
    }
    Path loaded = dir.resolve("class-load.txt");
    List<String> check = new ArrayList<>(archive.options());
    check.add("-Xlog:class+load=info:file=" + loaded);
    run(ctx, dir, "check", check, writes);
    List<String> lines = Files.readAllLines(loaded);
    long shared = lines.stream().filter(l -> l.contains("shared objects file (top)")).count();
    if (lines.stream().noneMatch(l -> l.contains(" dev.metadb.writer.MetaDb source: shared objects file (top)"))) {
      throw new IOException("a writer started with " + archive.options() + " did not load MetaDb from the archive; see " + loaded);
    }
    System.err.printf("  class-data archive %s: %d of %d classes of a writer come from it%n",
        archive.file(), shared, lines.size());
    return archive;
  }

  /** One untimed metadb writer JVM with {@code options} on a fresh home. */
  private static void run(BenchContext ctx, Path dir, String name, List<String> options, long writes)
      throws IOException, InterruptedException {
    List<String> args = List.of("--mode", "writes", "--sink", SinkKind.METADB.cliName,
        "--home", dir.resolve(name + "-home").toString(), "--count", Long.toString(writes), "--tables", "messages",
        "--report", dir.resolve(name + ".json").toString());
    JvmLauncher.runToEnd(ctx.jvm().command(BenchWriter.class.getName(), options, args),
        ctx.logFile("writer-archive-" + name), "the class-data archive's " + name + " run");
  }
}
