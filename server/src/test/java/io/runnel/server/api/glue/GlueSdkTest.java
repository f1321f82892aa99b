package io.runnel.server.api.glue;

import io.runnel.server.testing.RunnelServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.AlreadyExistsException;
import software.amazon.awssdk.services.glue.model.Column;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GetTablesResponse;
import software.amazon.awssdk.services.glue.model.GlueException;
import software.amazon.awssdk.services.glue.model.Table;
import software.amazon.awssdk.services.glue.model.TableInput;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AWS SDK's GlueClient keeps databases and tables in Runnel as it does in Glue. */
@ExtendWith(RunnelServerExtension.class)
class GlueSdkTest {

    private static GlueClient glue;

    @BeforeAll
    static void client() {
        glue = GlueClient.builder().endpointOverride(RunnelServerExtension.server().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("runnel", "runnel"))).build();
    }

    @AfterAll
    static void close() {
        glue.close();
    }

    private static TableInput orders(String description) {
        return TableInput.builder().name("Orders").description(description).tableType("EXTERNAL_TABLE")
                .parameters(Map.of("classification", "parquet"))
                .storageDescriptor(sd -> sd.location("s3://lake/orders/")
                        .columns(Column.builder().name("id").type("bigint").build(),
                                Column.builder().name("customer").type("struct<name:string,tier:string>").build(),
                                Column.builder().name("at").type("timestamp").comment("when it was placed").build())
                        .serdeInfo(s -> s.serializationLibrary("org.openx.data.jsonserde.JsonSerDe")
                                .parameters(Map.of("case.insensitive", "true"))))
                .partitionKeys(Column.builder().name("day").type("string").build())
                .build();
    }

    @Test
    void databasesAndTablesAreCreatedReadUpdatedAndDeleted() {
        glue.createDatabase(r -> r.databaseInput(d -> d.name("Sales").description("what we sold").parameters(Map.of("owner", "ops"))));
        assertThatThrownBy(() -> glue.createDatabase(r -> r.databaseInput(d -> d.name("sales"))))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("Database already exists.");

        var database = glue.getDatabase(r -> r.name("SALES")).database();
        assertThat(database.name()).isEqualTo("sales");
        assertThat(database.description()).isEqualTo("what we sold");
        assertThat(database.parameters()).containsEntry("owner", "ops");
        assertThat(database.createTime()).isNotNull();
        assertThat(glue.getDatabases(r -> r.maxResults(100)).databaseList()).extracting(d -> d.name()).contains("sales");

        glue.createTable(r -> r.databaseName("sales").tableInput(orders("v1")));
        assertThatThrownBy(() -> glue.createTable(r -> r.databaseName("sales").tableInput(orders("again"))))
                .isInstanceOf(AlreadyExistsException.class).hasMessageContaining("Table already exists.");
        Table table = glue.getTable(r -> r.databaseName("sales").name("orders")).table();
        assertThat(table.name()).isEqualTo("orders");
        assertThat(table.databaseName()).isEqualTo("sales");
        assertThat(table.versionId()).isEqualTo("1");
        assertThat(table.storageDescriptor().columns()).extracting(Column::name, Column::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("id", "bigint"),
                org.assertj.core.groups.Tuple.tuple("customer", "struct<name:string,tier:string>"),
                org.assertj.core.groups.Tuple.tuple("at", "timestamp"));
        assertThat(table.storageDescriptor().columns().get(2).comment()).isEqualTo("when it was placed");
        assertThat(table.storageDescriptor().serdeInfo().parameters()).containsEntry("case.insensitive", "true");
        assertThat(table.partitionKeys()).extracting(Column::name).containsExactly("day");
        assertThat(table.parameters()).containsEntry("classification", "parquet");

        glue.updateTable(r -> r.databaseName("sales").tableInput(orders("v2")));
        Table updated = glue.getTable(r -> r.databaseName("sales").name("orders")).table();
        assertThat(updated.description()).isEqualTo("v2");
        assertThat(updated.versionId()).isEqualTo("2");
        assertThat(updated.createTime()).isEqualTo(table.createTime());

        glue.createTable(r -> r.databaseName("sales").tableInput(t -> t.name("returns")));
        glue.createTable(r -> r.databaseName("sales").tableInput(t -> t.name("refunds")));
        GetTablesResponse firstPage = glue.getTables(r -> r.databaseName("sales").maxResults(2));
        assertThat(firstPage.tableList()).extracting(Table::name).containsExactly("orders", "refunds");
        assertThat(glue.getTables(r -> r.databaseName("sales").nextToken(firstPage.nextToken())).tableList())
                .extracting(Table::name).containsExactly("returns");
        assertThat(glue.getTables(r -> r.databaseName("sales").expression("re.*")).tableList())
                .extracting(Table::name).containsExactly("refunds", "returns");

        glue.deleteTable(r -> r.databaseName("sales").name("refunds"));
        assertThatThrownBy(() -> glue.getTable(r -> r.databaseName("sales").name("refunds")))
                .isInstanceOf(EntityNotFoundException.class).hasMessageContaining("Table refunds not found.");

        glue.deleteDatabase(r -> r.name("sales"));
        assertThatThrownBy(() -> glue.getDatabase(r -> r.name("sales")))
                .isInstanceOf(EntityNotFoundException.class).hasMessageContaining("Database sales not found.");
        glue.createDatabase(r -> r.databaseInput(d -> d.name("sales")));
        assertThat(glue.getTables(r -> r.databaseName("sales")).tableList()).isEmpty();
        glue.deleteDatabase(r -> r.name("sales"));
    }

    @Test
    void badInputIsRefusedAsGlueRefusesIt() {
        assertThatThrownBy(() -> glue.createTable(r -> r.databaseName("nowhere").tableInput(t -> t.name("t"))))
                .isInstanceOf(EntityNotFoundException.class).hasMessageContaining("Database nowhere not found.");
        assertThatThrownBy(() -> glue.getTable(r -> r.databaseName("").name("t")))
                .isInstanceOfSatisfying(GlueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value '' at "
                            + "'databaseName' failed to satisfy constraint: Member must have length greater than or equal to 1");
                });
        assertThatThrownBy(() -> glue.getDatabases(r -> r.catalogId("123456789012")))
                .isInstanceOf(EntityNotFoundException.class).hasMessageContaining("Catalog 123456789012 not found.");
        assertThat(glue.getDatabases(r -> r.catalogId("000000000000")).databaseList()).extracting(d -> d.name())
                .doesNotContain("nowhere");

        // An expression that backtracks without end is stopped, and the server goes on answering.
        glue.createDatabase(r -> r.databaseInput(d -> d.name("slow")));
        glue.createTable(r -> r.databaseName("slow").tableInput(t -> t.name("a".repeat(30))));
        assertThatThrownBy(() -> glue.getTables(r -> r.databaseName("slow").expression("(.*a){20}b")))
                .isInstanceOfSatisfying(GlueException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInputException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Expression (.*a){20}b takes too long");
                });
        assertThat(glue.getTables(r -> r.databaseName("slow").expression("a+")).tableList()).hasSize(1);
    }
}
