package dev.metadb.command;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes of UTF-8 text handed on as characters to a {@link Writer}: lets a result written as bytes
 * reach picocli's output writer (which tests replace). A character split across two writes is
 * held back until its last byte arrives. {@link #close} flushes the writer but leaves it open.
 */
final class TextOutput extends OutputStream {
  private final Writer writer;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final ByteBuffer pending = ByteBuffer.allocate(8192);
  private final CharBuffer chars = CharBuffer.allocate(8192);

  TextOutput(Writer writer) {
    this.writer = writer;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      int n = Math.min(length, pending.remaining());
      pending.put(bytes, offset, n);
      offset += n;
      length -= n;
      pending.flip();
      decoder.decode(pending, chars, false);
      drain();
      pending.compact();
    }
  }

  private void drain() throws IOException {
    chars.flip();
    writer.write(chars.array(), chars.position(), chars.remaining());
    chars.clear();
  }

  @Override
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    pending.flip();
    decoder.decode(pending, chars, true);
    decoder.flush(chars);
    drain();
    pending.clear();
    writer.flush();
  }
}
