package dev.metadb.replay;

import java.nio.file.Path;

/**
 * What a replay run did with one file. Counts are of this run only.
 *
 * @param file the file as found
 * @param movedTo where it was moved (logs/replayed/...), or where a dry run would move it; null
 *     when it stays
 * @param inserted lines whose event was inserted
 * @param duplicates valid lines whose event_id was already stored (or earlier in the run)
 * @param quarantined lines sent to quarantine
 * @param blank empty or whitespace-only lines, skipped
 * @param pendingBytes bytes after the last complete line, left for a later run (0 if none)
 * @param alreadyDone lines the ledger showed as handled by earlier runs and not read again
 */
public record FileResult(
    Path file,
    Path movedTo,
    long inserted,
    long duplicates,
    long quarantined,
    long blank,
    long pendingBytes,
    long alreadyDone) {}
