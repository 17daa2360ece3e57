package dev.metadb.ingester;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one of {@code metadb verify}'s checks.
 *
 * @param check its name: {@code meta.db}, {@code queue}, {@code replay-ledger}, {@code spool}, ...
 * @param findings problems and notes, in the order found
 * @param counts figures for machines (entries read, not yet ingested, lines that would be
 *     quarantined...), in a stable order
 */
public record CheckResult(String check, List<Finding> findings, Map<String, Long> counts) {
  public CheckResult {
    findings = List.copyOf(findings);
    counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
  }

  /** Whether nothing in this check makes the home unsound. */
  public boolean sound() {
    return findings.stream().noneMatch(f -> f.severity() == Finding.Severity.PROBLEM);
  }
}
