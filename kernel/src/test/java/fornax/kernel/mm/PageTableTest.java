package fornax.kernel.mm;

import static fornax.kernel.mm.PageTable.A;
import static fornax.kernel.mm.PageTable.D;
import static fornax.kernel.mm.PageTable.G;
import static fornax.kernel.mm.PageTable.PARKED;
import static fornax.kernel.mm.PageTable.R;
import static fornax.kernel.mm.PageTable.U;
import static fornax.kernel.mm.PageTable.V;
import static fornax.kernel.mm.PageTable.W;
import static fornax.kernel.mm.PageTable.X;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.Trap;
import fornax.machine.cpu.CodeCache;
import fornax.machine.cpu.Hart;
import fornax.machine.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageTableTest {
    private static final long BASE = 0x8000_0000L;
    private static final long PAGE = 4096;
    private static final long TIB = 1L << 40;
    /** Low 10 bits of a PTE: flags and RSW. */
    private static final long FLAG_MASK = 0x3FF;

    private final PhysicalMemory ram = new PhysicalMemory(BASE, 16L << 20);
    private final FrameAllocator frames = new FrameAllocator(ram);

    @Test
    void satpEncodesModeAsidAndRootPpn() {
        PageTable pt = new PageTable(ram, frames);
        long root = pt.rootPa();
        assertEquals(0, root & (PAGE - 1));
        assertEquals(9L << 60 | 5L << 44 | root >>> 12, PageTable.satp(root, 5));
        assertEquals(9L, PageTable.satp(root, 0xFFFF) >>> 60);
        assertEquals(0xFFFFL, (PageTable.satp(root, 0xFFFF) >>> 44) & 0xFFFF);
    }

    @Test
    void mapLookupUnmapRoundTrip() {
        PageTable pt = new PageTable(ram, frames);
        long va = 0x12_3456_7000L, pa = frames.allocZeroed();
        assertEquals(0, pt.lookup(va), "nothing mapped yet");
        pt.map(va, pa, R | W | U | A | D);
        long pte = pt.lookup(va);
        assertEquals(pa, PageTable.frameOf(pte));
        assertEquals(R | W | U | A | D | V, pte & FLAG_MASK);
        assertTrue(PageTable.holdsFrame(pte));
        // Neighbours are not mapped.
        assertEquals(0, pt.lookup(va + PAGE));
        assertEquals(0, pt.lookup(va - PAGE));

        assertEquals(pa, pt.unmap(va));
        assertEquals(0, pt.lookup(va));
        assertFalse(PageTable.holdsFrame(pt.lookup(va)));
        assertEquals(-1, pt.unmap(va), "second unmap finds nothing");
        assertEquals(-1, pt.unmap(0x7000_0000L), "unmap where no table exists");
    }

    @Test
    void lookupOfAbsentAddressDoesNotCreateTables() {
        PageTable pt = new PageTable(ram, frames);
        int free = frames.freeFrames();
        assertEquals(0, pt.lookup(0x10000));
        assertEquals(0, pt.lookup(0x3F_FFFF_F000L));
        pt.protect(0x10000, R | U);
        assertEquals(-1, pt.unmap(0x10000));
        assertEquals(free, frames.freeFrames());
        assertEquals(1, pt.tableFrames());
    }

    @Test
    void flagsArePreservedExactly() {
        PageTable pt = new PageTable(ram, frames);
        long[] variants = {R, R | X, R | W, R | W | X, R | U, R | X | U | A, R | W | U | A | D, R | W | X | U | G | A | D};
        long va = 0x40_0000;
        for (long flags : variants) {
            long pa = frames.alloc();
            pt.map(va, pa, flags);
            long pte = pt.lookup(va);
            assertEquals(flags | V, pte & FLAG_MASK, "flags " + Long.toBinaryString(flags));
            assertEquals(pa, PageTable.frameOf(pte));
            va += PAGE;
        }
    }

    @Test
    void remapReplacesTheLeaf() {
        PageTable pt = new PageTable(ram, frames);
        long va = 0x50_0000, pa1 = frames.alloc(), pa2 = frames.alloc();
        pt.map(va, pa1, R | U);
        pt.map(va, pa2, R | W | U);
        assertEquals(pa2, PageTable.frameOf(pt.lookup(va)));
        assertEquals(R | W | U | V, pt.lookup(va) & FLAG_MASK);
    }

    @Test
    void protectKeepsFrameAndAccessedDirty() {
        PageTable pt = new PageTable(ram, frames);
        long va = 0x20_0000, pa = frames.alloc();
        pt.map(va, pa, R | W | U | A | D);
        pt.protect(va, R | U);
        long pte = pt.lookup(va);
        assertEquals(pa, PageTable.frameOf(pte));
        assertEquals(R | U | A | D | V, pte & FLAG_MASK, "W dropped, A/D kept");
        pt.protect(va, R | X | U);
        assertEquals(R | X | U | A | D | V, pt.lookup(va) & FLAG_MASK);
        assertEquals(pa, PageTable.frameOf(pt.lookup(va)));
    }

    @Test
    void protectNoneParksThePageAndProtectBackRestoresIt() {
        PageTable pt = new PageTable(ram, frames);
        long va = 0x30_0000, pa = frames.alloc();
        pt.map(va, pa, R | W | U | A | D);
        pt.protect(va, 0);
        long parked = pt.lookup(va);
        assertEquals(0, parked & V, "parked leaf must not be valid");
        assertEquals(PARKED, parked & PARKED);
        assertEquals(0, parked & (R | W | X | U), "parked leaf grants nothing");
        assertEquals(pa, PageTable.frameOf(parked), "parked leaf keeps its frame");
        assertEquals(A | D, parked & (A | D), "parked leaf keeps A/D");
        assertTrue(PageTable.holdsFrame(parked));

        List<Long> visited = new ArrayList<>();
        pt.forEachLeaf(0, 1L << 38, (v, pte) -> visited.add(v));
        assertEquals(List.of(va), visited, "a parked page is still a leaf holding a frame");

        pt.protect(va, R | W | U);
        long back = pt.lookup(va);
        assertEquals(V, back & V);
        assertEquals(0, back & PARKED);
        assertEquals(R | W | U | A | D | V, back & FLAG_MASK);
        assertEquals(pa, PageTable.frameOf(back));
    }

    @Test
    void unmapOfParkedPageReturnsItsFrame() {
        PageTable pt = new PageTable(ram, frames);
        long va = 0x30_0000, pa = frames.alloc();
        pt.map(va, pa, R | U);
        pt.protect(va, 0);
        assertEquals(pa, pt.unmap(va));
        assertEquals(0, pt.lookup(va));
    }

    @Test
    void forEachLeafVisitsExactlyTheMappedPagesOfASparseTerabyte() {
        PageTable pt = new PageTable(ram, frames);
        long va1 = 0x10000, va2 = 512L << 30, va3 = TIB - PAGE;
        long pa1 = frames.alloc(), pa2 = frames.alloc(), pa3 = frames.alloc();
        // Mapped out of order: the visit must come back in address order.
        pt.map(va3, pa3, R | U);
        pt.map(va1, pa1, R | W | U);
        pt.map(va2, pa2, R | X | U);

        Map<Long, Long> seen = new LinkedHashMap<>();
        pt.forEachLeaf(0, TIB, (va, pte) -> seen.put(va, pte));
        assertEquals(List.of(va1, va2, va3), new ArrayList<>(seen.keySet()));
        assertEquals(pa1, PageTable.frameOf(seen.get(va1)));
        assertEquals(pa2, PageTable.frameOf(seen.get(va2)));
        assertEquals(pa3, PageTable.frameOf(seen.get(va3)));
        assertEquals(R | X | U | V, seen.get(va2) & FLAG_MASK);

        // Sub-ranges: bounds are [start, end).
        assertEquals(List.of(va2, va3), visit(pt, va1 + PAGE, TIB));
        assertEquals(List.of(va1, va2), visit(pt, 0, va3));
        assertEquals(List.of(va3), visit(pt, va3, TIB));
        assertEquals(List.of(va2), visit(pt, va2, va2 + PAGE));
        assertEquals(List.of(), visit(pt, va2 + PAGE, va3));
        assertEquals(List.of(), visit(pt, va1, va1));
        assertEquals(List.of(va1, va2, va3), visit(pt, 0, 1L << 47));
    }

    @Test
    void forEachLeafToleratesTheVisitorUnmapping() {
        PageTable pt = new PageTable(ram, frames);
        List<Long> vas = List.of(0x10000L, 0x11000L, 0x12000L, 0x4000_0000L, 0x80_0000_0000L);
        for (long va : vas) pt.map(va, frames.alloc(), R | U);
        List<Long> dropped = new ArrayList<>();
        pt.forEachLeaf(0, TIB, (va, pte) -> {
            assertEquals(PageTable.frameOf(pte), pt.unmap(va));
            dropped.add(va);
        });
        assertEquals(vas, dropped);
        assertEquals(List.of(), visit(pt, 0, TIB));
    }

    @Test
    void destroyReturnsEveryTableFrame() {
        int before = frames.freeFrames();
        PageTable pt = new PageTable(ram, frames);
        long va1 = 0x10000, va2 = 512L << 30, va3 = TIB - PAGE;
        long[] leaves = {frames.alloc(), frames.alloc(), frames.alloc()};
        pt.map(va1, leaves[0], R | U);
        pt.map(va2, leaves[1], R | U);
        pt.map(va3, leaves[2], R | U);
        // root + L2 {idx3 0, idx3 1} + L1 {va1, va2, va3} + L0 {va1, va2, va3}
        assertEquals(9, pt.tableFrames());
        assertEquals(before - 9 - 3, frames.freeFrames());

        for (long va : new long[] {va1, va2, va3}) frames.free(pt.unmap(va));
        pt.destroy();
        assertEquals(0, pt.tableFrames());
        assertEquals(before, frames.freeFrames(), "page-table frames leaked");
    }

    @Test
    void destroyOfEmptyTableFreesTheRoot() {
        int before = frames.freeFrames();
        PageTable pt = new PageTable(ram, frames);
        assertEquals(before - 1, frames.freeFrames());
        pt.destroy();
        assertEquals(before, frames.freeFrames());
    }

    // ------------------------------------------------------------------ a hart walks the tables

    private Hart hart() {
        Hart h = new Hart(0, ram, new CodeCache(ram), System.nanoTime());
        h.setTranslation(false);
        return h;
    }

    @Test
    void hartProbeSeesMappings() {
        PageTable pt = new PageTable(ram, frames);
        long va = 0x7_0000_0000L, pa = frames.allocZeroed();
        long ro = va + 5 * PAGE, paRo = frames.allocZeroed();
        pt.map(va, pa, U | R | W);
        pt.map(ro, paRo, U | R);
        Hart h = hart();
        h.setSatp(PageTable.satp(pt.rootPa(), 3));
        assertEquals(pa + 0x123, h.probe(va + 0x123));
        assertEquals(paRo + 0xFF8, h.probe(ro + 0xFF8));
        assertEquals(-1, h.probe(va + PAGE), "unmapped neighbour");
        assertEquals(-1, h.probe(0x10000), "nothing mapped there");
        assertEquals(A, pt.lookup(va) & A, "the walker sets A");

        // Supervisor-only page: a user access must fault.
        long kva = va + 2 * PAGE;
        pt.map(kva, frames.allocZeroed(), R | W);
        assertEquals(-1, h.probe(kva));

        // Parked page faults; restored page translates again to the same frame.
        pt.protect(va, 0);
        h.flushTlb(-1, -1);
        assertEquals(-1, h.probe(va));
        pt.protect(va, U | R);
        h.flushTlb(-1, -1);
        assertEquals(pa, h.probe(va));

        pt.unmap(ro);
        h.flushTlb(-1, -1);
        assertEquals(-1, h.probe(ro));
    }

    /** ld a1, 0(a0); sd a1, 8(a0); ecall */
    private static final int LD_A1_0_A0 = 0x00053583, SD_A1_8_A0 = 0x00B53423, ECALL = 0x00000073;

    private static byte[] code(int... insns) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * insns.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i : insns) b.putInt(i);
        return b.array();
    }

    @Test
    void hartRunsCodeThroughTheTables() {
        PageTable pt = new PageTable(ram, frames);
        long text = 0x10000, data = 0x3_0000_0000L;
        long textPa = frames.allocZeroed(), dataPa = frames.allocZeroed();
        byte[] prog = code(LD_A1_0_A0, SD_A1_8_A0, ECALL);
        ram.write(textPa, prog, 0, prog.length);
        ram.write64(dataPa, 0x1122_3344_5566_7788L);
        pt.map(text, textPa, U | R | X);
        pt.map(data, dataPa, U | R | W);

        Hart h = hart();
        h.setSatp(PageTable.satp(pt.rootPa(), 7));
        h.setPc(text);
        h.setX(10, data);
        Trap t = h.run();
        assertEquals(Trap.ECALL_FROM_U, t.cause(), () -> "unexpected trap " + t.describe());
        assertEquals(0x1122_3344_5566_7788L, h.x(11));
        assertEquals(0x1122_3344_5566_7788L, ram.read64(dataPa + 8), "the store went to the mapped frame");
        assertEquals(A | D, pt.lookup(data) & (A | D), "the walker sets A and D on a store");

        // protect() keeps the A/D bits the MMU set.
        pt.protect(data, U | R);
        assertEquals(A | D, pt.lookup(data) & (A | D));
        assertEquals(U | R | A | D | V, pt.lookup(data) & FLAG_MASK);
    }

    @Test
    void hartStoreToReadOnlyLeafFaults() {
        PageTable pt = new PageTable(ram, frames);
        long text = 0x10000, data = 0x20000;
        long textPa = frames.allocZeroed(), dataPa = frames.allocZeroed();
        byte[] prog = code(LD_A1_0_A0, SD_A1_8_A0, ECALL);
        ram.write(textPa, prog, 0, prog.length);
        ram.write64(dataPa, 42);
        pt.map(text, textPa, U | R | X);
        pt.map(data, dataPa, U | R);

        Hart h = hart();
        h.setSatp(PageTable.satp(pt.rootPa(), 8));
        h.setPc(text);
        h.setX(10, data);
        Trap t = h.run();
        assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), () -> "unexpected trap " + t.describe());
        assertEquals(data + 8, t.tval());
        assertEquals(42, h.x(11), "the load before the store succeeded");
        assertEquals(0, ram.read64(dataPa + 8), "nothing was stored");
    }

    private static List<Long> visit(PageTable pt, long start, long end) {
        List<Long> out = new ArrayList<>();
        pt.forEachLeaf(start, end, (va, pte) -> out.add(va));
        return out;
    }
}
