package fornax.cli.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * The default root file system as a cpio "newc" archive (a Linux initramfs): busybox, a link per
 * applet, the standard directories and a few files in /etc. Everything belongs to root:root and
 * has the same mtime, so the same inputs give the same bytes.
 *
 * <pre>
 *   /bin/busybox            0755   the binary
 *   /bin/APPLET             link   busybox              (and /sbin, /usr/bin, /usr/sbin: ../bin/busybox, ../../bin/busybox)
 *   /init                   link   bin/busybox          (when busybox has init: the kernel's first program)
 *   /dev /etc /home /usr    0755   /proc /sys 0555   /root 0700   /tmp 1777
 *   /etc/passwd group hostname profile inittab fstab motd fornax-image
 * </pre>
 */
public final class RootImage {
    /** Bump when the layout or the /etc files change: cached images are rebuilt. */
    public static final int LAYOUT = 1;
    public static final String INFO = "etc/fornax-image";
    public static final String INPUTS_PREFIX = "inputs: ";
    static final int DIR = 0040000, REG = 0100000, LNK = 0120000;

    private record Node(int mode, byte[] data) { }

    private RootImage() { }

    /** The key of the inputs: cached images whose {@value #INFO} names the same key are current. */
    public static String inputsKey(byte[] busybox, String version, long mtime, Applets.AppletList applets) {
        return Hashing.sha256(("layout " + LAYOUT + "\nversion " + version + "\nmtime " + mtime + "\napplets "
                + String.join(" ", applets.paths()) + "\nbusybox ").getBytes(StandardCharsets.UTF_8),
                Hashing.sha256(busybox).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Builds the archive.
     *
     * @param version busybox's package version, or {@code null} if not known
     * @param mtime   seconds since the epoch for every member
     */
    public static byte[] build(byte[] busybox, String version, long mtime, Applets.AppletList applets) {
        Map<String, Node> tree = new TreeMap<>();        // "" is the root; a parent sorts before its children
        for (String d : List.of("", "bin", "dev", "etc", "home", "sbin", "usr", "usr/bin", "usr/sbin"))
            tree.put(d, dir(0755));
        tree.put("proc", dir(0555));
        tree.put("sys", dir(0555));
        tree.put("root", dir(0700));
        tree.put("tmp", dir(01777));
        tree.put("bin/busybox", new Node(REG | 0755, busybox));

        for (String path : applets.paths()) {
            if (tree.containsKey(path)) continue;
            int depth = (int) path.chars().filter(c -> c == '/').count();
            tree.put(path, link(path.startsWith("bin/") ? "busybox" : "../".repeat(depth) + "bin/busybox"));
        }
        boolean hasInit = applets.names().contains("init");
        if (hasInit) tree.put("init", link("bin/busybox"));

        String ver = version == null ? "unknown version" : version;
        file(tree, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        file(tree, "etc/group", "root:x:0:\n");
        file(tree, "etc/hostname", "fornax\n");
        file(tree, "etc/profile", """
                # /etc/profile: read by login shells (init starts "-/bin/sh", a login shell)
                export PATH=/bin:/sbin:/usr/bin:/usr/sbin
                export HOME="${HOME:-/root}"
                PS1='\\u@\\h:\\w\\$ '
                export PS1
                umask 022
                case $- in *i*) [ -r /etc/motd ] && cat /etc/motd ;; esac
                """);
        file(tree, "etc/inittab", """
                # /etc/inittab for busybox init: <id>::<action>:<process>
                ::sysinit:/bin/mount -t proc proc /proc
                ::sysinit:/bin/mount -t sysfs sysfs /sys
                ::sysinit:/bin/hostname -F /etc/hostname
                ::askfirst:-/bin/sh
                ::ctrlaltdel:/sbin/reboot
                ::shutdown:/bin/umount -a -r
                """);
        file(tree, "etc/fstab", """
                # <file system> <mount point> <type> <options> <dump> <pass>
                proc   /proc  proc   defaults   0 0
                sysfs  /sys   sysfs  defaults   0 0
                tmpfs  /tmp   tmpfs  mode=1777  0 0
                """);
        file(tree, "etc/motd", "\nFornax/J: a Java kernel running Debian's busybox (" + ver + ") on an emulated RV64GC machine.\n\n");
        file(tree, INFO, "Fornax/J root image, layout " + LAYOUT + "\n"
                + "busybox: " + ver + ", sha256 " + Hashing.sha256(busybox) + "\n"
                + "applets: " + applets.paths().size() + " from " + applets.source() + "\n"
                + INPUTS_PREFIX + inputsKey(busybox, version, mtime, applets) + "\n");
        return write(tree, mtime);
    }

    private static Node dir(int perms) { return new Node(DIR | perms, new byte[0]); }

    private static Node link(String target) { return new Node(LNK | 0777, target.getBytes(StandardCharsets.UTF_8)); }

    private static void file(Map<String, Node> tree, String path, String text) {
        tree.put(path, new Node(REG | 0644, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] write(Map<String, Node> tree, long mtime) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, "UTF-8")) {
            long ino = 1;
            for (Map.Entry<String, Node> e : tree.entrySet()) {
                String path = e.getKey();
                Node n = e.getValue();
                CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, path.isEmpty() ? "." : path,
                        n.data().length);
                entry.setMode(n.mode());
                entry.setUID(0);
                entry.setGID(0);
                entry.setTime(mtime);
                entry.setInode(ino++);
                entry.setNumberOfLinks((n.mode() & 0170000) == DIR ? 2 + subdirectories(tree, path) : 1);
                cpio.putArchiveEntry(entry);
                cpio.write(n.data());
                cpio.closeArchiveEntry();
            }
            cpio.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);                      // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static long subdirectories(Map<String, Node> tree, String dir) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        return tree.entrySet().stream().filter(e -> !e.getKey().isEmpty() && e.getKey().startsWith(prefix)
                && e.getKey().indexOf('/', prefix.length()) < 0 && (e.getValue().mode() & 0170000) == DIR).count();
    }
}
