package io.runnel.server.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.delivery.DeliverySpec;
import io.runnel.core.delivery.HiveType;
import io.runnel.core.delivery.Prefix;
import io.runnel.server.RunnelConfig;
import io.runnel.server.glue.GlueCatalog;
import io.runnel.server.http.ApiException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a delivery stream's configuration (its source and its ExtendedS3DestinationConfiguration) into the spec
 * its delivery job runs by, refusing with InvalidArgumentException what Runnel cannot deliver: Lambda
 * processors, a prefix whose partition keys the query does not make, a Glue table that does not exist, ...
 * Whether the bucket exists is for the caller to check (it asks S3).
 */
public final class DeliveryConfiguration {

    /** Firehose's defaults for an S3 destination, and for one that converts records (which buffers 128 MB). */
    static final int DEFAULT_SIZE_MB = 5;
    static final int DEFAULT_CONVERTING_SIZE_MB = 128;
    /** The smallest buffer Firehose takes for a destination that converts records. */
    static final int MIN_CONVERTING_SIZE_MB = 64;
    static final int DEFAULT_INTERVAL_SECONDS = 300;

    private final RunnelConfig config;
    private final String bootstrapServers;
    private final GlueCatalog glue;

    public DeliveryConfiguration(RunnelConfig config, String bootstrapServers, GlueCatalog glue) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.glue = glue;
    }

    /** The bucket an ARN ({@code arn:aws:s3:::bucket}) names. */
    public static String bucket(String bucketArn) {
        if (!bucketArn.startsWith("arn:aws:s3:::") || bucketArn.length() == "arn:aws:s3:::".length()) {
            throw ApiException.invalidArgument("BucketARN " + bucketArn + " is not the ARN of an S3 bucket (arn:aws:s3:::bucket).");
        }
        return bucketArn.substring("arn:aws:s3:::".length());
    }

    /** The stream a KinesisStreamARN names, which must be one of this account and region. */
    public String streamOfArn(String arn) {
        String prefix = "arn:aws:kinesis:" + config.region + ":" + config.accountId + ":stream/";
        if (!arn.startsWith(prefix) || arn.length() == prefix.length()) {
            throw ApiException.invalidArgument("KinesisStreamARN " + arn + " is not a stream of account " + config.accountId + " in "
                    + config.region + ".");
        }
        return arn.substring(prefix.length());
    }

    /** How often the job checkpoints, and so commits files: the buffering interval, at least a second. */
    public static long checkpointIntervalMs(JsonNode destination) {
        int seconds = destination.path("BufferingHints").path("IntervalInSeconds").asInt(DEFAULT_INTERVAL_SECONDS);
        return Math.max(1, seconds) * 1000L;
    }

    /** Whether a destination converts records: DataFormatConversionConfiguration given and not disabled. */
    public static boolean converting(JsonNode destination) {
        JsonNode c = destination.get("DataFormatConversionConfiguration");
        return c != null && c.isObject() && c.path("Enabled").asBoolean(true);
    }

    public DeliverySpec spec(DeliveryStream stream) {
        JsonNode d = stream.destination();
        String bucket = bucket(d.path("BucketARN").asText());
        boolean converting = converting(d);
        DeliverySpec.Conversion conversion = converting ? conversion(d.path("DataFormatConversionConfiguration")) : null;
        String compression = d.path("CompressionFormat").asText("UNCOMPRESSED");
        if (conversion != null && !compression.equals("UNCOMPRESSED")) {
            throw ApiException.invalidArgument("CompressionFormat must be UNCOMPRESSED when data format conversion is enabled; "
                    + "compress Parquet with the ParquetSerDe's Compression instead.");
        }
        JsonNode size = d.path("BufferingHints").get("SizeInMBs");
        if (conversion != null && size != null && size.isNumber() && size.asLong() < MIN_CONVERTING_SIZE_MB) {
            throw ApiException.invalidArgument("BufferingHints.SizeInMBs must be at least " + MIN_CONVERTING_SIZE_MB
                    + " when data format conversion is enabled.");
        }
        if (compression.equals("HADOOP_SNAPPY")) {
            throw ApiException.invalidArgument("CompressionFormat HADOOP_SNAPPY is not supported by Runnel; use Snappy, GZIP or ZIP.");
        }
        String query = partitionQuery(d);
        String prefix = d.path("Prefix").asText("");
        String errorPrefix = d.path("ErrorOutputPrefix").asText("");
        Prefix parsed = parse(prefix, false);
        parse(errorPrefix, true);
        if (prefix.contains("!{") && errorPrefix.isEmpty()) {
            throw ApiException.invalidArgument("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.");
        }
        Set<String> used = parsed.partitionKeys();
        if (query == null && !used.isEmpty()) {
            throw ApiException.invalidArgument("Prefix uses !{partitionKeyFromQuery:" + used.iterator().next() + "}, but dynamic "
                    + "partitioning is not enabled with a MetadataExtraction processor.");
        }
        if (query != null) {
            if (used.isEmpty()) {
                throw ApiException.invalidArgument("When dynamic partitioning is enabled, Prefix must use at least one "
                        + "!{partitionKeyFromQuery:...} expression.");
            }
            Set<String> made = queryKeys(query);
            for (String key : used) {
                if (made != null && !made.contains(key)) {
                    throw ApiException.invalidArgument("Prefix uses the partition key '" + key + "', which the MetadataExtractionQuery "
                            + query + " does not produce (it produces " + String.join(", ", made) + ").");
                }
            }
        }
        int sizeMb = d.path("BufferingHints").path("SizeInMBs").asInt(conversion != null ? DEFAULT_CONVERTING_SIZE_MB : DEFAULT_SIZE_MB);
        return new DeliverySpec(stream.name(), stream.version(), source(stream), "s3a://" + bucket, prefix.isEmpty() ? null : prefix,
                errorPrefix.isEmpty() ? null : errorPrefix, sizeMb * 1024L * 1024L, compression, conversion, query,
                timeZone(d.path("CustomTimeZone").asText("")), d.path("FileExtension").asText("").isEmpty() ? null
                : d.path("FileExtension").asText());
    }

    private DeliverySpec.Source source(DeliveryStream stream) {
        return switch (stream.type()) {
            case "DirectPut" -> new DeliverySpec.Source(bootstrapServers, stream.internalStream(), config.metadataTopic, null, null, false);
            case "KinesisStreamAsSource" -> new DeliverySpec.Source(bootstrapServers,
                    streamOfArn(stream.source().path("KinesisStreamARN").asText()), config.metadataTopic, null, null, false);
            case "MSKAsSource" -> new DeliverySpec.Source(bootstrapServers, null, null, stream.source().path("TopicName").asText(),
                    stream.source().hasNonNull("ReadFromTimestamp")
                            ? io.runnel.server.api.Request.timestampMillis(stream.source().get("ReadFromTimestamp"),
                            io.runnel.server.http.WireFormat.JSON) : null, false);
            default -> throw ApiException.invalidArgument("DeliveryStreamType " + stream.type() + " is not supported by Runnel; "
                    + "it delivers DirectPut, KinesisStreamAsSource and MSKAsSource delivery streams.");
        };
    }

    /** CustomTimeZone, an IANA zone such as America/New_York; null for UTC. */
    private static String timeZone(String zone) {
        if (zone.isEmpty()) {
            return null;
        }
        // Names from the time zone database only, as Firehose takes them: not offsets such as +05:30.
        if (!java.time.ZoneId.getAvailableZoneIds().contains(zone)) {
            throw ApiException.invalidArgument("CustomTimeZone " + zone + " is not a time zone; use a name such as UTC or "
                    + "America/New_York.");
        }
        return zone;
    }

    private static Prefix parse(String prefix, boolean error) {
        try {
            return Prefix.parse(prefix, error);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidArgument(e.getMessage());
        }
    }

    /** The MetadataExtractionQuery when dynamic partitioning is on; refuses Lambda and other processors Runnel does not run. */
    private static String partitionQuery(JsonNode d) {
        JsonNode processing = d.path("ProcessingConfiguration");
        String query = null;
        if (processing.path("Enabled").asBoolean(processing.has("Processors"))) {
            for (JsonNode processor : processing.path("Processors")) {
                String type = processor.path("Type").asText();
                Map<String, String> parameters = new LinkedHashMap<>();
                processor.path("Parameters").forEach(p -> parameters.put(p.path("ParameterName").asText(), p.path("ParameterValue").asText()));
                switch (type) {
                    case "MetadataExtraction" -> {
                        String engine = parameters.getOrDefault("JsonParsingEngine", "JQ-1.6");
                        if (!engine.equals("JQ-1.6")) {
                            throw ApiException.invalidArgument("JsonParsingEngine " + engine + " is not supported; use JQ-1.6.");
                        }
                        query = parameters.get("MetadataExtractionQuery");
                        if (query == null || query.isBlank()) {
                            throw ApiException.invalidArgument("The MetadataExtraction processor needs a MetadataExtractionQuery parameter.");
                        }
                    }
                    case "Lambda" -> throw ApiException.invalidArgument("Lambda processors are not supported: Runnel runs no Lambda "
                            + "functions. Extract partition keys with a MetadataExtraction processor (jq) instead.");
                    case "AppendDelimiterToRecord", "RecordDeAggregation" -> {
                        // records are written as they come; a delimiter is the producer's to add
                    }
                    default -> throw ApiException.invalidArgument("Processor type " + type + " is not supported by Runnel.");
                }
            }
        }
        boolean dynamic = d.path("DynamicPartitioningConfiguration").path("Enabled").asBoolean(false);
        if (dynamic && query == null) {
            throw ApiException.invalidArgument("Dynamic partitioning is enabled but no MetadataExtraction processor gives a "
                    + "MetadataExtractionQuery (Runnel runs no Lambda functions).");
        }
        if (!dynamic && query != null) {
            throw ApiException.invalidArgument("A MetadataExtraction processor needs DynamicPartitioningConfiguration.Enabled.");
        }
        return query;
    }

    /**
     * The keys of the object a jq query such as {@code {tier: .customer.tier, "day": .d}} makes, or null when the query
     * is not an object literal (then only running it tells).
     */
    static Set<String> queryKeys(String query) {
        String q = query.trim();
        if (!q.startsWith("{") || !q.endsWith("}")) {
            return null;
        }
        Set<String> keys = new LinkedHashSet<>();
        int depth = 0;
        boolean expectKey = false;
        StringBuilder key = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (inString) {
                if (c == '\\' && i + 1 < q.length()) {
                    i++;
                    if (depth == 1 && expectKey) {
                        key.append(q.charAt(i));
                    }
                } else if (c == '"') {
                    inString = false;
                } else if (depth == 1 && expectKey) {
                    key.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[', '(' -> {
                    depth++;
                    if (depth == 1) {
                        expectKey = true;
                    }
                }
                case '}', ']', ')' -> {
                    if (depth == 1 && expectKey && !key.toString().isBlank()) {
                        keys.add(key.toString().trim()); // {tier} is short for {tier: .tier}
                    }
                    depth--;
                }
                case ':' -> {
                    if (depth == 1 && expectKey) {
                        keys.add(key.toString().trim());
                        key.setLength(0);
                        expectKey = false;
                    }
                }
                case ',' -> {
                    if (depth == 1) {
                        if (expectKey && !key.toString().isBlank()) {
                            keys.add(key.toString().trim());
                        }
                        key.setLength(0);
                        expectKey = true;
                    }
                }
                default -> {
                    if (depth == 1 && expectKey) {
                        key.append(c);
                    }
                }
            }
        }
        return keys;
    }

    private DeliverySpec.Conversion conversion(JsonNode c) {
        JsonNode schema = c.path("SchemaConfiguration");
        String database = schema.path("DatabaseName").asText(null);
        String tableName = schema.path("TableName").asText(null);
        if (database == null || tableName == null) {
            throw ApiException.invalidArgument("DataFormatConversionConfiguration.SchemaConfiguration needs DatabaseName and TableName.");
        }
        String catalogId = schema.path("CatalogId").asText(config.accountId);
        if (!catalogId.equals(config.accountId)) {
            throw ApiException.invalidArgument("Glue catalog " + catalogId + " does not exist; Runnel's catalog id is " + config.accountId + ".");
        }
        if (glue.database(database).isEmpty()) {
            throw ApiException.invalidArgument("The Glue database " + database + " does not exist.");
        }
        GlueCatalog.Table table = glue.table(database, tableName).orElseThrow(() -> ApiException.invalidArgument(
                "The Glue table " + tableName + " does not exist in database " + database + "."));
        List<DeliverySpec.Column> columns = new ArrayList<>();
        for (GlueCatalog.Column column : table.columns()) {
            try {
                HiveType.parse(column.type());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidArgument("Column " + column.name() + " of Glue table " + database + "." + tableName + ": "
                        + e.getMessage());
            }
            columns.add(new DeliverySpec.Column(column.name(), column.type()));
        }
        if (columns.isEmpty()) {
            throw ApiException.invalidArgument("The Glue table " + database + "." + tableName + " has no columns.");
        }
        JsonNode deserializer = c.path("InputFormatConfiguration").path("Deserializer");
        JsonNode openX = deserializer.path("OpenXJsonSerDe");
        JsonNode hive = deserializer.path("HiveJsonSerDe");
        Map<String, String> mappings = new LinkedHashMap<>();
        openX.path("ColumnToJsonKeyMappings").fields().forEachRemaining(e -> mappings.put(e.getKey().toLowerCase(java.util.Locale.ROOT),
                e.getValue().asText()));
        List<String> formats = new ArrayList<>();
        hive.path("TimestampFormats").forEach(f -> formats.add(f.asText()));
        for (String format : formats) {
            try {
                if (!format.equals("millis")) {
                    java.time.format.DateTimeFormatter.ofPattern(format);
                }
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidArgument("TimestampFormats " + format + " is not a valid timestamp format: " + e.getMessage());
            }
        }
        JsonNode serializer = c.path("OutputFormatConfiguration").path("Serializer");
        if (serializer.has("OrcSerDe")) {
            throw ApiException.invalidArgument("OrcSerDe is not supported by Runnel; convert to Parquet with ParquetSerDe.");
        }
        String parquetCompression = serializer.path("ParquetSerDe").path("Compression").asText("SNAPPY");
        return new DeliverySpec.Conversion(columns, !hive.isMissingNode(), openX.path("CaseInsensitive").asBoolean(true), mappings,
                openX.path("ConvertDotsInJsonKeysToUnderscores").asBoolean(false), formats, parquetCompression,
                new DeliverySpec.CatalogTable(config.accountId, table.databaseName(), table.name(), config.region,
                        Long.toString(table.version())));
    }
}
