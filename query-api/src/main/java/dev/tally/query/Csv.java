package dev.tally.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A view's answer as CSV (RFC 4180, CRLF line ends): one row per step, point, product, tile or day,
 * with the view's scalar fields as columns in the order the JSON gives them. Numbers and money are
 * written exactly as in the JSON (money stays a decimal string); null is an empty cell.
 */
public final class Csv {
  /** The array of rows in each view's JSON; the summary's rows are its tiles. */
  private static final List<String> ROWS =
      List.of("steps", "points", "products", "days", "rows", "customers");

  private Csv() {}

  /**
   * True for the views that are tables (funnel, time series, products, summary, a user, customers).
   */
  public static boolean supports(JsonNode view) {
    for (String field : ROWS) {
      if (view.path(field).isArray()) {
        return true;
      }
    }
    return view.path("tiles").isObject();
  }

  /** The CSV of a view's JSON answer. */
  public static String of(JsonNode view) {
    List<Map.Entry<String, JsonNode>> rows = new ArrayList<>();
    String label = null;
    for (String field : ROWS) {
      if (view.path(field).isArray()) {
        view.path(field).forEach(r -> rows.add(Map.entry("", r)));
        break;
      }
    }
    if (rows.isEmpty() && view.path("tiles").isObject()) {
      label = "tile";
      view.path("tiles")
          .fields()
          .forEachRemaining(
              t -> {
                if (!StoreViews.TILE_ALIASES.containsKey(t.getKey())) {
                  rows.add(t);
                }
              });
    }
    Set<String> columns = new LinkedHashSet<>();
    for (var row : rows) {
      row.getValue()
          .fields()
          .forEachRemaining(
              f -> {
                if (f.getValue().isValueNode()) {
                  columns.add(f.getKey());
                }
              });
    }
    boolean currency = view.path("currency").isTextual() && !columns.contains("currency");
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>();
    if (label != null) {
      header.add(label);
    }
    header.addAll(columns);
    if (currency) {
      header.add("currency");
    }
    line(out, header);
    for (var row : rows) {
      List<String> cells = new ArrayList<>();
      if (label != null) {
        cells.add(row.getKey());
      }
      for (String c : columns) {
        JsonNode v = row.getValue().get(c);
        cells.add(v == null || v.isNull() ? "" : v.isTextual() ? v.asText() : v.toString());
      }
      if (currency) {
        cells.add(view.get("currency").asText());
      }
      line(out, cells);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(cells.get(i)));
    }
    out.append("\r\n");
  }

  /**
   * One cell, quoted when it must be. A cell that a spreadsheet would run as a formula (it starts
   * with = + - @ and is not a number) is prefixed with a quote mark, so a product id or uid sent by
   * a storefront cannot execute in the merchant's spreadsheet.
   */
  static String cell(String v) {
    String s = v;
    if (!s.isEmpty()
        && "=+-@\t\r".indexOf(s.charAt(0)) >= 0
        && !s.matches("-?[0-9.]+(E-?[0-9]+)?")) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
