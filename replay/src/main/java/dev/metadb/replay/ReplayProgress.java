package dev.metadb.replay;

/**
 * Progress of a run in bytes, for a progress bar. Called from the replaying thread only.
 * {@link #NONE} when nobody watches.
 */
public interface ReplayProgress {
  ReplayProgress NONE = new ReplayProgress() {
    @Override
    public void start(long totalBytes) {}

    @Override
    public void advance(long bytes) {}

    @Override
    public void finish() {}
  };

  /** Before the first file: the bytes the run will read at most. */
  void start(long totalBytes);

  /** {@code bytes} more were read and handled. */
  void advance(long bytes);

  /** After the last file, or on failure. */
  void finish();
}
