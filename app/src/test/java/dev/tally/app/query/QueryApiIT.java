package dev.tally.app.query;

/** The query API's contract on the embedded engine (the default of {@code tally up}). */
class QueryApiIT extends QueryApiContract {
  @Override
  protected TwoStores seeded() {
    return TwoStores.embedded();
  }
}
