package fornax.cli;

import fornax.kernel.ExecException;
import fornax.kernel.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code -v HOSTDIR:GUESTDIR[:ro]}, docker-style and repeatable: the option {@code run},
 * {@code boot} and {@code exec} share (a picocli mixin). Each volume mounts a host directory into
 * the guest tree with hostfs, read-write, or read-only with {@code :ro} (writes are EROFS).
 * {@code -v tcp!HOST!PORT[!ANAME]:GUESTDIR[:ro]} (a Plan 9 dial string) mounts a 9P2000.L server
 * on the host network instead, diod for one, through the kernel's 9P client.
 */
final class VolumeOptions {
    /** One checked volume. */
    record Volume(Path host, String guest, boolean readOnly, Remote remote) {
        Volume(Path host, String guest, boolean readOnly) { this(host, guest, readOnly, null); }
    }

    /** A 9P server to mount: tcp!HOST!PORT[!ANAME]. */
    record Remote(String host, int port, String aname) { }

    @Option(names = {"-v", "--volume"}, paramLabel = "HOSTDIR:GUESTDIR[:ro]",
            description = "Mount host directory HOSTDIR on GUESTDIR (created if missing); :ro for read-only; "
                    + "HOSTDIR tcp!HOST!PORT[!ANAME] mounts a 9P2000.L server (diod). Repeatable.")
    List<String> specs = new ArrayList<>();

    /** The volumes; null after printing one line on stderr when one is malformed or its host directory is missing. */
    List<Volume> volumes() {
        List<Volume> out = new ArrayList<>();
        for (String spec : specs) {
            try {
                out.add(parse(spec));
            } catch (IllegalArgumentException e) {
                Main.stderr.println("fornax: -v " + spec + ": " + e.getMessage());
                return null;
            }
        }
        return out;
    }

    /** HOSTDIR:GUESTDIR, HOSTDIR:GUESTDIR:ro or HOSTDIR:GUESTDIR:rw; the host directory must exist. */
    static Volume parse(String spec) {
        String s = spec;
        boolean ro = false;
        if (s.endsWith(":ro") || s.endsWith(":rw")) {
            ro = s.endsWith(":ro");
            s = s.substring(0, s.length() - 3);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) throw new IllegalArgumentException("expected HOSTDIR:GUESTDIR[:ro]");
        String host = s.substring(0, colon), guest = s.substring(colon + 1);
        if (!guest.startsWith("/")) throw new IllegalArgumentException("the guest directory must be absolute");
        if (guest.replace("/", "").isEmpty()) throw new IllegalArgumentException("cannot mount over the guest's /");
        if (host.startsWith("tcp!")) return new Volume(null, guest, ro, remote(host));
        Path p = Path.of(host).toAbsolutePath().normalize();
        if (!Files.exists(p)) throw new IllegalArgumentException(host + ": no such directory");
        if (!Files.isDirectory(p)) throw new IllegalArgumentException(host + ": not a directory");
        return new Volume(p, guest, ro);
    }

    /** tcp!HOST!PORT[!ANAME]. */
    private static Remote remote(String dial) {
        String[] f = dial.split("!", 4);
        if (f.length < 3 || f[1].isEmpty()) throw new IllegalArgumentException("expected tcp!HOST!PORT[!ANAME]:GUESTDIR");
        int port;
        try {
            port = Integer.parseInt(f[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port " + f[2]);
        }
        if (port <= 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is out of range");
        return new Remote(f[1], port, f.length == 4 ? f[3] : "");
    }

    /** Mounts {@code volumes} in order (a later one may mount inside an earlier one). */
    static void mountAll(Kernel kernel, List<Volume> volumes) throws ExecException {
        for (Volume v : volumes) {
            if (v.remote() != null) kernel.mountRemote(v.remote().host(), v.remote().port(), v.remote().aname(), v.guest(), v.readOnly());
            else kernel.mountHost(v.host(), v.guest(), v.readOnly());
        }
    }
}
