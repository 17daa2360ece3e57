/**
 * The {@code metadb} command line: one picocli subcommand per stage, built by
 * {@link dev.metadb.command.CommandLineFactory}, with failures turned into exit codes in one place
 * ({@link dev.metadb.command.ExitCode}, {@link dev.metadb.command.Failures}).
 *
 * <p>The top of the graph: nothing else depends on it. Subcommands parse, call their stage and
 * print; they hold no storage logic of their own.
 */
package dev.metadb.command;
