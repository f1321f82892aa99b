package io.runnel.it.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Jobs that fail, the ways users' jobs do. */
public final class FailingJobs {

    private FailingJobs() {
    }

    /** Its main() throws before it builds a job. */
    public static final class ThrowsInMain {
        public static void main(String[] args) {
            throw new IllegalStateException("no input stream configured");
        }
    }

    /** Its job runs, then an operator throws, and it is not restarted. */
    public static final class ThrowsWhileRunning {
        public static void main(String[] args) throws Exception {
            Configuration noRestarts = new Configuration();
            noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(noRestarts);
            env.fromData(1, 2, 3).map(n -> {
                if (n == 3) {
                    throw new ArithmeticException("three is one too many");
                }
                return n;
            }).print();
            env.execute("throws while running");
        }
    }
}
