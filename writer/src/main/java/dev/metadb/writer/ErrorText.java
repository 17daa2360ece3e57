package dev.metadb.writer;

/** How the writers name a failure in one line: the exception's simple name and first message line. */
final class ErrorText {
  private ErrorText() {}

  static String oneLine(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
  }
}
