package io.runnel.server.api.glue;

import io.runnel.server.api.validation.Member;

/** Members and structures that several Glue operations share, with the bounds of the AWS service model. */
final class GlueMembers {

    private GlueMembers() {
    }

    /** NameString: one line of text. */
    static final String NAME_PATTERN = "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*";

    static Member name(String member) {
        return Member.string(member).length(1, 255).pattern(NAME_PATTERN);
    }

    static Member catalogId() {
        return name("CatalogId");
    }

    static Member parameters(String member) {
        return Member.stringMap(member).keyLength(1, 255).valueLength(0, 512_000);
    }

    static Member databaseInput() {
        return Member.structure("DatabaseInput",
                name("Name").required(),
                Member.string("Description").length(0, 2048),
                Member.string("LocationUri").length(1, 1024),
                parameters("Parameters")).required();
    }

    private static Member columns(String member) {
        return Member.list(member, Member.structure("member",
                name("Name").required(),
                Member.string("Type").length(0, 131_072),
                Member.string("Comment").length(0, 255),
                parameters("Parameters")));
    }

    static Member tableInput() {
        return Member.structure("TableInput",
                name("Name").required(),
                Member.string("Description").length(0, 2048),
                name("Owner"),
                Member.integer("Retention").range(0, Integer.MAX_VALUE),
                Member.structure("StorageDescriptor",
                        columns("Columns"),
                        Member.string("Location").length(0, 2056),
                        Member.string("InputFormat").length(0, 128),
                        Member.string("OutputFormat").length(0, 128),
                        Member.bool("Compressed"),
                        Member.integer("NumberOfBuckets").range(Integer.MIN_VALUE, Integer.MAX_VALUE),
                        Member.structure("SerdeInfo",
                                name("Name"),
                                name("SerializationLibrary"),
                                parameters("Parameters")),
                        parameters("Parameters"),
                        Member.bool("StoredAsSubDirectories")),
                columns("PartitionKeys"),
                Member.string("ViewOriginalText").length(0, 409_600),
                Member.string("ViewExpandedText").length(0, 409_600),
                Member.string("TableType").length(0, 255),
                parameters("Parameters")).required();
    }
}
