/** The raw-event archive, replay into OpenSearch, and verify against Tally's aggregates. */
package dev.tally.opensearch;
