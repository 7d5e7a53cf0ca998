package fornax.cli.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches Debian's {@code busybox-static} for riscv64 (suite trixie, component main) with
 * {@code apt-get download}, under a private apt configuration in {@code CACHE/apt}: its own
 * sources list, lists, cache and state directories, an empty dpkg status and
 * {@code APT::Architecture=riscv64}, so the host's apt state is neither read for packages nor
 * changed. The host's {@code apt.conf.d} (proxies, for instance) still applies.
 *
 * <p>The archive is the host's own (the {@code /debian} URI of {@code /etc/apt/sources.list*}), or
 * {@code --mirror}. The Release file is verified with the host's {@code Signed-By} keyring (Debian's
 * {@code debian-archive-keyring.gpg}); only if that keyring cannot verify trixie does the fetch
 * fall back to {@code [trusted=yes]}, with a warning.
 */
public final class BusyboxFetcher {
    public static final String SUITE = "trixie", COMPONENT = "main", ARCH = "riscv64";
    public static final String PACKAGE = "busybox-static";
    static final Path DEFAULT_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
    private static final long UPDATE_TIMEOUT_S = 600, SHOW_TIMEOUT_S = 120;

    private final Path apt, debs;
    private final PrintStream log;
    private final Path etcApt;

    /** What was fetched, and how it was authenticated. */
    public record Fetched(Path deb, String version, String archive, String verifiedWith) { }

    public BusyboxFetcher(Path cache, PrintStream log) { this(cache, log, Path.of("/etc/apt")); }

    BusyboxFetcher(Path cache, PrintStream log, Path etcApt) {
        this.apt = cache.resolve("apt");
        this.debs = cache.resolve("debs");
        this.log = log;
        this.etcApt = etcApt;
    }

    /** The most recently fetched {@code busybox-static_*_riscv64.deb} in the cache, or {@code null}. */
    public Path cachedDeb() throws IOException {
        if (!Files.isDirectory(debs)) return null;
        try (Stream<Path> s = Files.list(debs)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(PACKAGE + "_") && n.endsWith("_" + ARCH + ".deb") && Files.isRegularFile(p);
            }).max(Comparator.comparing(BusyboxFetcher::mtime)).orElse(null);
        }
    }

    /** Runs apt-get update and apt-get download (unless the cache already has that exact file). */
    public Fetched fetch(String mirror) throws ImageException {
        Path aptGet = onPath("apt-get");
        Path aptCache = onPath("apt-cache");
        if (aptGet == null || aptCache == null)
            throw new ImageException("apt-get not found: fetching " + PACKAGE + " needs Debian's apt; "
                    + "or pass --busybox FILE (a " + PACKAGE + " .deb or a static riscv64 busybox)");
        String archive;
        Path keyring;
        if (mirror != null) {
            archive = mirror;
            keyring = Files.isRegularFile(DEFAULT_KEYRING) ? DEFAULT_KEYRING : null;
        } else {
            AptSources.Source src;
            try {
                src = AptSources.debianArchive(AptSources.read(etcApt)).orElseThrow(() -> new ImageException(
                        "no Debian archive (a deb URI ending in /debian) in the host's apt sources (" + etcApt
                        + "/sources.list, " + etcApt + "/sources.list.d/); pass --mirror URI or --busybox FILE"));
            } catch (IOException e) {
                throw new ImageException("cannot read the host's apt sources in " + etcApt + ": " + e.getMessage());
            }
            archive = src.uri();
            keyring = keyringOf(src.signedBy());
        }
        try {
            for (Path d : List.of(apt.resolve("lists/partial"), apt.resolve("cache/archives/partial"),
                    apt.resolve("sources.list.d"), apt.resolve("preferences.d"), debs))
                Files.createDirectories(d);
            Files.write(apt.resolve("status"), new byte[0]);
        } catch (IOException e) {
            throw new ImageException("cannot create " + apt + ": " + e.getMessage());
        }

        log.println("fornax: apt-get update: " + archive + " " + SUITE + " " + COMPONENT + " (" + ARCH
                + "; private apt state in " + apt + ")");
        String verifiedWith;
        if (keyring == null) {
            warnUnverified("no Debian archive keyring at " + DEFAULT_KEYRING);
            update(aptGet, archive, null);
            verifiedWith = null;
        } else {
            Result r = update(aptGet, archive, keyring);
            if (r.signatureProblem()) {
                warnUnverified("the host's keyring " + keyring + " does not verify " + SUITE + " ("
                        + r.firstProblem() + ")");
                update(aptGet, archive, null);
                verifiedWith = null;
            } else {
                verifiedWith = keyring.toString();
            }
        }

        Result show = run(List.of(aptCache.toString(), "show", "--no-all-versions", PACKAGE + ":" + ARCH), SHOW_TIMEOUT_S, apt, aptOptions());
        Map<String, String> pkg = controlFields(show.output());
        String version = pkg.get("Version");
        if (show.status() != 0 || version == null)
            throw new ImageException(PACKAGE + ":" + ARCH + " not found in " + archive + " " + SUITE + " " + COMPONENT
                    + (show.firstProblem().isEmpty() ? "" : ": " + show.firstProblem()));
        String sha256 = pkg.get("SHA256");
        Path deb = debs.resolve(PACKAGE + "_" + version.replace(":", "%3a") + "_" + ARCH + ".deb");
        try {
            if (sha256 != null && Files.isRegularFile(deb) && sha256.equalsIgnoreCase(Hashing.sha256(Files.readAllBytes(deb)))) {
                log.println("fornax: " + deb.getFileName() + " is already in the cache");
                Files.setLastModifiedTime(deb, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            } else {
                log.println("fornax: apt-get download " + PACKAGE + ":" + ARCH + " (" + version + ")");
                Result dl = run(List.of(aptGet.toString(), "-q", "download", PACKAGE + ":" + ARCH), UPDATE_TIMEOUT_S, debs, aptOptions());
                if (dl.status() != 0 || !Files.isRegularFile(deb))
                    throw new ImageException("apt-get download " + PACKAGE + ":" + ARCH + " failed"
                            + (dl.firstProblem().isEmpty() ? " (status " + dl.status() + ")" : ": " + dl.firstProblem()));
                if (sha256 != null && !sha256.equalsIgnoreCase(Hashing.sha256(Files.readAllBytes(deb))))
                    throw new ImageException(deb + " does not have the SHA256 that the archive's Packages index gives");
            }
        } catch (IOException e) {
            throw new ImageException("cannot read " + deb + ": " + e.getMessage());
        }
        return new Fetched(deb, version, archive, verifiedWith);
    }

    private void warnUnverified(String why) {
        log.println("fornax: WARNING: " + why + "; falling back to [trusted=yes]: the downloaded package is NOT "
                + "authenticated by a signature (apt still checks it against the unsigned index)");
    }

    private static Path keyringOf(String signedBy) {
        if (signedBy != null) {
            Path p = Path.of(signedBy.strip().split("[\\s,]+")[0]);
            if (p.isAbsolute() && Files.isRegularFile(p)) return p;
        }
        return Files.isRegularFile(DEFAULT_KEYRING) ? DEFAULT_KEYRING : null;
    }

    /** apt-get update with a one-source list; throws on anything but success or a signature problem. */
    private Result update(Path aptGet, String archive, Path keyring) throws ImageException {
        String opts = "arch=" + ARCH + " " + (keyring != null ? "signed-by=" + keyring : "trusted=yes");
        try {
            Files.writeString(apt.resolve("sources.list"), "# written by ./fornax image; private to " + apt + "\n"
                    + "deb [" + opts + "] " + archive + " " + SUITE + " " + COMPONENT + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageException("cannot write " + apt.resolve("sources.list") + ": " + e.getMessage());
        }
        Result r = run(List.of(aptGet.toString(), "-q", "update"), UPDATE_TIMEOUT_S, apt, aptOptions());
        if (keyring != null && r.signatureProblem()) return r;
        if (r.status() != 0 || r.fetchProblem())
            throw new ImageException("apt-get update failed for " + archive + " " + SUITE + ": "
                    + (r.firstProblem().isEmpty() ? "exit status " + r.status() : r.firstProblem()));
        return r;
    }

    /** The -o options that make apt private to {@link #apt}. */
    List<String> aptOptions() {
        List<String> o = new ArrayList<>();
        String[][] kv = {
            {"Dir::Etc::SourceList", apt.resolve("sources.list").toString()},
            {"Dir::Etc::SourceParts", apt.resolve("sources.list.d").toString()},
            {"Dir::Etc::Preferences", apt.resolve("preferences").toString()},
            {"Dir::Etc::PreferencesParts", apt.resolve("preferences.d").toString()},
            {"Dir::State", apt.toString()},
            {"Dir::State::Lists", apt.resolve("lists").toString()},
            {"Dir::State::status", apt.resolve("status").toString()},
            {"Dir::Cache", apt.resolve("cache").toString()},
            {"Debug::NoLocking", "1"},
            {"APT::Architecture", ARCH},
            {"APT::Architectures", ARCH},
            {"Acquire::Languages", "none"},
        };
        for (String[] p : kv) { o.add("-o"); o.add(p[0] + "=" + p[1]); }
        if (isRoot()) { o.add("-o"); o.add("APT::Sandbox::User=root"); }  // _apt could not write under ~root
        return o;
    }

    record Result(int status, String output) {
        private static final String[] SIGNATURE = {"NO_PUBKEY", "EXPKEYSIG", "BADSIG", "REVKEYSIG",
            "is not signed", "couldn't be verified", "could not be verified", "GPG error", "signature"};
        private static final String[] FETCH = {"Failed to fetch", "Could not resolve", "Temporary failure",
            "Unable to connect", "Could not connect", "Connection failed", "Some index files failed"};

        boolean signatureProblem() { return contains(SIGNATURE); }
        boolean fetchProblem() { return contains(FETCH); }

        private boolean contains(String[] needles) {
            for (String line : output.split("\n")) {
                if (!(line.startsWith("E:") || line.startsWith("W:") || line.startsWith("Err:") || line.startsWith("  ")))
                    continue;
                for (String n : needles) if (line.contains(n)) return true;
            }
            return false;
        }

        /** The most telling line: the first error, else the first warning or failed item. */
        String firstProblem() {
            String[] lines = output.split("\n");
            for (String prefix : new String[] {"E:", "Err:", "W:"}) {
                for (int i = 0; i < lines.length; i++) {
                    if (!lines[i].startsWith(prefix)) continue;
                    String s = lines[i];
                    if (prefix.equals("Err:") && i + 1 < lines.length && lines[i + 1].startsWith("  "))
                        s += " -" + lines[i + 1];                 // the reason is on the indented next line
                    return ImageException.oneLine(s);
                }
            }
            return "";
        }
    }

    private static Result run(List<String> cmd, long timeoutSeconds, Path dir, List<String> options) throws ImageException {
        List<String> full = new ArrayList<>(cmd.subList(0, 1));
        full.addAll(options);
        full.addAll(cmd.subList(1, cmd.size()));
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = p.getInputStream()) { return in.readAllBytes(); }
                catch (IOException e) { return new byte[0]; }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ImageException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 3)).stream()
                        .map(c -> Path.of(c).getFileName().toString()).toList()) + " took more than "
                        + timeoutSeconds + " s; giving up");
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ImageException("cannot run " + cmd.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted");
        }
    }

    /** Fields of the first stanza of Debian control-format text ({@code Field: value}). */
    static Map<String, String> controlFields(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) { if (!m.isEmpty()) break; else continue; }
            if (line.startsWith(" ") || line.startsWith("\t")) continue;
            int c = line.indexOf(':');
            if (c > 0) m.putIfAbsent(line.substring(0, c), line.substring(c + 1).strip());
        }
        return m;
    }

    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static long mtime(Path p) {
        try { return Files.getLastModifiedTime(p).toMillis(); } catch (IOException e) { return 0; }
    }

}
