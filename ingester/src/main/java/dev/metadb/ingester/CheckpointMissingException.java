package dev.metadb.ingester;

/**
 * A slot's checkpoint points at an entry the queue no longer has: its cycle file was deleted, or
 * the slot's queue was replaced. Continuing silently would hide that events were lost, so the
 * ingester stops (exit 1) unless started with the explicit skip flag.
 */
public final class CheckpointMissingException extends IngestException {
  public CheckpointMissingException(String message) {
    super(message);
  }

  @Override
  public String hint() {
    return "queue files were deleted before they were ingested; `metadb ingest --skip-missing` continues with what is left";
  }
}
