package io.runnel.core.delivery;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prefix or ErrorOutputPrefix with Firehose's expressions: {@code !{timestamp:yyyy/MM/dd}} (arrival time, in UTC
 * or the delivery stream's CustomTimeZone),
 * {@code !{firehose:random-string}}, {@code !{firehose:error-output-type}} and
 * {@code !{partitionKeyFromQuery:key}}. Parsed once, evaluated per record.
 */
public final class Prefix implements Serializable {

    /** AWS's prefix when none is given. */
    public static final String DEFAULT = "!{timestamp:yyyy/MM/dd/HH}/";
    /** Where failed records go when no ErrorOutputPrefix is given. */
    public static final String DEFAULT_ERROR = "!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/";

    private static final Pattern EXPRESSION = Pattern.compile("!\\{([^:}]*):([^}]*)}");

    private enum Kind { TEXT, TIMESTAMP, RANDOM, ERROR_TYPE, PARTITION_KEY }

    private record Part(Kind kind, String value) implements Serializable {
    }

    private final String text;
    private final List<Part> parts;
    private final ZoneId zone;
    private transient List<DateTimeFormatter> formatters;

    private Prefix(String text, List<Part> parts, ZoneId zone) {
        this.text = text;
        this.parts = parts;
        this.zone = zone;
    }

    /** The same prefix with its timestamps in another time zone. */
    public Prefix inZone(ZoneId newZone) {
        return new Prefix(text, parts, newZone);
    }

    /**
     * Reads a prefix, or says (IllegalArgumentException) which expression is wrong.
     *
     * @param error whether it is an ErrorOutputPrefix, where error-output-type belongs and partition keys do not
     */
    public static Prefix parse(String text, boolean error) {
        String member = error ? "ErrorOutputPrefix" : "Prefix";
        List<Part> parts = new ArrayList<>();
        Matcher m = EXPRESSION.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(new Part(Kind.TEXT, text.substring(last, m.start())));
            }
            String namespace = m.group(1);
            String value = m.group(2);
            switch (namespace) {
                case "timestamp" -> {
                    try {
                        DateTimeFormatter.ofPattern(value);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(member + " " + m.group() + " is not a valid timestamp format: " + e.getMessage());
                    }
                    parts.add(new Part(Kind.TIMESTAMP, value));
                }
                case "firehose" -> {
                    if (value.equals("random-string")) {
                        parts.add(new Part(Kind.RANDOM, value));
                    } else if (value.equals("error-output-type") && error) {
                        parts.add(new Part(Kind.ERROR_TYPE, value));
                    } else if (value.equals("error-output-type")) {
                        throw new IllegalArgumentException("The expression !{firehose:error-output-type} can be used only in "
                                + "ErrorOutputPrefix, not in Prefix.");
                    } else {
                        throw new IllegalArgumentException(member + " has the unknown expression " + m.group()
                                + "; the firehose namespace has random-string and error-output-type.");
                    }
                }
                case "partitionKeyFromQuery" -> {
                    if (error) {
                        throw new IllegalArgumentException("ErrorOutputPrefix cannot use " + m.group()
                                + ": a record that fails may have no partition keys.");
                    }
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException(member + " " + m.group() + " names no partition key.");
                    }
                    parts.add(new Part(Kind.PARTITION_KEY, value));
                }
                case "partitionKeyFromLambda" -> throw new IllegalArgumentException(member + " uses " + m.group()
                        + ", but Runnel runs no Lambda functions: extract partition keys with a MetadataExtraction processor "
                        + "and !{partitionKeyFromQuery:...} instead.");
                default -> throw new IllegalArgumentException(member + " has the unknown expression " + m.group()
                        + "; the namespaces are timestamp, firehose and partitionKeyFromQuery.");
            }
            last = m.end();
        }
        if (last < text.length()) {
            String rest = text.substring(last);
            if (rest.contains("!{")) {
                throw new IllegalArgumentException(member + " has an unfinished expression: " + rest);
            }
            parts.add(new Part(Kind.TEXT, rest));
        }
        return new Prefix(text, List.copyOf(parts), ZoneOffset.UTC);
    }

    /** The partition keys it uses, in order. */
    public Set<String> partitionKeys() {
        Set<String> keys = new LinkedHashSet<>();
        parts.stream().filter(p -> p.kind() == Kind.PARTITION_KEY).forEach(p -> keys.add(p.value()));
        return keys;
    }

    /** Whether records can evaluate it differently: it has a timestamp or a partition key (random-string is per writer). */
    public boolean variesByRecord() {
        return parts.stream().anyMatch(p -> p.kind() == Kind.TIMESTAMP || p.kind() == Kind.PARTITION_KEY);
    }

    /**
     * The prefix of one record.
     *
     * @param keys         its partition keys (every one {@link #partitionKeys()} names)
     * @param randomString what random-string stands for
     */
    public String evaluate(long arrivalMillis, String errorType, Map<String, String> keys, String randomString) {
        if (formatters == null) {
            List<DateTimeFormatter> made = new ArrayList<>();
            for (Part p : parts) {
                made.add(p.kind() == Kind.TIMESTAMP ? DateTimeFormatter.ofPattern(p.value()).withZone(zone) : null);
            }
            formatters = made;
        }
        StringBuilder out = new StringBuilder();
        Instant arrival = null;
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            switch (p.kind()) {
                case TEXT -> out.append(p.value());
                case TIMESTAMP -> {
                    if (arrival == null) {
                        arrival = Instant.ofEpochMilli(arrivalMillis);
                    }
                    out.append(formatters.get(i).format(arrival));
                }
                case RANDOM -> out.append(randomString);
                case ERROR_TYPE -> out.append(errorType);
                case PARTITION_KEY -> out.append(keys.get(p.value()));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
