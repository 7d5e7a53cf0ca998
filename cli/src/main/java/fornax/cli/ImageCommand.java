package fornax.cli;

import fornax.cli.image.Applets;
import fornax.cli.image.BusyboxFetcher;
import fornax.cli.image.DebPackage;
import fornax.cli.image.ImageException;
import fornax.cli.image.RiscvElf;
import fornax.cli.image.RootImage;
import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fornax image}: makes the default root image, a cpio "newc" initramfs with Debian's
 * riscv64 busybox-static, and prints its path. See {@link fornax.cli.image}.
 */
@Command(name = "image", mixinStandardHelpOptions = true, description = {
        "Make the default root image: a cpio (newc) initramfs with Debian's riscv64 busybox-static, its applet "
        + "links and a minimal /etc. Prints the image's path.",
        "The package is fetched once with apt-get under a private apt configuration (CACHE/apt), from the "
        + "Debian archive the host's apt sources name, suite trixie; later runs use the cached .deb."})
final class ImageCommand implements Callable<Integer> {
    @Option(names = "--busybox", paramLabel = "FILE",
            description = "Use this busybox-static .deb or static riscv64 busybox ELF instead of fetching.")
    Path busyboxFile;

    @Option(names = "--refresh", description = "Ask the archive for the current package even if one is cached.")
    boolean refresh;

    @Option(names = "--force", description = "Rebuild the image even if it is up to date.")
    boolean force;

    @Option(names = "--mirror", paramLabel = "URI",
            description = "Debian archive to fetch from (default: the /debian URI of the host's apt sources).")
    String mirror;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Cache directory (default: $XDG_CACHE_HOME/fornax or ~/.cache/fornax).")
    Path cache;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the image (default: CACHE/rootfs.cpio).")
    Path output;

    /** The cache directory used when --cache is not given. */
    static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("fornax");
    }

    @Override public Integer call() {
        PrintStream log = Main.stderr;
        Path dir = (cache != null ? cache : defaultCache()).toAbsolutePath();
        Path out = (output != null ? output : dir.resolve("rootfs.cpio")).toAbsolutePath();
        try {
            Input in = input(dir, log);
            RiscvElf.check(in.busybox, in.what);
            Applets.AppletList applets = Applets.of(in.busybox, dir.resolve("tmp"), log);
            String key = RootImage.inputsKey(in.busybox, in.version, in.mtime, applets);
            if (!force && key.equals(existingKey(out))) {
                log.println("fornax: " + out + " is up to date (busybox " + orUnknown(in.version) + ")");
                Main.stdout.println(out);
                return 0;
            }
            byte[] image = RootImage.build(in.busybox, in.version, in.mtime, applets);
            CpioArchive check = CpioArchive.parse(image);       // the kernel's reader must accept it
            CpioEntry bin = check.get("/bin/busybox");
            if (bin == null || !Arrays.equals(bin.data(), in.busybox))
                throw new IllegalStateException("the image does not read back with /bin/busybox");
            write(out, image);
            log.printf("fornax: wrote %s: %d KiB, %d entries, busybox %s with %d applet links (from %s)%n",
                    out, (image.length + 1023) / 1024, check.size(), orUnknown(in.version), applets.paths().size(),
                    applets.source());
            Main.stdout.println(out);
            return 0;
        } catch (ImageException e) {
            log.println("fornax: image: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            log.println("fornax: image: " + ioText(e));
            return 1;
        }
    }

    /** The busybox binary to put in the image, and where it came from. */
    private record Input(byte[] busybox, String version, long mtime, String what) { }

    private Input input(Path dir, PrintStream log) throws ImageException, IOException {
        if (busyboxFile != null) {
            if (!Files.isRegularFile(busyboxFile)) throw new ImageException(busyboxFile + ": no such file");
            byte[] f = Files.readAllBytes(busyboxFile);
            String what = busyboxFile.toString();
            if (DebPackage.looksLikeDeb(f)) {
                DebPackage deb = DebPackage.readBusybox(f, what);
                return new Input(deb.busybox(), deb.version(), deb.mtime(), what + ":" + deb.member());
            }
            if (!RiscvElf.looksLikeElf(f))
                throw new ImageException(what + " is neither a Debian package (.deb) nor an ELF binary");
            return new Input(f, null, Files.getLastModifiedTime(busyboxFile).toMillis() / 1000, what);
        }
        BusyboxFetcher fetcher = new BusyboxFetcher(dir, log);
        Path deb = refresh ? null : fetcher.cachedDeb();
        if (deb == null) {
            BusyboxFetcher.Fetched got = fetcher.fetch(mirror);
            log.println("fornax: " + BusyboxFetcher.PACKAGE + " " + got.version() + " from " + got.archive() + " "
                    + BusyboxFetcher.SUITE + ", " + (got.verifiedWith() != null
                    ? "Release signature verified with " + got.verifiedWith() : "NOT signature-verified ([trusted=yes])"));
            deb = got.deb();
        } else {
            log.println("fornax: using cached " + deb + " (--refresh asks the archive for a newer one)");
        }
        DebPackage p = DebPackage.readBusybox(Files.readAllBytes(deb), deb.toString());
        return new Input(p.busybox(), p.version(), p.mtime(), deb + ":" + p.member());
    }

    /** The inputs key recorded in an existing image, or {@code null}. */
    private static String existingKey(Path image) {
        try {
            if (!Files.isRegularFile(image)) return null;
            CpioEntry info = CpioArchive.read(image).get(RootImage.INFO);
            if (info == null) return null;
            for (String line : new String(info.data(), StandardCharsets.UTF_8).split("\n"))
                if (line.startsWith(RootImage.INPUTS_PREFIX)) return line.substring(RootImage.INPUTS_PREFIX.length()).strip();
        } catch (IOException e) {
            return null;                                      // unreadable or not ours: rebuild it
        }
        return null;
    }

    private static void write(Path out, byte[] image) throws IOException {
        Path parent = out.getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.write(tmp, image);
            try {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String orUnknown(String v) { return v == null ? "(version unknown)" : v; }

    /** One line for an I/O failure (a FileSystemException's message may be only the path). */
    private static String ioText(IOException e) {
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof NoSuchFileException ? "no such file"
                    : e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
            return f.getFile() + ": " + reason;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().strip().replaceAll("\\s+", " ");
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }
}
