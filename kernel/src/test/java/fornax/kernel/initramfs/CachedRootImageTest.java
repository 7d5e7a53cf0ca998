package fornax.kernel.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/**
 * The root image that {@code ./fornax image} caches (system property {@code fornax.image}, else
 * {@code $XDG_CACHE_HOME/fornax/rootfs.cpio} or {@code ~/.cache/fornax/rootfs.cpio}); skipped when
 * there is none, since making one needs the network once.
 */
class CachedRootImageTest {
    static Path image() {
        String p = System.getProperty("fornax.image");
        if (p != null && !p.isBlank()) return Path.of(p);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("fornax").resolve("rootfs.cpio");
    }

    @Test
    void cachedImageIsAWellFormedRoot() throws Exception {
        Path image = image();
        assumeTrue(Files.isRegularFile(image), "no cached root image at " + image + " (make one with ./fornax image)");
        CpioArchive a = CpioArchive.read(image);

        CpioEntry bb = a.get("/bin/busybox");
        assertNotNull(bb, "/bin/busybox");
        assertTrue(bb.isRegular());
        assertEquals(0755, bb.permissions());
        byte[] elf = bb.data();
        assertTrue(elf.length > 64 && elf[0] == 0x7F && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F', "ELF magic");
        assertEquals(243, ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getShort(18) & 0xFFFF, "e_machine");

        assertEquals(CpioEntry.Type.DIRECTORY, a.get("/").type());
        assertEquals(041777, a.get("/tmp").mode());
        for (String d : new String[] {"/dev", "/proc", "/sys", "/root", "/etc", "/home"})
            assertTrue(a.get(d) != null && a.get(d).isDirectory(), d);
        assertTrue(text(a, "/etc/passwd").startsWith("root:x:0:0:root:/root:/bin/sh\n"));
        assertEquals("fornax\n", text(a, "/etc/hostname"));
        assertTrue(text(a, "/etc/inittab").contains("::askfirst:-/bin/sh"));

        int links = 0;
        for (CpioEntry e : a.entries()) {
            if (!e.path().equals("/")) {
                String parent = e.path().substring(0, Math.max(1, e.path().lastIndexOf('/')));
                CpioEntry p = a.get(parent);
                assertTrue(p != null && p.isDirectory(), e.path() + ": parent " + parent);
                assertTrue(p.offset() < e.offset(), e.path() + " comes before its directory");
            }
            if (e.isSymlink()) {
                links++;
                assertEquals("/bin/busybox", resolve(e.path(), e.linkTarget()), e.path());
            }
        }
        assertTrue(links > 100, links + " applet links");
        assertEquals("busybox", a.get("/bin/sh").linkTarget());
    }

    private static String text(CpioArchive a, String path) {
        CpioEntry e = a.get(path);
        assertNotNull(e, path);
        return new String(e.data(), StandardCharsets.UTF_8);
    }

    /** A symlink's target, relative to the link's directory, as an absolute normalized path. */
    private static String resolve(String link, String target) {
        Deque<String> parts = new ArrayDeque<>();
        String base = target.startsWith("/") ? target : link.substring(0, link.lastIndexOf('/') + 1) + target;
        for (String c : base.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) { if (!parts.isEmpty()) parts.removeLast(); }
            else parts.addLast(c);
        }
        return "/" + String.join("/", parts);
    }
}
