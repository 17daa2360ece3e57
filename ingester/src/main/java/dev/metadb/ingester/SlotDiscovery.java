package dev.metadb.ingester;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.store.EventInserter;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds the writer slots of a home ({@code queue/slot-NN} holding at least one cycle file) and
 * opens a {@link SlotReader} for each new one, positioned after its stored checkpoint.
 *
 * <p>REPLACED SLOTS. A slot directory removed and created again (or restored) holds other
 * entries at the same indexes. Only between batches (nothing of the slot uncommitted), its reader
 * is dropped and opened again on what is there now, positioned by the restart rule of {@link
 * SlotReader}. A slot directory gone between listing and opening is left for the next scan.
 */
final class SlotDiscovery implements Discovery {
  private final Home home;
  private final IngestOptions options;
  private final Connection connection;
  /** Per slot, the last committed index as stored at open, or when its reader was last dropped. */
  private final Map<String, Long> checkpoints = new HashMap<>();
  private final Consumer<String> log;
  private final Consumer<String> damage;

  SlotDiscovery(Home home, IngestOptions options, Connection connection, Consumer<String> log, Consumer<String> damage)
      throws SQLException {
    this.damage = damage;
    this.home = home;
    this.options = options;
    this.connection = connection;
    CheckpointStore.load(connection).forEach((slot, c) -> checkpoints.put(slot, c.queueIndex()));
    this.log = log;
  }

  @Override
  public boolean scan(Sources sources, boolean batchEmpty) throws IOException, CheckpointMissingException {
    Path queueDir = home.queueDir();
    if (!Files.isDirectory(queueDir)) {
      return true;
    }
    if (batchEmpty) {
      for (SlotReader reader : sources.of(SlotReader.class)) {
        if (reader.replaced()) {
          log.accept(reader.name() + ": " + reader.dir() + " was replaced by another directory; opening it again");
          if (reader.checkpoint() != null) {
            checkpoints.put(reader.name(), reader.checkpoint());
          }
          sources.remove(reader);
        }
      }
    }
    for (Path dir : home.slotDirs()) {
      String name = dir.getFileName().toString();
      if (sources.get(name) == null && Home.hasCycleFile(dir)) {
        Long checkpoint = checkpoints.get(name);
        try {
          sources.add(SlotReader.open(name, dir, checkpoint, options.skipMissing(), this::committed, log, damage));
        } catch (NoSuchFileException e) {
          continue;
        }
        log.accept(name + ": reading " + (checkpoint == null ? "from its first entry" : "after checkpoint 0x" + Long.toHexString(checkpoint)));
      }
    }
    return true;
  }

  /**
   * Whether the queue entry {@code raw} is one this home committed: its event is a row. An entry
   * that does not decode cannot be told apart (such entries go to the spool, not to a table) and
   * counts as committed.
   */
  private boolean committed(byte[] raw) {
    Envelope envelope;
    try {
      envelope = EnvelopeCodec.decode(raw);
    } catch (InvalidEventException e) {
      return true;
    }
    try (EventInserter lookup = new EventInserter(connection)) {
      return lookup.isStored(envelope.table(), envelope.eventId());
    } catch (SQLException e) {
      throw new IllegalStateException("meta.db: cannot look up event " + envelope.eventId() + ": " + e.getMessage(), e);
    }
  }
}
