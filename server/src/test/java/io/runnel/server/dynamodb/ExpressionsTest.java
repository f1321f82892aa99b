package io.runnel.server.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runnel.server.http.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Condition and update expressions on nested documents, numbers and sets, as DynamoDB evaluates them. */
class ExpressionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static ObjectNode item() throws Exception {
        return (ObjectNode) json("{'id': {'S': 'k'}, 'n': {'N': '10.0'}, 'doc': {'M': {'tags': {'L': [{'S': 'a'}, {'S': 'b'}]},"
                + " 'owner': {'M': {'name': {'S': 'alice'}}}}}, 'nums': {'NS': ['1', '2']}, 'words': {'SS': ['a', 'b']}, 'bin': {'B': 'AAEC'}}");
    }

    @Test
    void conditionsReadNestedPathsAndCompareNumbersByValue() throws Exception {
        ExpressionParser p = new ExpressionParser(json("{'#o': 'owner'}"),
                json("{':ten': {'N': '10'}, ':alice': {'S': 'alice'}, ':b': {'S': 'b'}, ':two': {'N': '2'}, ':one': {'N': '1'},"
                        + " ':type': {'S': 'NS'}, ':prefix': {'B': 'AAE='}}"));
        Condition c = p.condition("n = :ten AND doc.#o.name = :alice AND doc.tags[1] = :b AND size(doc.tags) = :two "
                + "AND contains(nums, :one) AND attribute_type(nums, :type) AND begins_with(bin, :prefix) "
                + "AND NOT (n < :ten OR attribute_exists(doc.tags[2]))", "ConditionExpression");
        p.requireAllUsed();
        assertThat(c.test(item())).isTrue();
    }

    @Test
    void anUpdateSetsNestedPathsAndReadsEveryOperandBeforeItChanges() throws Exception {
        ExpressionParser p = new ExpressionParser(null, json("{':bob': {'S': 'bob'}, ':c': {'L': [{'S': 'c'}]}, ':five': {'N': '5'},"
                + " ':three': {'NS': ['3']}, ':b': {'SS': ['b']}}"));
        ItemUpdate update = p.update("SET doc.owner.name = :bob, doc.tags = list_append(doc.tags, :c), n = n - :five, m = n "
                + "REMOVE bin ADD nums :three DELETE words :b");
        ObjectNode item = item();
        update.apply(item);
        assertThat(item.at("/doc/M/owner/M/name/S").asText()).isEqualTo("bob");
        assertThat(item.at("/doc/M/tags/L").toString()).isEqualTo("[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"}]");
        assertThat(item.at("/n/N").asText()).isEqualTo("5");
        assertThat(item.at("/m/N").asText()).as("read before n changed").isEqualTo("10.0");
        assertThat(item.has("bin")).isFalse();
        assertThat(item.at("/nums/NS").toString()).isEqualTo("[\"1\",\"2\",\"3\"]");
        assertThat(item.at("/words/SS").toString()).isEqualTo("[\"a\"]");
        assertThat(update.attributes()).containsExactly("doc", "n", "m", "bin", "nums", "words");
    }

    @Test
    void aPathThroughAnAbsentMapCannotBeSet() throws Exception {
        ItemUpdate update = new ExpressionParser(null, json("{':v': {'S': 'x'}}")).update("SET missing.deeper = :v");
        assertThatThrownBy(() -> update.apply(item())).isInstanceOf(ApiException.class)
                .hasMessage("The document path provided in the update expression is invalid for update");
    }

    @Test
    void malformedExpressionsNameWhatIsWrong() throws Exception {
        ExpressionParser p = new ExpressionParser(null, json("{':v': {'S': 'x'}}"));
        assertThatThrownBy(() -> p.condition("a = :v AND", "ConditionExpression"))
                .hasMessage("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a = :v AND\"");
        assertThatThrownBy(() -> p.update("SET a = :v SET b = :v"))
                .hasMessage("Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
        assertThatThrownBy(() -> p.condition("#x = :v", "ConditionExpression"))
                .hasMessage("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x");
        assertThatThrownBy(() -> p.update("SET a.b = :v REMOVE a"))
                .hasMessage("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
                        + "paths; path one: [a, b], path two: [a]");
        assertThatThrownBy(() -> p.condition("a = :v" + " OR a = :v".repeat(500), "ConditionExpression"))
                .hasMessage("Invalid ConditionExpression: Expression size has exceeded the maximum allowed size;");
        assertThatThrownBy(() -> p.condition("(".repeat(1000) + "a = :v" + ")".repeat(1000), "ConditionExpression"))
                .hasMessage("Invalid ConditionExpression: The expression has too many nested parentheses;");
        assertThatThrownBy(() -> p.condition("unknown_fn(a)", "ConditionExpression"))
                .hasMessage("Invalid ConditionExpression: Invalid function name; function: unknown_fn");
        assertThatThrownBy(() -> new ExpressionParser(null, json("{':n': {'N': 'ten'}}")))
                .hasMessageContaining("ExpressionAttributeValues contains invalid value");
    }
}
