package io.runnel.server.metrics;

import java.util.Locale;

/** Prometheus names made from AWS ones: {@code KinesisProducerLibrary} and {@code UserRecordsPut} become snake case. */
final class PrometheusNames {

    private static final String[] RESERVED_SUFFIXES = {"_total", "_created", "_bucket", "_info", "_count", "_sum"};

    private PrometheusNames() {
    }

    /** Lower snake case of letters, digits and underscores, not starting with a digit. */
    static String snake(String name) {
        String words = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2");
        String snake = words.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("_+", "_")
                .replaceAll("^_|_$", "");
        return snake.isEmpty() || Character.isDigit(snake.charAt(0)) ? "_" + snake : snake;
    }

    /** A family's name; one that ends as Prometheus's own series do ({@code _total}, {@code _sum}, ...) gets {@code _value}. */
    static String family(String... parts) {
        String name = snake(String.join("_", parts));
        for (String suffix : RESERVED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return name + "_value";
            }
        }
        return name;
    }
}
