package fornax.cli.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import fornax.kernel.initramfs.CpioFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;

/** The kernel's {@link CpioArchive} against archives written and read by Apache Commons Compress. */
class CpioInteropTest {
    /** A member to write: {@code data} is a symlink's target for links. */
    record Spec(String name, int mode, byte[] data, long ino, long nlink, long uid, long gid, long mtime,
                long rdevMajor, long rdevMinor) { }

    static byte[] write(List<Spec> specs, short format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream c = new CpioArchiveOutputStream(out, format, CpioConstants.BLOCK_SIZE, "UTF-8")) {
            for (Spec s : specs) {
                CpioArchiveEntry e = new CpioArchiveEntry(format, s.name(), s.data().length);
                e.setMode(s.mode());
                e.setInode(s.ino());
                e.setNumberOfLinks(s.nlink());
                e.setUID(s.uid());
                e.setGID(s.gid());
                e.setTime(s.mtime());
                if (format == CpioConstants.FORMAT_NEW || format == CpioConstants.FORMAT_NEW_CRC) {
                    e.setRemoteDeviceMaj(s.rdevMajor());
                    e.setRemoteDeviceMin(s.rdevMinor());
                }
                if (format == CpioConstants.FORMAT_NEW_CRC) {
                    long sum = 0;
                    for (byte b : s.data()) sum += b & 0xFF;
                    e.setChksum(sum & 0xFFFFFFFFL);
                }
                c.putArchiveEntry(e);
                c.write(s.data());
                c.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static Spec spec(String name, int mode, byte[] data, long ino) {
        return new Spec(name, mode, data, ino, (mode & 0170000) == 0040000 ? 2 : 1, 0, 0, 1_700_000_000L, 0, 0);
    }

    @Test
    void randomTreesRoundTrip() throws Exception {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Spec> specs = new ArrayList<>();
            List<String> dirs = new ArrayList<>(List.of(""));
            specs.add(spec(".", 040755, new byte[0], 1));
            int n = 1 + r.nextInt(40);
            long ino = 2;
            for (int i = 0; i < n; i++) {
                String parent = dirs.get(r.nextInt(dirs.size()));
                StringBuilder nm = new StringBuilder();
                int len = 1 + r.nextInt(r.nextInt(10) == 0 ? 200 : 12);   // names of every length mod 4
                for (int k = 0; k < len; k++) nm.append("abcxyz019._-é".charAt(r.nextInt(13)));
                String name = (parent.isEmpty() ? "" : parent + "/") + nm + "_" + i;
                long uid = r.nextInt(3) == 0 ? 0xFFFFFFFEL : r.nextInt(2000), gid = r.nextInt(2000);
                long mtime = r.nextInt(2) == 0 ? 0xFFFFFFFFL : r.nextInt(Integer.MAX_VALUE);
                switch (r.nextInt(5)) {
                    case 0 -> { specs.add(new Spec(name, 040700 | r.nextInt(0100), new byte[0], ino++, 2, uid, gid, mtime, 0, 0));
                                dirs.add(name); }
                    case 1 -> { byte[] t = ("../" + "t".repeat(1 + r.nextInt(300))).getBytes(StandardCharsets.UTF_8);
                                specs.add(new Spec(name, 0120777, t, ino++, 1, uid, gid, mtime, 0, 0)); }
                    case 2 -> specs.add(new Spec(name, 0020000 | r.nextInt(01000), new byte[0], ino++, 1, uid, gid, mtime,
                            r.nextInt(256), r.nextInt(1 << 20)));
                    default -> {
                        byte[] d = new byte[r.nextInt(10) == 0 ? r.nextInt(100_000) : r.nextInt(9)];
                        r.nextBytes(d);
                        specs.add(new Spec(name, 0100000 | r.nextInt(010000), d, ino++, 1, uid, gid, mtime, 0, 0));
                    }
                }
            }
            short format = r.nextBoolean() ? CpioConstants.FORMAT_NEW : CpioConstants.FORMAT_NEW_CRC;
            byte[] archive = write(specs, format);
            CpioArchive a = CpioArchive.parse(archive);
            assertEquals(specs.size(), a.size());
            compareWithCommons(archive, a);
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                CpioEntry e = a.entries().get(i);
                assertEquals(s.name().equals(".") ? "/" : "/" + s.name(), e.path());
                assertEquals(s.mode(), e.mode(), e.path());
                assertEquals(s.uid(), e.uid());
                assertEquals(s.gid(), e.gid());
                assertEquals(s.mtime(), e.mtime());
                assertEquals(s.ino(), e.ino());
                assertEquals(s.nlink(), e.nlink());
                assertEquals(s.rdevMajor(), e.rdevMajor());
                assertEquals(s.rdevMinor(), e.rdevMinor());
                if (e.isSymlink()) assertEquals(new String(s.data(), StandardCharsets.UTF_8), e.linkTarget());
                else assertArrayEquals(s.data(), e.data(), e.path());
            }
        }
    }

    /** Every member as Commons Compress's own reader sees it. */
    static void compareWithCommons(byte[] archive, CpioArchive ours) throws IOException {
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive), CpioConstants.BLOCK_SIZE, "UTF-8")) {
            int i = 0;
            CpioArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                CpioEntry o = ours.entries().get(i++);
                String name = e.getName().equals(".") ? "/" : "/" + e.getName().replaceFirst("^\\./", "");
                assertEquals(name, o.path());
                assertEquals(e.getMode(), o.mode(), name);
                assertEquals(e.getUID(), o.uid(), name);
                assertEquals(e.getGID(), o.gid(), name);
                assertEquals(e.getTime(), o.mtime(), name);
                assertEquals(e.getNumberOfLinks(), o.nlink(), name);
                assertEquals(e.getInode(), o.ino(), name);
                byte[] data = in.readAllBytes();
                if (o.isSymlink()) assertEquals(new String(data, StandardCharsets.UTF_8), o.linkTarget(), name);
                else if (o.hardLinkOf() == null) assertArrayEquals(data, o.data(), name);
            }
            assertEquals(ours.size(), i);
        }
    }

    @Test
    void hardLinksAsGnuCpioWritesThem() throws Exception {
        byte[] payload = "linked contents\n".getBytes(StandardCharsets.UTF_8);
        List<Spec> specs = List.of(
                spec(".", 040755, new byte[0], 1),
                new Spec("bin", 040755, new byte[0], 2, 2, 0, 0, 0, 0, 0),
                new Spec("bin/a", 0100755, new byte[0], 9, 3, 0, 0, 0, 0, 0),   // data with the last link only
                new Spec("bin/b", 0100755, new byte[0], 9, 3, 0, 0, 0, 0, 0),
                new Spec("bin/c", 0100755, payload, 9, 3, 0, 0, 0, 0, 0));
        CpioArchive a = CpioArchive.parse(write(specs, CpioConstants.FORMAT_NEW));
        for (String p : List.of("/bin/a", "/bin/b", "/bin/c")) assertArrayEquals(payload, a.get(p).data(), p);
        assertNull(a.get("/bin/a").hardLinkOf());
        assertEquals("/bin/a", a.get("/bin/b").hardLinkOf());
        assertEquals("/bin/a", a.get("/bin/c").hardLinkOf());
        assertSame(a.get("/bin/a").data(), a.get("/bin/b").data());
    }

    @Test
    void commonsPaddingAndTrailerAreAccepted() throws Exception {
        byte[] archive = write(List.of(spec("x", 0100644, new byte[] {1, 2, 3}, 5)), CpioConstants.FORMAT_NEW);
        assertEquals(0, archive.length % CpioConstants.BLOCK_SIZE);        // padded to 512 with zeros
        assertEquals(1, CpioArchive.parse(archive).size());
    }

    @Test
    void otherCpioFormatsAreRefusedClearly() throws Exception {
        byte[] odc = write(List.of(spec("x", 0100644, new byte[] {1}, 5)), CpioConstants.FORMAT_OLD_ASCII);
        CpioFormatException e = assertThrows(CpioFormatException.class, () -> CpioArchive.parse(odc));
        assertTrue(e.getMessage().contains("bad magic \"070707\""), e.getMessage());
        byte[] bin = write(List.of(spec("x", 0100644, new byte[] {1}, 5)), CpioConstants.FORMAT_OLD_BINARY);
        assertThrows(CpioFormatException.class, () -> CpioArchive.parse(bin));
    }

    /** Truncating a Commons-written archive anywhere before its trailer ends gives a CpioFormatException. */
    @Test
    void truncatedCommonsArchives() throws Exception {
        byte[] archive = write(List.of(spec(".", 040755, new byte[0], 1), spec("a", 0100644, "abcde".getBytes(), 2),
                spec("l", 0120777, "a".getBytes(), 3)), CpioConstants.FORMAT_NEW);
        int end = trailerEnd(archive);
        for (int n = 0; n < end; n++) {
            byte[] cut = Arrays.copyOf(archive, n);
            assertThrows(CpioFormatException.class, () -> CpioArchive.parse(cut), "prefix " + n);
        }
        assertEquals(3, CpioArchive.parse(Arrays.copyOf(archive, end)).size());
    }

    /** The image {@code fornax image} built on this machine, if there is one: both readers agree. */
    @Test
    void cachedRootImageReadsTheSameInBothReaders() throws Exception {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path image = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("fornax").resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no cached image at " + image + " (run ./fornax image)");
        byte[] bytes = Files.readAllBytes(image);
        CpioArchive a = CpioArchive.parse(bytes);
        compareWithCommons(bytes, a);
        assertNotNull(a.get("/bin/busybox"));
    }

    static int trailerEnd(byte[] a) {
        byte[] t = "TRAILER!!!\0".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + t.length <= a.length; i++) {
            if (Arrays.equals(a, i, i + t.length, t, 0, t.length)) return (i + t.length + 3) & ~3;
        }
        throw new AssertionError("no trailer");
    }
}
