package fornax.kernel.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.TestSupport;
import fornax.kernel.mm.AddressSpace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElfImageTest {
    private static final long USER_TOP = AddressSpace.USER_TOP;
    private static final long MEM = 64L << 20;
    private static final int PT_NULL = 0, PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6;
    private static final int EHDR = 64, PHDR = 56;

    // ------------------------------------------------------------------ helpers

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    private static byte[] hello() throws IOException { return Files.readAllBytes(TestSupport.requireBinary("hello")); }

    private static long phoff(byte[] b) { return le(b).getLong(32); }
    private static int phnum(byte[] b) { return le(b).getShort(56) & 0xFFFF; }
    private static int phdr(byte[] b, int i) { return (int) (phoff(b) + (long) PHDR * i); }

    /** Indices of the PT_LOAD headers with p_memsz > 0, in file order. */
    private static List<Integer> loads(byte[] b) {
        List<Integer> out = new ArrayList<>();
        ByteBuffer bb = le(b);
        for (int i = 0; i < phnum(b); i++) {
            int at = phdr(b, i);
            if (bb.getInt(at) == PT_LOAD && bb.getLong(at + 40) != 0) out.add(i);
        }
        return out;
    }

    private static String malformed(byte[] file) { return malformed(file, USER_TOP, MEM); }

    private static String malformed(byte[] file, long userTop, long memoryLimit) {
        ElfImage.Malformed e = assertThrows(ElfImage.Malformed.class, () -> ElfImage.parse(file, userTop, memoryLimit));
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank(), "a Malformed needs a message");
        assertFalse(m.contains("\n"), () -> "message must be one line: " + m);
        return m;
    }

    private static void assertMessage(String expectedPart, String actual) {
        assertTrue(actual.contains(expectedPart), () -> "expected a message containing '" + expectedPart + "', got: " + actual);
    }

    /** A minimal ELF64 RISC-V file: header, program headers right after it, then zeros up to {@code size}. */
    static byte[] miniElf(int type, long entry, int size, long[]... phdrs) {
        byte[] b = new byte[Math.max(size, EHDR + PHDR * phdrs.length)];
        ByteBuffer bb = le(b);
        b[0] = 0x7F; b[1] = 'E'; b[2] = 'L'; b[3] = 'F';
        b[4] = 2; b[5] = 1; b[6] = 1;
        bb.putShort(16, (short) type);
        bb.putShort(18, (short) ElfImage.EM_RISCV);
        bb.putInt(20, 1);
        bb.putLong(24, entry);
        bb.putLong(32, EHDR);
        bb.putShort(52, (short) EHDR);
        bb.putShort(54, (short) PHDR);
        bb.putShort(56, (short) phdrs.length);
        for (int i = 0; i < phdrs.length; i++) {
            long[] p = phdrs[i];   // type, flags, offset, vaddr, filesz, memsz, align
            int at = EHDR + PHDR * i;
            bb.putInt(at, (int) p[0]);
            bb.putInt(at + 4, (int) p[1]);
            bb.putLong(at + 8, p[2]);
            bb.putLong(at + 16, p[3]);
            bb.putLong(at + 24, p[3]);
            bb.putLong(at + 32, p[4]);
            bb.putLong(at + 40, p[5]);
            bb.putLong(at + 48, p[6]);
        }
        return b;
    }

    private static long[] load(int flags, long offset, long vaddr, long filesz, long memsz) {
        return new long[] {PT_LOAD, flags, offset, vaddr, filesz, memsz, 0x1000};
    }

    private static final int RX = ElfImage.PF_R | ElfImage.PF_X, RW = ElfImage.PF_R | ElfImage.PF_W;

    // ------------------------------------------------------------------ real binaries

    private static void checkAgainstRawHeaders(byte[] file, ElfImage img, int expectedType) {
        ByteBuffer bb = le(file);
        assertEquals(expectedType, img.type());
        assertEquals(bb.getLong(24), img.entry());
        assertEquals(phoff(file), img.phoff());
        assertEquals(phnum(file), img.phnum());
        List<Integer> idx = loads(file);
        assertEquals(idx.size(), img.loads().size(), "PT_LOAD count");
        for (int k = 0; k < idx.size(); k++) {
            int at = phdr(file, idx.get(k));
            ElfImage.Segment s = img.loads().get(k);
            assertEquals(bb.getInt(at + 4), s.flags());
            assertEquals(bb.getLong(at + 8), s.offset());
            assertEquals(bb.getLong(at + 16), s.vaddr());
            assertEquals(bb.getLong(at + 32), s.filesz());
            assertEquals(bb.getLong(at + 40), s.memsz());
        }
        for (int k = 1; k < img.loads().size(); k++)
            assertTrue(img.loads().get(k - 1).end() <= img.loads().get(k).vaddr(), "sorted, non-overlapping");
        // The program headers lie in the first (offset-0) segment of both binaries.
        ElfImage.Segment first = img.loads().getFirst();
        assertEquals(first.vaddr() + phoff(file) - first.offset(), img.phdrVaddr());
        assertNull(img.interpreter());
        assertSame(file, img.file());
    }

    @Test
    void acceptsStaticHello() throws Exception {
        byte[] file = hello();
        ElfImage img = ElfImage.parse(file, USER_TOP, MEM);
        checkAgainstRawHeaders(file, img, ElfImage.ET_EXEC);
        assertEquals(2, img.loads().size());
        assertTrue(img.entry() >= img.loads().getFirst().vaddr() && img.entry() < img.loads().getFirst().end());
    }

    @Test
    void acceptsStaticPieHello() throws Exception {
        byte[] file = Files.readAllBytes(TestSupport.requireBinary("hello-pie"));
        ElfImage img = ElfImage.parse(file, USER_TOP, MEM);
        checkAgainstRawHeaders(file, img, ElfImage.ET_DYN);
        assertEquals(2, img.loads().size());
        assertEquals(0, img.loads().getFirst().vaddr(), "a static PIE is linked at 0");
    }

    // ------------------------------------------------------------------ minimal images

    @Test
    void acceptsMinimalImageAndComputesPhdrAddress() throws Exception {
        byte[] f = miniElf(ElfImage.ET_EXEC, 0x10078, 0x200, load(RX, 0, 0x10000, 0x200, 0x200),
                load(RW, 0x200, 0x11200, 0, 0x3000));
        ElfImage img = ElfImage.parse(f, USER_TOP, MEM);
        assertEquals(ElfImage.ET_EXEC, img.type());
        assertEquals(0x10078, img.entry());
        assertEquals(2, img.loads().size());
        assertEquals(0x10000 + EHDR, img.phdrVaddr());
        assertNull(img.interpreter());
        assertEquals(0x11200 + 0x3000, img.loads().get(1).end());
    }

    @Test
    void loadsAreSortedByAddress() throws Exception {
        byte[] f = miniElf(ElfImage.ET_EXEC, 0x10000, 0x2000, load(RW, 0x1000, 0x20000, 0x1000, 0x1000),
                load(RX, 0, 0x10000, 0x1000, 0x1000));
        ElfImage img = ElfImage.parse(f, USER_TOP, MEM);
        assertEquals(0x10000, img.loads().get(0).vaddr());
        assertEquals(0x20000, img.loads().get(1).vaddr());
    }

    @Test
    void ptPhdrGivesThePhdrAddress() throws Exception {
        byte[] f = miniElf(ElfImage.ET_DYN, 0x100, 0x1000,
                new long[] {PT_PHDR, ElfImage.PF_R, EHDR, 0x40, 2 * PHDR, 2 * PHDR, 8},
                load(RX, 0, 0, 0x1000, 0x1000));
        assertEquals(0x40, ElfImage.parse(f, USER_TOP, MEM).phdrVaddr());
    }

    @Test
    void interpreterIsCaptured() throws Exception {
        String interp = "/lib/ld-linux-riscv64-lp64d.so.1";
        byte[] s = (interp + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] f = miniElf(ElfImage.ET_DYN, 0x400, 0x1000,
                new long[] {PT_INTERP, ElfImage.PF_R, 0x300, 0x300, s.length, s.length, 1},
                load(RX, 0, 0, 0x1000, 0x1000));
        System.arraycopy(s, 0, f, 0x300, s.length);
        assertEquals(interp, ElfImage.parse(f, USER_TOP, MEM).interpreter());
    }

    @Test
    void badInterpreterHeaderIsRejected() {
        byte[] f = miniElf(ElfImage.ET_DYN, 0x400, 0x1000,
                new long[] {PT_INTERP, ElfImage.PF_R, 0xFF0, 0xFF0, 0x100, 0x100, 1},
                load(RX, 0, 0, 0x1000, 0x1000));
        assertMessage("PT_INTERP", malformed(f));
    }

    @Test
    void zeroSizedLoadSegmentsAreIgnored() throws Exception {
        byte[] f = miniElf(ElfImage.ET_EXEC, 0x10000, 0x1000, load(RX, 0, 0x10000, 0x1000, 0x1000),
                load(RW, 0x7FFF_FFFF, 0x10000, 0, 0));
        assertEquals(1, ElfImage.parse(f, USER_TOP, MEM).loads().size());
    }

    // ------------------------------------------------------------------ rejections: header

    @Test
    void rejectsNonElf() throws Exception {
        assertMessage("not an ELF", malformed("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII)));
        assertMessage("not an ELF", malformed(new byte[0]));
        assertMessage("not an ELF", malformed(new byte[] {0x7F, 'E', 'L'}));
        byte[] b = hello();
        b[1] = 'X';
        assertMessage("not an ELF", malformed(b));
    }

    @Test
    void rejectsTruncatedHeader() throws Exception {
        assertMessage("truncated", malformed(Arrays.copyOf(hello(), 40)));
        assertMessage("truncated", malformed(Arrays.copyOf(hello(), 4)));
        assertMessage("truncated", malformed(Arrays.copyOf(hello(), 63)));
    }

    @Test
    void rejects32BitClass() throws Exception {
        byte[] b = hello();
        b[4] = 1;
        assertMessage("64-bit", malformed(b));
    }

    @Test
    void rejectsBigEndian() throws Exception {
        byte[] b = hello();
        b[5] = 2;
        assertMessage("little-endian", malformed(b));
    }

    @Test
    void rejectsWrongMachine() throws Exception {
        byte[] b = hello();
        le(b).putShort(18, (short) 62);   // EM_X86_64
        String m = malformed(b);
        assertMessage("riscv64", m);
        assertMessage("62", m);
    }

    @Test
    void rejectsRelocatableAndCoreFiles() throws Exception {
        byte[] rel = hello();
        le(rel).putShort(16, (short) 1);   // ET_REL
        assertMessage("not an executable", malformed(rel));
        byte[] core = hello();
        le(core).putShort(16, (short) 4);  // ET_CORE
        assertMessage("not an executable", malformed(core));
    }

    @Test
    void rejectsWrongProgramHeaderSize() throws Exception {
        byte[] b = hello();
        le(b).putShort(54, (short) 64);
        assertMessage("program header size", malformed(b));
        le(b).putShort(54, (short) 0);
        assertMessage("program header size", malformed(b));
    }

    @Test
    void rejectsZeroProgramHeaders() throws Exception {
        byte[] b = hello();
        le(b).putShort(56, (short) 0);
        assertMessage("program header count", malformed(b));
    }

    @Test
    void rejectsProgramHeadersPastEof() throws Exception {
        byte[] b = hello();
        le(b).putLong(32, b.length);
        assertMessage("program headers", malformed(b));
        byte[] c = hello();
        le(c).putLong(32, c.length - (long) PHDR * phnum(c) + 1);   // the last one sticks out by a byte
        assertMessage("program headers", malformed(c));
        byte[] d = hello();
        le(d).putLong(32, Long.MIN_VALUE);
        assertMessage("program headers", malformed(d));
        byte[] e = hello();
        le(e).putLong(32, -1L);
        assertMessage("program headers", malformed(e));
        // Headers at 64 but the file ends inside them.
        assertMessage("program headers", malformed(Arrays.copyOf(hello(), 100)));
    }

    // ------------------------------------------------------------------ rejections: segments

    @Test
    void rejectsFileszGreaterThanMemsz() throws Exception {
        byte[] b = hello();
        int at = phdr(b, loads(b).getFirst());
        le(b).putLong(at + 40, le(b).getLong(at + 32) - 1);
        assertMessage("p_filesz exceeds p_memsz", malformed(b));
    }

    @Test
    void rejectsFileDataPastEof() throws Exception {
        byte[] b = hello();
        int at = phdr(b, loads(b).getLast());
        ByteBuffer bb = le(b);
        long off = bb.getLong(at + 8);
        bb.putLong(at + 32, b.length - off + 1);              // filesz one past EOF
        bb.putLong(at + 40, Math.max(bb.getLong(at + 40), b.length - off + 1));
        assertMessage("outside the file", malformed(b));

        byte[] c = hello();
        at = phdr(c, loads(c).getLast());
        bb = le(c);
        long newOff = ((c.length + 0x2000L) & ~0xFFFL) | (bb.getLong(at + 16) & 0xFFF);   // offset past EOF, still congruent
        bb.putLong(at + 8, newOff);
        assertMessage("outside the file", malformed(c));

        // A real truncation: the data segment's bytes are gone.
        byte[] h = hello();
        int last = phdr(h, loads(h).getLast());
        int cut = (int) le(h).getLong(last + 8) + 16;
        assertMessage("outside the file", malformed(Arrays.copyOf(h, cut)));
    }

    @Test
    void rejectsMisalignedOffsetVsVaddr() throws Exception {
        byte[] b = hello();
        int at = phdr(b, loads(b).getFirst());
        le(b).putLong(at + 16, le(b).getLong(at + 16) + 8);
        assertMessage("modulo the page size", malformed(b));

        byte[] c = hello();
        at = phdr(c, loads(c).getLast());
        le(c).putLong(at + 8, le(c).getLong(at + 8) + 0x800);
        assertMessage("modulo the page size", malformed(c));
    }

    @Test
    void rejectsBadAlignment() throws Exception {
        byte[] b = hello();
        int at = phdr(b, loads(b).getFirst());
        le(b).putLong(at + 48, 3);
        assertMessage("p_align", malformed(b));
    }

    @Test
    void rejectsOverlappingLoadSegments() throws Exception {
        byte[] b = hello();
        List<Integer> l = loads(b);
        ByteBuffer bb = le(b);
        int first = phdr(b, l.getFirst()), second = phdr(b, l.getLast());
        // Move the data segment into the text segment (keeping offset == vaddr mod 4096).
        long vaddr = bb.getLong(first + 16) + 0x1000 + (bb.getLong(second + 8) & 0xFFF);
        bb.putLong(second + 16, vaddr);
        assertMessage("overlap", malformed(b));
    }

    @Test
    void rejectsOverlapInMinimalImageRegardlessOfHeaderOrder() {
        byte[] f = miniElf(ElfImage.ET_EXEC, 0x10000, 0x3000, load(RW, 0x1000, 0x11000, 0x1000, 0x1000),
                load(RX, 0, 0x10000, 0x1000, 0x2000));
        assertMessage("overlap", malformed(f));
        // A segment inside a big one, followed by a third that only overlaps the big one.
        byte[] g = miniElf(ElfImage.ET_EXEC, 0x10000, 0x3000, load(RX, 0, 0x10000, 0x1000, 0x10000),
                load(RW, 0x1000, 0x11000, 0x100, 0x100), load(RW, 0x2000, 0x12000, 0x100, 0x100));
        assertMessage("overlap", malformed(g));
    }

    @Test
    void rejectsSegmentBeyondUserAddressSpace() throws Exception {
        byte[] b = hello();
        int at = phdr(b, loads(b).getLast());
        ByteBuffer bb = le(b);
        long pageOff = bb.getLong(at + 8) & 0xFFF;
        bb.putLong(at + 16, USER_TOP + pageOff);
        assertMessage("outside the user address space", malformed(b));

        // Straddling the top.
        bb.putLong(at + 16, USER_TOP - 0x1000 + pageOff);
        assertMessage("outside the user address space", malformed(b));

        // Negative (kernel-half) address.
        bb.putLong(at + 16, 0xFFFF_FFC0_0000_0000L + pageOff);
        assertMessage("outside the user address space", malformed(b));

        // Huge memsz that would wrap.
        byte[] c = hello();
        at = phdr(c, loads(c).getLast());
        le(c).putLong(at + 40, Long.MAX_VALUE);
        assertMessage("outside the user address space", malformed(c));

        // A smaller user window passed by the caller is honoured.
        assertMessage("outside the user address space", malformed(hello(), 0x20000, MEM));
    }

    @Test
    void rejectsImageLargerThanMemory() throws Exception {
        assertMessage("more than the machine", malformed(hello(), USER_TOP, 4096));
        byte[] b = hello();
        int at = phdr(b, loads(b).getLast());
        le(b).putLong(at + 40, 1L << 30);   // 1 GiB of bss
        String m = malformed(b, USER_TOP, MEM);
        assertMessage("more than the machine", m);
        assertMessage("64 MiB", m);
    }

    @Test
    void rejectsFileWithoutLoadSegments() throws Exception {
        byte[] b = hello();
        for (int i : loads(b)) le(b).putInt(phdr(b, i), PT_NULL);
        assertMessage("no loadable segments", malformed(b));
    }
}
