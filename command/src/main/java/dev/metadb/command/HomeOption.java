package dev.metadb.command;

import dev.metadb.writer.Home;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --home} option every subcommand shares (a picocli mixin). */
public final class HomeOption {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "the home (default: $METADB_HOME, else ~/.metadb)")
  Path home;

  /**
   * The resolved home ({@code --home}, else {@code $METADB_HOME}, else {@code ~/.metadb}),
   * validated and created if missing ({@link Home#prepare()}).
   *
   * @throws dev.metadb.writer.UnusableHomeException (exit 2) naming the path and the problem
   */
  public Home home() {
    return Home.resolve(home).prepare();
  }

  /** As {@link #home()} for commands that only read: a missing home is not created. */
  public Home homeToRead() {
    return Home.resolve(home).checkIfPresent();
  }
}
