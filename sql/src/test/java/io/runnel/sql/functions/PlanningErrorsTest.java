package io.runnel.sql.functions;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mistakes in a call of Runnel's functions fail the statement when it is planned (here: explained, so no job
 * runs), with a message that names the function and what is wrong.
 */
class PlanningErrorsTest {

    private final StreamTableEnvironment tables = Tables.withView("readings",
            List.of(Row.of("s1", 1, 10.0), Row.of("s1", 2, 11.0)), "sensor", "seq", "reading");

    @Test
    void aDescriptorNamingATextColumn() {
        assertThatThrownBy(() -> tables.explainSql(
                "SELECT * FROM RANDOM_CUT_FOREST(input => TABLE readings PARTITION BY sensor, columns => DESCRIPTOR(sensor))"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("RANDOM_CUT_FOREST: column sensor is STRING, not a number");
    }

    @Test
    void aDescriptorNamingAColumnTheTableDoesNotHave() {
        assertThatThrownBy(() -> tables.explainSql(
                "SELECT * FROM HOTSPOTS(input => TABLE readings, columns => DESCRIPTOR(x, reading), window_size => 10, "
                        + "scan_radius => 0.5, minimum_number_of_points => 2)"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("HOTSPOTS: the DESCRIPTOR names column x, which the input table does not have "
                        + "(it has sensor, seq, reading)");
    }

    @Test
    void aParameterOutOfRange() {
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM RANDOM_CUT_FOREST_WITH_EXPLANATION(input => TABLE readings, "
                + "columns => DESCRIPTOR(reading), number_of_trees => 0)"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("RANDOM_CUT_FOREST_WITH_EXPLANATION: number_of_trees must be between 1 and 1000, not 0.");
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM HOTSPOTS(input => TABLE readings, columns => DESCRIPTOR(reading), "
                + "window_size => 10, scan_radius => -0.5, minimum_number_of_points => 2)"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("HOTSPOTS: scan_radius must be a positive number, not -0.5");
    }

    @Test
    void anArgumentOfTheWrongType() {
        assertThatThrownBy(() -> tables.explainSql("SELECT * FROM RANDOM_CUT_FOREST(input => TABLE readings, "
                + "columns => DESCRIPTOR(reading), number_of_trees => 'many')"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("No match found for function signature RANDOM_CUT_FOREST(")
                .hasStackTraceContaining("number_of_trees => INT");
    }
}
