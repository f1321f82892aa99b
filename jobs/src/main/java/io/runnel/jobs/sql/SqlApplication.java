package io.runnel.jobs.sql;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.SqlParserEOFException;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.QueryOperation;
import org.apache.flink.table.operations.StatementSetOperation;
import org.apache.flink.table.operations.ddl.CreateTableOperation;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.operations.command.SetOperation;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a SQL application: a script of Flink SQL statements whose INSERTs (and EXECUTE STATEMENT SETs) make
 * one job. Every other statement (CREATE TABLE, SET, USE, ...) runs first, in order, as in Flink's SQL client.
 * An application runs its script again at every start, so a CREATE TABLE that finds its table with the same
 * columns goes on (in the Runnel catalog, the stream it created the first time).
 *
 * <pre>
 * flink run runnel-jobs.jar --script-file app.sql [--catalog runnel --catalog-option endpoint=http://... ...]
 * </pre>
 * {@code --script-base64} gives the script inline instead. With {@code --catalog NAME}, the script starts in
 * a catalog of that name made from the {@code --catalog-option}s (the Runnel catalog, when Runnel runs the
 * application), so the streams are its tables.
 */
public final class SqlApplication {

    private SqlApplication() {
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        if (arguments.catalog != null) {
            tEnv.executeSql("CREATE CATALOG " + quoteIdentifier(arguments.catalog) + " WITH ("
                    + arguments.catalogOptions.entrySet().stream()
                            .map(e -> quoteString(e.getKey()) + " = " + quoteString(e.getValue()))
                            .collect(Collectors.joining(", ")) + ")");
            tEnv.useCatalog(arguments.catalog);
        }
        run((TableEnvironmentInternal) tEnv, arguments.script);
    }

    /** Runs every statement but the inserts, then submits the inserts together as one job, and returns its result. */
    static TableResult run(TableEnvironmentInternal tEnv, String script) {
        List<ModifyOperation> inserts = new ArrayList<>();
        String pending = "";
        for (String piece : SqlScript.pieces(script)) {
            String statement = pending + piece;
            if (SqlScript.isBlank(statement)) {
                pending = "";
                continue;
            }
            List<Operation> operations;
            try {
                operations = tEnv.getParser().parse(withoutSemicolon(statement));
            } catch (SqlParserEOFException e) {
                pending = statement;
                continue;
            }
            pending = "";
            for (Operation operation : operations) {
                if (operation instanceof ModifyOperation insert) {
                    inserts.add(insert);
                } else if (operation instanceof StatementSetOperation set) {
                    inserts.addAll(set.getOperations());
                } else if (operation instanceof SetOperation set) {
                    // SET is a command of Flink's SQL client, not of the Table API; here it sets the job's configuration.
                    if (set.getKey().isEmpty()) {
                        throw new ValidationException("SET without a key lists the configuration in Flink's SQL client; "
                                + "in a SQL application it has nothing to show: " + statement.strip());
                    }
                    tEnv.getConfig().getConfiguration().setString(set.getKey().get(), set.getValue().orElseThrow());
                } else if (operation instanceof CreateTableOperation create && alreadyThere(tEnv, create)) {
                    // An application runs its script again at every start: a table it created the first time is there.
                    continue;
                } else if (operation instanceof QueryOperation) {
                    throw new ValidationException("A SQL application writes its results with INSERT INTO; it cannot "
                            + "run a query on its own: " + statement.strip());
                } else {
                    tEnv.executeInternal(operation);
                }
            }
        }
        if (!SqlScript.isBlank(pending)) {
            tEnv.getParser().parse(withoutSemicolon(pending)); // throws the parser's own message about the unfinished statement
        }
        if (inserts.isEmpty()) {
            throw new ValidationException("A SQL application ends in INSERT INTO statements (or an EXECUTE STATEMENT SET), "
                    + "which make its job; this script has none.");
        }
        return tEnv.executeInternal(inserts);
    }

    /**
     * Whether a CREATE TABLE finds its table there already with the same columns (names and types). One with other
     * columns is left to fail as Flink fails it.
     */
    private static boolean alreadyThere(TableEnvironmentInternal tEnv, CreateTableOperation create) {
        if (create.isTemporary() || create.isIgnoreIfExists()) {
            return false;
        }
        return tEnv.getCatalogManager().getTable(create.getTableIdentifier())
                .map(existing -> columns(existing.getResolvedSchema()).equals(columns(create.getCatalogTable().getResolvedSchema())))
                .orElse(false);
    }

    private static List<String> columns(ResolvedSchema schema) {
        return schema.getColumns().stream().map(c -> c.getName() + " " + c.getDataType().getLogicalType().asSerializableString()).toList();
    }

    private static String withoutSemicolon(String statement) {
        String s = statement.stripTrailing();
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    private static String quoteIdentifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static String quoteString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private record Arguments(String script, String catalog, Map<String, String> catalogOptions) {

        static Arguments parse(String[] args) throws IOException {
            String script = null;
            String catalog = null;
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--script-file" -> script = Files.readString(value.contains("://") ? Path.of(URI.create(value)) : Path.of(value));
                    case "--script-base64" -> script = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                    case "--catalog" -> catalog = value;
                    case "--catalog-option" -> {
                        int eq = value.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--catalog-option takes key=value, not " + value);
                        }
                        options.put(value.substring(0, eq), value.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + flag
                            + "; use --script-file, --script-base64, --catalog and --catalog-option");
                }
            }
            if (script == null) {
                throw new IllegalArgumentException("a SQL application needs --script-file or --script-base64");
            }
            return new Arguments(script, catalog, options);
        }
    }
}
