package io.runnel.jobs.firehose;

import io.runnel.core.delivery.DeliverySpec;
import io.runnel.core.delivery.Prefix;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides where each record goes: its partition keys (jq over the JSON record), its conversion to a row, and the
 * prefix both give. A record that cannot be partitioned or converted goes to {@link #ERRORS} as Firehose's error
 * record, under the ErrorOutputPrefix.
 */
final class Route extends ProcessFunction<Arrival, Routed> {

    static final OutputTag<Routed> ERRORS = new OutputTag<>("errors", org.apache.flink.api.common.typeinfo.TypeInformation.of(Routed.class));
    static final String PARTITIONING_FAILED = "partitioning-failed";
    static final String CONVERSION_FAILED = "format-conversion-failed";
    private static final char[] RANDOM_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final DeliverySpec spec;
    private transient Prefix prefix;
    private transient Prefix errorPrefix;
    private transient Set<String> keys;
    private transient JsonToRow converter;
    private transient JsonQuery query;
    private transient Scope scope;
    private transient ObjectMapper json;
    private transient String randomString;
    /** The folder of every record when the prefix has no expression that varies by record. */
    private transient String constantBucket;

    Route(DeliverySpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        java.time.ZoneId zone = spec.timeZone() == null || spec.timeZone().isEmpty() ? java.time.ZoneOffset.UTC
                : java.time.ZoneId.of(spec.timeZone());
        prefix = Prefix.parse(spec.prefix() == null || spec.prefix().isEmpty() ? Prefix.DEFAULT : spec.prefix(), false).inZone(zone);
        errorPrefix = Prefix.parse(spec.errorOutputPrefix() == null || spec.errorOutputPrefix().isEmpty()
                ? Prefix.DEFAULT_ERROR : spec.errorOutputPrefix(), true).inZone(zone);
        keys = prefix.partitionKeys();
        converter = spec.conversion() == null ? null : new JsonToRow(spec.conversion());
        if (spec.partitionQuery() != null) {
            scope = Scope.newEmptyScope();
            BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
            query = JsonQuery.compile(spec.partitionQuery(), Versions.JQ_1_6);
        }
        // A record is one JSON value: what follows it makes the record malformed, not silently shorter.
        json = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        char[] random = new char[11];
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < random.length; i++) {
            random[i] = RANDOM_CHARS[rnd.nextInt(RANDOM_CHARS.length)];
        }
        randomString = new String(random);
        constantBucket = prefix.variesByRecord() ? null : bucket(prefix.evaluate(0, null, Map.of(), randomString));
    }

    @Override
    public void processElement(Arrival record, Context ctx, Collector<Routed> out) {
        JsonNode parsed = null;
        Map<String, String> partition = Map.of();
        if (query != null) {
            try {
                parsed = json.readTree(record.data());
                partition = partitionKeys(parsed);
            } catch (IOException e) {
                ctx.output(ERRORS, error(record, PARTITIONING_FAILED, "DynamicPartitioning.MetadataExtractionFailed",
                        "The record is not valid JSON: " + firstLine(e.getMessage())));
                return;
            } catch (PartitioningException e) {
                ctx.output(ERRORS, error(record, PARTITIONING_FAILED, "DynamicPartitioning.MetadataExtractionFailed", e.getMessage()));
                return;
            }
        }
        Object value = record.data();
        if (converter != null) {
            try {
                if (parsed == null) {
                    parsed = json.readTree(record.data());
                }
                if (parsed == null) {
                    throw new JsonToRow.ConversionException("The record is empty.");
                }
                value = converter.convert(parsed);
            } catch (IOException e) {
                ctx.output(ERRORS, error(record, CONVERSION_FAILED, "DataFormatConversion.MalformedData",
                        "The record is not valid JSON: " + firstLine(e.getMessage())));
                return;
            } catch (JsonToRow.ConversionException e) {
                ctx.output(ERRORS, error(record, CONVERSION_FAILED, "DataFormatConversion.MalformedData", e.getMessage()));
                return;
            }
        }
        out.collect(new Routed(constantBucket != null ? constantBucket
                : bucket(prefix.evaluate(record.arrivalTime(), null, partition, randomString)), value));
    }

    private static final class PartitioningException extends Exception {
        PartitioningException(String message) {
            super(message, null, false, false);
        }
    }

    /** The values of the keys the prefix uses, from the query's result object. */
    private Map<String, String> partitionKeys(JsonNode record) throws PartitioningException {
        List<JsonNode> results = new ArrayList<>();
        try {
            query.apply(scope, record, results::add);
        } catch (JsonQueryException e) {
            throw new PartitioningException("The MetadataExtractionQuery failed on the record: " + e.getMessage());
        }
        if (results.size() != 1 || !results.get(0).isObject()) {
            throw new PartitioningException("The MetadataExtractionQuery did not give one JSON object for the record.");
        }
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            JsonNode v = results.get(0).get(key);
            if (v == null || v.isNull() || !v.isValueNode() || v.asText().isEmpty()) {
                throw new PartitioningException("The MetadataExtractionQuery gave no value for the partition key '" + key
                        + "' of the record.");
            }
            values.put(key, v.asText());
        }
        return values;
    }

    /**
     * Firehose's error record: the original bytes in base64 and why they were set aside, in the shape Firehose
     * documents for each output type (a format conversion error's code and message are capitalized).
     */
    private Routed error(Arrival record, String outputType, String code, String message) {
        boolean conversion = outputType.equals(CONVERSION_FAILED);
        ObjectNode e = json.createObjectNode();
        e.put("attemptsMade", 1);
        e.put("arrivalTimestamp", record.arrivalTime());
        e.put(conversion ? "ErrorCode" : "errorCode", code);
        e.put(conversion ? "ErrorMessage" : "errorMessage", message);
        e.put("attemptEndingTimestamp", System.currentTimeMillis());
        e.put("rawData", Base64.getEncoder().encodeToString(record.data()));
        e.put("sequenceNumber", record.sequenceNumber() != null ? record.sequenceNumber()
                : record.shard() + ":" + record.offset());
        if (conversion) {
            e.putNull("subSequenceNumber"); // records are not de-aggregated
        }
        if (conversion && spec.conversion().table() != null) {
            DeliverySpec.CatalogTable t = spec.conversion().table();
            ObjectNode table = e.putObject("dataCatalogTable");
            table.put("catalogId", t.catalogId());
            table.put("databaseName", t.databaseName());
            table.put("tableName", t.tableName());
            table.put("region", t.region());
            table.put("versionId", t.versionId());
            table.put("catalogArn", "arn:aws:glue:" + t.region() + ":" + t.catalogId() + ":catalog");
        }
        byte[] line = (e.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        return new Routed(bucket(errorPrefix.evaluate(record.arrivalTime(), outputType, Map.of(), randomString)), line);
    }

    /** A prefix as a folder under the destination; files of an empty prefix go to the bucket's root folder "_". */
    private static String bucket(String evaluated) {
        String trimmed = evaluated;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed.isEmpty() ? "_" : trimmed;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
