package io.runnel.server.api.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.server.api.QueryService;
import io.runnel.server.http.ApiException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps the data points of up to 1,000 metrics: single values, value/count lists or statistic sets, as CloudWatch
 * takes them, refused with CloudWatch's codes (MissingParameter, InvalidParameterValue, InvalidParameterCombination).
 */
final class PutMetricDataAction implements QueryService.Action {

    private static final int MAX_METRICS = 1_000;
    private static final int MAX_DIMENSIONS = 30;
    private static final int MAX_VALUES = 150;

    private final ClientMetrics metrics;

    PutMetricDataAction(ClientMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Map<String, String> handle(JsonNode input, String accessKeyId) {
        String namespace = text(input, "Namespace", "Namespace", 1, 255);
        if (namespace.startsWith(":") || namespace.startsWith("AWS/")) {
            throw invalid("The value " + namespace + " for parameter Namespace is invalid.");
        }
        JsonNode data = input.get("MetricData");
        if (data != null && !data.isNull() && !data.isArray()) {
            throw invalid("The parameter MetricData must be a list.");
        }
        if (data == null || !data.isArray() || data.isEmpty()) {
            throw missing("MetricData");
        }
        if (data.size() > MAX_METRICS) {
            throw invalid("The collection MetricData must not have a size greater than " + MAX_METRICS + ".");
        }
        List<Runnable> puts = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            puts.add(datum(namespace, data.get(i), "MetricData.member." + (i + 1)));
        }
        puts.forEach(Runnable::run); // all or nothing: a request with one bad datum keeps none
        return null;
    }

    private Runnable datum(String namespace, JsonNode d, String at) {
        String name = text(d, "MetricName", at + ".MetricName", 1, 255);
        List<Map.Entry<String, String>> dimensions = new ArrayList<>();
        JsonNode given = d.get("Dimensions");
        if (given != null && !given.isNull() && !given.isArray()) {
            throw invalid("The parameter " + at + ".Dimensions must be a list.");
        }
        if (given != null && given.isArray()) {
            if (given.size() > MAX_DIMENSIONS) {
                throw invalid("The collection " + at + ".Dimensions must not have a size greater than " + MAX_DIMENSIONS + ".");
            }
            for (int j = 0; j < given.size(); j++) {
                String dim = at + ".Dimensions.member." + (j + 1);
                dimensions.add(new AbstractMap.SimpleImmutableEntry<>(text(given.get(j), "Name", dim + ".Name", 1, 255),
                        text(given.get(j), "Value", dim + ".Value", 1, 1024)));
            }
        }
        long timestamp = timestamp(d.get("Timestamp"), at + ".Timestamp");
        String unit = d.hasNonNull("Unit") ? d.get("Unit").asText() : null;
        ClientMetrics.Series series = new ClientMetrics.Series(namespace, name, List.copyOf(dimensions));
        boolean hasValue = d.hasNonNull("Value");
        boolean hasStatistics = d.hasNonNull("StatisticValues");
        boolean hasValues = d.hasNonNull("Values") && !d.get("Values").isEmpty();
        if ((hasValue ? 1 : 0) + (hasStatistics ? 1 : 0) + (hasValues ? 1 : 0) > 1) {
            throw new ApiException("InvalidParameterCombination", 400, "The parameters " + at + ".Value, " + at
                    + ".StatisticValues and " + at + ".Values are mutually exclusive and you have specified more than one.");
        }
        if (hasStatistics) {
            JsonNode s = d.get("StatisticValues");
            if (!s.isObject()) {
                throw invalid("The parameter " + at + ".StatisticValues must be a structure.");
            }
            double count = number(s, "SampleCount", at + ".StatisticValues.SampleCount");
            double sum = number(s, "Sum", at + ".StatisticValues.Sum");
            double min = number(s, "Minimum", at + ".StatisticValues.Minimum");
            double max = number(s, "Maximum", at + ".StatisticValues.Maximum");
            return () -> metrics.add(series, count, sum, min, max, count == 0 ? 0 : sum / count, timestamp, unit);
        }
        if (hasValues) {
            JsonNode values = d.get("Values");
            JsonNode counts = d.get("Counts");
            if (!values.isArray() || (counts != null && !counts.isNull() && !counts.isArray())) {
                throw invalid("The parameters " + at + ".Values and " + at + ".Counts must be lists of numbers.");
            }
            if (values.size() > MAX_VALUES) {
                throw invalid("The collection " + at + ".Values must not have a size greater than " + MAX_VALUES + ".");
            }
            if (counts != null && !counts.isEmpty() && counts.size() != values.size()) {
                throw invalid("The parameters " + at + ".Values and " + at + ".Counts must be of the same size.");
            }
            double count = 0;
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double v = 0;
            for (int k = 0; k < values.size(); k++) {
                v = finite(values.get(k), at + ".Values.member." + (k + 1));
                double c = counts == null || counts.isEmpty() ? 1 : finite(counts.get(k), at + ".Counts.member." + (k + 1));
                count += c;
                sum += v * c;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double n = count;
            double total = sum;
            double low = min;
            double high = max;
            double last = v;
            return () -> metrics.add(series, n, total, low, high, last, timestamp, unit);
        }
        if (!hasValue) {
            throw missing(at + ".Value");
        }
        double value = number(d, "Value", at + ".Value");
        return () -> metrics.add(series, 1, value, value, value, value, timestamp, unit);
    }

    private static String text(JsonNode node, String field, String at, int min, int max) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            throw missing(at);
        }
        String s = v.asText();
        if (s.length() < min || s.length() > max) {
            throw invalid("The parameter " + at + " must be between " + min + " and " + max + " characters long.");
        }
        return s;
    }

    private static double number(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw missing(at);
        }
        return finite(v, at);
    }

    private static double finite(JsonNode v, String at) {
        double d;
        try {
            d = v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            throw invalid("The value " + v.asText() + " for parameter " + at + " is invalid.");
        }
        if (!Double.isFinite(d)) {
            throw invalid("The value " + v.asText() + " for parameter " + at + " is invalid.");
        }
        return d;
    }

    private static long timestamp(JsonNode v, String at) {
        if (v == null || v.isNull()) {
            return System.currentTimeMillis();
        }
        if (v.isNumber()) {
            return Math.round(v.asDouble() * 1000); // RPC v2 CBOR: epoch seconds
        }
        try {
            return Instant.parse(v.asText()).toEpochMilli(); // Query: ISO-8601
        } catch (DateTimeParseException e) {
            throw invalid("The value " + v.asText() + " for parameter " + at + " is invalid.");
        }
    }

    private static ApiException missing(String at) {
        return ApiException.badRequest("MissingParameter", "The parameter " + at + " is required.");
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("InvalidParameterValue", message);
    }
}
