package dev.tally.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Sends calls with Segment's official Java client and waits until each one was answered 2xx. */
final class SegmentClient {
  private SegmentClient() {}

  @SafeVarargs
  static void sendAll(URI base, String writeKey, MessageBuilder<?, ?>... messages)
      throws InterruptedException {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(messages.length);
    Analytics analytics =
        Analytics.builder(writeKey)
            .endpoint(base.toString())
            .callback(
                new Callback() {
                  @Override
                  public void success(Message message) {
                    done.countDown();
                  }

                  @Override
                  public void failure(Message message, Throwable t) {
                    failures.add(t);
                    done.countDown();
                  }
                })
            .build();
    for (MessageBuilder<?, ?> m : messages) {
      analytics.enqueue(m);
    }
    analytics.flush();
    assertThat(done.await(30, TimeUnit.SECONDS))
        .as("the client got an answer for every call")
        .isTrue();
    analytics.shutdown();
    assertThat(failures).isEmpty();
  }
}
