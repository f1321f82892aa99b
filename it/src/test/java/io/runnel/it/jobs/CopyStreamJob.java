package io.runnel.it.jobs;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import io.runnel.connectors.sink.RunnelSink;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.RunnelSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Properties;

/**
 * A Managed Flink application as its users write it: it reads its settings with
 * {@code KinesisAnalyticsRuntime.getApplicationProperties()} and copies one stream to another, exactly once,
 * each record under its partition key.
 *
 * <p>Property group {@code copy}: {@code input}, {@code output}, {@code bootstrap-servers}, {@code transactional-id-prefix}.
 */
public final class CopyStreamJob {

    public static void main(String[] args) throws Exception {
        Properties copy = KinesisAnalyticsRuntime.getApplicationProperties().get("copy");
        if (copy == null) {
            throw new IllegalStateException("property group 'copy' is missing");
        }
        String bootstrap = copy.getProperty("bootstrap-servers");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RunnelSource<String> input = RunnelSource.<String>builder().bootstrapServers(bootstrap).stream(copy.getProperty("input"))
                .deserializer(RunnelRecordDeserializer.of(new SimpleStringSchema())).build();
        RunnelSink<String> output = RunnelSink.<String>builder().bootstrapServers(bootstrap).stream(copy.getProperty("output"))
                .serializer(new SimpleStringSchema()).partitionKey(record -> record.substring(0, record.indexOf(':')))
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .transactionalIdPrefix(copy.getProperty("transactional-id-prefix")).build();
        env.fromSource(input, WatermarkStrategy.noWatermarks(), "input").sinkTo(output);
        env.execute("copy " + copy.getProperty("input"));
    }
}
