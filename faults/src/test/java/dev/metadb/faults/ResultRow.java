package dev.metadb.faults;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One test's line in the results file ({@link Results}), and so one row of docs/reliability.md.
 *
 * @param run the surefire JVM's run id (its start time): the report uses the newest run
 * @param faultClass the fault class, e.g. "kill -9"
 * @param variant what exactly was done, e.g. "queue filesystem full"
 * @param faults faults injected, by kind
 * @param recorded events the writers were told were recorded (QUEUED + SPOOLED)
 * @param failed events the writers were told were NOT stored (FAILED: both queue and spool refused)
 * @param landed recorded events found in meta.db after the final drain and replay
 * @param duplicates rows beyond the first for any event id
 * @param missing recorded events not in meta.db and not excused
 * @param unknown rows in meta.db that no writer was told about (and are not the one in-flight
 *     event of a killed writer)
 * @param excused recorded events excused by a documented rule, by rule (e.g. QUEUED into a queue
 *     directory that was removed before ingestion)
 * @param quarantined lines moved to quarantine, by reason
 * @param recoveryMs from the end of the faults until every recorded event was in meta.db (-1:
 *     not within the limit)
 * @param notes anything a reader of the report needs (operator steps, skips)
 * @param skipped the test could not run here (notes say why); its figures are all zero
 */
record ResultRow(
    @JsonProperty("run") String run,
    @JsonProperty("test") String test,
    @JsonProperty("fault_class") String faultClass,
    @JsonProperty("variant") String variant,
    @JsonProperty("seed") String seed,
    @JsonProperty("full_run") boolean fullRun,
    @JsonProperty("faults") Map<String, Long> faults,
    @JsonProperty("faults_injected") long faultsInjected,
    @JsonProperty("recorded") long recorded,
    @JsonProperty("queued") long queued,
    @JsonProperty("spooled") long spooled,
    @JsonProperty("failed") long failed,
    @JsonProperty("landed") long landed,
    @JsonProperty("duplicates") long duplicates,
    @JsonProperty("missing") long missing,
    @JsonProperty("unknown") long unknown,
    @JsonProperty("excused") Map<String, Long> excused,
    @JsonProperty("quarantined") Map<String, Long> quarantined,
    @JsonProperty("recovery_ms") long recoveryMs,
    @JsonProperty("duration_ms") long durationMs,
    @JsonProperty("passed") boolean passed,
    @JsonProperty("notes") String notes,
    @JsonProperty("skipped") boolean skipped) {

  /** The row of a test that could not run, with the reason. */
  static ResultRow skipped(String test, String faultClass, String variant, String reason) {
    return new ResultRow(Results.RUN, test, faultClass, variant, "", Scale.FULL, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0,
        Map.of(), Map.of(), -1, 0, false, reason, true);
  }

  long quarantinedTotal() {
    return quarantined.values().stream().mapToLong(Long::longValue).sum();
  }
}
