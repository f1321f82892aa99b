package io.runnel.connectors.testframe;

import io.runnel.connectors.TestStreams;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.RunnelSource;
import io.runnel.server.testing.Clients;
import io.runnel.server.testing.RunnelServerExtension;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream of four shards for one case of Flink's source test suite. Each split the suite asks for is one
 * shard, filled through PutRecords with an explicit hash key inside that shard's range.
 */
final class RunnelSourceExternalContext implements DataStreamSourceExternalContext<String> {

    private static final int SHARDS = 4;

    private final String stream;
    private final KinesisClient kinesis;
    private final List<Shard> shards;
    private int splitsHandedOut;

    private RunnelSourceExternalContext(String stream) {
        this.stream = stream;
        this.kinesis = Clients.sync(RunnelServerExtension.server().endpoint(), true);
        TestStreams.create(kinesis, stream, SHARDS);
        this.shards = kinesis.listShards(b -> b.streamName(stream)).shards();
    }

    static ExternalContextFactory<RunnelSourceExternalContext> factory() {
        return testName -> new RunnelSourceExternalContext(ContextNames.streamFor(testName));
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        RunnelSource.Builder<String> source = RunnelSource.<String>builder()
                .bootstrapServers(TestStreams.bootstrap())
                .stream(stream)
                .shardDiscoveryInterval(Duration.ofMillis(200))
                .deserializer(RunnelRecordDeserializer.of(new SimpleStringSchema()));
        if (settings.getBoundedness() == Boundedness.BOUNDED) {
            source.bounded();
        }
        return source.build();
    }

    @Override
    public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(TestingSourceSettings settings) {
        if (splitsHandedOut == SHARDS) {
            throw new IllegalStateException("the stream has only " + SHARDS + " shards");
        }
        String hashKey = shards.get(splitsHandedOut++).hashKeyRange().startingHashKey();
        return new ExternalSystemSplitDataWriter<>() {
            @Override
            public void writeRecords(List<String> records) {
                List<PutRecordsRequestEntry> batch = new ArrayList<>();
                for (String r : records) {
                    batch.add(PutRecordsRequestEntry.builder().partitionKey("split").explicitHashKey(hashKey)
                            .data(SdkBytes.fromUtf8String(r)).build());
                    if (batch.size() == 500) {
                        put(batch);
                    }
                }
                put(batch);
            }

            private void put(List<PutRecordsRequestEntry> batch) {
                if (!batch.isEmpty()) {
                    List<PutRecordsRequestEntry> full = List.copyOf(batch);
                    assertThat(kinesis.putRecords(b -> b.streamName(stream).records(full)).failedRecordCount()).isZero();
                    batch.clear();
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public List<String> generateTestData(TestingSourceSettings settings, int splitIndex, long seed) {
        return ContextNames.randomRecords("split-" + splitIndex, seed);
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
