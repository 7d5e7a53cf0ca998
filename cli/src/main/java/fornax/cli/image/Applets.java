package fornax.cli.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Which applets a busybox binary has, and where each is installed ({@code bin/ls},
 * {@code sbin/init}, {@code usr/bin/awk}...). In order of preference:
 * <ol>
 *   <li>ask the binary: {@code qemu-riscv64 busybox --list-full}, when qemu-riscv64 is installed;
 *   <li>read the binary's applet name table (the sorted, NUL-separated names that start
 *       {@code "[\0[[\0"}), placing each name as the built-in list does ({@code bin/} otherwise);
 *   <li>the built-in list: the applets of Debian trixie's busybox-static.
 * </ol>
 */
public final class Applets {
    /** The install paths, and how they were found. */
    public record AppletList(List<String> paths, String source) {
        public List<String> names() { return paths.stream().map(p -> p.substring(p.lastIndexOf('/') + 1)).toList(); }
    }

    static final Pattern PATH = Pattern.compile("(bin|sbin|usr/bin|usr/sbin)/[A-Za-z0-9_.+\\[\\]-]+");
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.+-]+");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_.+\\[\\]-]+");
    private static final String RESOURCE = "busybox-applets.txt";
    private static final int MIN_TABLE = 20;

    private Applets() { }

    public static AppletList of(byte[] busybox, Path workDir, PrintStream log) {
        Path qemu = BusyboxFetcher.onPath("qemu-riscv64");
        if (qemu == null) qemu = BusyboxFetcher.onPath("qemu-riscv64-static");
        if (qemu != null) {
            List<String> asked = askBinary(qemu, busybox, workDir, log);
            if (asked != null) return new AppletList(asked, "busybox --list-full under " + qemu.getFileName());
        }
        List<String> names = scanNames(busybox);
        if (names != null) return new AppletList(place(names), "the applet table in the binary");
        return new AppletList(builtIn(), "the built-in list (Debian trixie's busybox-static)");
    }

    private static List<String> askBinary(Path qemu, byte[] busybox, Path workDir, PrintStream log) {
        Path tmp = null;
        try {
            Files.createDirectories(workDir);
            tmp = Files.createTempFile(workDir, "busybox", "");
            Files.write(tmp, busybox);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            Process p = new ProcessBuilder(qemu.toString(), tmp.toString(), "--list-full")
                    .redirectErrorStream(false)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = p.getInputStream()) { return in.readNBytes(1 << 20); }
                catch (IOException e) { return new byte[0]; }
            });
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.println("fornax: " + qemu.getFileName() + " busybox --list-full did not finish in 30 s");
                return null;
            }
            if (p.exitValue() != 0) return null;
            return parseListFull(new String(out.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.println("fornax: could not ask busybox for its applets: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (tmp != null) try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
        }
    }

    /**
     * The output of {@code busybox --list-full}, or {@code null} if it is not that: every line an
     * install path under bin, sbin, usr/bin or usr/sbin, or a bare name (linuxrc, skipped).
     */
    static List<String> parseListFull(String out) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || BARE.matcher(l).matches()) continue;
            if (!PATH.matcher(l).matches()) return null;
            String name = l.substring(l.lastIndexOf('/') + 1);
            if (!name.equals("busybox")) byName.putIfAbsent(name, l);
        }
        return byName.isEmpty() ? null : List.copyOf(byName.values());
    }

    /** The applet names from the binary's name table, or {@code null} if there is none. */
    static List<String> scanNames(byte[] bin) {
        byte[] anchor = {'[', 0, '[', '[', 0};
        outer:
        for (int i = 0; i + anchor.length <= bin.length; i++) {
            for (int j = 0; j < anchor.length; j++) if (bin[i + j] != anchor[j]) continue outer;
            List<String> names = new ArrayList<>();
            int at = i;
            String prev = null;
            while (at < bin.length) {
                int end = at;
                while (end < bin.length && bin[end] != 0 && end - at < 64) end++;
                if (end >= bin.length || bin[end] != 0 || end == at) break;
                String name = new String(bin, at, end - at, StandardCharsets.ISO_8859_1);
                if (!NAME.matcher(name).matches() || (prev != null && name.compareTo(prev) <= 0)) break;
                names.add(name);
                prev = name;
                at = end + 1;
            }
            if (names.size() >= MIN_TABLE) {
                names.remove("busybox");
                return names;
            }
        }
        return null;
    }

    /** Each name at its place in the built-in list, or in bin/. */
    static List<String> place(List<String> names) {
        Map<String, String> known = new LinkedHashMap<>();
        for (String p : builtIn()) known.put(p.substring(p.lastIndexOf('/') + 1), p);
        return names.stream().map(n -> known.getOrDefault(n, "bin/" + n)).toList();
    }

    /** The applets of Debian trixie's busybox-static, as install paths (resource busybox-applets.txt). */
    static List<String> builtIn() {
        try (InputStream in = Applets.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar");
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                if (!PATH.matcher(l).matches()) throw new IllegalStateException(RESOURCE + ": bad line " + l);
                out.add(l);
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
