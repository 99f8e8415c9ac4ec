package dev.uploads.bench.reference;

/** A reference that could not be measured (not built, not installable, failed): its reason. */
public final class NotAvailable extends Exception {
  public NotAvailable(String reason) {
    super(reason);
  }
}
