package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.cli.GuestHarness.Result;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher must refuse files that are not runnable riscv64 ELF executables: exit status 126
 * and exactly one line on stderr, starting with "fornax: ", with no Java exception or stack trace,
 * and no guest output. The malformed files are mutations of a real binary (userland/build/hello).
 */
class BadInputTest {
    private static final int PT_LOAD = 1;
    private static final int PHDR_SIZE = 56;

    @TempDir Path tmp;
    private byte[] hello;

    @BeforeEach
    void loadHello() throws IOException {
        Path bin = GuestHarness.binary("hello");
        GuestHarness.require(GuestHarness.exists(bin), "userland binary " + bin + " is missing: build it with "
                + "'make -C userland' (needs riscv64-linux-gnu-gcc: run scripts/setup-toolchain.sh)");
        hello = Files.readAllBytes(bin);
    }

    /** The unmutated copy runs: the refusals below are about the mutations, not about running at all. */
    @Test
    void controlIntactCopyRuns() throws Exception {
        Result r = GuestHarness.runFornax(write("hello", hello), List.of());
        assertEquals(0, r.status(), () -> "an intact copy of hello must run; stderr: " + r.err());
        assertEquals("Hello world from Ring 3\n", r.out());
    }

    @Test
    void truncatedTo100Bytes() throws Exception {
        assertRefused(write("trunc100", Arrays.copyOf(hello, 100)));
    }

    @Test
    void truncatedToHalf() throws Exception {
        assertRefused(write("trunchalf", Arrays.copyOf(hello, hello.length / 2)));
    }

    @Test
    void emptyFile() throws Exception {
        assertRefused(write("empty", new byte[0]));
    }

    @Test
    void wrongMachineX86_64() throws Exception {
        byte[] b = hello.clone();
        le(b).putShort(18, (short) 62);           // e_machine = EM_X86_64
        assertRefused(write("x86", b));
    }

    @Test
    void elfClass32() throws Exception {
        byte[] b = hello.clone();
        b[4] = 1;                                 // EI_CLASS = ELFCLASS32
        assertRefused(write("class32", b));
    }

    @Test
    void relocatableObjectNotExecutable() throws Exception {
        byte[] b = hello.clone();
        le(b).putShort(16, (short) 1);            // e_type = ET_REL
        assertRefused(write("etrel", b));
    }

    @Test
    void notAnElfTextFile() throws Exception {
        assertRefused(write("text", "#!/bin/sh\necho this is a shell script, not an ELF\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void missingPath() throws Exception {
        assertRefused(tmp.resolve("no-such-program"));
    }

    @Test
    void directoryInsteadOfFile() throws Exception {
        Path d = Files.createDirectory(tmp.resolve("a-directory"));
        assertRefused(d);
    }

    @Test
    void overlappingLoadSegments() throws Exception {
        byte[] b = hello.clone();
        ByteBuffer bb = le(b);
        int[] loads = loadHeaders(bb);
        assumeTrue(loads.length >= 2, "hello has fewer than two PT_LOAD segments");
        long firstVaddr = bb.getLong(loads[0] + 16), firstMemsz = bb.getLong(loads[0] + 40);
        long secondVaddr = bb.getLong(loads[1] + 16);
        // Move the second segment to start one page (plus its in-page offset) into the first,
        // keeping p_vaddr congruent to p_offset modulo the page size.
        long moved = firstVaddr + 0x1000 + (secondVaddr & 0xfff);
        assertTrue(moved < firstVaddr + firstMemsz, "test set-up: moved segment must overlap the first");
        bb.putLong(loads[1] + 16, moved);         // p_vaddr
        bb.putLong(loads[1] + 24, moved);         // p_paddr
        assertRefused(write("overlap", b));
    }

    @Test
    void loadSegmentWithHugeMemsz() throws Exception {
        byte[] b = hello.clone();
        ByteBuffer bb = le(b);
        int[] loads = loadHeaders(bb);
        int last = loads[loads.length - 1];
        bb.putLong(last + 40, 1L << 40);          // p_memsz = 1 TiB
        assertRefused(write("hugememsz", b));
    }

    @Test
    void loadSegmentFileszBeyondEndOfFile() throws Exception {
        byte[] b = hello.clone();
        ByteBuffer bb = le(b);
        int first = loadHeaders(bb)[0];
        long filesz = b.length + 0x10000L;        // p_offset (0) + p_filesz past the end of the file
        bb.putLong(first + 32, filesz);
        bb.putLong(first + 40, Math.max(bb.getLong(first + 40), filesz));
        assertRefused(write("fileszpastend", b));
    }

    @Test
    void loadSegmentAddressWrapsAround() throws Exception {
        byte[] b = hello.clone();
        ByteBuffer bb = le(b);
        int[] loads = loadHeaders(bb);
        int last = loads[loads.length - 1];
        long vaddr = 0xfffffffffffff000L | (bb.getLong(last + 16) & 0xfff);   // p_vaddr + p_memsz wraps past 2^64
        bb.putLong(last + 16, vaddr);
        bb.putLong(last + 24, vaddr);
        assertRefused(write("wraps", b));
    }

    @Test
    void noProgramHeaders() throws Exception {
        byte[] b = hello.clone();
        le(b).putShort(56, (short) 0);            // e_phnum = 0: nothing to load
        assertRefused(write("nophdrs", b));
    }

    @Test
    void programHeadersPastEndOfFile() throws Exception {
        byte[] b = hello.clone();
        le(b).putLong(32, b.length + 0x1000L);    // e_phoff
        assertRefused(write("phoffpastend", b));
    }

    // ---------------------------------------------------------------------------------------------

    private Path write(String name, byte[] content) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, content);
        p.toFile().setExecutable(true);
        return p;
    }

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    /** File offsets of the PT_LOAD program headers, in table order. */
    private static int[] loadHeaders(ByteBuffer bb) {
        int phoff = (int) bb.getLong(32), phentsize = bb.getShort(54) & 0xffff, phnum = bb.getShort(56) & 0xffff;
        assertEquals(PHDR_SIZE, phentsize, "test set-up: unexpected e_phentsize in hello");
        int[] out = new int[phnum];
        int n = 0;
        for (int i = 0; i < phnum; i++) {
            int at = phoff + i * phentsize;
            if (bb.getInt(at) == PT_LOAD) out[n++] = at;
        }
        assertTrue(n > 0, "test set-up: hello has no PT_LOAD");
        return Arrays.copyOf(out, n);
    }

    private static void assertRefused(Path program) throws Exception {
        Result r = GuestHarness.runFornax(program, List.of());
        String err = r.err();
        String what = program.getFileName() + ": status " + r.status() + ", stderr:\n" + err;
        assertEquals(126, r.status(), () -> "launcher refusal must exit 126; " + what);
        assertTrue(err.startsWith("fornax: "), () -> "stderr must start with 'fornax: '; " + what);
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1,
                () -> "stderr must be exactly one line; " + what);
        assertFalse(err.contains("Exception") || err.contains("at fornax.") || err.contains("\tat "),
                () -> "stderr must not show a Java exception or stack trace; " + what);
        assertEquals("", r.out(), () -> "a refused program must produce no output; " + what);
    }
}
