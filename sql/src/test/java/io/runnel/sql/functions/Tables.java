package io.runnel.sql.functions;

import io.runnel.sql.RunnelFunctions;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.util.List;

/** Table environments for the functions' tests. */
final class Tables {

    private Tables() {
    }

    /** Runnel's functions loaded, and one task: rows meet a function in the order they are given. */
    static StreamTableEnvironment withRunnelFunctions(StreamExecutionEnvironment env) {
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.loadModule(RunnelFunctions.MODULE, new RunnelFunctions());
        return tables;
    }

    /** A view of the rows, with the given column names; the first is a STRING, the second an INT, the rest DOUBLEs. */
    static StreamTableEnvironment withView(String name, List<Row> rows, String... columns) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tables = withRunnelFunctions(env);
        TypeInformation<?>[] types = new TypeInformation<?>[columns.length];
        for (int i = 0; i < columns.length; i++) {
            types[i] = i == 0 ? Types.STRING : i == 1 ? Types.INT : Types.DOUBLE;
        }
        tables.createTemporaryView(name, tables.fromDataStream(env.fromData(rows).returns(Types.ROW_NAMED(columns, types))));
        return tables;
    }
}
