package io.runnel.sql.functions;

import org.apache.flink.table.api.dataview.ListView;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forest dropped from memory (a task with more keys than fit in its heap drops the least recently used) and
 * rebuilt from its state, at any row, before or after a snapshot, scores every later row as if it had never been
 * dropped.
 */
class ForestStateTest {

    @Test
    void aForestRebuiltFromItsStateAtAnyRowScoresAsIfNeverDropped() throws Exception {
        ForestParameters parameters = ForestParameters.of(RandomCutForestFunction.NAME, 2, 30, 64, 100_000, 1);
        Kept steady = new Kept(parameters);
        Kept dropped = new Kept(parameters);
        Set<Integer> dropsBefore = Set.of(1, 700, 99_999, 100_000, 100_001, 150_000, 200_000, 230_000);
        Random random = new Random(5);

        for (int i = 0; i < 240_000; i++) {
            double[] point = {Math.sin(i / 50.0) + 0.1 * random.nextGaussian(), random.nextGaussian()};
            if (dropsBefore.contains(i)) {
                dropped.forest = ForestState.restore(parameters, dropped.snapshot, dropped.sinceSnapshot);
            }
            assertThat(dropped.scoreAndUpdate(point)).as("score of point %d", i).isEqualTo(steady.scoreAndUpdate(point));
        }
    }

    /** One key's forest with its state, as the function keeps them. */
    private static final class Kept {
        final RandomCutForestFunction.Progress progress = new RandomCutForestFunction.Progress();
        final ListView<byte[]> snapshot = new ListView<>();
        final ListView<double[]> sinceSnapshot = new ListView<>();
        ForestState forest;

        Kept(ForestParameters parameters) throws Exception {
            forest = ForestState.restore(parameters, snapshot, sinceSnapshot);
        }

        double scoreAndUpdate(double[] point) throws Exception {
            double score = forest.score(point);
            forest.update(point, progress, snapshot, sinceSnapshot);
            return score;
        }
    }
}
