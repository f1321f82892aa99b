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

    /** ISO-8601 ({@code T}, with {@code Z} or an offset or neither) and Hive's {@code yyyy-MM-dd HH:mm:ss[.fff]}. */
    private static final DateTimeFormatter ISO_OR_HIVE = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd[ ]['T']HH:mm[:ss]").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().optionalStart().appendOffsetId().optionalEnd()
            .toFormatter(Locale.ROOT).withResolverStyle(java.time.format.ResolverStyle.STRICT);

    private final DeliverySpec.Conversion conversion;
    private final RowType rowType;
    private final List<HiveType> columnTypes;
    private final List<String> columnNames;
    private transient List<DateTimeFormatter> timestampFormats;
    private transient Map<String, Integer> columnsByKey;

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
        // One pass over the record's members, each looked up among the columns: no map of the record is built.
        Map<String, Integer> columns = columnsByKey();
        boolean dots = !conversion.hiveJson() && conversion.dotsToUnderscores();
        GenericRowData row = new GenericRowData(columnNames.size());
        boolean[] seen = new boolean[columnNames.size()];
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            Integer i = columns.get(normalize(e.getKey(), dots));
            if (i != null && !seen[i]) {
                seen[i] = true;
                row.setField(i, value(e.getValue(), columnTypes.get(i), columnNames.get(i)));
            }
        }
        return row;
    }

    /** Which column each JSON key fills, as the key reads once normalized (ColumnToJsonKeyMappings applied). */
    private Map<String, Integer> columnsByKey() {
        if (columnsByKey == null) {
            Map<String, Integer> byKey = new HashMap<>();
            for (int i = 0; i < columnNames.size(); i++) {
                String column = columnNames.get(i);
                String key = conversion.columnToJsonKey() == null ? null : conversion.columnToJsonKey().get(column);
                byKey.putIfAbsent(normalize(key == null ? column : key, false), i);
            }
            columnsByKey = byKey;
        }
        return columnsByKey;
    }

    /** A struct's members by the name they match its fields by. */
    private Map<String, JsonNode> keys(JsonNode object) {
        Map<String, JsonNode> byKey = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            byKey.putIfAbsent(normalize(e.getKey(), false), e.getValue());
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
                double d = v.isNumber() ? v.doubleValue() : decimal(v, type, path).doubleValue();
                if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                    throw new ConversionException("The value " + v + " of '" + path + "' is out of range for float.");
                }
                return (float) d;
            }
            case "double" -> {
                return v.isNumber() ? v.doubleValue() : decimal(v, type, path).doubleValue();
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
                Map<String, JsonNode> byKey = keys(v);
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
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            long l = v.longValue();
            if (l < min || l > max) {
                throw new ConversionException("The value " + v + " of '" + path + "' is out of range for " + type.name() + ".");
            }
            return l;
        }
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
        long fast = fastTimestamp(text);
        if (fast != NOT_A_TIMESTAMP) {
            return fast;
        }
        // One pass, no exceptions: records arrive by the million, and a thrown parse error costs more than the parse.
        java.text.ParsePosition position = new java.text.ParsePosition(0);
        TemporalAccessor parsed = ISO_OR_HIVE.parseUnresolved(text, position);
        if (parsed != null && position.getErrorIndex() < 0 && position.getIndex() == text.length()) {
            try {
                TemporalAccessor resolved = ISO_OR_HIVE.parse(text);
                LocalDateTime local = LocalDateTime.of(LocalDate.from(resolved), java.time.LocalTime.from(resolved));
                ZoneOffset offset = resolved.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(resolved) : ZoneOffset.UTC;
                return local.toInstant(offset).toEpochMilli();
            } catch (java.time.DateTimeException e) {
                throw mismatch(v, type, path); // such as a 31st of February
            }
        }
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            return integral(v, type, path, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        throw mismatch(v, type, path);
    }

    private static final long NOT_A_TIMESTAMP = Long.MIN_VALUE;

    /**
     * The common layouts read by hand, as they are most of what arrives: {@code yyyy-MM-dd[T ]HH:mm:ss}, then
     * optionally a fraction, then optionally {@code Z} or {@code +HH:MM}/{@code -HH:MM}. Anything else (or an
     * impossible date) is {@link #NOT_A_TIMESTAMP}, for the general parser to read or refuse.
     */
    static long fastTimestamp(String t) {
        int n = t.length();
        if (n < 19 || t.charAt(4) != '-' || t.charAt(7) != '-' || (t.charAt(10) != 'T' && t.charAt(10) != ' ')
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return NOT_A_TIMESTAMP;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
                || day > java.time.YearMonth.of(year, month).lengthOfMonth() || hour > 23 || minute > 59 || second > 59) {
            return NOT_A_TIMESTAMP;
        }
        int i = 19;
        long nanos = 0;
        if (i < n && t.charAt(i) == '.') {
            int start = ++i;
            while (i < n && Character.isDigit(t.charAt(i)) && i - start < 9) {
                nanos = nanos * 10 + (t.charAt(i) - '0');
                i++;
            }
            if (i == start) {
                return NOT_A_TIMESTAMP;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds = 0;
        if (i < n && t.charAt(i) == 'Z') {
            i++;
        } else if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            if (i + 6 != n || t.charAt(i + 3) != ':') {
                return NOT_A_TIMESTAMP;
            }
            int oh = digits(t, i + 1, 2);
            int om = digits(t, i + 4, 2);
            if ((oh | om) < 0 || oh > 18 || om > 59) {
                return NOT_A_TIMESTAMP;
            }
            offsetSeconds = (t.charAt(i) == '-' ? -1 : 1) * (oh * 3600 + om * 60);
            i += 6;
        }
        if (i != n) {
            return NOT_A_TIMESTAMP;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        long seconds = days * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1000 + nanos / 1_000_000;
    }

    /** The decimal number in {@code t[from, from + count)}, or -1 if those are not all digits. */
    private static int digits(String t, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
