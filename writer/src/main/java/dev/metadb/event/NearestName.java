package dev.metadb.event;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * The known name a mistyped one most likely meant, for "did you mean" hints on unknown tables and
 * fields. A name counts as meant when the typed one begins it (at least 3 characters: {@code
 * token} for {@code token_usage}) or is within an edit distance of a third of its length (at
 * least 1: {@code mesages} for {@code messages}); ties go to the first in alphabetical order. No
 * suggestion is better than a far-fetched one, so anything further is not suggested.
 */
public final class NearestName {
  private NearestName() {}

  /** The name in {@code known} nearest to {@code typed}, if one is near enough. */
  public static Optional<String> to(String typed, Collection<String> known) {
    if (typed == null || typed.isEmpty()) {
      return Optional.empty();
    }
    String lower = typed.toLowerCase(Locale.ROOT);
    int limit = Math.max(1, lower.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : known.stream().sorted().toList()) {
      int distance = lower.length() >= 3 && name.startsWith(lower) ? 0 : distance(lower, name);
      if (distance <= limit && distance < bestDistance) {
        best = name;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code "did you mean 'NAME'? "} for the nearest name, or "" when none is near. */
  public static String didYouMean(String typed, Collection<String> known) {
    return to(typed, known).map(name -> "did you mean '" + name + "'? ").orElse("");
  }

  /** Levenshtein distance (insert, delete, replace one character). */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
