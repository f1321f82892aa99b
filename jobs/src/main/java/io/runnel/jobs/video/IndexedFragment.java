package io.runnel.jobs.video;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.runnel.connectors.source.RunnelRecord;
import io.runnel.connectors.source.RunnelRecordDeserializer;
import io.runnel.video.index.FragmentEntry;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

import java.io.IOException;

/**
 * A record of a video stream's fragment index: its sequence number is the fragment number; its data, the
 * {@link FragmentEntry} as JSON, which is kept as read so that a record nobody can parse still reaches the analysis
 * (and becomes an error event) rather than failing the job.
 *
 * @param stream the video stream, from the index's name
 */
public record IndexedFragment(String stream, String fragmentNumber, byte[] entry) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public FragmentEntry parse() throws IOException {
        return JSON.readValue(entry, FragmentEntry.class);
    }

    /** Reads the index of one video stream. */
    static RunnelRecordDeserializer<IndexedFragment> of(String stream) {
        return new RunnelRecordDeserializer<>() {
            @Override
            public void deserialize(RunnelRecord record, Collector<IndexedFragment> out) {
                // A fragment number is its index record's position in the compact form the server gives it.
                out.collect(new IndexedFragment(stream, io.runnel.core.SequenceNumber.compact(record.shardIndex(), record.offset()),
                        record.data()));
            }

            @Override
            public TypeInformation<IndexedFragment> getProducedType() {
                return TypeInformation.of(IndexedFragment.class);
            }
        };
    }
}
