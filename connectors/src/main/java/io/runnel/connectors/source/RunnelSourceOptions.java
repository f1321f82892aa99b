package io.runnel.connectors.source;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a {@link RunnelSource} finds and reads its stream.
 *
 * @param bootstrapServers the Kafka cluster behind the Runnel server
 * @param stream           the stream's name
 * @param bounded          stop at the end each shard had when the job started
 * @param discoveryInterval how often to look for new shards (after a split, a merge or UpdateShardCount)
 */
public record RunnelSourceOptions(String bootstrapServers, String stream, String metadataTopic,
                                  StartingPosition startingPosition, boolean bounded, Duration discoveryInterval)
        implements Serializable {
}
