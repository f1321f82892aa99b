package io.runnel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * What delivery streams wrote to a bucket of the S3 endpoint, read as a user reads it: Parquet rows with Parquet's
 * own reader, error records as JSON lines, other files (gunzipped if .gz) as lines. Objects are immutable once
 * committed, so each is fetched once.
 */
final class Lake {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;
    private final Path scratch;
    private final Map<String, byte[]> fetched = new HashMap<>();

    Lake(S3Client s3, String bucket, Path scratch) {
        this.s3 = s3;
        this.bucket = bucket;
        this.scratch = scratch;
    }

    /** A Parquet row, with the key of the object it came from. */
    record Row(String key, Group group) {
    }

    /**
     * Every committed object under a prefix (S3 shows only completed uploads), by key; folder markers aside. The
     * embedded endpoint's store (S3Proxy's filesystem store) writes an object through a temporary one named
     * {@code <key>-<uuid>}, which a listing can catch for a moment: those are left out, as is an object gone by the
     * time it is read.
     */
    Map<String, byte[]> objects(String prefix) {
        Map<String, byte[]> objects = new java.util.TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            if (o.key().endsWith("/") || STORE_TEMPORARY.matcher(o.key()).find()) {
                continue;
            }
            try {
                objects.put(o.key(), fetched.computeIfAbsent(o.key(), k -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(k)).asByteArray()));
            } catch (NoSuchKeyException gone) {
                // a temporary object after all
            }
        }
        return objects;
    }

    private static final java.util.regex.Pattern STORE_TEMPORARY =
            java.util.regex.Pattern.compile("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    List<Row> parquetRows(String prefix) {
        List<Row> rows = new ArrayList<>();
        eachParquet(prefix, (key, reader) -> {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages,
                        new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    rows.add(new Row(key, records.read()));
                }
            }
        });
        return rows;
    }

    /** The compression codecs of every column chunk of the Parquet objects under a prefix. */
    java.util.Set<String> parquetCodecs(String prefix) {
        java.util.Set<String> codecs = new java.util.TreeSet<>();
        eachParquet(prefix, (key, reader) ->
                reader.getFooter().getBlocks().forEach(block -> block.getColumns().forEach(c -> codecs.add(c.getCodec().name()))));
        return codecs;
    }

    private interface ParquetVisitor {
        void visit(String key, ParquetFileReader reader) throws IOException;
    }

    /** Opens each Parquet object under a prefix with parquet-hadoop (from a scratch file, as it reads files). */
    private void eachParquet(String prefix, ParquetVisitor visitor) {
        objects(prefix).forEach((key, bytes) -> {
            try {
                Path file = Files.createTempFile(scratch, "object", ".parquet");
                Files.write(file, bytes);
                try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                    visitor.visit(key, reader);
                }
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException(key + " is not Parquet", e);
            }
        });
    }

    /** Error records, by the folder after the prefix (the error output type). */
    Map<String, List<JsonNode>> errorRecords(String prefix) {
        Map<String, List<JsonNode>> byType = new java.util.TreeMap<>();
        objects(prefix).forEach((key, bytes) -> {
            String type = key.substring(prefix.length()).split("/")[0];
            new String(bytes, StandardCharsets.UTF_8).lines().forEach(line -> {
                try {
                    byType.computeIfAbsent(type, t -> new ArrayList<>()).add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        });
        return byType;
    }

    static int count(Map<String, List<JsonNode>> errors) {
        return errors.values().stream().mapToInt(List::size).sum();
    }

    /** The lines of every object under a prefix, gunzipped where the object is .gz. */
    List<String> lines(String prefix) {
        List<String> lines = new ArrayList<>();
        objects(prefix).forEach((key, bytes) -> {
            try (InputStream in = key.endsWith(".gz") ? new GZIPInputStream(new ByteArrayInputStream(bytes)) : new ByteArrayInputStream(bytes)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                out.toString(StandardCharsets.UTF_8).lines().forEach(lines::add);
            } catch (IOException e) {
                throw new UncheckedIOException(key + " cannot be read", e);
            }
        });
        return lines;
    }
}
