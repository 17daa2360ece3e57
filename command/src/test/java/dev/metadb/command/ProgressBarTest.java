package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void drawsInPlaceAndErasesItselfAtTheEnd() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text));
    bar.start(100L << 20);
    bar.advance(50L << 20);
    bar.finish();
    String out = text.toString();
    assertTrue(out.startsWith("\rreplay [..............................]   0%  0 / 100 MiB"), out);
    assertTrue(out.endsWith("\r"), "the line is cleared for the summary");
    assertTrue(!out.contains("\n"), "never scrolls");
  }
}
