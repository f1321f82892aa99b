package io.runnel.connectors.sink;

import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.util.Properties;

/**
 * Where and how a {@link RunnelSink} writes.
 *
 * @param bootstrapServers      the Kafka cluster behind the Runnel server
 * @param deliveryGuarantee     EXACTLY_ONCE writes in Kafka transactions committed on checkpoint
 * @param transactionalIdPrefix names this sink's Kafka transactions; unique per job writing the cluster
 * @param producerProperties    further Kafka producer settings
 */
public record RunnelSinkOptions(String bootstrapServers, String stream, String metadataTopic,
                                DeliveryGuarantee deliveryGuarantee, String transactionalIdPrefix,
                                Properties producerProperties) implements Serializable {
}
