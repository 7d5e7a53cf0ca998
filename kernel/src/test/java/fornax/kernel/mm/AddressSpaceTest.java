package fornax.kernel.mm;

import static fornax.kernel.mm.Vma.PROT_EXEC;
import static fornax.kernel.mm.Vma.PROT_READ;
import static fornax.kernel.mm.Vma.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.mm.AddressSpace.Access;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AddressSpaceTest {
    private static final long BASE = 0x8000_0000L;
    private static final long PAGE = AddressSpace.PAGE;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final long HEAP = 0x40_0000L;
    private static final long A = 0x100_0000L;   // a data area used by most tests

    private final PhysicalMemory ram = new PhysicalMemory(BASE, 16L << 20);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final List<long[]> flushes = new ArrayList<>();
    private int initialFree;
    private AddressSpace as;

    @BeforeEach
    void setUp() {
        initialFree = frames.freeFrames();
        as = new AddressSpace(ram, frames, 7, (va, asid) -> flushes.add(new long[] {va, asid}));
    }

    private static void assertErrno(int errno, Executable e) { assertErrno(errno, e, ""); }

    private static void assertErrno(int errno, Executable e, String what) {
        SysError err = assertThrows(SysError.class, e, what);
        assertEquals(errno, err.errno(), () -> what + ": expected " + Errno.name(errno) + ", got " + err.getMessage());
    }

    private byte[] read(long va, int len) {
        byte[] b = new byte[len];
        as.copyIn(va, b, 0, len);
        return b;
    }

    private static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ VMAs

    @Test
    void mapAndIsFree() {
        as.map(A, A + 4 * PAGE, RW, Vma.Kind.ANON);
        assertEquals(List.of(new Vma(A, A + 4 * PAGE, RW, Vma.Kind.ANON)), as.vmas());
        assertFalse(as.isFree(A, A + PAGE));
        assertFalse(as.isFree(A - PAGE, A + PAGE), "overlaps the start");
        assertFalse(as.isFree(A + 3 * PAGE, A + 5 * PAGE), "overlaps the end");
        assertFalse(as.isFree(A - PAGE, A + 5 * PAGE), "covers it");
        assertTrue(as.isFree(A - PAGE, A), "adjacent below");
        assertTrue(as.isFree(A + 4 * PAGE, A + 5 * PAGE), "adjacent above");
        assertFalse(as.isFree(0, PAGE), "below MIN_ADDR");
        assertFalse(as.isFree(AddressSpace.USER_TOP - PAGE, AddressSpace.USER_TOP + PAGE), "past USER_TOP");
        assertFalse(as.isFree(A + 8 * PAGE, A + 8 * PAGE), "empty range");
        assertEquals(0, as.residentPages(), "map() is lazy");
    }

    @Test
    void mapRefusesOverlapsAndOutOfRangeWithEnomem() {
        as.map(A, A + 4 * PAGE, RW, Vma.Kind.ANON);
        assertErrno(Errno.ENOMEM, () -> as.map(A + PAGE, A + 2 * PAGE, RW, Vma.Kind.ANON));
        assertErrno(Errno.ENOMEM, () -> as.map(A - PAGE, A + PAGE, RW, Vma.Kind.ANON));
        assertErrno(Errno.ENOMEM, () -> as.map(A + 3 * PAGE, A + 6 * PAGE, RW, Vma.Kind.ANON));
        assertErrno(Errno.ENOMEM, () -> as.map(0, PAGE, RW, Vma.Kind.ANON));
        assertErrno(Errno.ENOMEM, () -> as.map(AddressSpace.USER_TOP - PAGE, AddressSpace.USER_TOP + PAGE, RW, Vma.Kind.ANON));
        assertEquals(1, as.vmas().size());
        as.map(A + 4 * PAGE, A + 5 * PAGE, PROT_READ, Vma.Kind.ANON);   // adjacent is fine
        assertEquals(2, as.vmas().size());
    }

    @Test
    void findFreeSearchesDownwardFromTheLimit() {
        long top = AddressSpace.MMAP_BASE;
        assertEquals(top - PAGE, as.findFree(PAGE, top));
        as.map(top - 2 * PAGE, top, RW, Vma.Kind.ANON);
        as.map(top - 5 * PAGE, top - 3 * PAGE, RW, Vma.Kind.ANON);   // one-page hole at top-3P
        assertEquals(top - 3 * PAGE, as.findFree(PAGE, top), "fits the hole");
        assertEquals(top - 7 * PAGE, as.findFree(2 * PAGE, top), "too big for the hole: below the lower VMA");
        assertEquals(top - 6 * PAGE, as.findFree(PAGE, top - 5 * PAGE));
        // A VMA straddling the limit counts.
        as.map(top, top + 4 * PAGE, RW, Vma.Kind.ANON);
        assertEquals(top - 3 * PAGE, as.findFree(PAGE, top + 2 * PAGE));
        long got = as.findFree(64 * PAGE, top);
        assertTrue(as.isFree(got, got + 64 * PAGE));
        assertErrno(Errno.ENOMEM, () -> as.findFree(AddressSpace.USER_TOP, AddressSpace.USER_TOP));
        assertErrno(Errno.ENOMEM, () -> as.findFree(2 * PAGE, AddressSpace.MIN_ADDR + PAGE));
    }

    @Test
    void unmapSplitsVmasAndFreesOnlyTheUnmappedPages() {
        as.map(A, A + 4 * PAGE, RW, Vma.Kind.ANON);
        byte[] data = pattern((int) (4 * PAGE), 1);
        as.copyOut(A, data, 0, data.length);
        assertEquals(4, as.residentPages());
        int free = frames.freeFrames();

        as.unmap(A + PAGE, A + 3 * PAGE);
        assertEquals(List.of(new Vma(A, A + PAGE, RW, Vma.Kind.ANON), new Vma(A + 3 * PAGE, A + 4 * PAGE, RW, Vma.Kind.ANON)),
                as.vmas());
        assertEquals(2, as.residentPages());
        assertEquals(free + 2, frames.freeFrames());
        assertArrayEquals(Arrays.copyOfRange(data, 0, (int) PAGE), read(A, (int) PAGE));
        assertArrayEquals(Arrays.copyOfRange(data, (int) (3 * PAGE), (int) (4 * PAGE)), read(A + 3 * PAGE, (int) PAGE));
        assertTrue(as.isFree(A + PAGE, A + 3 * PAGE));
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(A + PAGE, Access.READ));
        assertErrno(Errno.EFAULT, () -> read(A + 2 * PAGE, 1));
        assertTrue(flushes.stream().anyMatch(f -> f[0] == A + PAGE && f[1] == 7), "TLB flushed for the unmapped page");
    }

    @Test
    void unmapAcrossSeveralVmasAndHoles() {
        as.map(A, A + 2 * PAGE, RW, Vma.Kind.ANON);
        as.map(A + 4 * PAGE, A + 6 * PAGE, PROT_READ, Vma.Kind.ANON);
        as.map(A + 8 * PAGE, A + 10 * PAGE, RW, Vma.Kind.ANON);
        as.copyOut(A, new byte[] {1}, 0, 1);
        as.copyOut(A + 9 * PAGE, new byte[] {2}, 0, 1);
        as.unmap(A + PAGE, A + 9 * PAGE);
        assertEquals(List.of(new Vma(A, A + PAGE, RW, Vma.Kind.ANON), new Vma(A + 9 * PAGE, A + 10 * PAGE, RW, Vma.Kind.ANON)),
                as.vmas());
        assertEquals(2, as.residentPages());
        as.unmap(A + 20 * PAGE, A + 30 * PAGE);   // nothing there: fine
        assertEquals(2, as.vmas().size());
        assertEquals(1, read(A, 1)[0]);
        assertEquals(2, read(A + 9 * PAGE, 1)[0]);
    }

    // ------------------------------------------------------------------ faults

    @Test
    void faultDemandZeroMapsAZeroedPageEvenOverDirtyFrames() {
        // Dirty every free frame, then give them back: a demand-zero page must still read as zeros.
        List<Long> all = new ArrayList<>();
        byte[] junk = new byte[(int) PAGE];
        Arrays.fill(junk, (byte) 0x5A);
        while (frames.freeFrames() > 0) {
            long pa = frames.alloc();
            ram.write(pa, junk, 0, junk.length);
            all.add(pa);
        }
        for (long pa : all) frames.free(pa);

        as.map(A, A + 2 * PAGE, RW, Vma.Kind.ANON);
        int free = frames.freeFrames();
        assertEquals(0, as.fault(A + 0x123, Access.WRITE));
        assertEquals(1, as.residentPages());
        assertTrue(frames.freeFrames() < free, "a frame was allocated");
        assertArrayEquals(new byte[(int) PAGE], read(A, (int) PAGE));
        assertArrayEquals(new byte[(int) PAGE], read(A + PAGE, (int) PAGE), "untouched page reads as zero too");
    }

    @Test
    void faultMapsWithTheVmaPermissions() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        as.map(A + PAGE, A + 2 * PAGE, PROT_READ | PROT_EXEC, Vma.Kind.ELF);
        assertEquals(0, as.fault(A, Access.READ));
        assertEquals(0, as.fault(A + PAGE, Access.EXEC));
        assertEquals(PageTable.R | PageTable.W | PageTable.D | PageTable.U | PageTable.A,
                new Vma(A, A + PAGE, RW, Vma.Kind.ANON).pteFlags());
        assertEquals(PageTable.R | PageTable.X | PageTable.U | PageTable.A,
                new Vma(A, A + PAGE, PROT_READ | PROT_EXEC, Vma.Kind.ANON).pteFlags());
        assertEquals(0, new Vma(A, A + PAGE, 0, Vma.Kind.ANON).pteFlags());
        assertErrno(Errno.EFAULT, () -> as.copyOut(A + PAGE, new byte[1], 0, 1));   // r-x: not writable
        as.copyOut(A, new byte[] {9}, 0, 1);
        assertEquals(9, read(A, 1)[0]);
    }

    @Test
    void faultOutsideAnyVmaIsMapErr() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(A - 1, Access.READ));
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(A + PAGE, Access.WRITE));
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(0x1000, Access.EXEC));
        assertEquals(0, as.residentPages());
    }

    @Test
    void faultAgainstTheVmaProtectionIsAccErr() {
        as.map(A, A + PAGE, PROT_READ, Vma.Kind.ANON);
        as.map(A + PAGE, A + 2 * PAGE, RW, Vma.Kind.ANON);
        as.map(A + 2 * PAGE, A + 3 * PAGE, 0, Vma.Kind.ANON);
        assertEquals(AddressSpace.SEGV_ACCERR, as.fault(A, Access.WRITE), "write to read-only");
        assertEquals(AddressSpace.SEGV_ACCERR, as.fault(A + PAGE, Access.EXEC), "exec of non-exec");
        assertEquals(AddressSpace.SEGV_ACCERR, as.fault(A + 2 * PAGE, Access.READ), "read of PROT_NONE");
        assertEquals(0, as.residentPages(), "refused faults map nothing");
        assertEquals(0, as.fault(A, Access.READ), "read of read-only is fine");
        assertEquals(1, as.residentPages());
        // Read of a present read-only page then a write to it: still refused.
        assertEquals(AddressSpace.SEGV_ACCERR, as.fault(A + 8, Access.WRITE));
    }

    @Test
    void writeOnlyVmaIsReadable() {
        // RISC-V has no write-only pages: PROT_WRITE implies read.
        as.map(A, A + PAGE, PROT_WRITE, Vma.Kind.ANON);
        assertEquals(0, as.fault(A, Access.READ));
        as.copyOut(A, new byte[] {3}, 0, 1);
        assertEquals(3, read(A, 1)[0]);
    }

    @Test
    void faultOnPresentPageIsResolvedWithoutNewFrame() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        assertEquals(0, as.fault(A, Access.WRITE));
        int free = frames.freeFrames();
        flushes.clear();
        assertEquals(0, as.fault(A + 16, Access.WRITE), "stale TLB: resolved by a flush");
        assertEquals(free, frames.freeFrames());
        assertEquals(1, as.residentPages());
        assertFalse(flushes.isEmpty());
    }

    // ------------------------------------------------------------------ copyIn / copyOut

    @Test
    void copyAcrossPageBoundariesAndIntoNeverTouchedPages() {
        as.map(A, A + 4 * PAGE, RW, Vma.Kind.ANON);
        byte[] data = pattern(10_000, 2);
        long at = A + PAGE - 100;   // [A+0xF9C, A+0x36AC): spans pages 0..3
        as.copyOut(at, data, 0, data.length);
        assertEquals(4, as.residentPages());
        assertArrayEquals(data, read(at, data.length));
        // Bytes around it are still zero.
        assertArrayEquals(new byte[100], read(A + PAGE - 200, 100));
        // Offsets inside the arrays are honoured.
        byte[] dst = new byte[50];
        as.copyIn(at + 10, dst, 20, 30);
        assertArrayEquals(Arrays.copyOfRange(data, 10, 40), Arrays.copyOfRange(dst, 20, 50));
        as.copyOut(A + 4 * PAGE - 3, data, 100, 3);
        assertArrayEquals(Arrays.copyOfRange(data, 100, 103), read(A + 4 * PAGE - 3, 3));
        // Zero-length copies touch nothing.
        as.copyIn(A + 3 * PAGE, dst, 0, 0);
        as.copyOut(0x1000, dst, 0, 0);
    }

    @Test
    void copyInOfNeverTouchedPageReadsZeros() {
        as.map(A, A + 3 * PAGE, PROT_READ, Vma.Kind.ANON);
        assertArrayEquals(new byte[(int) (2 * PAGE)], read(A + PAGE / 2, (int) (2 * PAGE)));
    }

    @Test
    void copyOfUnmappedOrForbiddenRangesIsEfault() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        as.map(A + 2 * PAGE, A + 3 * PAGE, PROT_READ, Vma.Kind.ANON);
        as.map(A + 3 * PAGE, A + 4 * PAGE, 0, Vma.Kind.ANON);
        byte[] b = new byte[16];
        assertErrno(Errno.EFAULT, () -> as.copyIn(A + PAGE, b, 0, 1), "unmapped");
        assertErrno(Errno.EFAULT, () -> as.copyIn(A + PAGE - 8, b, 0, 16), "runs off the end of the VMA");
        assertErrno(Errno.EFAULT, () -> as.copyOut(A + PAGE - 8, b, 0, 16), "runs off the end of the VMA");
        assertErrno(Errno.EFAULT, () -> as.copyOut(A + 2 * PAGE, b, 0, 1), "read-only");
        assertErrno(Errno.EFAULT, () -> as.copyIn(A + 3 * PAGE, b, 0, 1), "PROT_NONE");
        assertErrno(Errno.EFAULT, () -> as.copyIn(0, b, 0, 1), "null");
        assertErrno(Errno.EFAULT, () -> as.copyIn(-PAGE, b, 0, 1), "kernel half");
        assertErrno(Errno.EFAULT, () -> as.copyIn(AddressSpace.USER_TOP - 8, b, 0, 16), "past USER_TOP");
        assertErrno(Errno.EFAULT, () -> as.copyIn(Long.MAX_VALUE - 4, b, 0, 16), "wraps");
        as.copyOut(A + PAGE - 4, new byte[] {'a', 'b', 'c', 'd'}, 0, 4);
        assertErrno(Errno.EFAULT, () -> as.readString(A + PAGE - 4, 64), "string runs into unmapped memory");
        as.copyIn(A + 2 * PAGE, b, 0, 16);   // reading read-only memory is fine
    }

    @Test
    void readStringStopsAtNulAndLimitsLength() {
        as.map(A, A + 2 * PAGE, RW, Vma.Kind.ANON);
        byte[] s = "h\u00e9llo\0junk".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        as.copyOut(A + PAGE - 3, s, 0, s.length);   // crosses a page
        assertEquals("h\u00e9llo", as.readString(A + PAGE - 3, 100));
        assertErrno(Errno.ENAMETOOLONG, () -> as.readString(A + PAGE - 3, 4));
    }

    // ------------------------------------------------------------------ mprotect, madvise

    @Test
    void protectOfRangeWithHoleIsEnomemAndChangesNothing() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        as.map(A + 2 * PAGE, A + 3 * PAGE, RW, Vma.Kind.ANON);
        as.copyOut(A, new byte[] {1}, 0, 1);
        assertErrno(Errno.ENOMEM, () -> as.protect(A, A + 3 * PAGE, PROT_READ));
        assertErrno(Errno.ENOMEM, () -> as.protect(A - PAGE, A + PAGE, PROT_READ));
        assertEquals(List.of(new Vma(A, A + PAGE, RW, Vma.Kind.ANON), new Vma(A + 2 * PAGE, A + 3 * PAGE, RW, Vma.Kind.ANON)),
                as.vmas());
        as.copyOut(A, new byte[] {2}, 0, 1);   // still writable
        assertEquals(2, read(A, 1)[0]);
    }

    @Test
    void protectSplitsVmasAndChangesPresentPages() {
        as.map(A, A + 3 * PAGE, RW, Vma.Kind.ANON);
        as.copyOut(A, new byte[(int) (3 * PAGE)], 0, (int) (3 * PAGE));
        as.protect(A + PAGE, A + 2 * PAGE, PROT_READ);
        assertEquals(List.of(new Vma(A, A + PAGE, RW, Vma.Kind.ANON), new Vma(A + PAGE, A + 2 * PAGE, PROT_READ, Vma.Kind.ANON),
                new Vma(A + 2 * PAGE, A + 3 * PAGE, RW, Vma.Kind.ANON)), as.vmas());
        assertErrno(Errno.EFAULT, () -> as.copyOut(A + PAGE, new byte[1], 0, 1));
        assertEquals(AddressSpace.SEGV_ACCERR, as.fault(A + PAGE, Access.WRITE));
        as.copyOut(A, new byte[1], 0, 1);
        as.copyOut(A + 2 * PAGE, new byte[1], 0, 1);
    }

    @Test
    void protNoneThenBackKeepsContentsAndFrames() {
        as.map(A, A + 2 * PAGE, RW, Vma.Kind.ANON);
        byte[] data = pattern((int) (2 * PAGE), 3);
        as.copyOut(A, data, 0, data.length);
        int free = frames.freeFrames();

        as.protect(A, A + 2 * PAGE, 0);
        assertEquals(2, as.residentPages(), "PROT_NONE keeps the pages");
        assertEquals(free, frames.freeFrames());
        assertErrno(Errno.EFAULT, () -> read(A, 1));
        assertErrno(Errno.EFAULT, () -> as.copyOut(A + PAGE, new byte[1], 0, 1));
        assertEquals(AddressSpace.SEGV_ACCERR, as.fault(A, Access.READ));
        assertEquals(free, frames.freeFrames(), "a refused fault allocates nothing");

        as.protect(A, A + 2 * PAGE, PROT_READ);
        assertArrayEquals(data, read(A, data.length));
        as.protect(A, A + 2 * PAGE, RW);
        as.copyOut(A, new byte[] {7}, 0, 1);
        assertEquals(7, read(A, 1)[0]);
        assertEquals(free, frames.freeFrames());
        assertEquals(2, as.residentPages());
    }

    @Test
    void discardDropsPagesWhichRefaultAsZero() {
        as.map(A, A + 3 * PAGE, RW, Vma.Kind.ANON);
        byte[] data = pattern((int) (3 * PAGE), 4);
        as.copyOut(A, data, 0, data.length);
        int free = frames.freeFrames();

        as.discard(A, A + 2 * PAGE);
        assertEquals(1, as.residentPages());
        assertEquals(free + 2, frames.freeFrames());
        assertEquals(1, as.vmas().size(), "the VMA stays");
        assertArrayEquals(new byte[(int) (2 * PAGE)], read(A, (int) (2 * PAGE)));
        assertArrayEquals(Arrays.copyOfRange(data, (int) (2 * PAGE), (int) (3 * PAGE)), read(A + 2 * PAGE, (int) PAGE));
    }

    @Test
    void discardOfHoleIsEnomem() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        assertErrno(Errno.ENOMEM, () -> as.discard(A, A + 2 * PAGE));
    }

    // ------------------------------------------------------------------ brk

    @Test
    void brkGrowShrinkRegrow() {
        long unlimited = Long.MAX_VALUE;
        as.setBrkStart(HEAP + 0x123);
        long start = HEAP + PAGE;   // page-aligned up
        assertEquals(start, as.brk());
        assertEquals(start, as.setBrk(0, unlimited), "brk(0) queries");
        assertEquals(start, as.setBrk(start - 1, unlimited), "below the start: refused");

        long grown = start + 5 * PAGE + 100;
        assertEquals(grown, as.setBrk(grown, unlimited));
        assertEquals(grown, as.brk());
        assertEquals(List.of(new Vma(start, start + 6 * PAGE, RW, Vma.Kind.HEAP)), as.vmas());
        byte[] data = pattern((int) (6 * PAGE), 5);
        as.copyOut(start, data, 0, data.length);
        assertEquals(6, as.residentPages());
        int free = frames.freeFrames();

        long shrunk = start + PAGE + 10;
        assertEquals(shrunk, as.setBrk(shrunk, unlimited));
        assertEquals(2, as.residentPages());
        assertEquals(free + 4, frames.freeFrames(), "pages above the new break are freed");
        assertEquals(List.of(new Vma(start, start + 2 * PAGE, RW, Vma.Kind.HEAP)), as.vmas());
        assertErrno(Errno.EFAULT, () -> read(start + 2 * PAGE, 1));

        assertEquals(grown, as.setBrk(grown, unlimited));
        assertArrayEquals(Arrays.copyOfRange(data, 0, (int) PAGE + 10), read(start, (int) PAGE + 10),
                "memory below the break survives");
        assertArrayEquals(new byte[(int) (grown - shrunk)], read(shrunk, (int) (grown - shrunk)),
                "memory handed out again past the old break reads as zero");
        assertEquals(List.of(new Vma(start, start + 6 * PAGE, RW, Vma.Kind.HEAP)), as.vmas());

        assertEquals(start, as.setBrk(start, unlimited), "shrink to nothing");
        assertEquals(List.of(), as.vmas());
        assertEquals(0, as.residentPages());
        assertEquals(start + 10, as.setBrk(start + 10, unlimited));
        assertArrayEquals(new byte[10], read(start, 10));
    }

    @Test
    void brkBeyondRlimitDataIsRefused() {
        as.setBrkStart(HEAP);
        long limit = 8 * PAGE;
        assertEquals(HEAP, as.setBrk(HEAP + limit + 1, limit));
        assertEquals(List.of(), as.vmas());
        assertEquals(HEAP + limit, as.setBrk(HEAP + limit, limit), "exactly the limit is allowed");
        assertEquals(HEAP + limit, as.setBrk(HEAP + limit + PAGE, limit));
        assertEquals(HEAP + limit, as.brk());
    }

    @Test
    void brkRefusesToGrowIntoAnotherMapping() {
        as.setBrkStart(HEAP);
        as.map(HEAP + 4 * PAGE, HEAP + 5 * PAGE, RW, Vma.Kind.ANON);
        assertEquals(HEAP + 4 * PAGE, as.setBrk(HEAP + 4 * PAGE, Long.MAX_VALUE));
        assertEquals(HEAP + 4 * PAGE, as.setBrk(HEAP + 4 * PAGE + 1, Long.MAX_VALUE));
        assertEquals(2, as.vmas().size());
    }

    /** Linux hands out brk memory read-write, whatever mprotect did to the old top of the heap. */
    @Test
    void brkGrowthAfterMprotectOfHeapTopIsWritable() {
        as.setBrkStart(HEAP);
        assertEquals(HEAP + 2 * PAGE, as.setBrk(HEAP + 2 * PAGE, Long.MAX_VALUE));
        as.protect(HEAP + PAGE, HEAP + 2 * PAGE, PROT_READ);
        assertEquals(HEAP + 4 * PAGE, as.setBrk(HEAP + 4 * PAGE, Long.MAX_VALUE));
        Vma grown = as.vmas().stream().filter(v -> v.contains(HEAP + 3 * PAGE)).findFirst().orElseThrow();
        assertEquals(RW, grown.prot(), () -> "new heap pages must be read-write, got VMA " + grown);
        as.copyOut(HEAP + 3 * PAGE, new byte[] {1}, 0, 1);
        assertEquals(1, read(HEAP + 3 * PAGE, 1)[0]);
        Vma old = as.vmas().stream().filter(v -> v.contains(HEAP + PAGE)).findFirst().orElseThrow();
        assertEquals(PROT_READ, old.prot(), "the mprotect'ed page keeps its protection");
    }

    /**
     * A break so high that rounding it up to a page overflows must be refused like any other
     * impossible break: Linux returns the old break and changes nothing.
     */
    @Test
    void brkNearLongMaxIsRefusedAndUnmapsNothing() {
        as.map(0x10000, 0x12000, PROT_READ | PROT_EXEC, Vma.Kind.ELF);
        as.poke(0x10000, new byte[] {0x13}, 0, 1);
        as.setBrkStart(HEAP);
        as.setBrk(HEAP + PAGE, Long.MAX_VALUE);
        List<Vma> before = as.vmas();
        assertEquals(HEAP + PAGE, as.setBrk(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(HEAP + PAGE, as.brk());
        assertEquals(before, as.vmas(), "the program's own mappings must survive");
        assertEquals(0x13, read(0x10000, 1)[0]);
    }

    // ------------------------------------------------------------------ poke and destroy

    @Test
    void pokeIgnoresProtectionButNotMissingVmas() {
        as.map(A, A + 2 * PAGE, PROT_READ | PROT_EXEC, Vma.Kind.ELF);
        byte[] data = pattern(300, 6);
        as.poke(A + PAGE - 150, data, 0, data.length);
        assertArrayEquals(data, read(A + PAGE - 150, data.length));
        assertErrno(Errno.EFAULT, () -> as.poke(A + 2 * PAGE, data, 0, 1));
        as.map(A + 4 * PAGE, A + 5 * PAGE, 0, Vma.Kind.ANON);
        assertErrno(Errno.EFAULT, () -> as.poke(A + 4 * PAGE, data, 0, 1));
    }

    @Test
    void destroyReturnsEveryFrame() {
        as.map(A, A + 8 * PAGE, RW, Vma.Kind.ANON);
        as.map(0x10000, 0x14000, PROT_READ | PROT_EXEC, Vma.Kind.ELF);
        as.map(AddressSpace.STACK_TOP - 16 * PAGE, AddressSpace.STACK_TOP, RW, Vma.Kind.STACK);
        as.setBrkStart(HEAP);
        as.setBrk(HEAP + 3 * PAGE, Long.MAX_VALUE);
        as.copyOut(A, pattern((int) (8 * PAGE), 7), 0, (int) (8 * PAGE));
        as.poke(0x10000, pattern(0x4000, 8), 0, 0x4000);
        as.copyOut(AddressSpace.STACK_TOP - 100, new byte[100], 0, 100);
        as.copyOut(HEAP, new byte[(int) (3 * PAGE)], 0, (int) (3 * PAGE));
        as.protect(A + 2 * PAGE, A + 4 * PAGE, 0);        // parked pages must be freed too
        as.discard(A + 6 * PAGE, A + 7 * PAGE);
        as.unmap(A + 7 * PAGE, A + 8 * PAGE);
        assertTrue(frames.freeFrames() < initialFree);

        as.destroy();
        assertEquals(initialFree, frames.freeFrames(), "frames leaked by the address space");
        assertEquals(0, as.residentPages());
        assertEquals(List.of(), as.vmas());
        assertTrue(flushes.stream().anyMatch(f -> f[0] == -1 && f[1] == 7), "whole-ASID flush on destroy");
    }

    @Test
    void destroyOfUntouchedSpaceReturnsTheRoot() {
        assertEquals(initialFree - 1, frames.freeFrames());
        as.destroy();
        assertEquals(initialFree, frames.freeFrames());
    }

    @Test
    void satpCarriesTheAsid() {
        assertEquals(7, as.asid());
        assertEquals(7L, (as.satp() >>> 44) & 0xFFFF);
        assertEquals(9L, as.satp() >>> 60);
    }
}
