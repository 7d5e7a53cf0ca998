package fornax.kernel.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CpioArchive} on archives built here byte by byte (the kernel module has no archive
 * library; the cli module's tests check it against Apache Commons Compress).
 */
class CpioArchiveTest {
    static final int DIR = 0040755, FILE = 0100644, EXE = 0100755, LINK = 0120777, CHR = 0020600;

    /** A minimal newc writer, deliberately independent of the reader. */
    static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ino = 1;
        String magic = "070701";

        Writer add(String name, int mode, byte[] data) { return add(name, mode, data, ino++, 1, 0, 0); }

        Writer add(String name, int mode, byte[] data, int inode, int nlink, int rmaj, int rmin) {
            byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
            long check = 0;
            if (magic.equals("070702")) for (byte x : data) check += x & 0xFF;
            header(new long[] {inode, mode, 0, 0, nlink, 1_700_000_000L, data.length, 0, 0, rmaj, rmin, n.length, check});
            out.writeBytes(n);
            pad();
            out.writeBytes(data);
            pad();
            return this;
        }

        Writer raw(String headerText, byte[] nameAndData) {
            out.writeBytes(headerText.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(nameAndData);
            return this;
        }

        void header(long[] f) {
            StringBuilder sb = new StringBuilder(magic);
            for (long v : f) sb.append(String.format("%08x", v));
            out.writeBytes(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }

        void pad() { while (out.size() % 4 != 0) out.write(0); }

        byte[] finish() { add(CpioArchive.TRAILER, 0, new byte[0], 0, 1, 0, 0); return out.toByteArray(); }
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static byte[] sample() {
        return new Writer()
                .add(".", DIR, new byte[0])
                .add("bin", DIR, new byte[0])
                .add("bin/hello", EXE, bytes("\u007fELF hello"))
                .add("bin/sh", LINK, bytes("hello"))
                .add("dev", DIR, new byte[0])
                .add("dev/console", CHR, new byte[0], 99, 1, 5, 1)
                .add("etc/motd", FILE, bytes("hi\n"))
                .finish();
    }

    @Test
    void readsEveryKindOfMember() throws Exception {
        CpioArchive a = CpioArchive.parse(sample());
        assertEquals(List.of("/", "/bin", "/bin/hello", "/bin/sh", "/dev", "/dev/console", "/etc/motd"),
                a.entries().stream().map(CpioEntry::path).toList());
        CpioEntry hello = a.get("/bin/hello");
        assertEquals(CpioEntry.Type.REGULAR, hello.type());
        assertEquals(0755, hello.permissions());
        assertEquals(EXE, hello.mode());
        assertArrayEquals(bytes("\u007fELF hello"), hello.data());
        assertEquals(1_700_000_000L, hello.mtime());
        assertEquals(1, hello.nlink());
        assertNull(hello.linkTarget());
        CpioEntry sh = a.get("bin/sh");
        assertTrue(sh.isSymlink());
        assertEquals("hello", sh.linkTarget());
        assertEquals(5, sh.size());
        assertEquals(0, sh.data().length);
        CpioEntry console = a.get("/dev/console");
        assertEquals(CpioEntry.Type.CHAR_DEVICE, console.type());
        assertEquals(5, console.rdevMajor());
        assertEquals(1, console.rdevMinor());
        assertEquals(99, console.ino());
        assertTrue(a.get("/").isDirectory());
        assertSame(a.get("/"), a.get("."));
        assertNull(a.get("/nope"));
        assertEquals(0, a.get("/").offset());
    }

    @Test
    void crcFormatIsVerified() throws Exception {
        Writer w = new Writer();
        w.magic = "070702";
        byte[] good = w.add("f", FILE, bytes("checksummed")).finish();
        assertArrayEquals(bytes("checksummed"), CpioArchive.parse(good).get("/f").data());
        byte[] bad = good.clone();
        int dataAt = indexOf(bad, bytes("checksummed"));
        bad[dataAt] ^= 1;
        CpioFormatException e = assertThrows(CpioFormatException.class, () -> CpioArchive.parse(bad));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        assertEquals(6 + 8 * 12, e.offset());
    }

    @Test
    void hardLinksShareTheDataStoredWithTheLastLink() throws Exception {
        byte[] a = new Writer()
                .add("a", FILE, new byte[0], 7, 3, 0, 0)
                .add("b", FILE, new byte[0], 7, 3, 0, 0)
                .add("c", FILE, bytes("shared"), 7, 3, 0, 0)
                .add("d", FILE, bytes("other"), 8, 1, 0, 0)
                .finish();
        CpioArchive ar = CpioArchive.parse(a);
        for (String p : List.of("/a", "/b", "/c")) assertArrayEquals(bytes("shared"), ar.get(p).data(), p);
        assertSame(ar.get("/a").data(), ar.get("/c").data());
        assertNull(ar.get("/a").hardLinkOf());
        assertEquals("/a", ar.get("/b").hardLinkOf());
        assertEquals("/a", ar.get("/c").hardLinkOf());
        assertNull(ar.get("/d").hardLinkOf());
        assertEquals(3, ar.get("/b").nlink());
    }

    @Test
    void hardLinksWithDifferentDataAreRejected() {
        byte[] a = new Writer()
                .add("a", FILE, bytes("one"), 7, 2, 0, 0)
                .add("b", FILE, bytes("two"), 7, 2, 0, 0)
                .finish();
        assertMalformed(a, "different");
    }

    @Test
    void sameInodeWithNlinkOneIsNotALink() throws Exception {
        byte[] a = new Writer().add("a", FILE, bytes("one"), 7, 1, 0, 0).add("b", FILE, bytes("two"), 7, 1, 0, 0).finish();
        CpioArchive ar = CpioArchive.parse(a);
        assertArrayEquals(bytes("two"), ar.get("/b").data());
        assertNull(ar.get("/b").hardLinkOf());
    }

    @Test
    void zeroPaddingAndConcatenatedArchives() throws Exception {
        byte[] first = new Writer().add("etc", DIR, new byte[0]).add("etc/motd", FILE, bytes("old")).finish();
        byte[] second = new Writer().add("etc/motd", FILE, bytes("new")).add("x", FILE, bytes("x")).finish();
        byte[] both = new byte[first.length + 512 + second.length + 100];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length + 512, second.length);
        CpioArchive a = CpioArchive.parse(both);
        assertArrayEquals(bytes("new"), a.get("/etc/motd").data());
        assertEquals(List.of("/etc", "/etc/motd", "/x"), a.entries().stream().map(CpioEntry::path).toList());
    }

    @Test
    void pathsAreNormalized() throws Exception {
        byte[] a = new Writer().add("./usr", DIR, new byte[0]).add("/usr/bin/", DIR, new byte[0])
                .add("usr/bin/x", FILE, new byte[0]).finish();
        assertEquals(List.of("/usr", "/usr/bin", "/usr/bin/x"),
                CpioArchive.parse(a).entries().stream().map(CpioEntry::path).toList());
    }

    // ---- malformed archives: a CpioFormatException with an offset, never another exception ----

    @Test
    void emptyArchive() { assertMalformed(new byte[0], "empty archive", 0); }

    @Test
    void everyTruncationIsRejected() {
        byte[] a = sample();
        for (int n = 0; n < a.length; n++) {
            byte[] cut = Arrays.copyOf(a, n);
            try {
                CpioArchive.parse(cut);
                fail("a prefix of " + n + " of " + a.length + " bytes was accepted");
            } catch (CpioFormatException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= n, n + ": " + e.getMessage());
            }
        }
    }

    @Test
    void missingTrailer() {
        byte[] a = new Writer().add("a", FILE, bytes("x")).out.toByteArray();
        assertMalformed(a, "without a TRAILER!!!", a.length);
    }

    @Test
    void badMagic() {
        byte[] a = sample();
        a[5] = '7';                                   // 070707: the old portable (odc) format
        assertMalformed(a, "bad magic \"070707\"", 0);
        byte[] b = sample();
        b[0] = (byte) 0xC3;
        assertMalformed(b, "bad magic \"\\xc3", 0);
    }

    @Test
    void badHexDigit() {
        byte[] a = sample();
        int second = secondHeader(a);
        a[second + 6 + 8 * 6 + 3] = 'g';              // filesize of "bin"
        assertMalformed(a, "bad hex digit 'g' in field filesize", second + 6 + 8 * 6 + 3);
        byte[] b = sample();
        b[6 + 8 * 1] = ' ';                           // mode of "."
        assertMalformed(b, "field mode", 6 + 8);
    }

    @Test
    void nameWithoutNul() {
        Writer w = new Writer();
        byte[] a = w.add("abc", FILE, new byte[0]).finish();
        a[CpioArchive.HEADER_SIZE + 3] = 'd';         // the NUL of "abc"
        assertMalformed(a, "not NUL-terminated", CpioArchive.HEADER_SIZE + 3);
    }

    @Test
    void nulInsideName() {
        byte[] a = new Writer().add("abc", FILE, new byte[0]).finish();
        a[CpioArchive.HEADER_SIZE + 1] = 0;
        assertMalformed(a, "NUL inside the name", CpioArchive.HEADER_SIZE + 1);
    }

    @Test
    void nameSizeLimits() {
        assertMalformed(headerOnly(0, 0, 0), "name size 0", 6 + 8 * 11);
        assertMalformed(headerOnly(0, 0, 1), "name size 1", 6 + 8 * 11);
        assertMalformed(headerOnly(0, 0, 4097), "exceeds 4096", 6 + 8 * 11);
        assertMalformed(headerOnly(FILE, 0, 4096), "truncated name", CpioArchive.HEADER_SIZE);
        assertMalformed(headerOnly(FILE, 0, 0xFFFFFFFFL), "exceeds 4096", 6 + 8 * 11);
    }

    @Test
    void sizeBeyondEnd() {
        byte[] a = new Writer().add("f", FILE, bytes("data")).finish();
        byte[] huge = patchField(a, 0, 6, 0xFFFFFFFFL);
        assertMalformed(huge, "file size 4294967295 goes beyond the end", 0);
        byte[] slightly = patchField(a, 0, 6, a.length);
        assertMalformed(slightly, "goes beyond the end", 0);
    }

    @Test
    void nonZeroPadding() {
        byte[] a = new Writer().add("ab", FILE, bytes("x")).finish();  // 110 + 3 → one padding byte
        a[113] = 1;
        assertMalformed(a, "non-zero padding after the name", 113);
    }

    @Test
    void unknownTypeAndDataOnDirectories() {
        assertMalformed(new Writer().add("x", 0000644, new byte[0]).finish(), "unknown file type", 6 + 8);
        assertMalformed(new Writer().add("d", DIR, bytes("x")).finish(), "a directory with 1 bytes", 0);
        assertMalformed(new Writer().add("c", CHR, bytes("x")).finish(), "character device", 0);
        assertMalformed(patchField(new Writer().add("x", FILE, new byte[0]).finish(), 0, 1, 0x10000 | FILE),
                "bits above", 6 + 8);
    }

    @Test
    void badSymlinks() {
        assertMalformed(new Writer().add("l", LINK, new byte[0]).finish(), "empty target", 0);
        assertMalformed(new Writer().add("l", LINK, bytes("a\0b")).finish(), "NUL in symlink target", 113);
        assertMalformed(new Writer().add("l", LINK, new byte[4096]).finish(), "exceeds 4095", 0);
    }

    @Test
    void badPaths() {
        assertMalformed(new Writer().add("../etc/passwd", FILE, new byte[0]).finish(), "\"..\" component", 0);
        assertMalformed(new Writer().add("a//b", FILE, new byte[0]).finish(), "\"\" component", 0);
        assertMalformed(new Writer().add("a/./b", FILE, new byte[0]).finish(), "\".\" component", 0);
        assertMalformed(new Writer().add("file/", FILE, new byte[0]).finish(), "component", 0);
        assertMalformed(new Writer().add(".", FILE, new byte[0]).finish(), "not a directory", 0);
        assertMalformed(new Writer().add("x".repeat(256), FILE, new byte[0]).finish(), "longer than 255", 0);
        byte[] latin1 = new Writer().add("caf\u00e9", FILE, new byte[0]).finish();
        latin1[CpioArchive.HEADER_SIZE + 3] = (byte) 0xE9;  // 'é' in Latin-1 instead of UTF-8 (then a NUL-less byte)
        latin1[CpioArchive.HEADER_SIZE + 4] = 'x';
        assertMalformed(latin1, "not valid UTF-8", CpioArchive.HEADER_SIZE);
    }

    @Test
    void duplicatePathInOneArchive() {
        byte[] a = new Writer().add("a", FILE, bytes("1")).add("./a", FILE, bytes("2")).finish();
        assertMalformed(a, "duplicate of the member at offset 0", 116);
    }

    @Test
    void trailerWithData() {
        Writer w = new Writer().add("a", FILE, new byte[0]);
        w.add(CpioArchive.TRAILER, 0, bytes("junk"), 0, 1, 0, 0);
        assertMalformed(w.out.toByteArray(), "TRAILER!!! with 4 bytes", 112);
    }

    @Test
    void junkAfterTrailer() {
        byte[] a = sample();
        byte[] b = Arrays.copyOf(a, a.length + 3);
        b[a.length + 1] = 'x';
        assertMalformed(b, "neither zero padding", a.length + 1);
        byte[] c = Arrays.copyOf(a, a.length + 8);
        c[a.length + 4] = 'x';                        // aligned, but not a header
        assertMalformed(c, "truncated header", a.length + 4);
    }

    @Test
    void compressedArchivesAreNamed() {
        assertMalformed(new byte[] {0x1F, (byte) 0x8B, 8, 0}, "gzip-compressed", 0);
        assertMalformed(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 0}, "xz-compressed", 0);
    }

    /** Random corruption: parse succeeds or throws CpioFormatException; nothing else escapes. */
    @Test
    void randomCorruptionNeverCrashes() {
        byte[] base = sample();
        Random r = new Random(42);
        int rejected = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] a = base.clone();
            int flips = 1 + r.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = r.nextInt(a.length);
                a[at] = switch (r.nextInt(3)) {
                    case 0 -> (byte) r.nextInt(256);
                    case 1 -> (byte) "0123456789abcdefF".charAt(r.nextInt(17));   // plausible hex
                    default -> 0;
                };
            }
            try {
                CpioArchive.parse(a);
            } catch (CpioFormatException e) {
                rejected++;
                assertTrue(e.offset() >= 0 && e.offset() <= a.length, e.getMessage());
            } catch (RuntimeException e) {
                throw new AssertionError("round " + round + ": " + e, e);
            }
        }
        assertTrue(rejected > 1000, "only " + rejected + " corruptions were rejected");
    }

    // ---- helpers ----

    static void assertMalformed(byte[] archive, String messagePart) {
        assertMalformed(archive, messagePart, -1);
    }

    static void assertMalformed(byte[] archive, String messagePart, long offset) {
        CpioFormatException e = assertThrows(CpioFormatException.class, () -> CpioArchive.parse(archive));
        assertTrue(e.getMessage().contains(messagePart), () -> "message \"" + e.getMessage()
                + "\" lacks \"" + messagePart + "\"");
        assertTrue(e.getMessage().startsWith("cpio: ") && e.getMessage().contains(" at offset "), e.getMessage());
        if (offset >= 0) assertEquals(offset, e.offset(), e.getMessage());
    }

    /** A header with the given mode, filesize and namesize, followed by nothing. */
    static byte[] headerOnly(int mode, long filesize, long namesize) {
        Writer w = new Writer();
        w.header(new long[] {1, mode, 0, 0, 1, 0, filesize, 0, 0, 0, 0, namesize, 0});
        return w.out.toByteArray();
    }

    static byte[] patchField(byte[] a, int header, int field, long value) {
        byte[] b = a.clone();
        byte[] hex = String.format("%08x", value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, b, header + 6 + 8 * field, 8);
        return b;
    }

    static int secondHeader(byte[] a) {
        for (int i = 4; i < a.length; i += 4)
            if (a[i] == '0' && a[i + 1] == '7' && a[i + 2] == '0' && a[i + 3] == '7' && a[i + 4] == '0') return i;
        throw new AssertionError();
    }

    static int indexOf(byte[] a, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= a.length; i++) {
            for (int j = 0; j < needle.length; j++) if (a[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
