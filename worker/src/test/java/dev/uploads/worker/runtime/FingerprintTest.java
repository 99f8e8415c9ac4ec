package dev.uploads.worker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class FingerprintTest {
  @Test
  void variablePartsOfMessagesAreBlanked() {
    assertEquals(
        "upload <id> is <n>x<n> = <n> MP, over <value>",
        Fingerprint.normalise(
            "upload 01a2b3c4-0000-7000-8000-00000000abcd is 60000x60000 = 3600 MP, over '40 MP'"));
    assertEquals(
        "blob <hex> missing",
        Fingerprint.normalise("blob 7fead0799e77441b4a8898908dae988c missing"));
  }

  @Test
  void sameFaultSameFingerprintOtherFaultOther() {
    assertEquals(
        Fingerprint.of(failure("row 17 missing")), Fingerprint.of(failure("row 42 missing")));
    assertNotEquals(
        Fingerprint.of(failure("row 17 missing")), Fingerprint.of(failure("disk full")));
    assertNotEquals(
        Fingerprint.of(failure("row 17 missing")),
        Fingerprint.of(new IllegalArgumentException("row 17 missing")));
  }

  private static Exception failure(String message) {
    return new IllegalStateException(message);
  }
}
