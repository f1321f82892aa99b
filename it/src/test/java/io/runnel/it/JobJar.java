package io.runnel.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A job's jar as users build it: their own classes (a main class in the manifest, or none), and the libraries
 * they bundle (a fat jar), but not Flink or Runnel's connectors, which the cluster has.
 */
final class JobJar {

    private final List<Class<?>> classes = new ArrayList<>();
    private final List<Class<?>> bundled = new ArrayList<>();
    private Class<?> main;

    static JobJar of(Class<?> main) {
        JobJar jar = new JobJar();
        jar.main = main;
        jar.classes.add(main);
        return jar;
    }

    /** A jar whose manifest names no main class. */
    static JobJar withoutMainClass(Class<?> content) {
        JobJar jar = new JobJar();
        jar.classes.add(content);
        return jar;
    }

    /** Bundles the whole library jar that holds {@code libraryClass}, as a shaded fat jar does. */
    JobJar bundling(Class<?> libraryClass) {
        bundled.add(libraryClass);
        return this;
    }

    Path writeTo(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (main != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
        }
        Set<String> written = new HashSet<>();
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            written.add(JarFile.MANIFEST_NAME);
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                add(jar, entry, c.getClassLoader().getResourceAsStream(entry), written);
                // Nested and lambda-holding classes of the class come along.
                for (Class<?> nested : c.getDeclaredClasses()) {
                    String nestedEntry = nested.getName().replace('.', '/') + ".class";
                    add(jar, nestedEntry, nested.getClassLoader().getResourceAsStream(nestedEntry), written);
                }
            }
            for (Class<?> library : bundled) {
                try (JarFile source = new JarFile(Path.of(library.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
                    for (Enumeration<JarEntry> entries = source.entries(); entries.hasMoreElements(); ) {
                        JarEntry entry = entries.nextElement();
                        if (!entry.isDirectory() && !entry.getName().startsWith("META-INF/")) {
                            add(jar, entry.getName(), source.getInputStream(entry), written);
                        }
                    }
                } catch (URISyntaxException e) {
                    throw new IOException(e);
                }
            }
        }
        return file;
    }

    private static void add(JarOutputStream jar, String name, InputStream content, Set<String> written) throws IOException {
        if (content == null || !written.add(name)) {
            return;
        }
        try (content) {
            jar.putNextEntry(new JarEntry(name));
            content.transferTo(jar);
            jar.closeEntry();
        }
    }
}
