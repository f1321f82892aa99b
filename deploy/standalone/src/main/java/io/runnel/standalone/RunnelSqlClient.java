package io.runnel.standalone;

import org.apache.flink.table.client.SqlClient;
import org.apache.flink.table.client.cli.CliClient;
import org.apache.flink.table.client.cli.CliStrings;
import org.apache.flink.table.client.cli.TerminalUtils;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./runnel sql}: Flink's own SQL client, in gateway mode, against the SQL Gateway a Runnel server's
 * runtime serves; the server is asked where that is. Every session starts in the Runnel catalog, whose tables
 * are the server's streams.
 *
 * <pre>
 * RunnelSqlClient [--endpoint http://127.0.0.1:4567] [-f FILE] [any other option of Flink's SQL client]
 * </pre>
 * Unlike Flink's client, {@code -f} ends with a non-zero status when a statement fails, so scripts can
 * tell.
 */
public final class RunnelSqlClient extends SqlClient {

    private static final String DEFAULT_ENDPOINT = "http://127.0.0.1:4567";

    private RunnelSqlClient() {
        super(true, null, null);
    }

    public static void main(String[] args) {
        String endpoint = DEFAULT_ENDPOINT;
        boolean file = false;
        List<String> clientArgs = new ArrayList<>(List.of("gateway"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--endpoint") && i + 1 < args.length) {
                endpoint = args[++i];
            } else {
                file |= args[i].equals("-f") || args[i].equals("--file");
                clientArgs.add(args[i]);
            }
        }
        String gateway;
        try {
            gateway = sqlGateway(endpoint);
        } catch (IOException | RuntimeException e) {
            System.err.println("runnel sql: cannot ask the Runnel server at " + endpoint + " for its SQL gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        clientArgs.addAll(List.of("--endpoint", gateway));
        if (!file) {
            startClient(clientArgs.toArray(String[]::new), CliClient.DEFAULT_TERMINAL_FACTORY);
            System.exit(0);
        }
        // A script's queries can only be printed as a table, not in the client's full-screen views.
        clientArgs.add("-Dsql-client.execution.result-mode=tableau");
        ErrorWatch out = new ErrorWatch(System.out);
        try {
            startClient(clientArgs.toArray(String[]::new), () -> TerminalUtils.createDumbTerminal(out));
        } catch (RuntimeException e) {
            System.err.println("runnel sql: " + e.getMessage());
            System.exit(1);
        }
        System.out.flush();
        System.exit(out.sawError ? 1 : 0);
    }

    /** The server's SQL Gateway address, from Runnel's DescribeEndpoints. */
    private static String sqlGateway(String endpoint) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "Runnel_20261126.DescribeEndpoints")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode reply = new ObjectMapper().readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IOException(reply.path("__type").asText("HTTP " + response.statusCode()) + ": " + reply.path("message").asText());
        }
        String gateway = reply.path("SqlGatewayUrl").asText(null);
        if (gateway == null) {
            throw new IOException("the server runs no SQL gateway (it was started with --flink none)");
        }
        return gateway;
    }

    /** Passes the client's output through and notes whether it reported a failed statement. */
    private static final class ErrorWatch extends FilterOutputStream {

        private final byte[] marker = CliStrings.MESSAGE_SQL_EXECUTION_ERROR.getBytes(StandardCharsets.UTF_8);
        private int matched;
        volatile boolean sawError;

        ErrorWatch(PrintStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            matched = b == marker[matched] ? matched + 1 : (b == marker[0] ? 1 : 0);
            if (matched == marker.length) {
                sawError = true;
                matched = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush(); // the terminal closes its stream at the end; System.out stays open
        }
    }
}
