package fornax.machine.cpu;

import fornax.machine.Trap;
import fornax.machine.mem.PhysicalMemory;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One hart's address translation: Sv39/Sv48 page-table walks over tables in emulated RAM, and
 * software TLBs.
 *
 * <pre>
 *  Sv48 virtual address                      PTE (Sv39 and Sv48)
 *  63    48 47  39 38  30 29  21 20  12 11  0    63  54 53        10 9 8 7 6 5 4 3 2 1 0
 *  [=bit47][VPN3 ][VPN2 ][VPN1 ][VPN0 ][off ]    [ 0  ][    PPN     ][RSW][D A G U X W R V]
 * </pre>
 *
 * <p>Implementation notes. A TLB is three direct-mapped arrays of {@value #TLB_SIZE} entries, one
 * per access kind (read, write, fetch). A read/write entry caches the RAM chunk and offset of the
 * 4 KiB page so a hit is an array index; a fetch entry caches the decoded page. An entry is only
 * installed once the walk has proven the access legal and set A (and D for writes), so a hit needs
 * no permission check. Each ASID has its own TLB (up to {@value #ASID_TLBS} are kept), so a switch
 * of address space costs nothing and a flush by ASID drops one set; global pages are simply
 * cached in each ASID's set. Superpages are cached as the 4 KiB pages touched.
 *
 * <p>A/D bits are set by the walker with a CAS on the PTE, as hardware with Svadu does.
 *
 * <p>Thread safety: owned by the hart's current thread. Remote flushes go through the kernel
 * (an IPI makes the target hart trap, and its own thread flushes), as on real hardware.
 */
final class Mmu {
    static final int TLB_SIZE = 256;
    static final int TLB_MASK = TLB_SIZE - 1;
    static final int ASID_TLBS = 8;

    static final long PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;

    static final int FETCH = 0, LOAD = 1, STORE = 2;

    /** Per-ASID TLB. Tags are virtual page numbers; -1 never matches. */
    static final class Tlb {
        final long[] rTag = new long[TLB_SIZE];
        final MemorySegment[] rMem = new MemorySegment[TLB_SIZE];
        final int[] rOff = new int[TLB_SIZE];
        final long[] wTag = new long[TLB_SIZE];
        final MemorySegment[] wMem = new MemorySegment[TLB_SIZE];
        final int[] wOff = new int[TLB_SIZE];
        final long[] xTag = new long[TLB_SIZE];
        final CodeCache.CodePage[] xPage = new CodeCache.CodePage[TLB_SIZE];
        final long[] xPa = new long[TLB_SIZE];
        /**
         * True once a piece of a superpage was cached. Pieces are cached per 4 KiB page, so a
         * flush of one address cannot find the others; then any single-address flush drops all.
         */
        boolean hasSuperpages;

        Tlb() { flushAll(); }

        void flushAll() {
            hasSuperpages = false;
            java.util.Arrays.fill(rTag, -1);
            java.util.Arrays.fill(wTag, -1);
            java.util.Arrays.fill(xTag, -1);
            java.util.Arrays.fill(rMem, null);
            java.util.Arrays.fill(wMem, null);
            java.util.Arrays.fill(xPage, null);
        }

        void flushPage(long vpn) {
            if (hasSuperpages) {
                flushAll();
                return;
            }
            int s = (int) vpn & TLB_MASK;
            if (rTag[s] == vpn) { rTag[s] = -1; rMem[s] = null; }
            if (wTag[s] == vpn) { wTag[s] = -1; wMem[s] = null; }
            if (xTag[s] == vpn) { xTag[s] = -1; xPage[s] = null; }
        }

        void flushFetch() {
            java.util.Arrays.fill(xTag, -1);
            java.util.Arrays.fill(xPage, null);
        }
    }

    private final PhysicalMemory ram;
    private final CodeCache code;
    private final TrapException trap;

    private long satp;
    private int mode;          // 0 bare, 8 Sv39, 9 Sv48
    private long rootPa;
    Tlb tlb;
    private final Map<Integer, Tlb> byAsid = new LinkedHashMap<>(16, 0.75f, true);

    /** Whether the last successful walk ended at a superpage leaf (owner thread only). */
    private boolean lastWalkSuperpage;

    // statistics (owner thread only)
    long walks, tlbFlushes;

    Mmu(PhysicalMemory ram, CodeCache code, TrapException trap) {
        this.ram = ram;
        this.code = code;
        this.trap = trap;
        setSatp(0);
    }

    long satp() { return satp; }

    /** Installs a new satp value (MODE | ASID | PPN); selects that ASID's TLB. */
    void setSatp(long value) {
        int m = (int) (value >>> 60);
        if (m != 0 && m != 8 && m != 9) throw new IllegalArgumentException("unsupported satp mode " + m);
        satp = value;
        mode = m;
        rootPa = (value & ((1L << 44) - 1)) << 12;
        int asid = (int) ((value >>> 44) & 0xFFFF);
        Tlb t = byAsid.get(asid);
        if (t == null) {
            if (byAsid.size() >= ASID_TLBS) {
                Integer eldest = byAsid.keySet().iterator().next();
                byAsid.remove(eldest);
            }
            t = new Tlb();
            byAsid.put(asid, t);
        }
        tlb = t;
    }

    /** sfence.vma: va = -1 means all addresses, asid = -1 means all address spaces. */
    void flush(long va, int asid) {
        tlbFlushes++;
        for (Map.Entry<Integer, Tlb> e : byAsid.entrySet()) {
            if (asid != -1 && e.getKey() != asid) continue;
            if (va == -1) e.getValue().flushAll();
            else e.getValue().flushPage(va >>> 12);
        }
    }

    void flushFetchAll() {
        for (Tlb t : byAsid.values()) t.flushFetch();
    }

    // ------------------------------------------------------------ translation

    private static long pageFault(int access) {
        return access == FETCH ? Trap.INSTRUCTION_PAGE_FAULT : access == LOAD ? Trap.LOAD_PAGE_FAULT : Trap.STORE_PAGE_FAULT;
    }

    private static long accessFault(int access) {
        return access == FETCH ? Trap.INSTRUCTION_ACCESS_FAULT : access == LOAD ? Trap.LOAD_ACCESS_FAULT : Trap.STORE_ACCESS_FAULT;
    }

    /**
     * Translates {@code va} for a user-mode access, setting A/D, and returns the physical address.
     * Throws the hart's TrapException on a page or access fault.
     */
    long translate(long va, int access) {
        long pa;
        lastWalkSuperpage = false;
        if (mode == 0) {
            pa = va;
        } else {
            pa = walk(va, access);
        }
        if (!ram.contains(pa & ~0xFFFL, 4096)) throw trap.set(accessFault(access), va);
        return pa;
    }

    private long walk(long va, int access) {
        walks++;
        int levels = mode == 9 ? 4 : 3;
        int vaBits = 12 + 9 * levels;
        if ((va << (64 - vaBits)) >> (64 - vaBits) != va) throw trap.set(pageFault(access), va);
        retry:
        for (;;) {
            long table = rootPa;
            for (int level = levels - 1; level >= 0; level--) {
                long pteAddr = table + (((va >>> (12 + 9 * level)) & 0x1FF) << 3);
                if (!ram.contains(pteAddr, 8)) throw trap.set(accessFault(access), va);
                long pte = ram.read64(pteAddr);
                if ((pte & PTE_V) == 0 || (pte & (PTE_R | PTE_W)) == PTE_W || (pte >>> 54) != 0)
                    throw trap.set(pageFault(access), va);
                long ppn = (pte >>> 10) & ((1L << 44) - 1);
                if ((pte & (PTE_R | PTE_X)) == 0) {
                    if ((pte & (PTE_A | PTE_D | PTE_U)) != 0) throw trap.set(pageFault(access), va);
                    table = ppn << 12;
                    continue;
                }
                // Leaf.
                boolean allowed = (pte & PTE_U) != 0 && switch (access) {
                    case FETCH -> (pte & PTE_X) != 0;
                    case LOAD -> (pte & PTE_R) != 0;
                    default -> (pte & PTE_W) != 0;
                };
                if (!allowed) throw trap.set(pageFault(access), va);
                long superMask = (1L << (9 * level)) - 1;
                if ((ppn & superMask) != 0) throw trap.set(pageFault(access), va);
                long want = pte | PTE_A | (access == STORE ? PTE_D : 0);
                if (want != pte && !ram.cas64(pteAddr, pte, want)) continue retry; // PTE changed under us
                long pageNumber = ppn | ((va >>> 12) & superMask);
                lastWalkSuperpage = level > 0;
                return (pageNumber << 12) | (va & 0xFFF);
            }
            throw trap.set(pageFault(access), va); // no leaf at the last level
        }
    }

    // ------------------------------------------------------------ TLB refill (slow paths of the interpreter)

    /** Fills the read TLB for {@code va}'s page; returns the slot. */
    int fillRead(long va) {
        long pa = translate(va, LOAD);
        int s = (int) (va >>> 12) & TLB_MASK;
        long pagePa = pa & ~0xFFFL;
        tlb.rMem[s] = ram.chunk(pagePa);
        tlb.rOff[s] = PhysicalMemory.offset(pagePa);
        tlb.rTag[s] = va >>> 12;
        tlb.hasSuperpages |= lastWalkSuperpage;
        return s;
    }

    int fillWrite(long va) {
        long pa = translate(va, STORE);
        int s = (int) (va >>> 12) & TLB_MASK;
        long pagePa = pa & ~0xFFFL;
        tlb.wMem[s] = ram.chunk(pagePa);
        tlb.wOff[s] = PhysicalMemory.offset(pagePa);
        tlb.wTag[s] = va >>> 12;
        tlb.hasSuperpages |= lastWalkSuperpage;
        return s;
    }

    /** The decoded page holding {@code pc}. */
    CodeCache.CodePage fetchPage(long pc) {
        long vpn = pc >>> 12;
        int s = (int) vpn & TLB_MASK;
        Tlb t = tlb;
        if (t.xTag[s] == vpn && !t.xPage[s].stale) return t.xPage[s];
        long pa = translate(pc, FETCH) & ~0xFFFL;
        CodeCache.CodePage p = code.page(pa);
        t.xPage[s] = p;
        t.xPa[s] = pa;
        t.xTag[s] = vpn;
        t.hasSuperpages |= lastWalkSuperpage;
        return p;
    }

    /** Reads a 16-bit parcel for instruction fetch (used for instructions that cross a page). */
    int fetch16(long va) {
        long pa = translate(va, FETCH);
        return ram.chunk(pa).get(PhysicalMemory.U16, PhysicalMemory.offset(pa)) & 0xFFFF;
    }
}
