package io.runnel.it.jobs;

import io.runnel.connectors.sink.RunnelSink;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.connectors.source.RunnelSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A user's DataStream job, as {@code flink run} takes it: it copies the stream {@code clicks} to the stream
 * {@code clicks_copy} with RunnelSource and RunnelSink, exactly once, each click keyed by its user.
 *
 * <p>Argument: the Kafka bootstrap servers.
 */
public final class CopyClicksJob {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RunnelSource<String> clicks = RunnelSource.<String>builder().bootstrapServers(bootstrap).stream("clicks")
                .deserializer(RunnelRecordDeserializer.of(new SimpleStringSchema())).bounded().build();
        RunnelSink<String> copy = RunnelSink.<String>builder().bootstrapServers(bootstrap).stream("clicks_copy")
                .serializer(new SimpleStringSchema()).partitionKey(CopyClicksJob::userOf)
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).transactionalIdPrefix("copy-clicks").build();
        env.fromSource(clicks, WatermarkStrategy.noWatermarks(), "clicks").sinkTo(copy);
        env.execute("copy clicks");
    }

    /** The user_id of a click's JSON, without a JSON library on the job's class path. */
    private static String userOf(String click) {
        int start = click.indexOf("\"user_id\":\"") + "\"user_id\":\"".length();
        return click.substring(start, click.indexOf('"', start));
    }
}
