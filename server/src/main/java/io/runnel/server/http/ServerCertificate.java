package io.runnel.server.http;

import io.vertx.core.net.PemKeyCertOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The certificate and private key of the HTTPS port, as PEM files: the user's, or a self-signed pair made once in the
 * data dir by the JDK's own keytool and kept, so that a client told to trust it once keeps trusting it.
 */
public record ServerCertificate(Path certificate, Path key) {

    /** An IPv4 address, or anything with a colon (IPv6): host names may be all hex digits ("cafe"). */
    private static final Pattern IP = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|.*:.*");
    private static final String STORE_PASSWORD = "runnel";

    /** The user's pair; both must be given. */
    public static ServerCertificate given(Path certificate, Path key) {
        if (certificate == null || key == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both, or neither for a self-signed pair");
        }
        for (Path p : List.of(certificate, key)) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
        return new ServerCertificate(certificate, key);
    }

    /** The self-signed pair in {@code dir}, made now if it is not there yet, valid for localhost, 127.0.0.1 and {@code host}. */
    public static ServerCertificate selfSigned(Path dir, String host) throws IOException {
        Path certificate = dir.resolve("runnel-cert.pem");
        Path key = dir.resolve("runnel-key.pem");
        if (!Files.exists(certificate) || !Files.exists(key)) {
            Files.createDirectories(dir);
            Path store = Files.createTempFile(dir, "runnel", ".p12");
            Files.delete(store); // keytool makes the store itself
            try {
                generate(store, host);
                writePem(store, certificate, key);
            } finally {
                Files.deleteIfExists(store);
            }
        }
        return new ServerCertificate(certificate, key);
    }

    private static void generate(Path store, String host) throws IOException {
        String names = "dns:localhost,ip:127.0.0.1,ip:::1";
        if (!host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("0.0.0.0") && !host.equals("::")) {
            names += "," + (IP.matcher(host).matches() ? "ip:" : "dns:") + host;
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-alias", "runnel", "-keyalg", "RSA", "-keysize", "2048",
                "-sigalg", "SHA256withRSA", "-validity", "3650", "-dname", "CN=Runnel", "-ext", "SAN=" + names,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        Path log = Files.createTempFile(store.getParent(), "keytool", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            if (!done || p.exitValue() != 0) {
                throw new IOException("keytool could not make the HTTPS port's certificate: " + Files.readString(log).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool made the HTTPS port's certificate", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void writePem(Path store, Path certificate, Path key) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, STORE_PASSWORD.toCharArray());
            Key privateKey = keys.getKey("runnel", STORE_PASSWORD.toCharArray());
            Certificate cert = keys.getCertificate("runnel");
            writeOwnerOnly(key, pem("PRIVATE KEY", privateKey.getEncoded()));
            Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate keytool made", e);
        }
    }

    /** Readable by this user alone, where the file system knows of permissions. */
    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The SHA-256 fingerprint of the (first) certificate, as openssl and browsers show it: AB:CD:… */
    public String fingerprint() throws IOException {
        try {
            List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certificate))));
            if (chain.isEmpty()) {
                throw new IOException(certificate + " holds no certificate");
            }
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate " + certificate, e);
        }
    }

    public PemKeyCertOptions options() {
        return new PemKeyCertOptions().setCertPath(certificate.toString()).setKeyPath(key.toString());
    }
}
