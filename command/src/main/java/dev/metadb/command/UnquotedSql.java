package dev.metadb.command;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code metadb query SELECT 1}: the shell split the SQL into words, and picocli took the first as
 * the SQL and found the rest unmatched. This gives the command back with the SQL as one quoted
 * argument, ready to paste: the SQL is the word before the first unmatched one plus the unmatched
 * words, joined by single spaces, quoted where the first word stood; every other word stays as
 * it was. When the word before the first unmatched one is an option, it falls back to an example.
 */
final class UnquotedSql {
  private static final String EXAMPLE = "query \"SELECT source, count(*) FROM messages GROUP BY 1\"";

  private UnquotedSql() {}

  /** The command line after {@code metadb}, the SQL quoted as one argument. */
  static String quoted(String[] args, List<String> unmatched) {
    int first = unmatched.isEmpty() ? -1 : List.of(args).indexOf(unmatched.get(0));
    if (first < 2 || args[first - 1].startsWith("-")) {
      return EXAMPLE;
    }
    List<String> sql = new ArrayList<>(List.of(args[first - 1]));
    List<String> words = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < args.length; i++) {
      if (i == first - 1) {
        words.add(null);
      } else if (i >= first && next < unmatched.size() && args[i].equals(unmatched.get(next))) {
        sql.add(args[i]);
        next++;
      } else {
        words.add(word(args[i]));
      }
    }
    String query = quote(String.join(" ", sql));
    return words.stream().map(w -> w == null ? query : w).collect(Collectors.joining(" "));
  }

  /** A word as the shell needs it: bare when it has nothing special, else single-quoted. */
  private static String word(String text) {
    return text.matches("[A-Za-z0-9_./=:,@%+-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
  }

  /** Double quotes, as SQL is usually quoted, unless the text holds what they would expand. */
  private static String quote(String sql) {
    return sql.matches("[^\"$`\\\\!]*") ? "\"" + sql + "\"" : "'" + sql.replace("'", "'\\''") + "'";
  }
}
