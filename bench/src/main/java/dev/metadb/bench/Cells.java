package dev.metadb.bench;

import java.util.Locale;

/**
 * How figures are written in tables: milliseconds with three decimals (the seed's format),
 * microseconds with one, counts as integers, ratios as {@code 0.25x}, and "n/a" for a figure
 * that could not be measured (never a zero standing in for one).
 */
final class Cells {
  static final String NA = "n/a";

  private Cells() {}

  static String ms(double millis) {
    return Double.isNaN(millis) ? NA : String.format(Locale.ROOT, "%.3f", millis);
  }

  static String us(double millis) {
    return Double.isNaN(millis) ? NA : String.format(Locale.ROOT, "%.1f", millis * 1000);
  }

  static String count(long n) {
    return Long.toString(n);
  }

  static String rate(double perSecond) {
    return Double.isNaN(perSecond) ? NA : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  /** {@code value / baseline} as {@code 0.123x}; n/a when either is missing or the baseline is 0. */
  static String ratio(double value, double baseline) {
    if (Double.isNaN(value) || Double.isNaN(baseline) || baseline == 0) {
      return NA;
    }
    double r = value / baseline;
    return String.format(Locale.ROOT, r >= 100 ? "%.0fx" : r >= 0.01 ? "%.2fx" : "%.4fx", r);
  }

  /** "met" or "NOT met", for a target line. */
  static String verdict(boolean met) {
    return met ? "met" : "**NOT met**";
  }
}
