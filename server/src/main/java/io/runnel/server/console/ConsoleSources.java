package io.runnel.server.console;

import io.runnel.server.applications.Applications;
import io.runnel.server.firehose.DeliveryStreams;
import io.runnel.server.metrics.ApplicationMonitor;
import io.runnel.server.metrics.DeliveryMonitor;
import io.runnel.server.metrics.RunnelMetrics;
import io.runnel.server.s3.ObjectStore;
import io.runnel.server.streams.Streams;
import io.runnel.server.video.VideoStreams;

import java.net.URI;

/** What the console shows, as the server holds it. {@code flinkWebUi} is null when the server runs no Flink. */
public record ConsoleSources(Streams streams, RunnelMetrics metrics, DeliveryStreams deliveryStreams, DeliveryMonitor deliveryMonitor,
                             Applications applications, ApplicationMonitor applicationMonitor, VideoStreams videoStreams,
                             ObjectStore store, URI flinkWebUi) {
}
