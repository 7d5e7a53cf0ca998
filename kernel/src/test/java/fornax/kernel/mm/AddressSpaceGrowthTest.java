package fornax.kernel.mm;

import static fornax.kernel.mm.Vma.PROT_READ;
import static fornax.kernel.mm.Vma.PROT_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.mm.AddressSpace.Access;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stack growth, limits, mremap's mechanism and the out-of-memory victim choice. */
class AddressSpaceGrowthTest {
    private static final long PAGE = AddressSpace.PAGE;
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final long TOP = AddressSpace.STACK_TOP;
    private static final long A = 0x100_0000L;

    private final PhysicalMemory ram = new PhysicalMemory(0x8000_0000L, 16L << 20);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private int initialFree;
    private AddressSpace as;

    @BeforeEach
    void setUp() {
        initialFree = frames.freeFrames();
        as = new AddressSpace(ram, frames, 3, (va, asid) -> { });
    }

    @AfterEach
    void tearDown() {
        as.destroy();
        assertEquals(initialFree, frames.freeFrames(), "frames leaked");
    }

    private void stack(long size) {
        as.map(new Vma(TOP - size, TOP, RW, Vma.Kind.STACK, false, null, 0, true));
    }

    private static void errno(int errno, org.junit.jupiter.api.function.Executable e) {
        assertEquals(errno, assertThrows(SysError.class, e).errno());
    }

    @Test
    void stackGrowsDownOnFaultsUpToItsRlimit() {
        as.setLimits(-1, -1, -1, 1L << 20);
        stack(128 << 10);
        assertEquals(0, as.fault(TOP - (512 << 10) + 8, Access.WRITE), "within the rlimit: grows");
        Vma s = as.vmas().getLast();
        assertEquals(TOP - (512 << 10), s.start());
        assertTrue(s.growsDown());
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(TOP - (1L << 20) - PAGE, Access.WRITE), "past RLIMIT_STACK");
        assertEquals(0, as.fault(TOP - (1L << 20), Access.READ), "exactly the rlimit");
        assertEquals(1L << 20, as.vmas().getLast().length());
    }

    @Test
    void stackKeepsAGuardGapFromTheMappingBelowAndMmapKeepsOutOfIt() {
        stack(PAGE);
        long below = TOP - PAGE - AddressSpace.GUARD_GAP - 4 * PAGE;
        as.map(below - PAGE, below, RW, Vma.Kind.ANON);
        assertEquals(0, as.fault(below + AddressSpace.GUARD_GAP, Access.WRITE), "a full gap left: grows");
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(below + AddressSpace.GUARD_GAP - PAGE, Access.WRITE),
                "into the gap: SIGSEGV");
        long start = as.vmas().getLast().start();
        long placed = as.findFree(PAGE, TOP);
        assertTrue(placed + PAGE <= start - AddressSpace.GUARD_GAP, "mmap keeps out of the stack's gap");
    }

    @Test
    void rlimitAsBoundsMmapBrkAndStackGrowth() {
        stack(PAGE);
        as.setBrkStart(A);
        as.setLimits(64 * PAGE, -1, -1, 1L << 20);
        long base = as.mappedBytes();
        errno(Errno.ENOMEM, () -> as.mmap(new Vma(0, 64 * PAGE, RW, Vma.Kind.ANON), false, false));
        long got = as.mmap(new Vma(0, 60 * PAGE - base, PROT_READ, Vma.Kind.ANON), false, false);
        assertEquals(A, as.setBrk(A + 8 * PAGE, Long.MAX_VALUE), "brk past RLIMIT_AS: unchanged");
        assertEquals(A + 4 * PAGE, as.setBrk(A + 4 * PAGE, Long.MAX_VALUE));
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(TOP - 2 * PAGE, Access.WRITE), "stack growth past RLIMIT_AS");
        // MAP_FIXED over an existing mapping only counts what it adds.
        assertEquals(got, as.mmap(new Vma(got, got + 4 * PAGE, RW, Vma.Kind.ANON), true, false));
    }

    @Test
    void rlimitDataCountsPrivateWritableOnly() {
        as.setLimits(-1, 8 * PAGE, -1, -1);
        errno(Errno.ENOMEM, () -> as.mmap(new Vma(0, 9 * PAGE, RW, Vma.Kind.ANON), false, false));
        long ro = as.mmap(new Vma(0, 9 * PAGE, PROT_READ, Vma.Kind.ANON), false, false);
        as.map(A, A + 9 * PAGE, RW, Vma.Kind.ANON, true);
        errno(Errno.ENOMEM, () -> as.protect(ro, ro + 9 * PAGE, RW));
        as.protect(ro, ro + 8 * PAGE, RW);
        assertEquals(8 * PAGE, as.dataBytes());
    }

    @Test
    void overcommitRefusesOneRequestLargerThanRamUnlessNoReserve() {
        long ramBytes = (long) frames.totalFrames() * PAGE;
        errno(Errno.ENOMEM, () -> as.mmap(new Vma(0, ramBytes + PAGE, RW, Vma.Kind.ANON), false, false));
        long a = as.mmap(new Vma(0, ramBytes + PAGE, RW, Vma.Kind.ANON), false, true);
        as.copyOut(a + ramBytes, new byte[] {1}, 0, 1);
        as.mmap(new Vma(0, ramBytes + PAGE, PROT_READ, Vma.Kind.ANON), false, false);   // not accountable
    }

    @Test
    void remapGrowsInPlaceMovesAndShrinksWithTheContents() {
        as.map(A, A + 2 * PAGE, RW, Vma.Kind.ANON);
        as.copyOut(A + PAGE, new byte[] {7}, 0, 1);
        assertEquals(A, as.remap(A, 2 * PAGE, 4 * PAGE, false, false, false, 0), "free after it: in place");
        as.map(A + 4 * PAGE, A + 5 * PAGE, PROT_READ, Vma.Kind.ANON);
        errno(Errno.ENOMEM, () -> as.remap(A, 4 * PAGE, 6 * PAGE, false, false, false, 0));
        int resident = as.residentPages();
        long b = as.remap(A, 4 * PAGE, 6 * PAGE, true, false, false, 0);
        assertTrue(b != A);
        assertEquals(resident, as.residentPages(), "frames move, none copied");
        byte[] one = new byte[1];
        as.copyIn(b + PAGE, one, 0, 1);
        assertEquals(7, one[0]);
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(A + PAGE, Access.READ), "the old range is gone");
        assertEquals(b, as.remap(b, 6 * PAGE, PAGE, false, false, false, 0));
        assertEquals(AddressSpace.SEGV_MAPERR, as.fault(b + PAGE, Access.READ), "the tail is gone");
        errno(Errno.EINVAL, () -> as.remap(b, PAGE, 2 * PAGE, true, true, false, b - PAGE));   // overlapping
        long c = as.remap(b, PAGE, 2 * PAGE, true, true, false, A + 16 * PAGE);
        assertEquals(A + 16 * PAGE, c);
    }

    private record P(int pid, long residentPages, boolean exiting) implements OomKiller.Candidate { }

    @Test
    void oomVictimIsTheLargestLiveProcessButNeverInit() {
        assertEquals(3, OomKiller.choose(List.of(new P(1, 900, false), new P(2, 10, false), new P(3, 50, false))).pid());
        assertEquals(2, OomKiller.choose(List.of(new P(2, 50, false), new P(3, 500, true))).pid(), "not one already dying");
        assertEquals(4, OomKiller.choose(List.of(new P(2, 50, false), new P(4, 50, false))).pid(), "ties: the younger");
        assertNull(OomKiller.choose(List.of(new P(1, 900, false))));
    }

    @Test
    void sharedFramesAreCountedOnceAndCopyOnWriteShowsInStats() {
        as.map(A, A + PAGE, RW, Vma.Kind.ANON);
        as.copyOut(A, new byte[] {1}, 0, 1);
        AddressSpace child = as.fork(4, (va, asid) -> { });
        assertEquals(1, frames.stats().shared());
        child.copyOut(A, new byte[] {2}, 0, 1);
        assertEquals(0, frames.stats().shared());
        byte[] b = new byte[1];
        as.copyIn(A, b, 0, 1);
        assertArrayEquals(new byte[] {1}, b);
        child.destroy();
    }
}
