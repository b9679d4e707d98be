package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CatalogEntryTest {

  @Test
  void theGreatestEntryWins_byDayThenNameThenImage() {
    CatalogEntry older = new CatalogEntry("p", 10, "Zebra", null);
    CatalogEntry newer = new CatalogEntry("p", 11, "Apple", null);
    assertThat(newer).isGreaterThan(older);
    assertThat(new CatalogEntry("p", 11, "Banana", null)).isGreaterThan(newer);
    assertThat(new CatalogEntry("p", 11, "Apple", "https://x/a.png")).isGreaterThan(newer);
  }

  @Test
  void onlyAbsoluteHttpImagesWithoutCredentials_areKept() {
    assertThat(CatalogEntry.safeImage("https://img.example/a.png"))
        .isEqualTo("https://img.example/a.png");
    assertThat(CatalogEntry.safeImage("http://img.example/a.png")).isNotNull();
    assertThat(CatalogEntry.safeImage("javascript:alert(1)")).isNull();
    assertThat(CatalogEntry.safeImage("data:image/png;base64,AAAA")).isNull();
    assertThat(CatalogEntry.safeImage("/relative.png")).isNull();
    assertThat(CatalogEntry.safeImage("https://user:pw@img.example/a.png")).isNull();
    assertThat(CatalogEntry.safeImage("https://img.example/" + "a".repeat(1_000))).isNull();
    assertThat(CatalogEntry.safeImage("not a url")).isNull();
  }
}
