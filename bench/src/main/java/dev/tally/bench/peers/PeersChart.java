package dev.tally.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One SVG chart of the peers results: per engine, the geometric mean of the ten questions' p50
 * latency (log scale) against the raw event volume.
 */
public final class PeersChart {
  private static final String[] COLOURS = {"#1b7837", "#5aae61", "#e08214", "#2166ac", "#762a83"};

  private PeersChart() {}

  public static void write(JsonNode results, Path file) throws IOException {
    List<Long> volumes = new ArrayList<>();
    Map<String, Map<Long, Double>> series = new LinkedHashMap<>();
    for (JsonNode v : results) {
      long events = v.path("events").asLong();
      volumes.add(events);
      for (JsonNode e : v.path("engines")) {
        double logSum = 0;
        int n = 0;
        for (JsonNode q : e.path("questions")) {
          logSum += Math.log(Math.max(1e-3, q.path("p50Ms").asDouble()));
          n++;
        }
        series
            .computeIfAbsent(e.path("engine").asText(), k -> new LinkedHashMap<>())
            .put(events, Math.exp(logSum / n));
      }
    }
    double min = Double.MAX_VALUE;
    double max = 0;
    for (var s : series.values()) {
      for (double d : s.values()) {
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
    }
    double lo = Math.floor(Math.log10(min));
    double hi = Math.ceil(Math.log10(max));
    if (hi <= lo) {
      hi = lo + 1;
    }
    int w = 640;
    int h = 400;
    int left = 70;
    int right = 190;
    int top = 40;
    int bottom = 50;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            w,
            h));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"14\">Query latency against raw volume"
                + " (geometric mean of the 10 questions' p50, ms, log scale)</text>%n",
            left - 50));
    int plotW = w - left - right;
    int plotH = h - top - bottom;
    for (double d = lo; d <= hi; d++) {
      double y = top + plotH - (d - lo) / (hi - lo) * plotH;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              left,
              y,
              left + plotW,
              y,
              left - 6,
              y + 4,
              PeersBench.ms(Math.pow(10, d))));
    }
    int nv = volumes.size();
    double[] xs = new double[nv];
    for (int i = 0; i < nv; i++) {
      xs[i] = nv == 1 ? left + plotW / 2.0 : left + 30 + i * (plotW - 60.0) / (nv - 1);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s events</text>%n",
              xs[i],
              top + plotH + 20,
              String.format(Locale.ROOT, "%,d", volumes.get(i))));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
            left,
            top,
            plotW,
            plotH));
    int k = 0;
    for (var s : series.entrySet()) {
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < nv; i++) {
        Double v = s.getValue().get(volumes.get(i));
        if (v == null) {
          continue;
        }
        double y = top + plotH - (Math.log10(v) - lo) / (hi - lo) * plotH;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], y));
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"10\">%s</text>%n",
                xs[i],
                y,
                colour,
                xs[i] + 6,
                y - 6,
                colour,
                PeersBench.ms(v)));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
              points.toString().trim(),
              colour));
      int ly = top + 10 + k * 20;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              left + plotW + 15,
              ly,
              colour,
              left + plotW + 32,
              ly + 10,
              s.getKey()));
      k++;
    }
    svg.append("</svg>\n");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, svg);
  }
}
