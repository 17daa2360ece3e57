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
 *       entries, and never blocks. The source remembers where it stopped: the pending checkpoint.
 *   <li>{@link #saveCheckpoint} runs inside the batch's transaction, after the rows: it writes the
 *       pending checkpoint (and makes durable anything that must be before it moves, such as
 *       quarantine entries) and remembers what it wrote. {@link #committed} follows a successful
 *       COMMIT and makes exactly that the stored checkpoint: the COMMIT may have run in the
 *       background ({@link BatchWriter}) while {@link #take} took more, which stays pending.
 *   <li>A failed transaction is retried with the same batch, or (a failed background COMMIT) with
 *       the same batch followed by what was taken since; nothing is taken during the retry, so
 *       the pending checkpoint describes the batch retried.
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

  /** Writes the pending checkpoint inside the batch's open transaction. */
  void saveCheckpoint(CheckpointStore store, Instant now) throws SQLException, IOException;

  /** The batch's transaction committed: what {@link #saveCheckpoint} wrote is now the stored checkpoint. */
  void committed();

  /** Where an entry at {@code position} came from, for spool reasons and logs. */
  String origin(long position);

  @Override
  void close();
}
