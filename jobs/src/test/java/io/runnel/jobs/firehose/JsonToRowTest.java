package io.runnel.jobs.firehose;

import io.runnel.core.delivery.DeliverySpec;
import io.runnel.core.delivery.HiveType;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonToRowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static DeliverySpec.Conversion openX(boolean caseInsensitive, Map<String, String> mappings, boolean dots,
                                                 DeliverySpec.Column... columns) {
        return new DeliverySpec.Conversion(List.of(columns), false, caseInsensitive, mappings, dots, List.of(), "SNAPPY", null);
    }

    private static DeliverySpec.Column column(String name, String type) {
        return new DeliverySpec.Column(name, type);
    }

    private static RowData convert(DeliverySpec.Conversion conversion, String json) throws Exception {
        return new JsonToRow(conversion).convert(JSON.readTree(json));
    }

    @Test
    void everyHiveTypeIsReadFromJson() throws Exception {
        DeliverySpec.Conversion conversion = openX(true, Map.of(), false,
                column("s", "string"), column("b", "boolean"), column("t", "tinyint"), column("sm", "smallint"), column("i", "int"),
                column("l", "bigint"), column("f", "float"), column("d", "double"), column("dec", "decimal(10,2)"),
                column("day", "date"), column("at", "timestamp"), column("bin", "binary"), column("tags", "array<string>"),
                column("counts", "map<string,int>"), column("customer", "struct<name:string,tier:string>"));
        RowData row = convert(conversion, """
                {"S": "text", "b": "TRUE", "t": 7, "sm": "300", "i": 70000, "l": 9000000000, "f": 1.5, "d": 2.25,
                 "dec": "12.345", "day": "2026-03-04", "at": "2026-03-04T05:06:07.123+01:00", "bin": "aGk=",
                 "tags": ["a", null], "counts": {"x": 1}, "customer": {"Name": "Ann", "tier": "gold"}}""");

        assertThat(row.getString(0).toString()).isEqualTo("text");
        assertThat(row.getBoolean(1)).isTrue();
        assertThat(row.getByte(2)).isEqualTo((byte) 7);
        assertThat(row.getShort(3)).isEqualTo((short) 300);
        assertThat(row.getInt(4)).isEqualTo(70000);
        assertThat(row.getLong(5)).isEqualTo(9_000_000_000L);
        assertThat(row.getFloat(6)).isEqualTo(1.5f);
        assertThat(row.getDouble(7)).isEqualTo(2.25);
        assertThat(row.getDecimal(8, 10, 2).toBigDecimal()).isEqualByComparingTo(new BigDecimal("12.35"));
        assertThat(row.getInt(9)).isEqualTo((int) LocalDate.parse("2026-03-04").toEpochDay());
        assertThat(row.getTimestamp(10, 3).getMillisecond()).isEqualTo(Instant.parse("2026-03-04T04:06:07.123Z").toEpochMilli());
        assertThat(new String(row.getBinary(11))).isEqualTo("hi");
        assertThat(row.getArray(12).getString(0).toString()).isEqualTo("a");
        assertThat(row.getArray(12).isNullAt(1)).isTrue();
        assertThat(row.getMap(13).size()).isEqualTo(1);
        assertThat(row.getRow(14, 2).getString(0).toString()).isEqualTo("Ann");
    }

    @Test
    void timestampsAreIsoInstantsHiveTimestampsOrEpochMillis() throws Exception {
        DeliverySpec.Conversion conversion = openX(true, Map.of(), false, column("at", "timestamp"));
        long expected = Instant.parse("2026-03-04T05:06:07Z").toEpochMilli();
        for (String value : List.of("\"2026-03-04T05:06:07Z\"", "\"2026-03-04T07:06:07+02:00\"", "\"2026-03-04 05:06:07\"",
                Long.toString(expected), "\"" + expected + "\"")) {
            assertThat(convert(conversion, "{\"at\": " + value + "}").getTimestamp(0, 3).getMillisecond()).as(value).isEqualTo(expected);
        }
        assertThat(convert(conversion, "{\"at\": \"2026-03-04T05:06:07.5-01:30\"}").getTimestamp(0, 3).getMillisecond())
                .isEqualTo(Instant.parse("2026-03-04T06:36:07.500Z").toEpochMilli());
        assertThat(convert(conversion, "{\"at\": \"2026-03-04T05:06\"}").getTimestamp(0, 3).getMillisecond())
                .isEqualTo(Instant.parse("2026-03-04T05:06:00Z").toEpochMilli());
        assertThatThrownBy(() -> convert(conversion, "{\"at\": \"2026-02-30T00:00:00Z\"}")).hasMessageContaining("cannot be read as timestamp");
        assertThatThrownBy(() -> convert(conversion, "{\"at\": \"2026-03-04T05:06:07+2\"}")).hasMessageContaining("cannot be read as timestamp");
        DeliverySpec.Conversion hive = new DeliverySpec.Conversion(List.of(column("at", "timestamp")), true, true, Map.of(), false,
                List.of("dd/MM/yyyy HH:mm"), "SNAPPY", null);
        assertThat(convert(hive, "{\"at\": \"04/03/2026 05:06\"}").getTimestamp(0, 3).getMillisecond())
                .isEqualTo(Instant.parse("2026-03-04T05:06:00Z").toEpochMilli());
    }

    @Test
    void openXOptionsDecideWhichKeyFillsAColumn() throws Exception {
        assertThat(convert(openX(false, Map.of(), false, column("name", "string")), "{\"Name\": \"x\"}").isNullAt(0)).isTrue();
        assertThat(convert(openX(true, Map.of("ts", "event time"), false, column("ts", "string")), "{\"event time\": \"x\"}")
                .getString(0).toString()).isEqualTo("x");
        assertThat(convert(openX(true, Map.of(), true, column("a_b", "int")), "{\"a.b\": 3}").getInt(0)).isEqualTo(3);
        assertThat(convert(openX(true, Map.of(), false, column("a_b", "int")), "{\"a.b\": 3}").isNullAt(0)).isTrue();
    }

    @Test
    void valuesThatDoNotFitTheirColumnAreRefusedWithWhere() {
        DeliverySpec.Conversion conversion = openX(true, Map.of(), false, column("id", "int"),
                column("customer", "struct<tier:string,since:date>"), column("amount", "decimal(4,2)"));
        assertThatThrownBy(() -> convert(conversion, "{\"id\": \"abc\"}")).hasMessage("The value \"abc\" of 'id' cannot be read as int.");
        assertThatThrownBy(() -> convert(conversion, "{\"id\": 1.5}")).hasMessageContaining("is not a whole number");
        assertThatThrownBy(() -> convert(conversion, "{\"id\": 3000000000}")).hasMessageContaining("out of range for int");
        assertThatThrownBy(() -> convert(conversion, "{\"customer\": {\"since\": \"yesterday\"}}"))
                .hasMessage("The value \"yesterday\" of 'customer.since' cannot be read as date.");
        assertThatThrownBy(() -> convert(conversion, "{\"amount\": 123.4}")).hasMessageContaining("does not fit decimal(4,2)");
        assertThatThrownBy(() -> convert(conversion, "[1, 2]")).hasMessage("The record is not a JSON object but an array.");
    }

    @Test
    void hiveTypesAreParsedOrRefused() {
        assertThat(HiveType.parse("ARRAY<struct<a:int, b:map<string,decimal(5,1)>>>").children().get(0).fields()).containsExactly("a", "b");
        assertThatThrownBy(() -> HiveType.parse("struct<a:int")).hasMessageContaining("'>' expected");
        assertThatThrownBy(() -> HiveType.parse("number")).hasMessageContaining("unknown type 'number'");
        assertThatThrownBy(() -> HiveType.parse("decimal(40,2)")).hasMessageContaining("precision 1-38");
    }
}
