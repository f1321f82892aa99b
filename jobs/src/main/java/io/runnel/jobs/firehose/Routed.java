package io.runnel.jobs.firehose;

/**
 * What goes into a file, and under which prefix.
 *
 * @param bucket the evaluated prefix, without its trailing slash: the folder the file goes to
 * @param value  a converted row (RowData), or bytes to write as they are
 */
public record Routed(String bucket, Object value) {
}
