package dev.metadb.command;

import dev.metadb.event.Column;
import dev.metadb.event.ColumnType;
import dev.metadb.event.EnvelopeJsonSchema;
import dev.metadb.event.Table;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code metadb schema}: the 16 tables and their columns, or with {@code --json-schema} a JSON
 * Schema of an inbox line ({@link EnvelopeJsonSchema}) for validating events in other languages.
 * Both come from {@link Table}; nothing is read from a home.
 */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Show the event tables and their columns, or a JSON Schema of an inbox line.",
    footer = {
      "",
      "Examples:",
      "  metadb schema",
      "  metadb schema --json-schema > metadb-envelope.schema.json",
      "  metadb schema --json-schema | python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)[\"$defs\"]))'",
      "",
      "Exit 0."
    })
final class SchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json-schema", description = "print a JSON Schema (draft 2020-12) of one inbox line: the envelope and each table's data")
  boolean jsonSchema;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (jsonSchema) {
      out.print(EnvelopeJsonSchema.text());
    } else {
      for (Table table : Table.values()) {
        out.println(table.sqlName());
        for (Column column : table.columns()) {
          out.printf("  %-22s %s%s%n", column.name(), type(column), column.required() ? ", required" : "");
        }
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  private static String type(Column column) {
    return column.type() == ColumnType.ENUM
        ? "one of " + String.join(", ", column.allowed())
        : column.type().name().toLowerCase(java.util.Locale.ROOT);
  }
}
