package io.runnel.server.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus's text exposition format (0.0.4), as Prometheus's own parser reads it: every line a
 * comment, a HELP or TYPE line, or a sample; a family's TYPE before its samples and its samples together; label names
 * and values well formed and escaped; values numbers; no series twice. Anything else is an {@link IllegalArgumentException}
 * naming the line.
 */
public final class PrometheusText {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern HELP_OR_TYPE = Pattern.compile("# (HELP|TYPE) (" + NAME.pattern() + ")(?: (.*))?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its name, its labels in name order, its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String page) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        Set<String> series = new HashSet<>();
        String currentFamily = null;
        String[] lines = page.split("\n", -1);
        if (!page.isEmpty() && !page.endsWith("\n")) {
            throw new IllegalArgumentException("the page does not end with a line feed");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String at = "line " + (i + 1) + ": " + line;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = HELP_OR_TYPE.matcher(line);
                if (!m.matches()) {
                    if (line.startsWith("# HELP") || line.startsWith("# TYPE")) {
                        throw new IllegalArgumentException("malformed " + at);
                    }
                    continue; // a plain comment
                }
                String family = m.group(2);
                if (m.group(1).equals("TYPE")) {
                    if (!TYPES.contains(m.group(3))) {
                        throw new IllegalArgumentException("unknown type at " + at);
                    }
                    if (types.put(family, m.group(3)) != null) {
                        throw new IllegalArgumentException("second TYPE for " + family + " at " + at);
                    }
                    if (closedFamilies.contains(family) || samples.stream().anyMatch(s -> familyOf(s.name(), family, m.group(3)))) {
                        throw new IllegalArgumentException("TYPE after samples of " + family + " at " + at);
                    }
                } else if (!helped.add(family)) {
                    throw new IllegalArgumentException("second HELP for " + family + " at " + at);
                }
                continue;
            }
            Sample sample = sample(line, at);
            String family = family(sample.name(), types);
            if (!family.equals(currentFamily)) {
                if (closedFamilies.contains(family)) {
                    throw new IllegalArgumentException("samples of " + family + " are not together, at " + at);
                }
                if (currentFamily != null) {
                    closedFamilies.add(currentFamily);
                }
                currentFamily = family;
            }
            if (!series.add(sample.name() + sample.labels())) {
                throw new IllegalArgumentException("a series twice at " + at);
            }
            samples.add(sample);
        }
        return new PrometheusText(samples);
    }

    private static boolean familyOf(String sample, String family, String type) {
        return family(sample, Map.of(family, type)).equals(family);
    }

    /** The family a sample belongs to: a summary's or histogram's {@code _sum}, {@code _count}, {@code _bucket} are its own. */
    private static String family(String name, Map<String, String> types) {
        for (String suffix : List.of("_sum", "_count", "_bucket")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("summary".equals(type) || "histogram".equals(type)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Sample sample(String line, String at) {
        Matcher name = NAME.matcher(line);
        if (!name.lookingAt()) {
            throw new IllegalArgumentException("no metric name at " + at);
        }
        int i = name.end();
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < line.length() && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                Matcher label = LABEL_NAME.matcher(line).region(i, line.length());
                if (!label.lookingAt()) {
                    throw new IllegalArgumentException("bad label name at " + at);
                }
                i = label.end();
                if (!line.startsWith("=\"", i)) {
                    throw new IllegalArgumentException("label without =\" at " + at);
                }
                i += 2;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unterminated label value at " + at);
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        char e = i < line.length() ? line.charAt(i++) : ' ';
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new IllegalArgumentException("bad escape in label value at " + at);
                        }
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label.group(), value.toString()) != null) {
                    throw new IllegalArgumentException("label twice at " + at);
                }
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no space before the value at " + at);
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("bad value at " + at);
        }
        double value = switch (rest[0]) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!rest[0].matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new IllegalArgumentException("bad value at " + at);
                }
                yield Double.parseDouble(rest[0]);
            }
        };
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw new IllegalArgumentException("bad timestamp at " + at);
        }
        return new Sample(name.group(), labels, value);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The value of the one sample with this name and exactly these labels, or null. */
    public Double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(new TreeMap<>(labels)))
                .map(Sample::value).findFirst().orElse(null);
    }

    /** The samples with this name whose labels include these. */
    public List<Sample> matching(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** Every sample's name and labels, one per line, for messages. */
    public Map<String, Double> all() {
        Map<String, Double> all = new LinkedHashMap<>();
        samples.forEach(s -> all.put(s.name() + s.labels(), s.value()));
        return all;
    }
}
