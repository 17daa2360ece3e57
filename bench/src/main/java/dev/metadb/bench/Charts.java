package dev.metadb.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts (XChart, rendered headless) for the report: a line chart of a figure against a
 * numeric x (latency by writer count) and a grouped bar chart (figures by scenario). A missing
 * figure (NaN) is left out of the chart rather than drawn as zero; a series with no figure at all
 * is left out of the legend.
 */
final class Charts {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 540;
  /** Distinct colours (Tableau 10), so six series never share a hue. */
  private static final Color[] PALETTE = {
    new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xE15759),
    new Color(0xB07AA1), new Color(0x9C755F), new Color(0xFF9DA7), new Color(0x76B7B2)};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  private static void style(org.knowm.xchart.style.AxesChartStyler styler, boolean logY) {
    styler.setYAxisLogarithmic(logY);
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setLegendLayout(Styler.LegendLayout.Vertical);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setSeriesColors(PALETTE);
  }

  /** Series values by name, kept in insertion order (the legend order). */
  static Map<String, double[]> series() {
    return new LinkedHashMap<>();
  }

  /** One line per series over {@code x}; log-scaled y when values span orders of magnitude. */
  static void lines(Path file, String title, String xTitle, String yTitle, double[] x,
      Map<String, double[]> series, boolean logY) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    style(chart.getStyler(), logY);
    chart.getStyler().setXAxisDecimalPattern("#");
    for (var entry : series.entrySet()) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < x.length; i++) {
        double y = entry.getValue()[i];
        if (!Double.isNaN(y) && (!logY || y > 0)) {
          xs.add(x[i]);
          ys.add(y);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(entry.getKey(), xs, ys).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Grouped bars: one group per category, one bar per series. A category with a missing figure in
   * any series is left out (XChart lays bars out by index and cannot leave a gap on a log axis).
   */
  static void bars(Path file, String title, String yTitle, List<String> categories,
      Map<String, double[]> series, boolean logY) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .yAxisTitle(yTitle).build();
    style(chart.getStyler(), logY);
    chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 20 : 0);
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < categories.size(); i++) {
      boolean complete = true;
      for (double[] values : series.values()) {
        complete &= !Double.isNaN(values[i]) && (!logY || values[i] > 0);
      }
      if (complete) {
        kept.add(i);
      }
    }
    List<String> xs = kept.stream().map(categories::get).toList();
    if (logY && !kept.isEmpty()) {
      // XChart starts bar axes at zero unless told otherwise, which a log axis cannot show.
      double min = series.values().stream().flatMapToDouble(v -> kept.stream().mapToDouble(i -> v[i])).min().orElse(1);
      chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
    }
    for (var entry : series.entrySet()) {
      if (!kept.isEmpty()) {
        chart.addSeries(entry.getKey(), xs, kept.stream().map(i -> (Number) entry.getValue()[i]).toList());
      }
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
