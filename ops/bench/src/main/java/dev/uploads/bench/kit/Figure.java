package dev.uploads.bench.kit;

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
public final class Figure {
  /** A bound on ours / reference (or on ours alone); {@code text} is what the issue says. */
  public record Target(String kind, double bound, String text) {
    public static Target ratioAtLeast(double bound) {
      return new Target("ratio_at_least", bound, String.format("≥ %.1f × reference", bound));
    }

    public static Target ratioAtMost(double bound) {
      return new Target("ratio_at_most", bound, String.format("≤ %.1f × reference", bound));
    }

    public static Target valueAtMost(double bound, String text) {
      return new Target("value_at_most", bound, text);
    }

    public Boolean met(Double ours, Double ratio) {
      return switch (kind) {
        case "ratio_at_least" -> ratio == null ? null : ratio >= bound;
        case "ratio_at_most" -> ratio == null ? null : ratio <= bound;
        default -> ours == null ? null : ours <= bound;
      };
    }
  }

  public final String scenario;
  public final String name;
  public final String unit;
  public final String reference;
  private final Target target;
  private final List<Double> ours = new ArrayList<>();
  private final List<Double> theirs = new ArrayList<>();
  final List<Double> oursCpu = new ArrayList<>();
  final List<Double> theirsCpu = new ArrayList<>();
  final List<String> remarks = new ArrayList<>();
  private String cpuBasis = "";
  String referenceMissing;

  public Figure(String scenario, String name, String unit, String reference, Target target) {
    this.scenario = scenario;
    this.name = name;
    this.unit = unit;
    this.reference = reference;
    this.target = target;
  }

  /** One round of ours; cpu is CPU-seconds per 1,000 operations, or null when not measured. */
  public Figure ours(Double value, Double cpuPer1000) {
    ours.add(value);
    oursCpu.add(cpuPer1000);
    return this;
  }

  public Figure theirs(Double value, Double cpuPer1000) {
    theirs.add(value);
    theirsCpu.add(cpuPer1000);
    return this;
  }

  /** The reference could not be measured this round; the first reason is kept. */
  public Figure theirsMissing(String reason) {
    theirs.add(null);
    theirsCpu.add(null);
    referenceMissing = referenceMissing == null ? reason : referenceMissing;
    return this;
  }

  public Figure cpuBasis(String basis) {
    cpuBasis = basis;
    return this;
  }

  public Figure remark(String line) {
    if (!remarks.contains(line)) {
      remarks.add(line);
    }
    return this;
  }

  public Double oursMedian() {
    return median(ours);
  }

  public Double theirsMedian() {
    return median(theirs);
  }

  /** Ours over the reference, of the medians. */
  public Double ratio() {
    Double a = oursMedian();
    Double b = theirsMedian();
    return a == null || b == null || b == 0 ? null : a / b;
  }

  public Boolean met() {
    return target == null ? null : target.met(oursMedian(), ratio());
  }

  public String targetText() {
    return target == null ? "" : target.text();
  }

  public int rounds() {
    return (int) ours.stream().filter(Objects::nonNull).count();
  }

  public Map<String, Object> json() {
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
    m.put("cpu_seconds_per_1000_ours", median(oursCpu));
    m.put("cpu_seconds_per_1000_reference", median(theirsCpu));
    m.put("cpu_basis", cpuBasis);
    m.put("rounds_ours", ours);
    m.put("rounds_reference", theirs);
    m.put("rounds_cpu_ours", oursCpu);
    m.put("rounds_cpu_reference", theirsCpu);
    m.put("remarks", remarks);
    return m;
  }

  /** The median of the values present; null when there are none. */
  public static Double median(List<Double> values) {
    double[] v =
        values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return null;
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
