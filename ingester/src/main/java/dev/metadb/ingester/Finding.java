package dev.metadb.ingester;

/**
 * One thing {@code metadb verify} found about a file in the home.
 *
 * @param severity {@link Severity#PROBLEM} makes the home unsound (exit 1); a {@link
 *     Severity#NOTE} is information (entries waiting, lines replay would quarantine)
 * @param subject the file or object concerned, relative to the home where it is in it
 * @param message what is wrong and what it means, in operator words
 */
public record Finding(Severity severity, String subject, String message) {
  /** Whether a finding makes the home unsound. */
  public enum Severity {
    PROBLEM,
    NOTE
  }

  public static Finding problem(String subject, String message) {
    return new Finding(Severity.PROBLEM, subject, message);
  }

  public static Finding note(String subject, String message) {
    return new Finding(Severity.NOTE, subject, message);
  }
}
