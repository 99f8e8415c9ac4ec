package dev.uploads.topology.chaos;

import org.junit.jupiter.api.Test;

/**
 * A chaos run on the production topology (ops/chaos; ChaosConfig says which system properties shape
 * it): load with faults from a printed seed, then every accepted upload reconciled against
 * PostgreSQL, Kafka, the S3 bucket, the SMTP catcher and the stats. It fails with the seed, the
 * fault timeline and the first discrepancy.
 */
class ChaosTest {
  @Test
  void everyAcceptedUploadReconcilesAfterFaults() throws Exception {
    ChaosRun.run(ChaosConfig.fromSystemProperties());
  }
}
