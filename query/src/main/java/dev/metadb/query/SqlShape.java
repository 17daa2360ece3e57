package dev.metadb.query;

import dev.metadb.event.Table;
import java.util.Map;
import java.util.Set;

/**
 * What one SELECT reads, as far as the snapshot needs to know.
 *
 * @param tables the event tables it names, each with how many times (a table scanned twice cannot
 *     be a single-pass stream)
 * @param columnNames every name used as a column reference anywhere, lower case; a superset of
 *     what is read (aliases, lambda parameters and struct fields land here too, harmlessly)
 * @param allColumns a {@code *}, {@code COLUMNS(...)} or a whole-row reference: every column
 */
record SqlShape(Map<Table, Integer> tables, Set<String> columnNames, boolean allColumns) {}
