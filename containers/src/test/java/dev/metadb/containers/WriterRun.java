package dev.metadb.containers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one writer container (one incarnation of a writer) printed, parsed from its stdout after
 * it exited (format: {@link ContainerWriter}).
 *
 * @param name the test's name for the container
 * @param host the container's hostname (the envelope's host)
 * @param exit the container's exit code (137 after a SIGKILL)
 * @param pid the writer's PID in its own PID namespace, -1 if it never started
 * @param slot the writer slot it claimed, -1 if none (it spooled from the start)
 * @param acks event id to QUEUED, SPOOLED or FAILED, in recording order
 * @param done whether it printed DONE (closed its writer and exited cleanly)
 */
record WriterRun(String name, String host, int exit, long pid, int slot, Map<String, String> acks, boolean done) {

  static WriterRun parse(String name, String host, int exit, List<String> stdout) {
    long pid = -1;
    int slot = -1;
    boolean done = false;
    Map<String, String> acks = new LinkedHashMap<>();
    for (String line : stdout) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "START" -> {
          pid = Long.parseLong(f[1]);
          slot = Integer.parseInt(f[2]);
        }
        case "QUEUED", "SPOOLED", "FAILED" -> {
          if (acks.put(f[1], f[0]) != null) {
            throw new IllegalStateException(name + " printed event id " + f[1] + " twice");
          }
        }
        case "DONE" -> done = true;
        default -> throw new IllegalStateException(
            name + " printed an unexpected line: " + line + "; its output from there on:\n"
                + String.join("\n", stdout.subList(stdout.indexOf(line), stdout.size())));
      }
    }
    return new WriterRun(name, host, exit, pid, slot, acks, done);
  }

  long count(String status) {
    return acks.values().stream().filter(status::equals).count();
  }

  @Override
  public String toString() {
    return name + "(host " + host + ", exit " + exit + ", pid " + pid + ", slot " + slot + ", " + acks.size() + " acks"
        + (done ? ", done" : "") + ")";
  }
}
