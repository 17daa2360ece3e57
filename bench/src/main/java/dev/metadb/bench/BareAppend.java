package dev.metadb.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The cold-start floor: a JVM that appends one line to a file and exits. Started with no JVM
 * flags and nothing but JDK classes loaded, it is what any Java process pays before doing work;
 * cold metadb and baseline writes are reported as multiples of it.
 *
 * <p>Usage: {@code BareAppend FILE}.
 */
public final class BareAppend {
  private BareAppend() {}

  public static void main(String[] args) throws IOException {
    byte[] line = ("{\"table\":\"messages\",\"data\":{\"source\":\"bench\",\"direction\":\"inbound\"}}\n")
        .getBytes(StandardCharsets.UTF_8);
    try (FileChannel out = FileChannel.open(Path.of(args[0]),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      out.write(ByteBuffer.wrap(line));
    }
  }
}
