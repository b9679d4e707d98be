package dev.tally.demostore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void catalog_has24PrintsWithUniqueIdsAndCentPrices() {
    assertThat(Catalog.all()).hasSize(24);
    assertThat(Catalog.all().stream().map(Product::id).collect(Collectors.toSet())).hasSize(24);
    assertThat(Catalog.all())
        .allSatisfy(
            p -> {
              assertThat(p.price().scale()).isEqualTo(2);
              assertThat(p.initialStock()).isPositive();
            });
    assertThat(Catalog.find("night-garden"))
        .get()
        .extracting(Product::title)
        .isEqualTo("Night Garden");
    assertThat(Catalog.find("last-light-lisbon")).isPresent();
    assertThat(Catalog.find("nope")).isEmpty();
  }

  @Test
  void artwork_isDeterministicPerProduct_andDiffersBetweenProducts() {
    Product a = Catalog.all().get(0);
    Product b = Catalog.all().get(1);
    assertThat(ArtworkSvg.render(a)).isEqualTo(ArtworkSvg.render(a));
    Set<String> all = Catalog.all().stream().map(ArtworkSvg::render).collect(Collectors.toSet());
    assertThat(all).hasSize(24);
    assertThat(ArtworkSvg.render(a)).isNotEqualTo(ArtworkSvg.render(b));
  }

  @Test
  void artwork_isWellFormedSvg_withAnAccessibleTitle() throws Exception {
    for (Product p : Catalog.all()) {
      String svg = ArtworkSvg.render(p);
      var doc =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
      assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
      assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).contains(p.artist());
    }
  }
}
