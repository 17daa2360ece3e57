package dev.metadb.ingester;

import java.io.IOException;

/**
 * Finds the sources of one kind (writer slots, inbox files, trail files), opens the new ones and
 * notices the ones that changed under the ingester. The loop calls every discovery at most every
 * {@link Ingester#RESCAN_NANOS}, on its own thread.
 */
sealed interface Discovery permits SlotDiscovery, FileDiscovery {
  /**
   * Brings {@code sources} up to date with the file system.
   *
   * @param batchEmpty nothing is uncommitted: a source may be dropped and opened again
   * @return false when it needs an empty batch and did nothing: ask again at the next iteration
   */
  boolean scan(Sources sources, boolean batchEmpty) throws IOException, IngestException;
}
