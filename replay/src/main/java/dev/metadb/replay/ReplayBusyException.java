package dev.metadb.replay;

import dev.metadb.writer.KnownFailure;
import java.nio.file.Path;

/** Another replay holds the replay lock of this home; two at once would quarantine lines twice. */
public final class ReplayBusyException extends Exception implements KnownFailure {
  public ReplayBusyException(Path lock, String holder) {
    super("another metadb replay is running (" + holder + ", lock " + lock + "); wait for it to finish");
  }

  @Override
  public Kind failureKind() {
    return Kind.RUNTIME;
  }
}
