package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.io.IORuntimeException;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChronicleWarningsTest {
  @AfterEach
  void restoreChroniclesHandlers() {
    Jvm.resetExceptionHandlers();
  }

  @Test
  void aWarningWithAnExceptionIsOneLineNamingItAndItsCause() {
    List<String> log = new CopyOnWriteArrayList<>();
    ChronicleWarnings.sendTo(log::add);
    Jvm.warn().on(SingleChronicleQueueBuilder.class, "Failback to readonly tablestore",
        new IORuntimeException("file=/h/queue/slot-00/metadata.cq4t", new IOException("Not a directory")));
    assertEquals(List.of("chronicle: Failback to readonly tablestore: net.openhft.chronicle.core.io.IORuntimeException:"
        + " file=/h/queue/slot-00/metadata.cq4t; caused by java.io.IOException: Not a directory"), log);
  }
}
