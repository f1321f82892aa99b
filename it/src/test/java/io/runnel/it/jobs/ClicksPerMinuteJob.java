package io.runnel.it.jobs;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * A user's SQL job, as {@code flink run} takes it: it reads the stream {@code clicks} through a
 * {@code 'connector' = 'runnel'} table, creates the stream {@code clicks_per_minute} as a table of the Runnel
 * catalog, and writes each user's clicks per minute there, exactly once. It knows Runnel only by the names in
 * its SQL: the classes come from the cluster's lib/.
 *
 * <p>Arguments: the Runnel API endpoint, Kafka bootstrap servers, and the access key id and secret the
 * catalog signs its calls with.
 */
public final class ClicksPerMinuteJob {

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String bootstrap = args[1];
        String accessKeyId = args[2];
        String secret = args[3];
        TableEnvironment tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tables.executeSql("CREATE CATALOG runnel WITH ('type' = 'runnel', 'endpoint' = '" + endpoint
                + "', 'bootstrap-servers' = '" + bootstrap + "', 'access-key-id' = '" + accessKeyId
                + "', 'secret-access-key' = '" + secret + "')");
        tables.executeSql("CREATE TABLE runnel.`default`.clicks_per_minute (window_start TIMESTAMP(3), user_id STRING, "
                + "clicks BIGINT) WITH ('format' = 'json', 'shard-count' = '2', 'sink.partition-key' = 'user_id', "
                + "'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'clicks-per-minute')");
        tables.executeSql("CREATE TEMPORARY TABLE clicks (user_id STRING, url STRING, ts TIMESTAMP(3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'runnel', 'stream' = 'clicks', "
                + "'bootstrap-servers' = '" + bootstrap + "', 'format' = 'json', 'scan.bounded' = 'true')");
        tables.executeSql("INSERT INTO runnel.`default`.clicks_per_minute "
                + "SELECT window_start, user_id, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                + "GROUP BY window_start, window_end, user_id").await();
    }
}
