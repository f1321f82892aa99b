package io.runnel.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code runnel up --config file}: every setting is a key of the file as well as a flag, and a flag wins. */
class SettingsFileTest {

    private static RunnelConfig parse(String... args) {
        CommandLine.ParseResult parsed = Main.commandLine(args).parseArgs(args);
        return ((Main.Up) parsed.subcommand().commandSpec().userObject()).config();
    }

    @Test
    void aFlagWinsOverTheFileWhichWinsOverTheDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runnel.properties");
        Files.writeString(file, "port = 5000\ntopic-prefix=team.\nmetadata-topic=__team_metadata\nkafka-port=0\ncreate-stream-ms=20\n");
        RunnelConfig config = parse("up", "--config", file.toString(), "--port", "6000", "--metadata-topic", "__mine");
        assertThat(config.port).isEqualTo(6000);
        assertThat(config.metadataTopic).isEqualTo("__mine");
        assertThat(config.topicPrefix).isEqualTo("team.");
        assertThat(config.kafkaPort).isZero();
        assertThat(config.createStreamDelay).hasMillis(20);
        assertThat(config.region).isEqualTo("us-east-1");
        assertThat(parse("up", "--config=" + file).port).isEqualTo(5000);
    }

    @Test
    void aKeyThatIsNoSettingIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runnel.properties");
        Files.writeString(file, "prot=5000\n");
        assertThatThrownBy(() -> Main.commandLine(new String[] {"up", "--config", file.toString()}))
                .hasMessage("unknown setting 'prot' in " + file);
    }

    @Test
    void aValueIsCheckedAsTheFlagsWouldBe(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runnel.properties");
        Files.writeString(file, "port=lots\n");
        assertThatThrownBy(() -> parse("up", "--config", file.toString())).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("lots");
    }
}
