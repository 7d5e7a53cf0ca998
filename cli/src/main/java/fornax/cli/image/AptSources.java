package fornax.cli.image;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's apt sources, read (never written) to find which Debian archive the host uses: the
 * project names no archive host of its own. Reads {@code sources.list} and
 * {@code sources.list.d/*.list} (one-line format) and {@code sources.list.d/*.sources} (deb822).
 */
public final class AptSources {
    private AptSources() { }

    /** One {@code deb} source: an archive URI with its suites, components and {@code Signed-By}. */
    public record Source(String uri, List<String> suites, List<String> components, String signedBy, Path file) { }

    /** Every enabled {@code deb} source under {@code etcApt} (normally {@code /etc/apt}), in apt's order. */
    public static List<Source> read(Path etcApt) throws IOException {
        List<Source> out = new ArrayList<>();
        Path list = etcApt.resolve("sources.list");
        if (Files.isRegularFile(list)) out.addAll(parseOneLine(Files.readString(list, StandardCharsets.UTF_8), list));
        Path dir = etcApt.resolve("sources.list.d");
        if (Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) { files = s.sorted().toList(); }
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!Files.isRegularFile(f)) continue;
                if (name.endsWith(".list")) out.addAll(parseOneLine(Files.readString(f, StandardCharsets.UTF_8), f));
                else if (name.endsWith(".sources")) out.addAll(parseDeb822(Files.readString(f, StandardCharsets.UTF_8), f));
            }
        }
        return out;
    }

    /**
     * The Debian archive among {@code sources}: the first {@code deb} URI whose path ends in
     * {@code /debian} (so not {@code /debian-security}, not a third-party repository).
     */
    public static Optional<Source> debianArchive(List<Source> sources) {
        return sources.stream().filter(s -> isDebianArchive(s.uri())).findFirst();
    }

    static boolean isDebianArchive(String uri) {
        try {
            URI u = new URI(uri);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file") && !scheme.equals("ftp"))
                return false;
            String path = u.getPath() == null ? "" : u.getPath();
            while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
            return path.endsWith("/debian");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code deb [opt=val ...] URI SUITE [COMPONENT...]} lines; {@code deb-src} and comments skipped. */
    static List<Source> parseOneLine(String text, Path file) {
        List<Source> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash).strip();
            if (!line.startsWith("deb ") && !line.startsWith("deb\t")) continue;
            String rest = line.substring(3).strip();
            String signedBy = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) continue;
                for (String opt : rest.substring(1, close).strip().split("\\s+")) {
                    int eq = opt.indexOf('=');
                    if (eq > 0 && opt.substring(0, eq).equalsIgnoreCase("signed-by")) signedBy = opt.substring(eq + 1);
                }
                rest = rest.substring(close + 1).strip();
            }
            String[] w = rest.split("\\s+");
            if (w.length < 2 || w[0].isEmpty()) continue;
            out.add(new Source(w[0], List.of(w[1]), List.of(Arrays.copyOfRange(w, 2, w.length)), signedBy, file));
        }
        return out;
    }

    /** deb822 stanzas ({@code Types:}, {@code URIs:}, {@code Suites:}, {@code Components:}, {@code Signed-By:}, {@code Enabled:}). */
    static List<Source> parseDeb822(String text, Path file) {
        List<Source> out = new ArrayList<>();
        for (String stanza : text.split("\n\\s*\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            String last = null;
            for (String line : stanza.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                    fields.merge(last, "\n" + line.strip(), String::concat);   // continuation (e.g. an inline key)
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) continue;
                last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                fields.put(last, line.substring(colon + 1).strip());
            }
            if (!words(fields.get("types")).contains("deb")) continue;
            if (fields.getOrDefault("enabled", "yes").strip().equalsIgnoreCase("no")) continue;
            String signedBy = fields.get("signed-by");
            if (signedBy != null && (signedBy.contains("\n") || signedBy.startsWith("-----"))) signedBy = null; // inline key
            for (String uri : words(fields.get("uris")))
                out.add(new Source(uri, words(fields.get("suites")), words(fields.get("components")), signedBy, file));
        }
        return out;
    }

    private static List<String> words(String s) {
        if (s == null || s.isBlank()) return List.of();
        return List.of(s.strip().split("\\s+"));
    }
}
