package dev.tally.opensearch;

import dev.tally.core.store.Store;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.replay.Replay;
import dev.tally.opensearch.replay.ReplayConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A replay in a process of its own, for {@link ResumeIT} to kill: {@code ReplayMain ARCHIVE URL
 * PREFIX STATE_DIR BULK_BYTES STORE=TZ:CUR...}.
 */
public final class ReplayMain {
  private ReplayMain() {}

  public static void main(String[] args) {
    Map<String, Store> stores = new HashMap<>();
    for (int i = 5; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      String[] tc = kv[1].split(":", 2);
      stores.put(kv[0], Store.of(kv[0], tc[0], tc[1], List.of()));
    }
    try (OpenSearch os = OpenSearch.connect(URI.create(args[1]))) {
      ReplayConfig config =
          ReplayConfig.defaults(Path.of(args[3]))
              .withNames(new IndexNames(args[2]))
              .withBulkBytes(Long.parseLong(args[4]));
      System.out.println(
          new Replay(
                  new LocalArchive(Path.of(args[0])),
                  os,
                  stores::get,
                  config,
                  new Replay.Listener() {})
              .run(args[1])
              .describe());
    }
  }
}
