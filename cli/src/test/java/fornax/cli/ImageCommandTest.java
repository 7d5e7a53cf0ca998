package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fornax image --busybox FILE} end to end, without the network: a .deb built here with
 * Commons Compress (ar + tar.xz), holding userland/build/hello as a stand-in busybox, is unpacked,
 * checked and made into an image, which the kernel's {@link CpioArchive} then reads.
 */
class ImageCommandTest {
    static final long MTIME = 1_750_000_000L;

    @TempDir Path tmp;
    byte[] hello;

    record Run(int status, String out, String err) { }

    @BeforeEach
    void loadHello() throws IOException {
        Path bin = GuestHarness.binary("hello");
        GuestHarness.require(GuestHarness.exists(bin), "userland binary " + bin + " is missing: build it with "
                + "'make -C userland' (needs riscv64-linux-gnu-gcc: run scripts/setup-toolchain.sh)");
        hello = Files.readAllBytes(bin);
    }

    static Run fornax(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    // ---- building test packages ----

    record Member(String name, byte[] data, int mode) { }

    static byte[] tar(List<Member> members, boolean xz) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream comp = xz ? new XZCompressorOutputStream(bytes) : new GzipCompressorOutputStream(bytes);
             TarArchiveOutputStream t = new TarArchiveOutputStream(comp)) {
            for (Member m : members) {
                TarArchiveEntry e = new TarArchiveEntry(m.name());
                if (!m.name().endsWith("/")) e.setSize(m.data().length);
                e.setMode(m.mode());
                e.setModTime(new Date(MTIME * 1000));
                t.putArchiveEntry(e);
                if (!m.name().endsWith("/")) t.write(m.data());
                t.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] ar(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArArchiveOutputStream a = new ArArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                a.putArchiveEntry(new ArArchiveEntry(m.getKey(), m.getValue().length, 0, 0, 0100644, MTIME));
                a.write(m.getValue());
                a.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] deb(String binaryPath, byte[] binary, String arch) throws IOException {
        String control = "Package: busybox-static\nVersion: 1:1.37.0-6+test1\nArchitecture: " + arch + "\n"
                + "Description: stand-in\n multi-line\n";
        List<Member> data = new ArrayList<>(List.of(new Member("./", new byte[0], 040755),
                new Member("./usr/", new byte[0], 040755), new Member("./usr/share/doc/x", new byte[] {1}, 0100644)));
        String dir = binaryPath.substring(0, binaryPath.lastIndexOf('/') + 1);
        if (!dir.equals("./usr/")) data.add(new Member(dir, new byte[0], 040755));
        data.add(new Member(binaryPath, binary, 0100755));
        var members = new java.util.LinkedHashMap<String, byte[]>();
        members.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        members.put("control.tar.xz", tar(List.of(new Member("./control", control.getBytes(StandardCharsets.UTF_8), 0100644)), true));
        members.put("data.tar.xz", tar(data, true));
        return ar(members);
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    // ---- tests ----

    @Test
    void debToImageEndToEnd() throws Exception {
        Path deb = write("busybox-static_test_riscv64.deb", deb("./usr/bin/busybox", hello, "riscv64"));
        Path cache = tmp.resolve("cache");
        Run r = fornax("image", "--busybox", deb.toString(), "--cache", cache.toString());
        assertEquals(0, r.status(), r.err());
        Path image = cache.resolve("rootfs.cpio");
        assertEquals(image.toString(), r.out().strip());
        assertTrue(r.err().contains("wrote " + image), r.err());
        assertTrue(r.err().contains("1:1.37.0-6+test1"), r.err());

        CpioArchive a = CpioArchive.read(image);
        CpioEntry bb = a.get("/bin/busybox");
        assertNotNull(bb);
        assertArrayEquals(hello, bb.data());
        assertEquals(0100755, bb.mode());
        assertEquals(MTIME, bb.mtime());
        assertEquals(0, bb.uid());
        assertEquals(0, bb.gid());

        // hello is no busybox: neither qemu's answer nor an applet table: the built-in list is used
        CpioEntry sh = a.get("/bin/sh");
        assertTrue(sh.isSymlink());
        assertEquals("busybox", sh.linkTarget());
        assertEquals("../bin/busybox", a.get("/sbin/init").linkTarget());
        assertEquals("../../bin/busybox", a.get("/usr/bin/awk").linkTarget());
        assertEquals("../../bin/busybox", a.get("/usr/sbin/chroot").linkTarget());
        assertEquals("bin/busybox", a.get("/init").linkTarget());
        assertNull(a.get("/linuxrc"));
        long links = a.entries().stream().filter(CpioEntry::isSymlink).count();
        assertTrue(links > 250, links + " links");

        assertEquals(041777, a.get("/tmp").mode());
        assertEquals(040700, a.get("/root").mode());
        for (String d : List.of("/", "/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/dev", "/etc", "/home"))
            assertEquals(040755, a.get(d).mode(), d);
        assertEquals(040555, a.get("/proc").mode());
        assertEquals(040555, a.get("/sys").mode());
        assertEquals(2 + 10, a.get("/").nlink());       // bin dev etc home proc root sbin sys tmp usr
        assertEquals(4, a.get("/usr").nlink());

        assertEquals("root:x:0:0:root:/root:/bin/sh\n", text(a, "/etc/passwd"));
        assertEquals("root:x:0:\n", text(a, "/etc/group"));
        assertEquals("fornax\n", text(a, "/etc/hostname"));
        assertTrue(text(a, "/etc/profile").contains("PS1='\\u@\\h:\\w\\$ '"), text(a, "/etc/profile"));
        assertTrue(text(a, "/etc/profile").contains("PATH=/bin:/sbin:/usr/bin:/usr/sbin"));
        String inittab = text(a, "/etc/inittab");
        for (String line : List.of("::sysinit:/bin/mount -t proc proc /proc", "::askfirst:-/bin/sh",
                "::ctrlaltdel:/sbin/reboot", "::shutdown:/bin/umount -a -r"))
            assertTrue(inittab.contains(line + "\n"), line);
        assertTrue(text(a, "/etc/fstab").contains("proc   /proc  proc"));
        assertTrue(text(a, "/etc/motd").contains("Fornax/J"));
        assertTrue(text(a, "/etc/fornax-image").contains("built-in list"), text(a, "/etc/fornax-image"));

        // every path an inittab or a link names is in the image
        for (CpioEntry e : a.entries()) {
            if (!e.isSymlink()) continue;
            String parent = e.path().substring(0, e.path().lastIndexOf('/') + 1);
            String target = Path.of(parent).resolve(e.linkTarget()).normalize().toString();
            assertNotNull(a.get(target), e.path() + " -> " + e.linkTarget());
        }
        for (String p : List.of("/bin/mount", "/bin/hostname", "/bin/sh", "/sbin/reboot", "/bin/umount"))
            assertNotNull(a.get(p), p);

        // the same inputs again: nothing is rewritten
        FileTime before = FileTime.fromMillis(1000);
        Files.setLastModifiedTime(image, before);
        Run again = fornax("image", "--busybox", deb.toString(), "--cache", cache.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.err().contains("up to date"), again.err());
        assertEquals(before, Files.getLastModifiedTime(image));
        // --force rebuilds, to the same bytes
        byte[] first = Files.readAllBytes(image);
        Run forced = fornax("image", "--busybox", deb.toString(), "--cache", cache.toString(), "--force");
        assertEquals(0, forced.status(), forced.err());
        assertNotEquals(before, Files.getLastModifiedTime(image));
        assertArrayEquals(first, Files.readAllBytes(image));
    }

    @Test
    void changedInputRebuilds() throws Exception {
        Path cache = tmp.resolve("cache");
        Path deb1 = write("a.deb", deb("./usr/bin/busybox", hello, "riscv64"));
        assertEquals(0, fornax("image", "--busybox", deb1.toString(), "--cache", cache.toString()).status());
        byte[] changed = hello.clone();
        changed[changed.length - 1] ^= 1;
        Path deb2 = write("b.deb", deb("./bin/busybox", changed, "riscv64"));  // the pre-trixie location
        Run r = fornax("image", "--busybox", deb2.toString(), "--cache", cache.toString());
        assertEquals(0, r.status(), r.err());
        assertFalse(r.err().contains("up to date"), r.err());
        assertArrayEquals(changed, CpioArchive.read(cache.resolve("rootfs.cpio")).get("/bin/busybox").data());
    }

    @Test
    void bareElfAndOutputOption() throws Exception {
        Path elf = write("busybox", hello);
        Path out = tmp.resolve("sub/dir/root.cpio");
        Run r = fornax("image", "--busybox", elf.toString(), "--cache", tmp.resolve("c").toString(), "-o", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(out.toString(), r.out().strip());
        CpioArchive a = CpioArchive.read(out);
        assertArrayEquals(hello, a.get("/bin/busybox").data());
        assertTrue(text(a, "/etc/fornax-image").contains("busybox: unknown version"));
        assertFalse(Files.exists(tmp.resolve("c/rootfs.cpio")));
    }

    @Test
    void wrongArchitectureIsRefused() throws Exception {
        byte[] x86 = hello.clone();
        ByteBuffer.wrap(x86).order(ByteOrder.LITTLE_ENDIAN).putShort(18, (short) 62);
        assertRefused("e_machine 62, not 243", "--busybox", write("x86", x86).toString());
        assertRefused("e_machine 62, not 243", "--busybox", write("x86.deb", deb("./usr/bin/busybox", x86, "riscv64")).toString());
        assertRefused("is a package for amd64, not riscv64", "--busybox",
                write("amd64.deb", deb("./usr/bin/busybox", hello, "amd64")).toString());
    }

    @Test
    void dynamicBinaryIsRefused() throws Exception {
        byte[] dyn = hello.clone();
        ByteBuffer b = ByteBuffer.wrap(dyn).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(32);
        b.putInt((int) phoff, 3);                         // first program header becomes PT_INTERP
        assertRefused("dynamically linked", "--busybox", write("dyn", dyn).toString());
    }

    @Test
    void badPackagesAreRefusedInOneLine() throws Exception {
        assertRefused("has no usr/bin/busybox or bin/busybox", "--busybox",
                write("nobb.deb", deb("./usr/bin/notbusybox", hello, "riscv64")).toString());
        var zst = new java.util.LinkedHashMap<String, byte[]>();
        zst.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        zst.put("data.tar.zst", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD});
        assertRefused("zstd-compressed", "--busybox", write("zst.deb", ar(zst)).toString());
        var notDeb = new java.util.LinkedHashMap<String, byte[]>();
        notDeb.put("hello.o", new byte[] {1, 2, 3});
        assertRefused("not a Debian package (first member \"hello.o\"", "--busybox", write("lib.a", ar(notDeb)).toString());
        byte[] good = deb("./usr/bin/busybox", hello, "riscv64");
        assertRefused("is not a valid Debian package", "--busybox",
                write("trunc.deb", java.util.Arrays.copyOf(good, good.length / 2)).toString());
        var corrupt = new java.util.LinkedHashMap<String, byte[]>();
        corrupt.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        corrupt.put("data.tar.xz", "not xz at all".getBytes(StandardCharsets.US_ASCII));
        assertRefused("is not a valid Debian package", "--busybox", write("corrupt.deb", ar(corrupt)).toString());
        assertRefused("neither a Debian package (.deb) nor an ELF", "--busybox", write("text", "hello\n".getBytes()).toString());
        assertRefused("no such file", "--busybox", tmp.resolve("absent.deb").toString());
    }

    @Test
    void gzipDataTarIsReadToo() throws Exception {
        var m = new java.util.LinkedHashMap<String, byte[]>();
        m.put("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        m.put("data.tar.gz", tar(List.of(new Member("./bin/busybox", hello, 0100755)), false));
        Run r = fornax("image", "--busybox", write("gz.deb", ar(m)).toString(), "--cache", tmp.resolve("c").toString());
        assertEquals(0, r.status(), r.err());
    }

    void assertRefused(String messagePart, String... args) {
        List<String> all = new ArrayList<>(List.of("image", "--cache", tmp.resolve("refused").toString()));
        all.addAll(List.of(args));
        Run r = fornax(all.toArray(String[]::new));
        assertEquals(1, r.status(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "expected one line, got: " + r.err());
        assertTrue(lines.getFirst().startsWith("fornax: image: "), r.err());
        assertTrue(lines.getFirst().contains(messagePart), () -> "\"" + r.err().strip() + "\" lacks \"" + messagePart + "\"");
        assertFalse(Files.exists(tmp.resolve("refused/rootfs.cpio")));
    }

    static String text(CpioArchive a, String path) {
        CpioEntry e = a.get(path);
        assertNotNull(e, path);
        assertTrue(e.isRegular(), path);
        return new String(e.data(), StandardCharsets.UTF_8);
    }
}
