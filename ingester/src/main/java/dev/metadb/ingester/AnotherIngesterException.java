package dev.metadb.ingester;

/** Another ingester holds this home's lock: {@code another ingester (pid N) is running}. Exit 1. */
public final class AnotherIngesterException extends IngestException {
  private final long pid;

  public AnotherIngesterException(long pid) {
    super("another ingester (pid " + (pid > 0 ? Long.toString(pid) : "unknown") + ") is running");
    this.pid = pid;
  }

  @Override
  public String hint() {
    return "one ingester per home: leave that one running (see `metadb status`), or stop it first, e.g. `kill "
        + (pid > 0 ? Long.toString(pid) : "<pid>") + "`";
  }

  /** The running ingester's pid, or -1 when its lock file did not say. */
  public long pid() {
    return pid;
  }
}
