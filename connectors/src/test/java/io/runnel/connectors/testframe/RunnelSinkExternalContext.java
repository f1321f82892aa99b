package io.runnel.connectors.testframe;

import io.runnel.connectors.TestStreams;
import io.runnel.connectors.sink.RunnelSink;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stream of three shards for one case of Flink's sink test suite. The suite's checks read it back
 * through GetRecords, as any Kinesis consumer would.
 */
final class RunnelSinkExternalContext implements DataStreamSinkV2ExternalContext<String> {

    private final String stream;
    private final KinesisClient kinesis;
    private int sinks;

    private RunnelSinkExternalContext(String stream) {
        this.stream = stream;
        this.kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        TestStreams.create(kinesis, stream, 3);
    }

    static ExternalContextFactory<RunnelSinkExternalContext> factory() {
        return testName -> new RunnelSinkExternalContext(ContextNames.streamFor(testName));
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings settings) {
        boolean exactlyOnce = settings.getCheckpointingMode() == org.apache.flink.streaming.api.CheckpointingMode.EXACTLY_ONCE;
        return RunnelSink.<String>builder()
                .bootstrapServers(TestStreams.bootstrap())
                .stream(stream)
                .deliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .transactionalIdPrefix(stream + "-" + sinks++)
                .serializer(new SimpleStringSchema())
                .partitionKey(record -> record.substring(0, Math.min(record.length(), 12)))
                .build();
    }

    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
        Map<String, String> iterators = new LinkedHashMap<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            iterators.put(shard.shardId(), kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
        }
        return new ExternalSystemDataReader<>() {
            @Override
            public List<String> poll(Duration timeout) {
                List<String> read = new ArrayList<>();
                iterators.replaceAll((shardId, iterator) -> {
                    if (iterator == null) {
                        return null;
                    }
                    GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(iterator));
                    page.records().forEach(r -> read.add(r.data().asUtf8String()));
                    return page.nextShardIterator();
                });
                return read;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        return ContextNames.randomRecords("record", seed);
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    @Override
    public void close() {
        kinesis.close();
    }
}
