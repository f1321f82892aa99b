package io.runnel.video.mkv;

import java.io.ByteArrayOutputStream;
import java.util.Map;

/** A Tags element of simple tags, as Kinesis Video Streams puts its own around each fragment it serves. */
public final class MkvTags {

    private MkvTags() {
    }

    /** One Tags element holding one Tag, with a simple tag per entry in the map's order. */
    public static byte[] of(Map<String, String> simpleTags) {
        ByteArrayOutputStream tag = new ByteArrayOutputStream();
        Ebml.writeElement(tag, Ebml.TARGETS, new byte[0]);
        for (Map.Entry<String, String> e : simpleTags.entrySet()) {
            ByteArrayOutputStream simple = new ByteArrayOutputStream();
            Ebml.writeString(simple, Ebml.TAG_NAME, e.getKey());
            Ebml.writeString(simple, Ebml.TAG_STRING, e.getValue());
            Ebml.writeElement(tag, Ebml.SIMPLE_TAG, simple.toByteArray());
        }
        ByteArrayOutputStream tags = new ByteArrayOutputStream();
        Ebml.writeElement(tags, Ebml.TAG, tag.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Ebml.writeElement(out, Ebml.TAGS, tags.toByteArray());
        return out.toByteArray();
    }
}
