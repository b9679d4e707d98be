package dev.tally.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The SDK ships on the classpath under /sdk/ and stays small enough for every storefront. */
class SdkBundleSizeTest {
  static final int MAX_GZIPPED_BYTES = 5 * 1024;

  @Test
  void minifiedSdk_isUnder5KbGzipped() throws Exception {
    byte[] min = read("/sdk/tally.min.js");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(min);
    }
    System.out.printf("tally.min.js: %d bytes, %d bytes gzipped%n", min.length, gz.size());
    assertThat(gz.size()).isLessThan(MAX_GZIPPED_BYTES);
  }

  @Test
  void bundle_exposesGlobalTally_andEsmCopiesShip() throws Exception {
    assertThat(new String(read("/sdk/tally.min.js"))).startsWith("var Tally=");
    assertThat(new String(read("/sdk/tally.min.mjs"))).contains("export{");
    assertThat(new String(read("/sdk/tally.js"))).contains("export function init");
  }

  private static byte[] read(String path) throws Exception {
    try (InputStream in = SdkBundleSizeTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path + " on the classpath").isNotNull();
      return in.readAllBytes();
    }
  }
}
