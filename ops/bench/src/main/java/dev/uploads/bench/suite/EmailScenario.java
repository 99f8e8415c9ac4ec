package dev.uploads.bench.suite;

import dev.uploads.bench.jobs.BenchInfra;
import dev.uploads.bench.jobs.EmailPhase;
import dev.uploads.bench.jobs.UploadsTopic;
import dev.uploads.bench.kit.Cpu;
import dev.uploads.bench.kit.Figure;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The emails job alone ({@link EmailPhase}): upload.thumbnailed events in, one SMTP conversation
 * with the local SMTP server and one PostgreSQL transaction each, timed until the server holds
 * every mail. There is no off-the-shelf reference to set beside it; the figure is the job's rate
 * and CPU, checked by the deliveries it recorded.
 */
final class EmailScenario {
  private final Context ctx;
  private final Figure figure;

  EmailScenario(Context ctx) {
    this.ctx = ctx;
    this.figure =
        ctx.report()
            .add(
                new Figure(
                    "emails",
                    String.format(
                        "emails/s over SMTP, %,d events, 4 lanes", ctx.options().emails()),
                    "/s",
                    "",
                    null))
            .cpuBasis("worker JVM (with the SMTP server) + PostgreSQL + broker");
  }

  void run(BenchInfra infra, UploadsTopic topic, Cpu cpu) throws Exception {
    SuiteOptions o = ctx.options();
    ctx.rounds("emails", o.round("emails"), r -> List.of(() -> once(infra, topic, cpu, r)));
  }

  private void once(BenchInfra infra, UploadsTopic topic, Cpu cpu, int r) throws Exception {
    SuiteOptions o = ctx.options();
    EmailPhase.Run run =
        EmailPhase.run(
            infra, topic, cpu, o.emails(), ctx.timeout(Duration.ofSeconds(120)), ctx.say());
    ctx.report().detail("emails", Map.of("round", r, "run", run));
    if (!run.finished() || run.deliveriesRecorded() != run.events()) {
      figure.remark(
          String.format(
              "round %d: %d mails and %d deliveries recorded of %d events",
              r, run.mails(), run.deliveriesRecorded(), run.events()));
      figure.ours(null, null);
      return;
    }
    Cpu.Use use = run.cpu();
    figure.ours(
        run.perSecond(), Cpu.Use.per1000(use.jvm() + use.kafka() + use.postgres(), run.mails()));
  }
}
