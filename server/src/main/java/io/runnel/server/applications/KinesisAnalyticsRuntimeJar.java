package io.runnel.server.applications;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Lets an unchanged job read its property groups with {@code KinesisAnalyticsRuntime.getApplicationProperties()}.
 * That library reads the file its own {@code config.properties} names, {@code /etc/flink/application_properties.json}
 * on Managed Flink, and nothing can point it elsewhere from outside. Several applications share one cluster
 * here, so each gets a file of its own: the copy of its jar submitted to Flink names that file instead.
 */
final class KinesisAnalyticsRuntimeJar {

    static final String RUNTIME_CLASS = "com/amazonaws/services/kinesisanalytics/runtime/KinesisAnalyticsRuntime.class";
    static final String CONFIG = "config.properties";
    static final String FILE_KEY = "application_properties_file";

    private KinesisAnalyticsRuntimeJar() {
    }

    /**
     * Writes to {@code target} a copy of {@code jar} whose runtime library reads {@code propertiesFile}, and returns
     * it; returns {@code jar} itself when the jar does not bundle the library.
     */
    static Path pointAt(Path jar, Path propertiesFile, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry config = zip.getEntry(CONFIG);
            if (zip.getEntry(RUNTIME_CLASS) == null || config == null) {
                return jar;
            }
            Properties properties = new Properties();
            try (InputStream in = zip.getInputStream(config)) {
                properties.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)));
            }
            if (!properties.containsKey(FILE_KEY)) {
                return jar; // some other library's config.properties
            }
            properties.setProperty(FILE_KEY, propertiesFile.toAbsolutePath().toString());
            StringWriter rewritten = new StringWriter();
            properties.store(rewritten, "application_properties_file set by Runnel for this application");
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            try (OutputStream file = Files.newOutputStream(partial); ZipOutputStream out = new ZipOutputStream(file)) {
                for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                    ZipEntry entry = entries.nextElement();
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    if (entry.getName().equals(CONFIG)) {
                        out.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
                    } else {
                        try (InputStream in = zip.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }
}
