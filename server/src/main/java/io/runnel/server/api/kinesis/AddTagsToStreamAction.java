package io.runnel.server.api.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.runnel.core.StreamMetadata;
import io.runnel.server.api.Request;
import io.runnel.server.api.validation.Member;
import io.runnel.server.http.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

final class AddTagsToStreamAction implements KinesisAction {

    static final int MAX_TAGS = 50;
    /** What Kinesis takes in a tag's key or value: letters (Latin and beyond), digits, white space and _ . / = + - @ : %. */
    private static final Pattern VALID = Pattern.compile("[\\u00C0-\\u1FFF\\u2C00-\\uD7FF\\w./\\-=+ @%:]*");

    @Override
    public List<Member> input() {
        return List.of(Members.streamName(), Members.tagMap().required(), Members.streamArn());
    }

    @Override
    public CompletableFuture<JsonNode> handle(Request request, Kinesis kinesis) {
        return add(kinesis, kinesis.streamName(request), request.node("Tags"));
    }

    /** Adds the tags of a request's {@code Tags} member to the named stream, or overwrites their values. */
    static CompletableFuture<JsonNode> add(Kinesis kinesis, String name, JsonNode tagMap) {
        Map<String, String> added = new TreeMap<>();
        tagMap.fields().forEachRemaining(e -> added.put(e.getKey(), e.getValue().asText()));
        return kinesis.streams.change(() -> {
            StreamMetadata stream = kinesis.requireReadable(name);
            List<String> texts = new ArrayList<>(added.keySet());
            texts.addAll(added.values());
            if (!texts.stream().allMatch(t -> VALID.matcher(t).matches())) {
                throw ApiException.invalidArgument("Some tags contain invalid characters. Valid characters: "
                        + "Unicode letters, digits, white space, _ . / = + - % @ :.");
            }
            // '%' passes the first check and not the second, as on Kinesis.
            if (texts.stream().anyMatch(t -> t.indexOf('%') >= 0)) {
                throw ApiException.invalidArgument("Failed to add tags to stream " + name + " under account " + kinesis.config.accountId
                        + " because some tags contained illegal characters. The allowed characters are Unicode letters, "
                        + "white-spaces, '_',',','/','=','+','-','@',':'.");
            }
            Map<String, String> tags = new TreeMap<>(stream.tags());
            tags.putAll(added);
            if (tags.size() > MAX_TAGS) {
                throw ApiException.invalidArgument("Failed to add tags to stream " + name + " under account "
                        + kinesis.config.accountId + " because a given stream cannot have more than " + MAX_TAGS + " tags associated with it.");
            }
            kinesis.streams.save(stream.withTags(tags));
            return Kinesis.noBody();
        });
    }
}
