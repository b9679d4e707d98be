package dev.tally.demostore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OrderRequestTest {
  @Test
  void validBody_isParsed_andClientPricesAreIgnored() {
    OrderRequest r =
        DemoStoreRoutes.readOrderRequest(
            "{\"anonymousId\":\"a1\",\"items\":[{\"productId\":\"night-garden\",\"quantity\":2,\"price\":0.01}]}");
    assertThat(r.userId()).isNull();
    assertThat(r.anonymousId()).isEqualTo("a1");
    assertThat(r.items()).containsExactly(new OrderRequest.Item("night-garden", 2));
  }

  @Test
  void badBodies_areRejectedWithAClearMessage() {
    assertThatThrownBy(() -> DemoStoreRoutes.readOrderRequest("nope"))
        .hasMessage("body is not valid JSON");
    assertThatThrownBy(() -> DemoStoreRoutes.readOrderRequest("{\"anonymousId\":\"a\"}"))
        .hasMessage("items must be an array");
    assertThatThrownBy(
            () -> DemoStoreRoutes.readOrderRequest("{\"anonymousId\":\"a\",\"items\":[]}"))
        .hasMessage("items cannot be empty");
    assertThatThrownBy(
            () ->
                DemoStoreRoutes.readOrderRequest(
                    "{\"anonymousId\":\"a\",\"items\":[{\"productId\":\"x\",\"quantity\":1.5}]}"))
        .hasMessageContaining("integer quantity");
    assertThatThrownBy(
            () ->
                DemoStoreRoutes.readOrderRequest(
                    "{\"items\":[{\"productId\":\"x\",\"quantity\":1}]}"))
        .hasMessageContaining("anonymousId or userId");
    assertThatThrownBy(
            () ->
                DemoStoreRoutes.readOrderRequest(
                    "{\"anonymousId\":\"a\",\"items\":[{\"productId\":\"x\",\"quantity\":0}]}"))
        .isInstanceOf(InvalidOrderException.class)
        .hasMessageContaining("must be 1..99");
  }
}
