package dev.orcaset.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orcaset.model.Hashes;
import org.junit.jupiter.api.Test;

/** How many batches questions are spread over, and how large the largest gets. */
class CallTeacherBatchesTest {
  @Test
  void batchesGrowWithTheRun_soARetriedBatchRedoesAFewHundredQuestions() {
    assertEquals(64, CallTeacher.batchesFor(0));
    assertEquals(64, CallTeacher.batchesFor(41));
    assertEquals(64, CallTeacher.batchesFor(32_000));
    assertEquals(65, CallTeacher.batchesFor(32_001));
    assertEquals(10_000, CallTeacher.batchesFor(5_000_000)); // Orca's 5M: was 64, 78,000 each

    int total = 300_000;
    int batches = CallTeacher.batchesFor(total);
    int[] size = new int[batches];
    for (int i = 0; i < total; i++) {
      String id = "t0." + Hashes.sha256Hex("question " + i).substring(0, 20); // as FlanRecord.id
      size[Math.floorMod(id.hashCode(), batches)]++;
    }
    int largest = 0;
    int smallest = Integer.MAX_VALUE;
    for (int n : size) {
      largest = Math.max(largest, n);
      smallest = Math.min(smallest, n);
    }
    assertEquals(600, batches);
    assertTrue(largest <= 650 && smallest >= 350, "batch sizes " + smallest + ".." + largest);
  }
}
