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
 * what is mapped now. Pages are populated on demand: a hart faults, the kernel finds the VMA and
 * maps a zeroed frame (private anonymous memory), the backing object's frame (shared mappings,
 * and private file mappings copy-on-write) or a copy of the file's bytes (private mappings of
 * files whose server keeps no frames).
 *
 * <pre>
 *   0x40_0000_0000  STACK_TOP (Linux riscv64's default user window, 2^38)
 *        stack VMA (grows down on faults, to RLIMIT_STACK) ... GUARD_GAP below it kept free
 *   MMAP_BASE       mmap() searches downward from here
 *        ...
 *   brk             heap grows up from the page after the ELF's bss
 *   0x10000         a typical ET_EXEC image
 * </pre>
 *
 * <p>Invariants: VMAs never overlap and are page aligned; every present leaf PTE lies inside a VMA
 * whose protection allows at least what the PTE allows; every present leaf holds one reference
 * to its frame (from {@link FrameAllocator}: allocated for this space, or retained from a backing
 * object or the parent at fork) and drops it exactly once (on unmap or destroy); every VMA naming
 * a {@link MemoryObject} holds one reference to it; {@code totalBytes} and {@code dataBytes} are
 * the sums over the VMAs that Linux's total_vm and data_vm are.
 *
 * <p>Limits (set by the owning process from its rlimits): RLIMIT_AS bounds the total size of the
 * VMAs (mmap, brk, mremap, stack growth), RLIMIT_DATA the private writable non-stack ones, as
 * Linux's may_expand_vm does; RLIMIT_STACK bounds stack growth. Private writable and shared
 * anonymous mappings are also checked against Linux's heuristic overcommit (one request may not
 * exceed RAM) unless made with MAP_NORESERVE.
 *
 * <p>Locking: all methods synchronize on {@code this}. The TLB flusher is called with the lock
 * held; it must not take address-space locks. Faults on file mappings call the file's server
 * with the lock held (AddressSpace → file server → FrameAllocator), and dropping the last
 * reference to a mapped file closes it there too; no file server calls back into an address
 * space.
 */
public final class AddressSpace {
    public static final long PAGE = 4096;
    public static final long USER_TOP = 1L << 38;
    public static final long STACK_TOP = USER_TOP;
    public static final long MMAP_BASE = STACK_TOP - (128L << 20);
    public static final long MIN_ADDR = 0x10000;
    /** The signal-return trampoline page (the vDSO's job on Linux), mapped into every image. */
    public static final long TRAMPOLINE = MMAP_BASE;
    /** Linux's stack_guard_gap: 256 pages kept free below a stack so it cannot grow into a mapping. */
    public static final long GUARD_GAP = 256 * PAGE;

    /** What a user access needs. */
    public enum Access { READ, WRITE, EXEC }

    /** Flushes stale translations after a PTE changed (a hart's sfence.vma, or a shootdown). */
    public interface TlbFlusher { void flush(long va, int asid); }

    /** Result of a page fault that could not be resolved: si_code for SIGSEGV. */
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2;
    /** Marks a fault result as SIGBUS rather than SIGSEGV; the low byte is the si_code. */
    public static final int SIGBUS_FLAG = 0x100;
    /** SIGBUS, BUS_ADRERR: a file mapping touched past the end of its file. */
    public static final int BUS_ADRERR = SIGBUS_FLAG | 2;

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
    // guarded by this
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
    private long totalBytes, dataBytes;
    /** The container memory limit new pages are charged to, or null (set by the owning process). */
    private volatile MemoryLimit memoryLimit;
    /** Byte limits from RLIMIT_AS, RLIMIT_DATA (soft and hard) and RLIMIT_STACK; written by setrlimit. */
    private volatile long asLimit = Long.MAX_VALUE, dataLimit = Long.MAX_VALUE, dataHardLimit = Long.MAX_VALUE,
            stackLimit = 8L << 20;

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
    /** Total size of the VMAs (Linux's total_vm, in bytes; what RLIMIT_AS bounds). */
    public synchronized long mappedBytes() { return totalBytes; }
    /** Size of the private writable non-stack VMAs (Linux's data_vm, in bytes; what RLIMIT_DATA bounds). */
    public synchronized long dataBytes() { return dataBytes; }
    /** Page-table frames of this space. */
    /**
     * The limits to enforce, as rlimit values (RLIM_INFINITY, -1, and anything past 2^63 mean
     * none): RLIMIT_AS, RLIMIT_DATA soft and hard, RLIMIT_STACK.
     */
    public void setLimits(long as, long data, long dataHard, long stack) {
        asLimit = bytes(as);
        dataLimit = bytes(data);
        dataHardLimit = bytes(dataHard);
        stackLimit = bytes(stack);
    }

    private static long bytes(long rlimit) { return rlimit < 0 ? Long.MAX_VALUE : rlimit; }

    /**
     * The container memory limit pages allocated from now on are charged to (null: none); pages
     * already present stay charged where they were.
     */
    public void setMemoryLimit(MemoryLimit limit) { memoryLimit = limit; }

    public MemoryLimit memoryLimit() { return memoryLimit; }

    static long pageDown(long v) { return v & ~(PAGE - 1); }
    static long pageUp(long v) { return (v + PAGE - 1) & ~(PAGE - 1); }

    // ------------------------------------------------------------------ VMA bookkeeping

    private Vma vmaAt(long va) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    private boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(end);
        return e != null && e.getValue().end() > start;
    }

    /**
     * Enters {@code v}, replacing a VMA with the same start: keeps the object references and the
     * size sums right (the new object is retained before the old one is released).
     */
    private void put(Vma v) {
        Vma old = vmas.put(v.start(), v);
        count(v, 1);
        if (v.object() != null) v.object().retain();
        if (old != null) {
            count(old, -1);
            if (old.object() != null) old.object().release();
        }
    }

    /** Removes the VMA starting at {@code start} (its pages are the caller's business). */
    private void remove(long start) {
        Vma v = vmas.remove(start);
        if (v == null) return;
        count(v, -1);
        if (v.object() != null) v.object().release();
    }

    private void count(Vma v, int sign) {
        totalBytes += sign * v.length();
        if (v.isData()) dataBytes += sign * v.length();
    }

    /** Adds a private VMA over [start, end); the range must be free. */
    public synchronized void map(long start, long end, int prot, Vma.Kind kind) {
        map(start, end, prot, kind, false);
    }

    /**
     * Adds an anonymous VMA over [start, end), shared across fork if {@code shared} (backed by a
     * new shared anonymous object); the range must be free.
     */
    public synchronized void map(long start, long end, int prot, Vma.Kind kind, boolean shared) {
        if (!shared) {
            map(new Vma(start, end, prot, kind));
            return;
        }
        MemoryObject shm = MemoryObject.anonymous(frames, memoryLimit);
        try {
            map(new Vma(start, end, prot, kind, true, shm, 0, false));
        } finally {
            shm.release();
        }
    }

    /** Adds {@code v} (its object is retained); the range must be free. */
    public synchronized void map(Vma v) {
        if (v.start() < MIN_ADDR || v.end() > USER_TOP || overlaps(v.start(), v.end()))
            throw new SysError(Errno.ENOMEM, String.format("range [%#x,%#x) unavailable", v.start(), v.end()));
        put(v);
    }

    /**
     * Maps an existing frame (retained: the caller keeps its own reference) at {@code va} as a
     * one-page private VMA; used for the trampoline page every process shares.
     */
    public synchronized void mapFrame(long va, long pa, int prot) {
        map(va, va + PAGE, prot, Vma.Kind.ANON);
        table.ensure(va);
        frames.retain(pa);
        table.map(va, pa, vmaAt(va).pteFlags());
        residentPages++;
    }

    public synchronized boolean isFree(long start, long end) {
        return start >= MIN_ADDR && end <= USER_TOP && start < end && !overlaps(start, end);
    }

    /**
     * Free for a new mapping: no VMA overlaps and the range keeps out of the guard gap below a
     * stack (Linux's vm_start_gap).
     */
    private boolean freeForMapping(long start, long end) {
        if (!isFree(start, end)) return false;
        Map.Entry<Long, Vma> next = vmas.ceilingEntry(end);
        return next == null || !next.getValue().growsDown() || next.getValue().start() - end >= GUARD_GAP;
    }

    /** Highest free range of {@code len} bytes that ends at or below {@code below}; ENOMEM if none. */
    public synchronized long findFree(long len, long below) {
        long end = below;
        for (Vma v : vmas.descendingMap().values()) {
            long gapStart = v.growsDown() ? Math.max(0, v.start() - GUARD_GAP) : v.start();
            if (gapStart >= end) continue;
            if (v.end() <= end - len) break;
            end = gapStart;
        }
        long start = end - len;
        if (start < MIN_ADDR || len > end) throw new SysError(Errno.ENOMEM, "no free range");
        return start;
    }

    /** Splits VMAs so that no VMA straddles {@code va}. */
    private void splitAt(long va) {
        Vma v = vmaAt(va);
        if (v == null || v.start() == va) return;
        put(v.withRange(v.start(), va));
        put(v.withRange(va, v.end()));
    }

    /** Bytes of [start, end) covered by VMAs; only data VMAs if {@code data}. */
    private long coveredBytes(long start, long end, boolean data) {
        long n = 0;
        Map.Entry<Long, Vma> first = vmas.floorEntry(start);
        long from = first != null && first.getValue().end() > start ? first.getKey() : start;
        for (Vma v : vmas.subMap(from, true, end, false).values())
            if (!data || v.isData()) n += Math.min(end, v.end()) - Math.max(start, v.start());
        return n;
    }

    /**
     * Linux's may_expand_vm: ENOMEM if {@code grow} more bytes of mapping ({@code dataGrow} of them
     * private writable) would pass RLIMIT_AS or RLIMIT_DATA. (Linux lets a zero RLIMIT_DATA soft
     * limit pass up to the hard limit, for Valgrind; so do we.)
     */
    private void checkExpand(long grow, long dataGrow) {
        if (grow > 0 && totalBytes + grow > asLimit) throw new SysError(Errno.ENOMEM, "RLIMIT_AS");
        if (dataGrow > 0 && dataBytes + dataGrow > dataLimit && !(dataLimit == 0 && dataBytes + dataGrow <= dataHardLimit))
            throw new SysError(Errno.ENOMEM, "RLIMIT_DATA");
    }

    /**
     * Linux's heuristic overcommit (vm.overcommit_memory = 0): one request for committed memory
     * may not exceed all of RAM (there is no swap). MAP_NORESERVE mappings skip it.
     */
    private void checkCommit(long bytes) {
        if (bytes / PAGE > frames.totalFrames()) throw new SysError(Errno.ENOMEM, "request larger than RAM");
    }

    /** Whether Linux charges a mapping to the commit (VM_ACCOUNT): private writable, or shared anonymous. */
    private static boolean accountable(Vma v) {
        return v.shared() ? v.object() != null && !v.object().isFile() : (v.prot() & Vma.PROT_WRITE) != 0;
    }

    // ------------------------------------------------------------------ mmap, munmap, mprotect, madvise

    /**
     * mmap(2)'s mechanism: places {@code want} (whose start is the hint, 0 for none, or the address
     * for {@code fixed}) and returns where it went. With {@code fixed} whatever was in the range
     * goes, but only once the limits are known to allow the new mapping; without it a free hint is
     * taken, else the highest free range below MMAP_BASE. {@code noReserve} (MAP_NORESERVE) skips
     * the overcommit check. ENOMEM when no range is free or a limit forbids.
     */
    public synchronized long mmap(Vma want, boolean fixed, boolean noReserve) {
        long len = want.length(), start;
        if (fixed) {
            start = want.start();
            if (start < MIN_ADDR || start + len > USER_TOP) throw new SysError(Errno.ENOMEM);
        } else {
            long hint = want.start();
            start = hint != 0 && hint + len <= USER_TOP && freeForMapping(hint, hint + len) ? hint
                    : findFree(len, MMAP_BASE);
        }
        Vma v = want.movedTo(start, len);
        long end = start + len;
        checkExpand(len - (fixed ? coveredBytes(start, end, false) : 0),
                v.isData() ? len - (fixed ? coveredBytes(start, end, true) : 0) : 0);
        if (!noReserve && accountable(v)) checkCommit(len);
        if (fixed) unmap(start, end);
        put(v);
        return start;
    }

    /** Removes all mappings in [start, end), freeing their frames. Unmapped holes are fine. */
    public synchronized void unmap(long start, long end) {
        splitAt(start);
        splitAt(end);
        List<Long> doomed = new ArrayList<>(vmas.subMap(start, true, end, false).keySet());
        Dropped dropped = new Dropped();
        for (Long k : doomed) {
            Vma v = vmas.get(k);
            table.forEachLeaf(v.start(), v.end(), (va, pte) -> dropPage(va, dropped));
            remove(k);
        }
        dropped.flush();
    }

    /**
     * Pages dropped by one operation: a few are flushed one by one, more with one flush of the
     * whole ASID (one sfence.vma instead of thousands when a large mapping goes).
     */
    private final class Dropped {
        private static final int ONE_BY_ONE = 8;
        private final long[] first = new long[ONE_BY_ONE];
        private int count;

        void add(long va) {
            if (count < ONE_BY_ONE) first[count] = va;
            count++;
        }

        void flush() {
            if (count > ONE_BY_ONE) stale(-1);
            else for (int i = 0; i < count; i++) stale(first[i]);
        }
    }

    private void dropPage(long va, Dropped dropped) {
        long pa = table.unmap(va);
        if (pa >= 0) {
            frames.free(pa);
            residentPages--;
            dropped.add(va);
        }
    }

    /** Throws ENOMEM unless every page of [start, end) lies in some VMA. */
    private void requireMapped(long start, long end, String what) {
        for (long va = start; va < end; ) {
            Vma v = vmaAt(va);
            if (v == null) throw new SysError(Errno.ENOMEM, what + " of unmapped range");
            va = v.end();
        }
    }

    /**
     * mprotect: every page in [start, end) must be inside some VMA, else ENOMEM. EACCES for write
     * access to a shared mapping of a file not open for writing; ENOMEM if turning private
     * mappings writable passes RLIMIT_DATA.
     */
    public synchronized void protect(long start, long end, int prot) {
        requireMapped(start, end, "mprotect");
        long newData = 0;
        for (long va = start; va < end; ) {
            Vma v = vmaAt(va);
            long upTo = Math.min(end, v.end());
            if ((prot & Vma.PROT_WRITE) != 0 && v.shared() && v.object() != null && !v.object().writable())
                throw new SysError(Errno.EACCES, "shared mapping of a file not open for writing");
            if (!v.isData() && v.withProt(prot).isData()) newData += upTo - va;
            va = upTo;
        }
        checkExpand(0, newData);
        splitAt(start);
        splitAt(end);
        for (Vma v : new ArrayList<>(vmas.subMap(start, true, end, false).values())) {
            Vma nv = v.withProt(prot);
            put(nv);
            long flags = nv.pteFlags();
            table.forEachLeaf(v.start(), v.end(), (va, pte) -> {
                table.protect(va, flags);   // flags 0 parks the frame: contents survive PROT_NONE
                stale(va);
            });
        }
    }

    /**
     * madvise(DONTNEED): drops the pages of [start, end); private anonymous pages refault as zeros,
     * file and shared pages refault from their object. VMAs stay.
     */
    public synchronized void discard(long start, long end) {
        requireMapped(start, end, "madvise");
        Dropped dropped = new Dropped();
        table.forEachLeaf(start, end, (va, pte) -> dropPage(va, dropped));
        dropped.flush();
    }

    /**
     * msync: ENOMEM unless [start, end) is all mapped. There is nothing to write back: a shared
     * mapping maps the file's own frames (see {@link MemoryObject}), so read(2) already sees it.
     */
    public synchronized void sync(long start, long end) {
        requireMapped(start, end, "msync");
    }

    // ------------------------------------------------------------------ mremap

    /**
     * mremap(2)'s mechanism, after Linux's mm/mremap.c; lengths are page multiples, {@code addr}
     * page aligned, the flag combination already checked. Shrinking unmaps the tail; growing
     * extends in place when the range after the VMA is free, else moves (with {@code mayMove}) to
     * a free range, or to {@code newAddr} with {@code fixed} (whatever is there goes). A zero
     * {@code oldLen} duplicates a shared mapping; {@code dontUnmap} (MREMAP_DONTUNMAP) moves the
     * pages but leaves the old range mapped, empty. Page contents move with their frames. Errors:
     * EFAULT (no VMA at addr, or the old range leaves it), EINVAL (overlapping or unaligned target,
     * zero old length of a private mapping), ENOMEM (cannot grow in place without MAYMOVE, no room,
     * limits).
     */
    public synchronized long remap(long addr, long oldLen, long newLen, boolean mayMove, boolean fixed,
                                   boolean dontUnmap, long newAddr) {
        Vma v = vmaAt(addr);
        if (v == null) throw new SysError(Errno.EFAULT, "mremap of unmapped address");
        if (oldLen == 0 && !v.shared()) throw new SysError(Errno.EINVAL, "zero old length needs a shared mapping");
        if (fixed || dontUnmap) {
            if ((newAddr & (PAGE - 1)) != 0 || newLen > USER_TOP || newAddr < 0 || newAddr > USER_TOP - newLen)
                throw new SysError(Errno.EINVAL);
            if (addr + oldLen > newAddr && newAddr + newLen > addr) throw new SysError(Errno.EINVAL, "ranges overlap");
            if (fixed) {
                if (newAddr < MIN_ADDR) throw new SysError(Errno.EPERM, "below mmap_min_addr");
                unmap(newAddr, newAddr + newLen);
            }
            if (oldLen > newLen) {
                unmap(addr + newLen, addr + oldLen);
                oldLen = newLen;
            }
            v = resizable(addr, oldLen, newLen);
            if (dontUnmap) checkExpand(oldLen, v.isData() ? oldLen : 0);
            long to = fixed ? newAddr
                    : newAddr >= MIN_ADDR && freeForMapping(newAddr, newAddr + newLen) ? newAddr : findFree(newLen, MMAP_BASE);
            move(v, addr, oldLen, newLen, to, dontUnmap);
            return to;
        }
        if (oldLen >= newLen) {
            if (oldLen > newLen) unmap(addr + newLen, addr + oldLen);
            return addr;
        }
        v = resizable(addr, oldLen, newLen);
        long grow = newLen - oldLen;
        if (oldLen == v.end() - addr && v.end() + grow <= USER_TOP && v.end() + grow > v.end()
                && freeForMapping(v.end(), v.end() + grow)) {
            if (accountable(v)) checkCommit(grow);
            put(v.withEnd(v.end() + grow));
            return addr;
        }
        if (!mayMove) throw new SysError(Errno.ENOMEM, "cannot grow in place");
        long to = findFree(newLen, MMAP_BASE);
        move(v, addr, oldLen, newLen, to, false);
        return to;
    }

    /** Linux's vma_to_resize: the old range must lie in one VMA, and growing must pass the limits. */
    private Vma resizable(long addr, long oldLen, long newLen) {
        Vma v = vmaAt(addr);
        if (v == null) throw new SysError(Errno.EFAULT);
        if (oldLen > v.end() - addr) throw new SysError(Errno.EFAULT, "old range crosses mappings");
        if (newLen > oldLen) checkExpand(newLen - oldLen, v.isData() ? newLen - oldLen : 0);
        return v;
    }

    /**
     * Moves [addr, addr+oldLen) of {@code v} to a mapping of {@code newLen} bytes at {@code to}
     * (free by now): the new VMA continues the old one's object offset, the present leaves move
     * with their frames, and the old range is gone unless {@code keepOld} (with zero
     * {@code oldLen}: nothing moves or goes).
     */
    private void move(Vma v, long addr, long oldLen, long newLen, long to, boolean keepOld) {
        if (oldLen < newLen && accountable(v)) checkCommit(newLen - oldLen);
        Vma moved = new Vma(to, to + newLen, v.prot(), v.kind(), v.shared(), v.object(),
                v.offset() + (addr - v.start()), v.growsDown());
        List<long[]> leaves = new ArrayList<>();
        if (oldLen > 0) table.forEachLeaf(addr, addr + oldLen, (va, pte) -> leaves.add(new long[] {va, pte}));
        for (long[] l : leaves) table.ensure(to + (l[0] - addr));   // may fail (ENOMEM) before anything changed
        put(moved);
        if (oldLen == 0) return;
        for (long[] l : leaves) table.setLeaf(to + (l[0] - addr), table.take(l[0]));
        if (keepOld) {
            stale(-1);
            return;
        }
        splitAt(addr);
        splitAt(addr + oldLen);
        for (Long k : new ArrayList<>(vmas.subMap(addr, true, addr + oldLen, false).keySet())) remove(k);
        stale(-1);
    }

    // ------------------------------------------------------------------ brk

    public synchronized void setBrkStart(long start) {
        brkStart = brk = pageUp(start);
    }

    public synchronized long brk() { return brk; }

    /** Where the heap starts (the page after the program's bss). */
    public synchronized long brkStart() { return brkStart; }

    /**
     * brk(2): moves the break; returns the new break, or the old one if the move is impossible:
     * below the start, past {@code limit} bytes of heap (RLIMIT_DATA), into another mapping or its
     * guard gap, or past RLIMIT_AS, RLIMIT_DATA or the overcommit check.
     */
    public synchronized long setBrk(long want, long limit) {
        if (want < brkStart || want > USER_TOP) return brk;
        long oldTop = pageUp(brk), newTop = pageUp(want);
        if (want - brkStart > limit) return brk;
        if (newTop > oldTop) {
            if (!freeForMapping(oldTop, newTop)) return brk;
            try {
                checkExpand(newTop - oldTop, newTop - oldTop);
                checkCommit(newTop - oldTop);
            } catch (SysError e) {
                return brk;
            }
        }
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
            Vma heap = vmaAt(oldTop - PAGE);
            int rw = Vma.PROT_READ | Vma.PROT_WRITE;
            // New break memory is always read-write: extend the heap VMA only if it still is.
            if (heap != null && heap.kind() == Vma.Kind.HEAP && heap.end() == oldTop && heap.prot() == rw) {
                put(heap.withEnd(newTop));
            } else {
                put(new Vma(oldTop, newTop, rw, Vma.Kind.HEAP));
            }
        } else if (newTop < oldTop) {
            unmap(newTop, oldTop);
        }
        brk = want;
        return brk;
    }

    // ------------------------------------------------------------------ faults

    /**
     * Resolves a user page fault at {@code va}. Returns 0 when resolved (retry the instruction), the
     * SIGSEGV si_code when the access is invalid, or {@link #BUS_ADRERR} for a file page past the
     * end of its file. A fault just below a stack grows it (see {@link #growStack}). ENOMEM (a
     * SysError) when no frame is left: the caller's out-of-memory policy decides who pays.
     */
    public synchronized int fault(long va, Access access) {
        Vma v = vmaAt(va);
        if (v == null && (v = growStack(va)) == null) return SEGV_MAPERR;
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
        MemoryObject obj = v.object();
        if (obj == null) {
            long pa = frames.allocZeroed(FrameAllocator.Use.USER, memoryLimit);
            table.ensure(page);   // tables first: a failure here must not leak the frame
            table.map(page, pa, v.pteFlags());
            residentPages++;
            return 0;
        }
        return objectFault(v, obj, page, access);
    }

    /**
     * A page of a file or shared mapping: shared mappings map the object's frame; private ones map
     * it copy-on-write (breaking at once for a write), or, where the object keeps no frames, a
     * private copy of its bytes. SIGBUS past the end, or when the object cannot supply the page
     * (a full tmpfs); ENOMEM passes through.
     */
    private int objectFault(Vma v, MemoryObject obj, long page, Access access) {
        long index = v.objectPage(page);
        table.ensure(page);
        try {
            if (v.shared() || obj.sharesPages()) {
                long pa = obj.sharedPage(index);
                if (pa < 0) return BUS_ADRERR;
                long flags = v.pteFlags();
                if (!v.shared() && flags != 0) flags = (flags & ~PageTable.W) | PageTable.COW;
                table.map(page, pa, flags);
                residentPages++;
                if (!v.shared() && access == Access.WRITE) breakCopyOnWrite(page, table.lookup(page));
                return 0;
            }
            byte[] bytes = new byte[(int) PAGE];
            if (obj.readPage(index, bytes) < 0) return BUS_ADRERR;
            long pa = frames.alloc(FrameAllocator.Use.USER, memoryLimit);
            ram.write(pa, bytes, 0, bytes.length);
            table.map(page, pa, v.pteFlags());
            residentPages++;
            return 0;
        } catch (SysError e) {
            if (e.errno() == Errno.ENOMEM) throw e;
            return BUS_ADRERR;
        }
    }

    /**
     * A fault at {@code va} below a grows-down VMA (the stack): extends it down to va's page, as
     * Linux's expand_downwards does, if the stack stays within RLIMIT_STACK and RLIMIT_AS and at
     * least {@link #GUARD_GAP} above the mapping below. Returns the grown VMA, or null.
     */
    private Vma growStack(long va) {
        if (va < MIN_ADDR || va >= USER_TOP) return null;
        Map.Entry<Long, Vma> e = vmas.higherEntry(va);
        if (e == null || !e.getValue().growsDown() || e.getValue().object() != null) return null;
        Vma s = e.getValue();
        long newStart = pageDown(va);
        if (s.end() - newStart > stackLimit || totalBytes + (s.start() - newStart) > asLimit) return null;
        Map.Entry<Long, Vma> below = vmas.lowerEntry(newStart);
        if (below != null) {
            Vma p = below.getValue();
            if (!p.growsDown() && p.prot() != 0 && newStart - p.end() < GUARD_GAP) return null;
        }
        Vma grown = new Vma(newStart, s.end(), s.prot(), s.kind(), s.shared(), null, 0, true);
        remove(s.start());
        put(grown);
        return grown;
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
            long copy = frames.alloc(FrameAllocator.Use.USER, memoryLimit);
            ram.copy(pa, copy, (int) PAGE);
            frames.free(pa);
            table.setLeaf(page, (copy >>> 12) << 10 | flags);
        }
        stale(page);
    }

    /**
     * fork: a new address space with the same VMAs (and object references) and limits, whose
     * private pages share this one's frames copy-on-write (both sides lose W until they write)
     * and whose shared pages share frames outright (shared mappings have objects, so pages not
     * yet touched are found through the object later by either side).
     */
    public synchronized AddressSpace fork(int childAsid, TlbFlusher childFlusher) {
        AddressSpace child = new AddressSpace(ram, frames, childAsid, childFlusher);
        try {
            child.setLimitsFrom(this);
            child.brkStart = brkStart;
            child.brk = brk;
            child.layout = layout;
            boolean[] downgraded = {false};
            for (Vma v : vmas.values()) {
                child.put(v);
                table.forEachLeaf(v.start(), v.end(), (va, pte) -> {
                    child.table.ensure(va);
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

    private void setLimitsFrom(AddressSpace o) {
        memoryLimit = o.memoryLimit;
        asLimit = o.asLimit;
        dataLimit = o.dataLimit;
        dataHardLimit = o.dataHardLimit;
        stackLimit = o.stackLimit;
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
                table.ensure(page);
                long pa = frames.allocZeroed(FrameAllocator.Use.USER, memoryLimit);
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
