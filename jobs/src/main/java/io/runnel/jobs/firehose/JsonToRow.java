package io.runnel.jobs.firehose;

import io.runnel.core.delivery.DeliverySpec;
import io.runnel.core.delivery.HiveType;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DateType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.SmallIntType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.TinyIntType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JSON object into a row of a Glue table's columns, as Firehose's JSON SerDes read it: OpenX's (keys
 * matched whatever their case unless told otherwise, ColumnToJsonKeyMappings, dots in keys turned into
 * underscores) or Hive's (TimestampFormats). A missing key is a null; a value that does not fit its column is a
 * {@link ConversionException}.
 */
public final class JsonToRow implements Serializable {

    /** Why a record could not be converted, in words for the error record. */
    public static final class ConversionException extends Exception {
        public ConversionException(String message) {
            super(message, null, false, false);
        }
    }

    private static final DateTimeFormatter HIVE_TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss]").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().toFormatter(Locale.ROOT);

    private final DeliverySpec.Conversion conversion;
    private final RowType rowType;
    private final List<HiveType> columnTypes;
    private final List<String> columnNames;
    private transient List<DateTimeFormatter> timestampFormats;

    public JsonToRow(DeliverySpec.Conversion conversion) {
        this.conversion = conversion;
        this.columnNames = conversion.columns().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        this.columnTypes = conversion.columns().stream().map(c -> HiveType.parse(c.type())).toList();
        List<RowType.RowField> fields = new ArrayList<>();
        for (int i = 0; i < columnNames.size(); i++) {
            fields.add(new RowType.RowField(columnNames.get(i), logicalType(columnTypes.get(i))));
        }
        this.rowType = new RowType(fields);
    }

    /** The row type the Parquet files are written with. */
    public RowType rowType() {
        return rowType;
    }

    /** Flink's type for a Hive type: every value may be null, as in Hive. */
    static LogicalType logicalType(HiveType type) {
        return switch (type.name()) {
            case "string", "varchar", "char" -> new VarCharType(VarCharType.MAX_LENGTH);
            case "boolean" -> new BooleanType();
            case "tinyint" -> new TinyIntType();
            case "smallint" -> new SmallIntType();
            case "int" -> new IntType();
            case "bigint" -> new BigIntType();
            case "float" -> new FloatType();
            case "double" -> new DoubleType();
            case "decimal" -> new DecimalType(type.precision(), type.scale());
            case "date" -> new DateType();
            case "timestamp" -> new TimestampType(3);
            case "binary" -> new VarBinaryType(VarBinaryType.MAX_LENGTH);
            case "array" -> new ArrayType(logicalType(type.children().get(0)));
            case "map" -> new MapType(logicalType(type.children().get(0)), logicalType(type.children().get(1)));
            case "struct" -> {
                List<RowType.RowField> fields = new ArrayList<>();
                for (int i = 0; i < type.fields().size(); i++) {
                    fields.add(new RowType.RowField(type.fields().get(i).toLowerCase(Locale.ROOT), logicalType(type.children().get(i))));
                }
                yield new RowType(fields);
            }
            default -> throw new IllegalArgumentException("no Flink type for Hive type " + type.name());
        };
    }

    public RowData convert(JsonNode json) throws ConversionException {
        if (!json.isObject()) {
            throw new ConversionException("The record is not a JSON object but " + describe(json) + ".");
        }
        Map<String, JsonNode> byKey = keys(json, true);
        GenericRowData row = new GenericRowData(columnNames.size());
        for (int i = 0; i < columnNames.size(); i++) {
            String column = columnNames.get(i);
            String key = conversion.columnToJsonKey() == null ? null : conversion.columnToJsonKey().get(column);
            JsonNode value = byKey.get(normalize(key == null ? column : key, false));
            row.setField(i, value(value, columnTypes.get(i), column));
        }
        return row;
    }

    /** An object's members by the name they match columns and fields by. */
    private Map<String, JsonNode> keys(JsonNode object, boolean topLevel) {
        Map<String, JsonNode> byKey = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            byKey.putIfAbsent(normalize(e.getKey(), !conversion.hiveJson() && conversion.dotsToUnderscores() && topLevel), e.getValue());
        }
        return byKey;
    }

    private String normalize(String key, boolean dots) {
        String k = dots ? key.replace('.', '_') : key;
        return conversion.hiveJson() || conversion.caseInsensitive() ? k.toLowerCase(Locale.ROOT) : k;
    }

    private Object value(JsonNode v, HiveType type, String path) throws ConversionException {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        switch (type.name()) {
            case "string", "varchar", "char" -> {
                String text = v.isValueNode() ? v.asText() : v.toString();
                if (!type.params().isEmpty() && text.length() > type.params().get(0)) {
                    text = text.substring(0, type.params().get(0));
                }
                return StringData.fromString(text);
            }
            case "boolean" -> {
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(v.asText().toLowerCase(Locale.ROOT));
                }
                throw mismatch(v, type, path);
            }
            case "tinyint" -> {
                return (byte) integral(v, type, path, Byte.MIN_VALUE, Byte.MAX_VALUE);
            }
            case "smallint" -> {
                return (short) integral(v, type, path, Short.MIN_VALUE, Short.MAX_VALUE);
            }
            case "int" -> {
                return (int) integral(v, type, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
            case "bigint" -> {
                return integral(v, type, path, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            case "float" -> {
                double d = decimal(v, type, path).doubleValue();
                if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                    throw new ConversionException("The value " + v + " of '" + path + "' is out of range for float.");
                }
                return (float) d;
            }
            case "double" -> {
                return decimal(v, type, path).doubleValue();
            }
            case "decimal" -> {
                BigDecimal d = decimal(v, type, path).setScale(type.scale(), RoundingMode.HALF_UP);
                DecimalData data = DecimalData.fromBigDecimal(d, type.precision(), type.scale());
                if (data == null) {
                    throw new ConversionException("The value " + v + " of '" + path + "' does not fit decimal("
                            + type.precision() + "," + type.scale() + ").");
                }
                return data;
            }
            case "date" -> {
                return date(v, type, path);
            }
            case "timestamp" -> {
                return TimestampData.fromEpochMillis(timestampMillis(v, type, path));
            }
            case "binary" -> {
                if (!v.isTextual()) {
                    throw mismatch(v, type, path);
                }
                try {
                    return Base64.getDecoder().decode(v.asText());
                } catch (IllegalArgumentException e) {
                    throw new ConversionException("The value of '" + path + "' is not base64 for a binary column.");
                }
            }
            case "array" -> {
                if (!v.isArray()) {
                    throw mismatch(v, type, path);
                }
                Object[] elements = new Object[v.size()];
                for (int i = 0; i < elements.length; i++) {
                    elements[i] = value(v.get(i), type.children().get(0), path + "[" + i + "]");
                }
                return new GenericArrayData(elements);
            }
            case "map" -> {
                if (!v.isObject()) {
                    throw mismatch(v, type, path);
                }
                Map<Object, Object> map = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> e = fields.next();
                    Object key = value(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()), type.children().get(0), path + ".key");
                    map.put(key, value(e.getValue(), type.children().get(1), path + "." + e.getKey()));
                }
                return new GenericMapData(map);
            }
            case "struct" -> {
                if (!v.isObject()) {
                    throw mismatch(v, type, path);
                }
                Map<String, JsonNode> byKey = keys(v, false);
                GenericRowData row = new GenericRowData(type.fields().size());
                for (int i = 0; i < type.fields().size(); i++) {
                    String field = type.fields().get(i);
                    row.setField(i, value(byKey.get(normalize(field, false)), type.children().get(i), path + "." + field));
                }
                return row;
            }
            default -> throw new IllegalStateException("unreadable type " + type.name());
        }
    }

    private static long integral(JsonNode v, HiveType type, String path, long min, long max) throws ConversionException {
        BigDecimal d = decimal(v, type, path);
        BigInteger i;
        try {
            i = d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new ConversionException("The value " + v + " of '" + path + "' is not a whole number, as " + type.name() + " needs.");
        }
        if (i.compareTo(BigInteger.valueOf(min)) < 0 || i.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new ConversionException("The value " + v + " of '" + path + "' is out of range for " + type.name() + ".");
        }
        return i.longValue();
    }

    private static BigDecimal decimal(JsonNode v, HiveType type, String path) throws ConversionException {
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                throw mismatch(v, type, path);
            }
        }
        throw mismatch(v, type, path);
    }

    private static int date(JsonNode v, HiveType type, String path) throws ConversionException {
        if (v.isIntegralNumber()) {
            return (int) integral(v, type, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (v.isTextual()) {
            String text = v.asText().trim();
            try {
                return (int) LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).toEpochDay();
            } catch (DateTimeParseException e) {
                throw mismatch(v, type, path);
            }
        }
        throw mismatch(v, type, path);
    }

    /** Epoch milliseconds, an ISO-8601 instant (Z or an offset), a Hive timestamp (UTC), or a TimestampFormat of Hive's SerDe. */
    private long timestampMillis(JsonNode v, HiveType type, String path) throws ConversionException {
        if (v.isNumber()) {
            return integral(v, type, path, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (!v.isTextual()) {
            throw mismatch(v, type, path);
        }
        String text = v.asText().trim();
        for (DateTimeFormatter format : timestampFormats()) {
            if (format == null) {
                if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
                    return integral(v, type, path, Long.MIN_VALUE, Long.MAX_VALUE);
                }
                continue;
            }
            try {
                TemporalAccessor parsed = format.parse(text);
                if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                    return OffsetDateTime.from(parsed).toInstant().toEpochMilli();
                }
                return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (java.time.DateTimeException e) {
                // try the next format
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // not ISO-8601 with an offset
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            // nor an instant
        }
        try {
            return LocalDateTime.parse(text, HIVE_TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            // nor Hive's form
        }
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            return integral(v, type, path, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        throw mismatch(v, type, path);
    }

    /** HiveJsonSerDe's TimestampFormats, "millis" as null. */
    private List<DateTimeFormatter> timestampFormats() {
        if (timestampFormats == null) {
            List<DateTimeFormatter> formats = new ArrayList<>();
            if (conversion.hiveJson() && conversion.timestampFormats() != null) {
                for (String f : conversion.timestampFormats()) {
                    formats.add(f.equals("millis") ? null : DateTimeFormatter.ofPattern(f, Locale.ROOT));
                }
            }
            timestampFormats = formats;
        }
        return timestampFormats;
    }

    private static ConversionException mismatch(JsonNode v, HiveType type, String path) {
        String shown = v.toString();
        if (shown.length() > 100) {
            shown = shown.substring(0, 100) + "...";
        }
        return new ConversionException("The value " + shown + " of '" + path + "' cannot be read as " + type.name() + ".");
    }

    private static String describe(JsonNode json) {
        return json.isArray() ? "an array" : json.isTextual() ? "a string" : json.isNumber() ? "a number"
                : json.isBoolean() ? "a boolean" : "null";
    }
}
