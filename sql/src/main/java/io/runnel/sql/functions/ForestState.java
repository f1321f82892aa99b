package io.runnel.sql.functions;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.returntypes.DiVector;
import com.amazon.randomcutforest.state.RandomCutForestMapper;
import com.amazon.randomcutforest.state.RandomCutForestState;
import org.apache.flink.table.api.dataview.ListView;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * A forest in memory, and how Flink state keeps it: a snapshot of the forest taken every {@link #SNAPSHOT_EVERY}
 * points, and the points since. After a restart the forest is the snapshot with those points replayed. A forest
 * rebuilt from a snapshot does not draw the same random numbers as the one it was taken from, so at each snapshot
 * the forest in memory is replaced by its rebuilt self: scores then depend on the points alone, never on when
 * Flink restarted.
 */
final class ForestState {

    /** Points between snapshots: few enough to replay in seconds, many enough that snapshots cost little. */
    static final int SNAPSHOT_EVERY = 100_000;

    private RandomCutForest forest;

    private ForestState(RandomCutForest forest) {
        this.forest = forest;
    }

    static ForestState restore(ForestParameters parameters, ListView<byte[]> snapshot, ListView<double[]> sinceSnapshot)
            throws Exception {
        RandomCutForest forest = null;
        for (byte[] saved : snapshot.get()) {
            forest = fromBytes(saved);
        }
        if (forest == null) {
            forest = parameters.build();
        }
        for (double[] point : sinceSnapshot.get()) {
            forest.update(point);
        }
        return new ForestState(forest);
    }

    /** The point's anomaly score (before the point joins the forest). */
    double score(double[] point) {
        return forest.getAnomalyScore(point);
    }

    /** How much each dimension of the point adds to its anomaly score, above and below (before it joins the forest). */
    DiVector attribution(double[] point) {
        return forest.getAnomalyAttribution(point);
    }

    /** Adds the point to the forest, and to the state that keeps the forest. */
    void update(double[] point, RandomCutForestFunction.Progress progress, ListView<byte[]> snapshot,
                ListView<double[]> sinceSnapshot) throws Exception {
        forest.update(point);
        if (++progress.sinceSnapshot < SNAPSHOT_EVERY) {
            sinceSnapshot.add(point);
        } else {
            byte[] bytes = toBytes(forest);
            forest = fromBytes(bytes);
            snapshot.clear();
            snapshot.add(bytes);
            sinceSnapshot.clear();
            progress.sinceSnapshot = 0;
        }
    }

    private static RandomCutForestMapper mapper() {
        RandomCutForestMapper mapper = new RandomCutForestMapper();
        mapper.setSaveExecutorContextEnabled(true);
        mapper.setSaveTreeStateEnabled(true);
        return mapper;
    }

    static byte[] toBytes(RandomCutForest forest) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(mapper().toState(forest));
        }
        return bytes.toByteArray();
    }

    static RandomCutForest fromBytes(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new OwnClassesInputStream(new ByteArrayInputStream(bytes))) {
            return mapper().toModel((RandomCutForestState) in.readObject(), ForestParameters.SEED);
        }
    }

    /** Reads the forest's classes with the loader that loaded this function (Flink's user code loader). */
    private static final class OwnClassesInputStream extends ObjectInputStream {
        OwnClassesInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, ForestState.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
