package dev.tally.demostore;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws each print's artwork as SVG, generated from its id: the same id always gives the same
 * picture.
 */
public final class ArtworkSvg {
  private static final int W = 400;
  private static final int H = 500;
  private static final String[][] PALETTES = {
    {"#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"},
    {"#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"},
    {"#3d405b", "#81b29a", "#f2cc8f", "#f4f1de", "#e07a5f"},
    {"#22223b", "#4a4e69", "#9a8c98", "#c9ada7", "#f2e9e4"},
    {"#003049", "#669bbc", "#fdf0d5", "#c1121f", "#780000"},
    {"#283618", "#606c38", "#fefae0", "#dda15e", "#bc6c25"},
  };

  private ArtworkSvg() {}

  /** The SVG document for this product. */
  public static String render(Product product) {
    // String.hashCode is specified by the JLS, so the picture is stable across JVMs and restarts.
    SplittableRandom rnd = new SplittableRandom(product.id().hashCode() * 0x9E3779B97F4A7C15L);
    String[] pal = PALETTES[rnd.nextInt(PALETTES.length)];
    StringBuilder svg = new StringBuilder(4096);
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape(product.title()))
        .append("\">")
        .append("<title>")
        .append(escape(product.title() + " by " + product.artist()))
        .append("</title>")
        .append("<defs><linearGradient id=\"g\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">")
        .append("<stop offset=\"0\" stop-color=\"")
        .append(pal[3])
        .append("\"/>")
        .append("<stop offset=\"1\" stop-color=\"")
        .append(pal[2])
        .append("\"/>")
        .append("</linearGradient></defs>")
        .append("<rect width=\"")
        .append(W)
        .append("\" height=\"")
        .append(H)
        .append("\" fill=\"url(#g)\"/>");
    switch (rnd.nextInt(3)) {
      case 0 -> circles(svg, rnd, pal);
      case 1 -> bands(svg, rnd, pal);
      default -> grid(svg, rnd, pal);
    }
    svg.append("<rect x=\"10\" y=\"10\" width=\"")
        .append(W - 20)
        .append("\" height=\"")
        .append(H - 20)
        .append("\" fill=\"none\" stroke=\"")
        .append(pal[0])
        .append("\" stroke-opacity=\".25\" stroke-width=\"2\"/>")
        .append("</svg>");
    return svg.toString();
  }

  private static void circles(StringBuilder svg, SplittableRandom rnd, String[] pal) {
    int n = 5 + rnd.nextInt(6);
    for (int i = 0; i < n; i++) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" fill-opacity=\"%.2f\"/>",
              rnd.nextInt(W),
              rnd.nextInt(H),
              30 + rnd.nextInt(120),
              pal[rnd.nextInt(5)],
              0.45 + rnd.nextDouble() * 0.5));
    }
  }

  private static void bands(StringBuilder svg, SplittableRandom rnd, String[] pal) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\"/>",
            80 + rnd.nextInt(W - 160),
            90 + rnd.nextInt(120),
            40 + rnd.nextInt(40),
            pal[4]));
    int y = 220 + rnd.nextInt(60);
    for (int i = 0; y < H; i++) {
      int amp = 10 + rnd.nextInt(30);
      int h = 30 + rnd.nextInt(50);
      svg.append(
          String.format(
              Locale.ROOT,
              "<path d=\"M0 %d Q %d %d %d %d T %d %d V %d H 0 Z\" fill=\"%s\" fill-opacity=\".9\"/>",
              y,
              W / 4,
              y - amp,
              W / 2,
              y,
              W,
              y,
              H,
              pal[i % 2 == 0 ? 0 : 1]));
      y += h;
    }
  }

  private static void grid(StringBuilder svg, SplittableRandom rnd, String[] pal) {
    int cols = 3 + rnd.nextInt(3);
    int cell = (W - 40) / cols;
    int rows = (H - 40) / cell;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int x = 20 + c * cell;
        int y = 20 + r * cell + ((H - 40) - rows * cell) / 2;
        String color = pal[rnd.nextInt(5)];
        if (rnd.nextBoolean()) {
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                  x + 4,
                  y + 4,
                  cell - 8,
                  cell - 8,
                  color));
        } else {
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<path d=\"M%d %d A %d %d 0 0 1 %d %d L %d %d Z\" fill=\"%s\"/>",
                  x + 4,
                  y + cell - 4,
                  cell - 8,
                  cell - 8,
                  x + cell - 4,
                  y + 4,
                  x + cell - 4,
                  y + cell - 4,
                  color));
        }
      }
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
