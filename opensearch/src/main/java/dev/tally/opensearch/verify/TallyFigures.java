package dev.tally.opensearch.verify;

import dev.tally.core.store.Store;
import java.time.LocalDate;

/**
 * Port: Tally's own figures for a store and a range of store-local days, read from the embedded
 * engine's items ({@link EngineFigures}) or from a running query API ({@link ApiFigures}). Both
 * throw {@link dev.tally.core.error.TallyException} when the store is unknown or the source cannot
 * be read.
 */
public interface TallyFigures {
  Store store(String storeId);

  /**
   * @param topProducts how many top products per ranking must be present in {@link
   *     Figures#products()} at least (a source may return all)
   */
  Figures read(Store store, LocalDate from, LocalDate to, int topProducts);

  /** For the report's header. */
  String describe();
}
