package io.runnel.deploy.kubernetes;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every manifest of deploy/kubernetes/manifests parses, and every resource validates: core kinds against
 * fabric8's model classes (with no field the model does not know), the Flink operator's and Strimzi's kinds
 * against their CustomResourceDefinitions' schemas, closed to unknown fields as {@code kubectl apply
 * --validate=strict} would have them. Names that resources share (a Service's selector, a session job's
 * cluster, a node pool's Kafka, the Kafka and Flink addresses the server is given) point at resources that exist.
 */
class ManifestsTest {

    private static final Path MANIFESTS = Path.of("manifests");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

    /**
     * The newest Flink Kubernetes Operator API served here is 1.10; its flinkVersion stops at v1_20. The
     * manifests need an operator that runs Flink 2.x, whose CRD adds these values (v2_0 in 1.11, v2_1 in 1.13,
     * v2_2 in 1.15): the schema is taken from 1.10 with them added, and is otherwise as 1.10 has it.
     */
    private static final List<String> NEWER_FLINK_VERSIONS = List.of("v2_0", "v2_1", "v2_2");

    /** OpenAPI 3.0 as CRD schemas use it, with Kubernetes' own keywords known (the CEL rules are not evaluated). */
    private static final Dialect STRUCTURAL_SCHEMA = Dialect.builder("https://runnel.io/kubernetes-structural-schema", Dialects.getOpenApi30())
            .keyword(new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"))
            .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
            .keyword(new NonValidationKeyword("x-kubernetes-embedded-resource"))
            .keyword(new NonValidationKeyword("x-kubernetes-list-type"))
            .keyword(new NonValidationKeyword("x-kubernetes-list-map-keys"))
            .keyword(new NonValidationKeyword("x-kubernetes-map-type"))
            .keyword(new NonValidationKeyword("x-kubernetes-validations"))
            .build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(STRUCTURAL_SCHEMA,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(false).build()));

    private record Document(Path file, JsonNode tree) {
        String kind() {
            return tree.path("kind").asString();
        }

        String name() {
            return tree.path("metadata").path("name").asString();
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file.getFileName() + ")";
        }
    }

    private static List<Document> documents;
    private static final Map<String, Schema> CUSTOM_RESOURCES = new HashMap<>();

    @BeforeAll
    static void readManifestsAndSchemas() throws IOException {
        documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                            documents.add(new Document(file, doc));
                        }
                    }
                }
            }
        }
        CUSTOM_RESOURCES.put("flink.apache.org/v1beta1/FlinkDeployment",
                schema(crd("/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml"), "v1beta1"));
        CUSTOM_RESOURCES.put("flink.apache.org/v1beta1/FlinkSessionJob",
                schema(crd("/META-INF/fabric8/flinksessionjobs.flink.apache.org-v1.yml"), "v1beta1"));
        CUSTOM_RESOURCES.put("kafka.strimzi.io/v1/Kafka", schema(crd("/crds/040-Crd-kafka.yaml"), "v1"));
        CUSTOM_RESOURCES.put("kafka.strimzi.io/v1/KafkaNodePool", schema(crd("/crds/045-Crd-kafkanodepool.yaml"), "v1"));
    }

    @Test
    void everyCustomResourceValidatesAgainstItsDefinition() {
        List<Document> custom = documents.stream().filter(d -> CUSTOM_RESOURCES.containsKey(key(d))).toList();
        assertThat(custom).extracting(Document::kind).contains("FlinkDeployment", "FlinkSessionJob", "Kafka", "KafkaNodePool");
        for (Document d : custom) {
            List<Error> errors = CUSTOM_RESOURCES.get(key(d)).validate(d.tree());
            assertThat(errors).as("%s: %s", d, errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList())
                    .isEmpty();
            assertThat(d.name()).as("%s: a DNS-1123 name", d).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        }
    }

    @Test
    void everyOtherResourceIsAKindFabric8KnowsWithNoUnknownField() {
        List<Document> core = documents.stream().filter(d -> !CUSTOM_RESOURCES.containsKey(key(d))).toList();
        assertThat(core).extracting(Document::kind).contains("Namespace", "ConfigMap", "Deployment", "Service", "ServiceAccount");
        for (Document d : core) {
            KubernetesResource resource = FABRIC8.convertValue(d.tree(), KubernetesResource.class);
            assertThat(resource).as("%s is a kind fabric8 knows", d).isInstanceOf(HasMetadata.class);
            assertThat(unknownFields(resource, "", new IdentityHashMap<>())).as("%s: fields the model does not know", d).isEmpty();
        }
    }

    @Test
    void namesThatResourcesShareExist() {
        Map<String, Document> byKindAndName = new HashMap<>();
        documents.forEach(d -> byKindAndName.put(d.kind() + "/" + d.name(), d));
        for (Document d : documents) {
            if (!d.kind().equals("Namespace")) {
                assertThat(d.tree().path("metadata").path("namespace").asString()).as("%s's namespace", d).isEqualTo("runnel");
            }
        }

        Deployment runnel = FABRIC8.convertValue(byKindAndName.get("Deployment/runnel").tree(), Deployment.class);
        Service service = FABRIC8.convertValue(byKindAndName.get("Service/runnel").tree(), Service.class);
        assertThat(runnel.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(runnel.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
        List<String> containerPorts = runnel.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                .map(p -> p.getName()).toList();
        service.getSpec().getPorts().forEach(p -> assertThat(containerPorts).contains(p.getTargetPort().getStrVal()));
        var container = runnel.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).as("ready once GET /health says so").isEqualTo("/health");
        assertThat(containerPorts).contains(container.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertThat(runnel.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("prometheus.io/path", "/metrics");

        String properties = byKindAndName.get("ConfigMap/runnel-config").tree().path("data").path("runnel.properties").asString();
        assertThat(properties).as("the server's Kafka is the Strimzi cluster's bootstrap service")
                .contains("kafka=runnel-kafka-kafka-bootstrap:9092");
        assertThat(byKindAndName).containsKey("Kafka/runnel-kafka");
        assertThat(properties).as("the server's Flink is the session cluster's REST service").contains("flink=http://runnel-flink-rest:8081");
        assertThat(byKindAndName).containsKey("FlinkDeployment/runnel-flink");
        assertThat(byKindAndName.get("FlinkDeployment/runnel-flink").tree().path("spec").has("job"))
                .as("a FlinkDeployment without a job is a session cluster").isFalse();

        for (Document d : documents) {
            if (d.kind().equals("FlinkSessionJob")) {
                assertThat(byKindAndName).as("%s's session cluster", d)
                        .containsKey("FlinkDeployment/" + d.tree().path("spec").path("deploymentName").asString());
            }
            if (d.kind().equals("KafkaNodePool")) {
                assertThat(byKindAndName).as("%s's Kafka", d)
                        .containsKey("Kafka/" + d.tree().path("metadata").path("labels").path("strimzi.io/cluster").asString());
            }
        }
    }

    private static String key(Document d) {
        return d.tree().path("apiVersion").asString() + "/" + d.kind();
    }

    private static JsonNode crd(String resource) throws IOException {
        try (InputStream in = ManifestsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("CRD %s on the test class path", resource).isNotNull();
            return YAML.readTree(in);
        }
    }

    /** The schema of one served version of a CRD, made as strict as the API server is with unknown fields. */
    private static Schema schema(JsonNode crd, String version) {
        JsonNode served = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asString().equals(version) && v.path("served").asBoolean(false)) {
                served = v;
            }
        }
        assertThat(served).as("version %s of %s is served", version, crd.path("metadata").path("name").asString()).isNotNull();
        ObjectNode schema = (ObjectNode) served.path("schema").path("openAPIV3Schema").deepCopy();
        JsonNode flinkVersion = schema.path("properties").path("spec").path("properties").path("flinkVersion");
        if (flinkVersion.has("enum")) {
            NEWER_FLINK_VERSIONS.forEach(v -> ((ArrayNode) flinkVersion.get("enum")).add(StringNode.valueOf(v)));
        }
        close(schema, true);
        return SCHEMAS.getSchema(schema);
    }

    /**
     * Makes every object schema refuse fields it does not list, unless it keeps unknown fields or is a map, as
     * the API server refuses them under strict validation. At the root, apiVersion, kind and metadata are added
     * (the server checks metadata itself) and status removed: a manifest has none.
     */
    private static void close(JsonNode node, boolean root) {
        if (!(node instanceof ObjectNode o)) {
            return;
        }
        if (root) {
            ObjectNode properties = o.has("properties") ? (ObjectNode) o.get("properties") : o.putObject("properties");
            properties.set("apiVersion", o.objectNode().put("type", "string"));
            properties.set("kind", o.objectNode().put("type", "string"));
            properties.set("metadata", o.objectNode().put("type", "object"));
            properties.remove("status");
        }
        boolean keepsUnknown = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean object = o.has("properties") || "object".equals(o.path("type").asString(""));
        if (object && !keepsUnknown && !o.has("additionalProperties")) {
            o.put("additionalProperties", false);
        }
        if (o.has("properties")) {
            o.get("properties").properties().forEach(p -> {
                if (!(root && p.getKey().equals("metadata"))) {
                    close(p.getValue(), false);
                }
            });
        }
        close(o.get("items"), false);
        close(o.get("additionalProperties"), false);
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            o.path(combinator).forEach(s -> close(s, false));
        }
    }

    /** Fields a fabric8 model object kept because its class has no property of that name, at any depth. */
    private static List<String> unknownFields(Object value, String path, Map<Object, Boolean> seen) {
        List<String> unknown = new ArrayList<>();
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return unknown;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknown.addAll(unknownFields(item, path + "[" + i++ + "]", seen));
            }
            return unknown;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknown.addAll(unknownFields(v, path + "." + k, seen)));
            return unknown;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return unknown;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object child = getter.invoke(value);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else if (!Set.of("getKind", "getApiVersion").contains(getter.getName())) {
                    unknown.addAll(unknownFields(child, path + "." + getter.getName().substring(3), seen));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return unknown;
    }
}
