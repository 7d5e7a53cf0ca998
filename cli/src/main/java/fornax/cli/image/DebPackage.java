package fornax.cli.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The busybox binary out of a Debian package: an ar archive of {@code debian-binary},
 * {@code control.tar.*} and {@code data.tar.*} (xz as Debian builds them; gzip, bzip2, lzma and
 * uncompressed are read too; zstd is not). The binary is {@code ./usr/bin/busybox} (trixie) or
 * {@code ./bin/busybox} (earlier releases).
 *
 * @param control  the fields of {@code control} (Package, Version, Architecture...); empty if absent
 * @param member   the path of the binary in the package, e.g. {@code usr/bin/busybox}
 * @param busybox  its bytes
 * @param mtime    its modification time, seconds since the epoch
 */
public record DebPackage(Map<String, String> control, String member, byte[] busybox, long mtime) {
    public static final List<String> BUSYBOX_PATHS = List.of("usr/bin/busybox", "bin/busybox");
    static final int MAX_BINARY = 64 << 20;
    static final byte[] AR_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);

    public static boolean looksLikeDeb(byte[] file) {
        if (file.length < AR_MAGIC.length) return false;
        for (int i = 0; i < AR_MAGIC.length; i++) if (file[i] != AR_MAGIC[i]) return false;
        return true;
    }

    /** Reads {@code deb} ({@code what} names it in errors). */
    public static DebPackage readBusybox(byte[] deb, String what) throws ImageException {
        if (!looksLikeDeb(deb)) throw new ImageException(what + " is not a Debian package (no ar archive header)");
        try (ArArchiveInputStream ar = new ArArchiveInputStream(new ByteArrayInputStream(deb))) {
            Map<String, String> control = Map.of();
            boolean first = true;
            ArArchiveEntry e;
            while ((e = ar.getNextEntry()) != null) {
                String name = e.getName();
                if (name.endsWith("/")) name = name.substring(0, name.length() - 1);
                if (first && !name.equals("debian-binary"))
                    throw new ImageException(what + " is not a Debian package (first member \"" + name
                            + "\", not debian-binary)");
                first = false;
                if (name.startsWith("control.tar")) {
                    InputStream in = decompress(ar, name, what);
                    if (in != null) control = readControl(in);
                } else if (name.startsWith("data.tar")) {
                    InputStream in = decompress(ar, name, what);
                    if (in == null)
                        throw new ImageException(what + ": " + name + " is zstd-compressed, which is not supported "
                                + "(Debian's packages use xz); unpack bin/busybox by hand and pass it with --busybox");
                    String arch = control.get("Architecture");
                    if (arch != null && !arch.equals("riscv64") && !arch.equals("all"))
                        throw new ImageException(what + " is a package for " + arch + ", not riscv64");
                    return findBusybox(in, control, what);
                }
            }
            if (first) throw new ImageException(what + " is an empty ar archive, not a Debian package");
            throw new ImageException(what + " has no data.tar member");
        } catch (IOException | RuntimeException e) {
            throw new ImageException(what + " is not a valid Debian package: " + e.getMessage());
        }
    }

    /** A decompressing stream over the current ar member, or {@code null} for zstd. */
    private static InputStream decompress(InputStream member, String name, String what) throws IOException, ImageException {
        // The members are small (a few MB): decompress from a copy so the ar stream stays positioned.
        InputStream raw = new ByteArrayInputStream(member.readAllBytes());
        String suffix = name.substring(name.indexOf(".tar") + 4);
        return switch (suffix) {
            case "" -> raw;
            case ".xz" -> new XZCompressorInputStream(raw);
            case ".gz" -> new GzipCompressorInputStream(raw);
            case ".bz2" -> new BZip2CompressorInputStream(raw);
            case ".lzma" -> new LZMACompressorInputStream(raw);
            case ".zst" -> null;
            default -> throw new ImageException(what + ": unknown compression of member " + name);
        };
    }

    private static Map<String, String> readControl(InputStream in) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry t;
            while ((t = tar.getNextEntry()) != null) {
                if (t.isFile() && normalize(t.getName()).equals("control") && t.getSize() < (1 << 20))
                    return BusyboxFetcher.controlFields(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return Map.of();
    }

    private static DebPackage findBusybox(InputStream in, Map<String, String> control, String what)
            throws IOException, ImageException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry t;
            while ((t = tar.getNextEntry()) != null) {
                String path = normalize(t.getName());
                if (!BUSYBOX_PATHS.contains(path)) continue;
                if (!t.isFile())
                    throw new ImageException(what + ": " + path + " is not a regular file in the package");
                if (t.getSize() > MAX_BINARY)
                    throw new ImageException(what + ": " + path + " is " + t.getSize() + " bytes, more than "
                            + (MAX_BINARY >> 20) + " MiB");
                byte[] bin = tar.readAllBytes();
                return new DebPackage(control, path, bin, t.getModTime().getTime() / 1000);
            }
        }
        throw new ImageException(what + " has no " + String.join(" or ", BUSYBOX_PATHS)
                + (control.containsKey("Package") ? " (it is " + control.get("Package") + ", not busybox-static?)" : ""));
    }

    /** {@code ./usr/bin/x} and {@code /usr/bin/x} become {@code usr/bin/x}. */
    static String normalize(String tarName) {
        String s = tarName;
        while (s.startsWith("./")) s = s.substring(2);
        while (s.startsWith("/")) s = s.substring(1);
        return s;
    }

    /** Version from the control file, or {@code null}. */
    public String version() { return control.get("Version"); }
}
