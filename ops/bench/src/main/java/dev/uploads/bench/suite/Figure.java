package dev.uploads.bench.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the suite: a figure of the system beside its reference, one value per round for each,
 * reduced to medians. The table and the results file both read these objects, so they cannot
 * disagree. A reference that could not be measured leaves its reason instead of a number.
 */
final class Figure {
  /** A bound on ours / reference (or on ours alone); {@code text} is what the issue says. */
  record Target(String kind, double bound, String text) {
    static Target ratioAtLeast(double bound) {
      return new Target("ratio_at_least", bound, String.format("≥ %.1f × reference", bound));
    }

    static Target ratioAtMost(double bound) {
      return new Target("ratio_at_most", bound, String.format("≤ %.1f × reference", bound));
    }

    static Target valueAtMost(double bound, String text) {
      return new Target("value_at_most", bound, text);
    }

    Boolean met(Double ours, Double ratio) {
      return switch (kind) {
        case "ratio_at_least" -> ratio == null ? null : ratio >= bound;
        case "ratio_at_most" -> ratio == null ? null : ratio <= bound;
        default -> ours == null ? null : ours <= bound;
      };
    }
  }

  final String scenario;
  final String name;
  final String unit;
  final String reference;
  private final Target target;
  private final List<Double> ours = new ArrayList<>();
  private final List<Double> theirs = new ArrayList<>();
  private final List<Double> oursCpu = new ArrayList<>();
  private final List<Double> theirsCpu = new ArrayList<>();
  private final List<String> remarks = new ArrayList<>();
  private String cpuBasis = "";
  private String referenceMissing;

  Figure(String scenario, String name, String unit, String reference, Target target) {
    this.scenario = scenario;
    this.name = name;
    this.unit = unit;
    this.reference = reference;
    this.target = target;
  }

  /** One round of ours; cpu is CPU-seconds per 1,000 operations, or null when not measured. */
  Figure ours(Double value, Double cpuPer1000) {
    ours.add(value);
    oursCpu.add(cpuPer1000);
    return this;
  }

  Figure theirs(Double value, Double cpuPer1000) {
    theirs.add(value);
    theirsCpu.add(cpuPer1000);
    return this;
  }

  /** The reference could not be measured this round; the first reason is kept. */
  Figure theirsMissing(String reason) {
    theirs.add(null);
    theirsCpu.add(null);
    referenceMissing = referenceMissing == null ? reason : referenceMissing;
    return this;
  }

  Figure cpuBasis(String basis) {
    cpuBasis = basis;
    return this;
  }

  Figure remark(String line) {
    if (!remarks.contains(line)) {
      remarks.add(line);
    }
    return this;
  }

  Double oursMedian() {
    return median(ours);
  }

  Double theirsMedian() {
    return median(theirs);
  }

  /** Ours over the reference, of the medians. */
  Double ratio() {
    Double a = oursMedian();
    Double b = theirsMedian();
    return a == null || b == null || b == 0 ? null : a / b;
  }

  Boolean met() {
    return target == null ? null : target.met(oursMedian(), ratio());
  }

  String targetText() {
    return target == null ? "" : target.text();
  }

  Double oursCpuMedian() {
    return median(oursCpu);
  }

  Double theirsCpuMedian() {
    return median(theirsCpu);
  }

  int rounds() {
    return (int) ours.stream().filter(Objects::nonNull).count();
  }

  String referenceMissing() {
    return referenceMissing;
  }

  List<String> remarks() {
    return remarks;
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("figure", name);
    m.put("unit", unit);
    m.put("ours_median", oursMedian());
    m.put("reference", reference);
    m.put("reference_median", theirsMedian());
    m.put("reference_missing", referenceMissing);
    m.put("ratio", ratio());
    m.put("target", target);
    m.put("met", met());
    m.put("cpu_seconds_per_1000_ours", oursCpuMedian());
    m.put("cpu_seconds_per_1000_reference", theirsCpuMedian());
    m.put("cpu_basis", cpuBasis);
    m.put("rounds_ours", ours);
    m.put("rounds_reference", theirs);
    m.put("rounds_cpu_ours", oursCpu);
    m.put("rounds_cpu_reference", theirsCpu);
    m.put("remarks", remarks);
    return m;
  }

  /** The median of the values present; null when there are none. */
  static Double median(List<Double> values) {
    double[] v =
        values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return null;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
