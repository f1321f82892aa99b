package io.runnel.sql;

import io.runnel.sql.functions.HotspotsFunction;
import io.runnel.sql.functions.RandomCutForestFunction;
import io.runnel.sql.functions.RandomCutForestWithExplanationFunction;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.module.Module;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runnel's SQL functions as a Flink module: {@code LOAD MODULE runnel} (or {@code tableEnv.loadModule}) makes them
 * callable like Flink's own, without a CREATE FUNCTION.
 */
public final class RunnelFunctions implements Module {

    public static final String MODULE = "runnel";

    private static final Map<String, FunctionDefinition> FUNCTIONS = Map.of(
            RandomCutForestFunction.NAME.toLowerCase(Locale.ROOT), new RandomCutForestFunction(),
            RandomCutForestWithExplanationFunction.NAME.toLowerCase(Locale.ROOT), new RandomCutForestWithExplanationFunction(),
            HotspotsFunction.NAME.toLowerCase(Locale.ROOT), new HotspotsFunction());

    @Override
    public Set<String> listFunctions() {
        return FUNCTIONS.keySet();
    }

    @Override
    public Optional<FunctionDefinition> getFunctionDefinition(String name) {
        return Optional.ofNullable(FUNCTIONS.get(name.toLowerCase(Locale.ROOT)));
    }
}
