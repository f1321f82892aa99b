package io.runnel.connectors.catalog;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.Set;

import static io.runnel.connectors.catalog.RunnelCatalogOptions.ACCESS_KEY_ID;
import static io.runnel.connectors.catalog.RunnelCatalogOptions.BOOTSTRAP_SERVERS;
import static io.runnel.connectors.catalog.RunnelCatalogOptions.DEFAULT_DATABASE;
import static io.runnel.connectors.catalog.RunnelCatalogOptions.ENDPOINT;
import static io.runnel.connectors.catalog.RunnelCatalogOptions.METADATA_TOPIC;
import static io.runnel.connectors.catalog.RunnelCatalogOptions.REGION;
import static io.runnel.connectors.catalog.RunnelCatalogOptions.SECRET_ACCESS_KEY;

/** {@code CREATE CATALOG runnel WITH ('type' = 'runnel', 'endpoint' = ..., 'bootstrap-servers' = ...)}. */
public final class RunnelCatalogFactory implements CatalogFactory {

    @Override
    public String factoryIdentifier() {
        return "runnel";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(ENDPOINT, BOOTSTRAP_SERVERS, METADATA_TOPIC, DEFAULT_DATABASE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION);
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper = FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validate();
        return new RunnelCatalog(context.getName(), helper.getOptions(), context.getConfiguration());
    }
}
