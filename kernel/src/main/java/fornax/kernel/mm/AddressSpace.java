package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user address space: the VMAs that say what may be mapped, and the Sv48 page table that says
 * what is mapped now. Pages are populated on demand: a hart faults, the kernel finds the VMA,
 * allocates a zeroed frame and maps it.
 *
 * <pre>
 *   0x40_0000_0000  STACK_TOP (Linux riscv64's default user window, 2^38)
 *        stack VMA (grows down to its rlimit) ... guard gap
 *   MMAP_BASE       mmap() searches downward from here
 *        ...
 *   brk             heap grows up from the page after the ELF's bss
 *   0x10000         a typical ET_EXEC image
 * </pre>
 *
 * <p>Invariants: VMAs never overlap and are page aligned; every present leaf PTE lies inside a VMA
 * whose protection allows at least what the PTE allows; every present leaf's frame was allocated
 * from {@link FrameAllocator} for this space and is freed exactly once (on unmap or destroy).
 *
 * <p>Locking: all methods synchronize on {@code this}. The TLB flusher is called with the lock
 * held; it must not take address-space locks.
 */
public final class AddressSpace {
    public static final long PAGE = 4096;
    public static final long USER_TOP = 1L << 38;
    public static final long STACK_TOP = USER_TOP;
    public static final long MMAP_BASE = STACK_TOP - (128L << 20);
    public static final long MIN_ADDR = 0x10000;
    /** The signal-return trampoline page (the vDSO's job on Linux), mapped into every image. */
    public static final long TRAMPOLINE = MMAP_BASE;

    /** What a user access needs. */
    public enum Access { READ, WRITE, EXEC }

    /** Flushes stale translations after a PTE changed (a hart's sfence.vma, or a shootdown). */
    public interface TlbFlusher { void flush(long va, int asid); }

    /** Result of a page fault that could not be resolved: si_code for SIGSEGV. */
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2;

    private final PhysicalMemory ram;
    private final FrameAllocator frames;
    private final PageTable table;
    private final int asid;
    private final TlbFlusher flusher;
    // guarded by this
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    /**
     * Changes whenever a translation some hart may have cached became wrong (unmap, downgrade,
     * copy-on-write break). A hart that last synchronised its TLB for this ASID at another value
     * flushes the ASID before running this address space again. Unique across address spaces, so
     * a recycled ASID never matches what a hart saw for the previous owner.
     */
    private volatile long generation = GENERATIONS.incrementAndGet();
    private static final java.util.concurrent.atomic.AtomicLong GENERATIONS = new java.util.concurrent.atomic.AtomicLong();
    private long brkStart, brk;
    private int residentPages;
    /** Set by {@link #destroy()}: the page table is gone, {@link #peek} reads nothing. */
    private boolean destroyed;
    /** Where exec put things (Linux's mm start_code ... env_end); null until a program is loaded. */
    private volatile Layout layout;

    /**
     * Where the loaded program's pieces lie, as Linux's mm_struct records them for /proc/PID/stat
     * and cmdline/environ: code and data segment bounds, the initial stack pointer, and the argv
     * and envp strings ({@code [argStart, argEnd)} holds argv[0] NUL argv[1] NUL ...).
     */
    public record Layout(long startCode, long endCode, long startData, long endData, long startStack,
                         long argStart, long argEnd, long envStart, long envEnd) { }

    public AddressSpace(PhysicalMemory ram, FrameAllocator frames, int asid, TlbFlusher flusher) {
        this.ram = ram;
        this.frames = frames;
        this.asid = asid;
        this.flusher = flusher;
        this.table = new PageTable(ram, frames);
    }

    public long satp() { return PageTable.satp(table.rootPa(), asid); }
    public long tlbGeneration() { return generation; }

    /** Some hart may hold a stale translation of {@code va} (-1: any address): flush and move on. */
    private void stale(long va) {
        generation = GENERATIONS.incrementAndGet();
        flusher.flush(va, asid);
    }
    public int asid() { return asid; }
    public synchronized int residentPages() { return residentPages; }
    /** Frames held by the page table itself (VmPTE). */
    public synchronized int pageTableFrames() { return destroyed ? 0 : table.tableFrames(); }
    public Layout layout() { return layout; }
    public void setLayout(Layout l) { layout = l; }
    public synchronized List<Vma> vmas() { return new ArrayList<>(vmas.values()); }

    static long pageDown(long v) { return v & ~(PAGE - 1); }
    static long pageUp(long v) { return (v + PAGE - 1) & ~(PAGE - 1); }

    // ------------------------------------------------------------------ VMA management

    private Vma vmaAt(long va) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    private boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(end);
        return e != null && e.getValue().end() > start;
    }

    /** Adds a VMA over [start, end); the range must be free. */
    public synchronized void map(long start, long end, int prot, Vma.Kind kind) {
        map(start, end, prot, kind, false);
    }

    /** Adds a VMA over [start, end), shared across fork if {@code shared}; the range must be free. */
    public synchronized void map(long start, long end, int prot, Vma.Kind kind, boolean shared) {
        if (start < MIN_ADDR || end > USER_TOP || overlaps(start, end))
            throw new SysError(Errno.ENOMEM, String.format("range [%#x,%#x) unavailable", start, end));
        vmas.put(start, new Vma(start, end, prot, kind, shared));
    }

    public synchronized boolean isFree(long start, long end) {
        return start >= MIN_ADDR && end <= USER_TOP && start < end && !overlaps(start, end);
    }

    /**
     * Maps an existing frame (retained: the caller keeps its own reference) at {@code va} as a
     * one-page private VMA; used for the trampoline page every process shares.
     */
    public synchronized void mapFrame(long va, long pa, int prot) {
        map(va, va + PAGE, prot, Vma.Kind.ANON);
        frames.retain(pa);
        table.map(va, pa, vmaAt(va).pteFlags());
        residentPages++;
    }

    /** Highest free range of {@code len} bytes that ends at or below {@code below}; ENOMEM if none. */
    public synchronized long findFree(long len, long below) {
        long end = below;
        for (Vma v : vmas.descendingMap().values()) {
            if (v.start() >= end) continue;
            if (v.end() <= end - len) break;
            end = v.start();
        }
        long start = end - len;
        if (start < MIN_ADDR || len > end) throw new SysError(Errno.ENOMEM, "no free range");
        return start;
    }

    /** Splits VMAs so that no VMA straddles {@code va}. */
    private void splitAt(long va) {
        Vma v = vmaAt(va);
        if (v == null || v.start() == va) return;
        vmas.put(v.start(), v.withRange(v.start(), va));
        vmas.put(va, v.withRange(va, v.end()));
    }

    /** Removes all mappings in [start, end), freeing their frames. Unmapped holes are fine. */
    public synchronized void unmap(long start, long end) {
        splitAt(start);
        splitAt(end);
        List<Long> doomed = new ArrayList<>(vmas.subMap(start, true, end, false).keySet());
        for (Long k : doomed) {
            Vma v = vmas.remove(k);
            table.forEachLeaf(v.start(), v.end(), (va, pte) -> dropPage(va));
        }
    }

    private void dropPage(long va) {
        long pa = table.unmap(va);
        if (pa >= 0) {
            frames.free(pa);
            residentPages--;
            stale(va);
        }
    }

    /** mprotect: every page in [start, end) must be inside some VMA, else ENOMEM. */
    public synchronized void protect(long start, long end, int prot) {
        for (long va = start; va < end; ) {
            Vma v = vmaAt(va);
            if (v == null) throw new SysError(Errno.ENOMEM, "mprotect of unmapped range");
            va = v.end();
        }
        splitAt(start);
        splitAt(end);
        for (Vma v : new ArrayList<>(vmas.subMap(start, true, end, false).values())) {
            Vma nv = v.withProt(prot);
            vmas.put(v.start(), nv);
            long flags = nv.pteFlags();
            table.forEachLeaf(v.start(), v.end(), (va, pte) -> {
                table.protect(va, flags);   // flags 0 parks the frame: contents survive PROT_NONE
                stale(va);
            });
        }
    }

    /** madvise(DONTNEED): drops the pages of [start, end), which refault as zeros; VMAs stay. */
    public synchronized void discard(long start, long end) {
        for (long va = start; va < end; ) {
            Vma v = vmaAt(va);
            if (v == null) throw new SysError(Errno.ENOMEM, "madvise of unmapped range");
            va = v.end();
        }
        table.forEachLeaf(start, end, (va, pte) -> dropPage(va));
    }

    // ------------------------------------------------------------------ brk

    public synchronized void setBrkStart(long start) {
        brkStart = brk = pageUp(start);
    }

    public synchronized long brk() { return brk; }

    /** Where the heap starts (the page after the program's bss). */
    public synchronized long brkStart() { return brkStart; }

    /** brk(2): moves the break; returns the new break, or the old one if the move is impossible. */
    public synchronized long setBrk(long want, long limit) {
        if (want < brkStart || want > USER_TOP) return brk;
        long oldTop = pageUp(brk), newTop = pageUp(want);
        if (want - brkStart > limit) return brk;
        if (want > brk) {
            // Bytes past the old break in its last page may hold data from before a shrink;
            // hand them out as zeros, as qemu-user does (Linux keeps them; nothing relies on either).
            long tailEnd = Math.min(want, oldTop);
            if (tailEnd > brk && PageTable.holdsFrame(table.lookup(pageDown(brk)))) {
                long pte = table.lookup(pageDown(brk));
                ram.zero(PageTable.frameOf(pte) | (brk & (PAGE - 1)), tailEnd - brk);
            }
        }
        if (newTop > oldTop) {
            if (!isFree(oldTop, newTop)) return brk;
            Vma heap = vmaAt(oldTop - PAGE);
            int rw = Vma.PROT_READ | Vma.PROT_WRITE;
            // New break memory is always read-write: extend the heap VMA only if it still is.
            if (heap != null && heap.kind() == Vma.Kind.HEAP && heap.end() == oldTop && heap.prot() == rw) {
                vmas.put(heap.start(), heap.withRange(heap.start(), newTop));
            } else {
                vmas.put(oldTop, new Vma(oldTop, newTop, rw, Vma.Kind.HEAP));
            }
        } else if (newTop < oldTop) {
            unmap(newTop, oldTop);
        }
        brk = want;
        return brk;
    }

    // ------------------------------------------------------------------ faults

    /**
     * Resolves a user page fault at {@code va}. Returns 0 when resolved (retry the instruction), or
     * the SIGSEGV si_code when the access is invalid.
     */
    public synchronized int fault(long va, Access access) {
        Vma v = vmaAt(va);
        if (v == null) return SEGV_MAPERR;
        int need = switch (access) {
            case READ -> Vma.PROT_READ | Vma.PROT_WRITE;   // W implies R on RISC-V
            case WRITE -> Vma.PROT_WRITE;
            case EXEC -> Vma.PROT_EXEC;
        };
        if ((v.prot() & need) == 0) return SEGV_ACCERR;
        long page = pageDown(va);
        long pte = table.lookup(page);
        if (PageTable.holdsFrame(pte)) {
            if (access == Access.WRITE && (pte & PageTable.COW) != 0 && (pte & PageTable.V) != 0) {
                breakCopyOnWrite(page, pte);
                return 0;
            }
            // Present: the TLB was stale (another hart changed it) or permissions really forbid.
            stale(page);
            return 0;
        }
        long pa = frames.allocZeroed();
        table.map(page, pa, v.pteFlags());
        residentPages++;
        return 0;
    }

    /**
     * The first write to a copy-on-write page: the last owner takes the frame back writable,
     * others get a private copy.
     */
    private void breakCopyOnWrite(long page, long pte) {
        long pa = PageTable.frameOf(pte);
        long flags = (pte & 0x3FF & ~PageTable.COW) | PageTable.W | PageTable.D | PageTable.A;
        if (frames.owners(pa) == 1) {
            table.setLeaf(page, (pa >>> 12) << 10 | flags);
        } else {
            long copy = frames.alloc();
            ram.copy(pa, copy, (int) PAGE);
            frames.free(pa);
            table.setLeaf(page, (copy >>> 12) << 10 | flags);
        }
        stale(page);
    }

    /**
     * fork: a new address space with the same VMAs whose private pages share this one's frames
     * copy-on-write (both sides lose W until they write) and whose shared pages share frames
     * outright. Shared mappings are populated first so both processes see the same frames.
     */
    public synchronized AddressSpace fork(int childAsid, TlbFlusher childFlusher) {
        AddressSpace child = new AddressSpace(ram, frames, childAsid, childFlusher);
        try {
            child.vmas.putAll(vmas);
            child.brkStart = brkStart;
            child.brk = brk;
            child.layout = layout;
            boolean[] downgraded = {false};
            for (Vma v : vmas.values()) {
                if (v.shared()) {
                    for (long va = v.start(); va < v.end(); va += PAGE)
                        if (!PageTable.holdsFrame(table.lookup(va))) fault(va, Access.READ);
                }
                table.forEachLeaf(v.start(), v.end(), (va, pte) -> {
                    frames.retain(PageTable.frameOf(pte));
                    long shared = pte;
                    if (!v.shared()) {
                        shared = (pte & ~PageTable.W) | PageTable.COW;
                        if (shared != pte) {
                            table.setLeaf(va, shared);
                            downgraded[0] = true;
                        }
                    }
                    child.table.setLeaf(va, shared);
                    child.residentPages++;
                });
            }
            if (downgraded[0]) stale(-1);
            return child;
        } catch (RuntimeException e) {
            child.destroy();
            throw e;
        }
    }

    /** Physical address backing {@code va} for a kernel access, faulting the page in; EFAULT if invalid. */
    private long resolve(long va, Access access) {
        long pte = table.lookup(pageDown(va));
        long need = access == Access.WRITE ? PageTable.W : PageTable.R;
        if ((pte & PageTable.V) == 0 || (pte & need) == 0) {
            if (fault(va, access) != 0) throw new SysError(Errno.EFAULT);
            pte = table.lookup(pageDown(va));
            if ((pte & need) == 0) throw new SysError(Errno.EFAULT);
        }
        return PageTable.frameOf(pte) | (va & (PAGE - 1));
    }

    private static void checkRange(long va, long len) {
        if (len < 0 || va < 0 || va + len < va || va + len > USER_TOP) throw new SysError(Errno.EFAULT);
    }

    /** Copies user memory [va, va+len) into {@code dst}. EFAULT if any byte is not readable. */
    public synchronized void copyIn(long va, byte[] dst, int off, int len) {
        checkRange(va, len);
        while (len > 0) {
            int n = (int) Math.min(len, PAGE - (va & (PAGE - 1)));
            ram.read(resolve(va, Access.READ), dst, off, n);
            va += n; off += n; len -= n;
        }
    }

    /** Copies {@code src} into user memory at {@code va}. EFAULT if any byte is not writable. */
    public synchronized void copyOut(long va, byte[] src, int off, int len) {
        checkRange(va, len);
        while (len > 0) {
            int n = (int) Math.min(len, PAGE - (va & (PAGE - 1)));
            ram.write(resolve(va, Access.WRITE), src, off, n);
            va += n; off += n; len -= n;
        }
    }

    /** Writes into user memory regardless of the VMA's protection (used by exec to fill segments). */
    public synchronized void poke(long va, byte[] src, int off, int len) {
        while (len > 0) {
            long page = pageDown(va);
            long pte = table.lookup(page);
            if ((pte & PageTable.V) == 0) {
                Vma v = vmaAt(va);
                if (v == null || v.pteFlags() == 0) throw new SysError(Errno.EFAULT);
                long pa = frames.allocZeroed();
                table.map(page, pa, v.pteFlags());
                residentPages++;
                pte = table.lookup(page);
            }
            int n = (int) Math.min(len, PAGE - (va & (PAGE - 1)));
            ram.write(PageTable.frameOf(pte) | (va & (PAGE - 1)), src, off, n);
            va += n; off += n; len -= n;
        }
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes (ENAMETOOLONG past it). */
    public synchronized String readString(long va, int max) {
        StringBuilder sb = new StringBuilder();
        byte[] one = new byte[1];
        for (int i = 0; i < max; i++) {
            copyIn(va + i, one, 0, 1);
            if (one[0] == 0) return new String(sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    java.nio.charset.StandardCharsets.UTF_8);
            sb.append((char) (one[0] & 0xFF));
        }
        throw new SysError(Errno.ENAMETOOLONG);
    }

    /**
     * The futex identity of the word at {@code va}: its physical address when it lies in a
     * MAP_SHARED mapping (the page is faulted in), so processes sharing the frame meet on it; -1
     * when the word is private to this address space. EFAULT if nothing readable is mapped there.
     */
    public synchronized long sharedPhysicalAddress(long va) {
        Vma v = vmaAt(va);
        if (v == null) throw new SysError(Errno.EFAULT);
        return v.shared() ? resolve(va, Access.READ) : -1;
    }

    /**
     * Reads this space's memory for another process (Linux's access_remote_vm, which /proc/PID/cmdline
     * uses): only pages present now are read; nothing is faulted in and no TLB is touched, so the
     * owner never notices. Stops at the first byte outside a VMA or on a page not present; returns
     * the count read (0 once the space is destroyed).
     */
    public synchronized int peek(long va, byte[] dst, int off, int len) {
        if (destroyed || len <= 0 || va < 0 || va + len < va || va + len > USER_TOP) return 0;
        int done = 0;
        while (done < len) {
            long pte = table.lookup(pageDown(va));
            if (!PageTable.holdsFrame(pte) || vmaAt(va) == null) break;
            int n = (int) Math.min(len - done, PAGE - (va & (PAGE - 1)));
            ram.read(PageTable.frameOf(pte) | (va & (PAGE - 1)), dst, off + done, n);
            va += n;
            done += n;
        }
        return done;
    }

    /** Frees every page, every VMA and the page table itself. */
    public synchronized void destroy() {
        unmap(MIN_ADDR, USER_TOP);
        table.destroy();
        destroyed = true;
        stale(-1);
    }
}
