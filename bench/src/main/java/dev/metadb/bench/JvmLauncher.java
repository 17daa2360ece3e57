package dev.metadb.bench;

import dev.metadb.writer.JavaCommand;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the benchmark's child JVMs: the same {@code java} as the harness, metadb's JVM flags
 * (Chronicle's opens/exports and the analytics switches) and the harness's classpath, so a writer
 * process is started exactly as an application embedding metadb would be.
 *
 * <p>The java and the flags are {@link JavaCommand}'s, as for every JVM metadb starts.
 * Every child's stdout and stderr go to a log file, never to a pipe nobody drains.
 */
final class JvmLauncher {
  private final String java;
  private final List<String> flags;
  private final String classpath;

  JvmLauncher(String java, List<String> flags, String classpath) {
    this.java = java;
    this.flags = List.copyOf(flags);
    this.classpath = classpath;
  }

  static JvmLauncher ofCurrentJvm() {
    return new JvmLauncher(JavaCommand.java(), JavaCommand.flags(), System.getProperty("java.class.path"));
  }

  List<String> flags() {
    return flags;
  }

  String java() {
    return java;
  }

  /** {@code java FLAGS -cp CLASSPATH mainClass args...}. */
  List<String> command(String mainClass, List<String> args) {
    return command(mainClass, List.of(), args);
  }

  /** {@code java FLAGS OPTIONS -cp CLASSPATH mainClass args...}. */
  List<String> command(String mainClass, List<String> options, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(flags);
    command.addAll(options);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /**
   * {@code java -cp CLASSPATH mainClass args...}: the harness's classpath without metadb's flags,
   * as an application that never opens a queue starts (Chronicle's jars on the path, unused).
   */
  List<String> commandWithoutFlags(String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, mainClass));
    command.addAll(args);
    return command;
  }

  /**
   * A JVM with no flags whose classpath is only the entry holding {@code mainClass}: the bare-JVM
   * floor.
   */
  List<String> bareCommand(Class<?> mainClass, List<String> args) {
    String entry;
    try {
      entry = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + mainClass, e);
    }
    List<String> command = new ArrayList<>(List.of(java, "-cp", entry, mainClass.getName()));
    command.addAll(args);
    return command;
  }

  /** Starts {@code command} with stdout to {@code stdout} and stderr appended to {@code log}. */
  static Process start(List<String> command, Path stdout, Path log) throws IOException {
    return new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /**
   * Runs {@code command} to its end (stdout and stderr appended to {@code log}); fails naming
   * {@code what} with the log's tail if it exits non-zero or runs past 30 minutes.
   */
  static void runToEnd(List<String> command, Path log, String what) throws IOException, InterruptedException {
    Process p = start(command, log);
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(what + ": still running after 30 minutes");
    }
    if (p.exitValue() != 0) {
      throw new IOException(what + " exited " + p.exitValue() + ":\n" + BenchContext.tail(log, 20));
    }
  }

  /** Starts {@code command} with stdout and stderr appended to {@code log}. */
  static Process start(List<String> command, Path log) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }
}
