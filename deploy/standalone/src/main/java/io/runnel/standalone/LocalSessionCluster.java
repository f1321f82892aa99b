package io.runnel.standalone;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.gateway.SqlGateway;
import org.apache.flink.table.gateway.service.context.DefaultContext;
import org.apache.flink.table.gateway.service.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Flink session cluster in one JVM (a JobManager and a TaskManager: Flink's MiniCluster, with its REST API,
 * web UI and jar submission), optionally with a SQL Gateway in front of it, configured from
 * {@code $FLINK_CONF_DIR/config.yaml} like any Flink process.
 *
 * <pre>
 * LocalSessionCluster [--gateway-conf DIR] [--no-cluster] [--parent-pid PID]
 * </pre>
 * {@code --gateway-conf} starts a SQL Gateway with the settings of {@code DIR/config.yaml} on top of the
 * cluster's; {@code --no-cluster} starts only the gateway, for a cluster elsewhere. With {@code --parent-pid}
 * the process ends when that process does, however it ended: a runtime's child never outlives its server.
 * It prints {@code RUNNEL_FLINK_READY <rest-url>} and {@code RUNNEL_SQL_GATEWAY_READY <url>} once serving.
 */
public final class LocalSessionCluster {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSessionCluster.class);
    private static final long PARENT_CHECK_MS = 500;

    private LocalSessionCluster() {
    }

    public static void main(String[] args) throws Exception {
        Path gatewayConf = null;
        boolean cluster = true;
        Long parentPid = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway-conf" -> gatewayConf = Path.of(value(args, ++i));
                case "--no-cluster" -> cluster = false;
                case "--parent-pid" -> parentPid = Long.parseLong(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --gateway-conf DIR, --no-cluster and --parent-pid PID");
            }
        }
        if (parentPid != null) {
            watchParent(parentPid);
        }
        String confDir = Optional.ofNullable(System.getenv("FLINK_CONF_DIR"))
                .orElseThrow(() -> new IllegalStateException("FLINK_CONF_DIR names the folder of config.yaml"));
        Configuration conf = GlobalConfiguration.loadConfiguration(confDir);
        // A MiniCluster does not load plugins itself; the S3 file system is one.
        PluginManager plugins = PluginUtils.createPluginManagerFromRootFolder(conf);
        FileSystem.initialize(conf, plugins);

        MiniCluster miniCluster = null;
        SqlGateway gateway = null;
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            if (cluster) {
                miniCluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(conf.get(TaskManagerOptions.NUM_TASK_SLOTS))
                        .setPluginManager(plugins)
                        .build());
                miniCluster.start();
                URI rest = miniCluster.getRestAddress().get(60, TimeUnit.SECONDS);
                System.out.println("RUNNEL_FLINK_READY " + rest);
            }
            if (gatewayConf != null) {
                Configuration gatewayConfig = new Configuration(conf);
                if (Files.exists(gatewayConf.resolve("config.yaml"))) {
                    gatewayConfig.addAll(GlobalConfiguration.loadConfiguration(gatewayConf.toString()));
                }
                gateway = new SqlGateway(gatewayConfig, SessionManager.create(new DefaultContext(gatewayConfig, List.of())));
                gateway.start();
                System.out.println("RUNNEL_SQL_GATEWAY_READY http://" + gatewayConfig.getString("sql-gateway.endpoint.rest.address", "127.0.0.1")
                        + ":" + gatewayConfig.getString("sql-gateway.endpoint.rest.port", "8083"));
            }
            System.out.flush();
            SqlGateway runningGateway = gateway;
            MiniCluster runningCluster = miniCluster;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(runningGateway, runningCluster);
                stopped.countDown();
            }, "runnel-flink-shutdown"));
            stopped.await();
        } catch (Throwable e) {
            LOG.error("could not start the Flink session cluster", e);
            stop(gateway, miniCluster);
            throw e;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void stop(SqlGateway gateway, MiniCluster cluster) {
        if (gateway != null) {
            gateway.stop();
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                LOG.warn("the Flink cluster did not stop cleanly", e);
            }
        }
    }

    /**
     * Ends this process once its parent has gone, even when the parent was killed and had no chance to stop
     * it. A clean stop gets a few seconds; then the process halts regardless.
     */
    private static void watchParent(long pid) {
        Thread watcher = new Thread(() -> {
            try {
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    Thread.sleep(PARENT_CHECK_MS);
                }
                LOG.warn("parent process {} is gone; stopping", pid);
                Thread halt = new Thread(() -> {
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(10));
                    } catch (InterruptedException ignored) {
                        // halt now
                    }
                    Runtime.getRuntime().halt(1);
                }, "runnel-parent-watch-halt");
                halt.setDaemon(true);
                halt.start();
                System.exit(0);
            } catch (Throwable e) {
                LOG.error("watching the parent process failed; stopping rather than risk outliving it", e);
                Runtime.getRuntime().halt(1);
            }
        }, "runnel-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
