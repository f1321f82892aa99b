package io.runnel.core.delivery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What a delivery job is told: where records come from, where and how they land. The server writes it from a
 * delivery stream's configuration; the job reads it from its {@code --spec-base64} argument.
 *
 * @param name              the delivery stream's name, which starts every file's name
 * @param version           the delivery stream's version, which follows it
 * @param destination       the bucket's root, such as {@code s3a://lake} (or {@code file:///...})
 * @param prefix            Prefix, with its {@code !{...}} expressions; null for the default {@code yyyy/MM/dd/HH/}
 * @param errorOutputPrefix ErrorOutputPrefix; null for {@code !{firehose:error-output-type}/yyyy/MM/dd/HH/}
 * @param bufferBytes       a file is rolled once it holds this many bytes (BufferingHints.SizeInMBs)
 * @param compression       CompressionFormat of unconverted output: UNCOMPRESSED, GZIP, ZIP or Snappy
 * @param conversion        JSON to Parquet conversion, or null to deliver records as they came
 * @param partitionQuery    the jq MetadataExtractionQuery of dynamic partitioning, or null
 * @param timeZone          CustomTimeZone, the zone of the prefixes' timestamps; null for UTC
 * @param fileExtension     FileExtension, which replaces the extension of delivered files; null for the default
 */
public record DeliverySpec(String name, long version, Source source, String destination, String prefix,
                           String errorOutputPrefix, long bufferBytes, String compression, Conversion conversion,
                           String partitionQuery, String timeZone, String fileExtension) implements Serializable {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Where records come from: a Runnel stream ({@code stream}) or a Kafka topic ({@code topic}).
     *
     * @param startAtMillis for a topic, the arrival time to start from (MSK's ReadFromTimestamp), or null for its
     *                      beginning; a stream is read from its trim horizon
     * @param bounded       read up to the end the source has when the job starts, then finish (a one-off backfill)
     */
    public record Source(String bootstrapServers, String stream, String metadataTopic, String topic, Long startAtMillis,
                         boolean bounded) implements Serializable {
    }

    /**
     * JSON to Parquet, with a Glue table's columns and its SerDe's options.
     *
     * @param hiveJson           HiveJsonSerDe rather than OpenXJsonSerDe
     * @param caseInsensitive    OpenX: JSON keys match columns whatever their case (its default)
     * @param columnToJsonKey    OpenX ColumnToJsonKeyMappings: the JSON key a column is read from
     * @param dotsToUnderscores  OpenX ConvertDotsInJsonKeysToUnderscores
     * @param timestampFormats   HiveJsonSerDe TimestampFormats (DateTimeFormatter patterns, or "millis")
     * @param parquetCompression the ParquetSerDe's Compression: SNAPPY, GZIP or UNCOMPRESSED
     * @param table              the Glue table, named in error records
     */
    public record Conversion(List<Column> columns, boolean hiveJson, boolean caseInsensitive, Map<String, String> columnToJsonKey,
                             boolean dotsToUnderscores, List<String> timestampFormats, String parquetCompression,
                             CatalogTable table) implements Serializable {
    }

    public record Column(String name, String type) implements Serializable {
    }

    /** The dataCatalogTable of an error record. */
    public record CatalogTable(String catalogId, String databaseName, String tableName, String region, String versionId)
            implements Serializable {
    }

    public String toBase64() {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DeliverySpec fromBase64(String base64) {
        try {
            return JSON.readValue(Base64.getDecoder().decode(base64), DeliverySpec.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a delivery spec: " + new String(Base64.getDecoder().decode(base64),
                    StandardCharsets.UTF_8), e);
        }
    }
}
