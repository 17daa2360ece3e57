package dev.metadb.faults;

import java.security.SecureRandom;
import java.util.Random;

/**
 * A test's seed: {@code -Dfaults.seed.<Test>=N}, else {@code -Dfaults.seed=N}, else a fresh one.
 * It is printed before the test does anything, with the command line that replays it, so a
 * failure found once can be run again with the same choices (which faults, when, which victims).
 * Process scheduling is not seeded, so a replay repeats the plan, not every interleaving.
 */
record Seed(String test, long value) {
  static Seed of(String test, Class<?> testClass) {
    String given = System.getProperty("faults.seed." + test, System.getProperty("faults.seed"));
    long value = given != null ? Long.parseLong(given.trim()) : new SecureRandom().nextLong();
    Seed seed = new Seed(test, value);
    System.out.println("[faults] " + test + " seed " + value + "  (replay: mvn -pl faults -am verify -Dtest=" + testClass.getSimpleName()
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dfaults.seed." + test + "=" + value + ")");
    return seed;
  }

  Random random() {
    return new Random(value);
  }
}
