package io.runnel.sql;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.factories.ModuleFactory;
import org.apache.flink.table.module.Module;

import java.util.Set;

/** Lets SQL load Runnel's functions by name: {@code LOAD MODULE runnel}. */
public final class RunnelFunctionsFactory implements ModuleFactory {

    @Override
    public String factoryIdentifier() {
        return RunnelFunctions.MODULE;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public Module createModule(Context context) {
        return new RunnelFunctions();
    }
}
