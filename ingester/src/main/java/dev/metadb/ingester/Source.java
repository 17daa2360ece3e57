package dev.metadb.ingester;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A place the ingester takes events from, with a checkpoint that commits in the same transaction
 * as the rows taken from it: a writer slot ({@link SlotReader}: a Chronicle queue, checkpoint =
 * the index of the last entry taken) or a JSONL file ({@link FileSource}: an inbox file or a
 * trail, checkpoint = its identity and the byte offset after the last line taken).
 *
 * <p>CONTRACT (all on the loop's thread)
 *
 * <ol>
 *   <li>{@link #take} adds to the batch what is complete and ready now, up to {@code room}
 *       entries and never to a {@link Batch#full()} batch, and never blocks. The source remembers
 *       where it stopped: the pending checkpoint.
 *   <li>{@link #pendingCheckpoint} fixes the pending checkpoint when the batch is handed to its
 *       transaction (first making durable what must be before it moves, such as quarantine
 *       entries). The transaction writes it after the rows ({@link Checkpoint#save}, possibly on
 *       the batch writer's committer thread while this source takes on); after a successful
 *       COMMIT, {@link Checkpoint#committed} makes exactly it the stored checkpoint. What was
 *       taken since stays pending.
 *   <li>A failed transaction is retried with the same batch, or (a failed background commit)
 *       with the same batch followed by what was taken since, and a checkpoint fixed anew; nothing
 *       is taken during the retry, so that checkpoint describes the batch retried.
 * </ol>
 *
 * A kill -9 anywhere therefore leaves every checkpoint equal to the rows committed: a restart
 * reads each source again from its checkpoint and INSERT OR IGNORE absorbs any re-read.
 */
sealed interface Source extends AutoCloseable permits SlotReader, FileSource {
  /** The name in logs and checkpoints: {@code slot-03}, {@code inbox/cli-2026-11-25.jsonl}. */
  String name();

  /**
   * Adds up to {@code room} entries to {@code batch}; returns how many units it consumed (entries,
   * or lines including blank and quarantined ones), 0 when it has nothing new.
   */
  int take(Batch batch, int room) throws IOException;

  /** The pending checkpoint, fixed now, for the transaction the batch is handed to. */
  Checkpoint pendingCheckpoint() throws IOException;

  /**
   * One source's checkpoint as of one hand-off: immutable, so the transaction may write it on
   * another thread while the source takes on.
   */
  interface Checkpoint {
    /** A source that did not move: writes and changes nothing. */
    Checkpoint NONE = new Checkpoint() {
      @Override
      public void save(CheckpointStore store, Instant now) {}

      @Override
      public void committed() {}
    };

    /** Writes it inside the batch's open transaction, after the rows. */
    void save(CheckpointStore store, Instant now) throws SQLException;

    /** The transaction committed: this is now the source's stored checkpoint. On the loop's thread. */
    void committed();
  }

  /** Where an entry at {@code position} came from, for spool reasons and logs. */
  String origin(long position);

  @Override
  void close();
}
