package dev.metadb.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.writer.Home;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * Another query process on the same home: runs {@code COUNT} queries through its own engine, so
 * two processes extend the same snapshot files. Prints {@code ok N} or the first inconsistency.
 *
 * <p>Usage: {@code QueryChild HOME COUNT}
 */
public final class QueryChild {
  private QueryChild() {}

  public static void main(String[] args) throws Exception {
    Home home = new Home(Path.of(args[0]));
    int count = Integer.parseInt(args[1]);
    long last = 0;
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      for (int i = 0; i < count; i++) {
        JsonNode row = TestDb.queryJson(engine, "SELECT count(*) AS n, max(id) AS hi, count(DISTINCT event_id) AS ids,"
            + " count(body) AS bodies FROM messages").path("rows").get(0);
        long n = row.path("n").asLong();
        if (n < last || n != row.path("hi").asLong() || n != row.path("ids").asLong() || n != row.path("bodies").asLong()) {
          System.out.println("inconsistent: " + row + " after " + last);
          return;
        }
        last = n;
      }
    }
    System.out.println("ok " + count);
  }
}
