package io.runnel.jobs.firehose;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.formats.parquet.row.ParquetRowDataBuilder;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.xerial.snappy.SnappyFramedOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** How files are written: Parquet rows, or the records' bytes as they came, compressed as the user asked. */
final class Writers {

    private Writers() {
    }

    /** The file name suffix of a CompressionFormat, as Firehose names its objects. */
    static String suffix(String compression, boolean parquet) {
        if (parquet) {
            return ".parquet";
        }
        return switch (compression == null ? "UNCOMPRESSED" : compression) {
            case "GZIP" -> ".gz";
            case "ZIP" -> ".zip";
            case "Snappy" -> ".snappy";
            default -> "";
        };
    }

    /** Parquet with the ParquetSerDe's compression, timestamps as INT64 milliseconds. */
    static BulkWriter.Factory<Routed> parquet(RowType rowType, String compression) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        conf.set("parquet.compression", compression == null ? "SNAPPY" : compression.toUpperCase(Locale.ROOT));
        conf.setBoolean("parquet.write.int64.timestamp", true);
        conf.set("parquet.timestamp.time.unit", "millis");
        ParquetWriterFactory<RowData> rows = ParquetRowDataBuilder.createWriterFactory(rowType, conf, true);
        return out -> {
            BulkWriter<RowData> writer = rows.create(out);
            return new BulkWriter<>() {
                @Override
                public void addElement(Routed element) throws IOException {
                    writer.addElement((RowData) element.value());
                }

                @Override
                public void flush() throws IOException {
                    writer.flush();
                }

                @Override
                public void finish() throws IOException {
                    writer.finish();
                }
            };
        };
    }

    /** The records' bytes one after the other, in one compressed stream per file. */
    static BulkWriter.Factory<Routed> bytes(String compression) {
        String format = compression == null ? "UNCOMPRESSED" : compression;
        return out -> new CompressedBytes(out, format);
    }

    private static final class CompressedBytes implements BulkWriter<Routed> {
        private final FSDataOutputStream file;
        private final OutputStream out;
        private final String format;

        CompressedBytes(FSDataOutputStream file, String format) throws IOException {
            this.file = file;
            this.format = format;
            // The wrappers are finished, never closed: the file sink closes (and commits) the file itself.
            this.out = switch (format) {
                case "GZIP" -> new GZIPOutputStream(file, 64 * 1024);
                case "Snappy" -> new SnappyFramedOutputStream(file);
                case "ZIP" -> {
                    ZipOutputStream zip = new ZipOutputStream(file);
                    zip.putNextEntry(new ZipEntry("records"));
                    yield zip;
                }
                default -> file;
            };
        }

        @Override
        public void addElement(Routed element) throws IOException {
            out.write((byte[]) element.value());
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void finish() throws IOException {
            switch (format) {
                case "GZIP" -> ((GZIPOutputStream) out).finish();
                case "ZIP" -> ((ZipOutputStream) out).finish();
                default -> out.flush();
            }
            file.flush();
        }
    }

    /** Error records are lines of JSON, uncompressed, as Firehose writes them. */
    static Encoder<Routed> lines() {
        return (element, stream) -> stream.write((byte[]) element.value());
    }
}
