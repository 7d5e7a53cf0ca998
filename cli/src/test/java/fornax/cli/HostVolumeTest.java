package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.kernel.initramfs.CpioArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fornax run -v HOSTDIR:GUESTDIR[:ro]} with Debian's busybox: what the guest writes the
 * host sees, what the host put there the guest reads, tar and cp work across it, host symlinks
 * pointing out of the folder lead into the guest's own tree, read-only volumes say EROFS, and a
 * bad volume is one line and status 2. Skipped when the root image has not been built.
 */
class HostVolumeTest {
    private static Path image;
    @TempDir Path tmp;
    private Path vol, outside;

    @BeforeAll
    static void needImage() {
        image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    @BeforeEach
    void folders() throws Exception {
        vol = Files.createDirectory(tmp.resolve("vol"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "HOST-SECRET\n");
    }

    private GuestHarness.Result run(String script, String... volumes) throws Exception {
        List<String> cli = new ArrayList<>(List.of("run", "--cpus", "1"));
        for (String v : volumes) {
            cli.add("-v");
            cli.add(v);
        }
        cli.addAll(List.of("--", "sh", "-c", script));
        return GuestHarness.runCli(cli, "run -v ... sh -c " + script);
    }

    @Test
    void guestWritesReachTheHostAndHostFilesReachTheGuest() throws Exception {
        Files.writeString(vol.resolve("from-host"), "written by the host\n");
        var r = run("cat /mnt/from-host && echo guest > /mnt/g && mkdir -p /mnt/d/e && seq 1 1000 > /mnt/d/e/n "
                + "&& mv /mnt/g /mnt/d/g2 && rm /mnt/from-host && ls /mnt /mnt/d && wc -l < /mnt/d/e/n", vol + ":/mnt");
        assertEquals(0, r.status(), r.err());
        assertEquals("written by the host\n/mnt:\nd\n\n/mnt/d:\ne\ng2\n1000\n", r.out());
        assertEquals("guest\n", Files.readString(vol.resolve("d/g2")));
        assertEquals(1000, Files.readAllLines(vol.resolve("d/e/n")).size());
        assertFalse(Files.exists(vol.resolve("from-host")), "the guest's rm removed the host file");
    }

    @Test
    void tarAndCpIntoTheVolume() throws Exception {
        var r = run("mkdir -p /tmp/src/sub && seq 1 500 > /tmp/src/sub/a && ln -s sub/a /tmp/src/l "
                + "&& tar cf - -C /tmp src | tar xf - -C /mnt && cp /bin/busybox /mnt/bb && cp -r /tmp/src /mnt/copy "
                + "&& cmp /bin/busybox /mnt/bb && tar cf /mnt/back.tar -C /mnt src && tar tf /mnt/back.tar | sort", vol + ":/mnt");
        assertEquals(0, r.status(), r.err());
        assertEquals("src/\nsrc/l\nsrc/sub/\nsrc/sub/a\n", r.out());
        assertEquals(500, Files.readAllLines(vol.resolve("src/sub/a")).size());
        assertTrue(Files.isSymbolicLink(vol.resolve("src/l")));
        assertEquals(Path.of("sub/a"), Files.readSymbolicLink(vol.resolve("src/l")));
        assertEquals(Files.readString(vol.resolve("src/sub/a")), Files.readString(vol.resolve("copy/sub/a")));
        byte[] busybox = CpioArchive.read(image).get("/bin/busybox").data();
        assertArrayEquals(busybox, Files.readAllBytes(vol.resolve("bb")));
    }

    @Test
    void hostSymlinksOutOfTheFolderLeadIntoTheGuest() throws Exception {
        Files.createSymbolicLink(vol.resolve("abs"), outside.resolve("secret"));
        Files.createSymbolicLink(vol.resolve("dir"), outside);
        Files.createSymbolicLink(vol.resolve("rel"), Path.of("../outside/secret"));
        String script = "for f in /mnt/abs /mnt/dir/secret /mnt/rel /mnt/../outside/secret /mnt/../../../" + outside
                + "/secret; do cat $f 2>/dev/null || echo \"no $f\"; done; readlink /mnt/dir; "
                + "echo planted > /mnt/dir/planted 2>/dev/null || echo refused";
        var r = run(script, vol + ":/mnt");
        assertFalse(r.out().contains("HOST-SECRET"), r.out());
        assertTrue(r.out().contains("no /mnt/abs\n"), r.out());
        assertTrue(r.out().contains(outside + "\n"), "readlink gives the host text: " + r.out());
        assertTrue(r.out().endsWith("refused\n"), r.out());
        assertFalse(Files.exists(outside.resolve("planted")));
    }

    @Test
    void aReadOnlyVolumeSaysErofs() throws Exception {
        Files.writeString(vol.resolve("f"), "keep\n");
        var r = run("cat /mnt/f; echo x > /mnt/new; rm /mnt/f; touch /mnt/f; echo status $?", vol + ":/mnt:ro");
        assertEquals("keep\nstatus 1\n", r.out());
        assertTrue(r.err().contains("Read-only file system"), r.err());
        assertEquals("keep\n", Files.readString(vol.resolve("f")));
        assertFalse(Files.exists(vol.resolve("new")));
    }

    @Test
    void twoVolumesAndANestedGuestPath() throws Exception {
        Path other = Files.createDirectory(tmp.resolve("other"));
        var r = run("echo a > /mnt/a && echo b > /srv/deep/b && ls /srv/deep", vol + ":/mnt", other + ":/srv/deep");
        assertEquals(0, r.status(), r.err());
        assertEquals("b\n", r.out());
        assertEquals("a\n", Files.readString(vol.resolve("a")));
        assertEquals("b\n", Files.readString(other.resolve("b")));
    }

    @Test
    void aMissingHostDirectoryIsOneLineAndStatus2() throws Exception {
        var r = run("true", tmp.resolve("missing") + ":/mnt");
        assertEquals(2, r.status());
        assertEquals("fornax: -v " + tmp.resolve("missing") + ":/mnt: " + tmp.resolve("missing") + ": no such directory\n",
                new String(r.stderr(), StandardCharsets.UTF_8));
    }
}
