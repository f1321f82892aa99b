package io.runnel.sql.functions;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.functions.TableSemantics;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.StaticArgument;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.inference.TypeStrategy;
import org.apache.flink.types.ColumnList;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A function's type inference that also checks its arguments when the statement is planned: the DESCRIPTOR must
 * name numeric columns of the input table, and the function's own checks must pass for its literal arguments. A
 * mistake fails the statement before any job starts, with a message that names the argument.
 */
final class PlanningChecks {

    private PlanningChecks() {
    }

    /** The literal arguments of a call, by name; null for one left out. */
    interface Arguments {
        <T> T get(String name, Class<T> type);
    }

    /** Thrown by {@link Arguments#get} for an argument that is no literal: then only the columns are checked. */
    private static final class NotLiteral extends RuntimeException {
        NotLiteral() {
            super(null, null, false, false);
        }
    }

    static TypeInference of(TypeInference inferred, String function, Consumer<Arguments> check) {
        List<StaticArgument> arguments = inferred.getStaticArguments().orElseThrow();
        TypeStrategy output = inferred.getOutputTypeStrategy();
        TypeStrategy checked = call -> {
            Optional<TableSemantics> table = call.getTableSemantics(indexOf(arguments, "input"));
            Optional<ColumnList> columns = call.getArgumentValue(indexOf(arguments, "columns"), ColumnList.class);
            try {
                if (table.isPresent() && columns.isPresent()) {
                    new Points(columns.get(), table.get().dataType(), function);
                }
                check.accept(literals(call, arguments));
            } catch (NotLiteral e) {
                // checked at the first row instead
            } catch (IllegalArgumentException e) {
                throw new ValidationException(e.getMessage(), e);
            }
            return output.inferType(call);
        };
        return TypeInference.newBuilder()
                .staticArguments(arguments)
                .stateTypeStrategies(inferred.getStateTypeStrategies())
                .disableSystemArguments(inferred.disableSystemArguments())
                .outputTypeStrategy(checked)
                .build();
    }

    private static Arguments literals(CallContext call, List<StaticArgument> arguments) {
        return new Arguments() {
            @Override
            public <T> T get(String name, Class<T> type) {
                int index = indexOf(arguments, name);
                if (call.isArgumentNull(index)) {
                    return null;
                }
                if (!call.isArgumentLiteral(index)) {
                    throw new NotLiteral();
                }
                return call.getArgumentValue(index, type).orElseThrow(NotLiteral::new);
            }
        };
    }

    private static int indexOf(List<StaticArgument> arguments, String name) {
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).getName().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no argument " + name);
    }
}
