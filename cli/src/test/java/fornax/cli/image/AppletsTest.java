package fornax.cli.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three ways of finding applets, without running anything. */
class AppletsTest {
    @Test
    void listFullOutputIsParsed() {
        List<String> l = Applets.parseListFull("usr/bin/[\nusr/bin/[[\nsbin/acpid\nbin/busybox\nlinuxrc\nbin/sh\n");
        assertEquals(List.of("usr/bin/[", "usr/bin/[[", "sbin/acpid", "bin/sh"), l);
    }

    @Test
    void otherOutputIsNotAnAppletList() {
        assertNull(Applets.parseListFull("Hello world from Ring 3\n"));
        assertNull(Applets.parseListFull("bin/sh\n../etc/passwd\n"));
        assertNull(Applets.parseListFull("bin/sh\nopt/bin/x\n"));
        assertNull(Applets.parseListFull(""));
        assertNull(Applets.parseListFull("linuxrc\n"));
    }

    @Test
    void appletTableIsFoundInTheBinary() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x7F, 'E', 'L', 'F', 9, 9, '['});       // a stray '[' before the table
        String[] names = {"[", "[[", "acpid", "ar", "ash", "awk", "busybox", "cat", "chroot", "cp", "init", "ls",
            "mount", "mv", "rm", "sed", "sh", "sort", "tar", "umount", "vi", "zcat"};
        for (String n : names) { b.writeBytes(n.getBytes(StandardCharsets.US_ASCII)); b.write(0); }
        b.writeBytes("aaa\0zzz\0".getBytes(StandardCharsets.US_ASCII));  // what follows is not in order
        List<String> found = Applets.scanNames(b.toByteArray());
        assertEquals(names.length - 1, found.size());
        assertFalse(found.contains("busybox"));
        assertFalse(found.contains("aaa"));
        List<String> placed = Applets.place(found);
        assertTrue(placed.contains("usr/bin/["));
        assertTrue(placed.contains("usr/sbin/chroot"));
        assertTrue(placed.contains("sbin/init"));
        assertTrue(placed.contains("bin/sh"));
    }

    @Test
    void shortOrAbsentTablesAreIgnored() {
        assertNull(Applets.scanNames("xx[\0[[\0ls\0sh\0".getBytes(StandardCharsets.US_ASCII)));
        assertNull(Applets.scanNames(new byte[100]));
    }

    @Test
    void builtInListIsDebiansBusybox() {
        List<String> l = Applets.builtIn();
        assertTrue(l.size() > 250, "" + l.size());
        for (String p : List.of("bin/sh", "bin/ls", "bin/mount", "bin/umount", "bin/hostname", "sbin/init", "sbin/reboot",
                "usr/bin/awk", "usr/sbin/chroot"))
            assertTrue(l.contains(p), p);
        assertFalse(l.contains("bin/busybox"));
        assertEquals(l.size(), l.stream().distinct().count());
    }
}
