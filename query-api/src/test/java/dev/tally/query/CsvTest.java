package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Json;
import org.junit.jupiter.api.Test;

class CsvTest {

  private static JsonNode json(String s) throws Exception {
    return Json.mapper().readTree(s);
  }

  @Test
  void rows_areTheViewsArray_columnsItsScalarFields_nullIsEmpty_andCurrencyIsAdded()
      throws Exception {
    String csv =
        Csv.of(
            json(
                "{\"currency\":\"USD\",\"products\":[{\"productId\":\"p1\",\"views\":3,"
                    + "\"revenue\":\"12.50\",\"rate\":null},{\"productId\":\"p2\",\"views\":1,"
                    + "\"revenue\":\"0.00\",\"rate\":0.5}]}"));
    assertThat(csv)
        .isEqualTo(
            "productId,views,revenue,rate,currency\r\n"
                + "p1,3,12.50,,USD\r\n"
                + "p2,1,0.00,0.5,USD\r\n");
  }

  @Test
  void summary_rowsAreTheTiles_withoutTheDeprecatedAliases() throws Exception {
    String csv =
        Csv.of(
            json(
                "{\"currency\":\"EUR\",\"tiles\":{\"revenue\":{\"value\":\"5.00\",\"previous\":"
                    + "\"2.50\",\"change\":0.5},\"ordersCompleted\":{\"value\":1,\"previous\":0,"
                    + "\"change\":null},\"orders\":{\"value\":1,\"previous\":0,\"change\":null}}}"));
    assertThat(csv)
        .isEqualTo(
            "tile,value,previous,change,currency\r\n"
                + "revenue,5.00,2.50,0.5,EUR\r\n"
                + "ordersCompleted,1,0,,EUR\r\n");
  }

  @Test
  void cells_areQuotedPerRfc4180_andFormulasFromStorefrontsAreDefused() {
    assertThat(Csv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.cell("line\nbreak")).isEqualTo("\"line\nbreak\"");
    assertThat(Csv.cell("=HYPERLINK(\"http://x\")")).startsWith("\"'=HYPERLINK(");
    assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(Csv.cell("+1")).isEqualTo("'+1");
    assertThat(Csv.cell("-3.50")).as("a negative amount stays a number").isEqualTo("-3.50");
    assertThat(Csv.cell("12")).isEqualTo("12");
  }

  @Test
  void onlyTables_supportCsv() throws Exception {
    assertThat(Csv.supports(json("{\"steps\":[]}"))).isTrue();
    assertThat(Csv.supports(json("{\"tiles\":{}}"))).isTrue();
    assertThat(Csv.supports(json("{\"store\":\"demo\",\"timezone\":\"UTC\"}"))).isFalse();
  }
}
