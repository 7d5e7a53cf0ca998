package fornax.kernel.mm;

import fornax.machine.mem.PhysicalMemory;

/**
 * One Sv48 page-table tree living in emulated RAM, built here and walked by the harts' MMUs.
 *
 * <pre>
 *   satp = 9 &lt;&lt; 60 | asid &lt;&lt; 44 | root PPN
 *   level 3 → level 2 → level 1 → level 0 (4 KiB leaves); 512 eight-byte PTEs per table
 *   PTE: PPN[53:10] | D A G U X W R V
 * </pre>
 *
 * Only 4 KiB leaves are created. Intermediate tables are allocated on demand (zeroed) and all
 * freed by {@link #destroy()}. Leaf frames belong to the caller ({@link AddressSpace}).
 *
 * <p>Locking: not thread-safe; the owning address space's lock guards it.
 */
public final class PageTable {
    public static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    /**
     * Software bit (RSW bit 8): a PROT_NONE page. The leaf keeps its frame but has V clear, so the
     * MMU faults on any access while the kernel still owns the frame (RISC-V has no "valid but no
     * access" leaf: V with R=W=X=0 would be a pointer to another table).
     */
    public static final long PARKED = 1L << 8;
    /**
     * Software bit (RSW bit 9): the frame is shared copy-on-write. W stays clear while it is set,
     * whatever the VMA allows, so the first write faults and the kernel copies (or, if this is the
     * last owner, simply takes) the frame.
     */
    public static final long COW = 1L << 9;
    private static final int LEVELS = 4;

    private final PhysicalMemory ram;
    private final FrameAllocator frames;
    private final long root;
    private int tableFrames = 1;

    public PageTable(PhysicalMemory ram, FrameAllocator frames) {
        this.ram = ram;
        this.frames = frames;
        this.root = frames.allocZeroed(FrameAllocator.Use.PAGE_TABLE);
    }

    public long rootPa() { return root; }
    public int tableFrames() { return tableFrames; }

    public static long satp(long rootPa, int asid) { return 9L << 60 | (long) (asid & 0xFFFF) << 44 | rootPa >>> 12; }

    private static int index(long va, int level) { return (int) (va >>> (12 + 9 * level)) & 0x1FF; }

    /** Physical address of the leaf PTE for {@code va}, creating tables if {@code create}; -1 if absent. */
    private long leafSlot(long va, boolean create) {
        long table = root;
        for (int level = LEVELS - 1; level > 0; level--) {
            long slot = table + 8L * index(va, level);
            long pte = ram.read64(slot);
            if ((pte & V) == 0) {
                if (!create) return -1;
                long next = frames.allocZeroed(FrameAllocator.Use.PAGE_TABLE);
                tableFrames++;
                ram.write64(slot, (next >>> 12) << 10 | V);
                table = next;
            } else {
                table = (pte >>> 10) << 12;
            }
        }
        return table + 8L * index(va, 0);
    }

    /** Maps the 4 KiB page at {@code va} to frame {@code pa} with leaf flags {@code flags} (V added). */
    public void map(long va, long pa, long flags) {
        ram.write64(leafSlot(va, true), (pa >>> 12) << 10 | flags | V);
    }

    /** Writes a raw leaf PTE for {@code va} (creating tables); used to share frames at fork. */
    public void setLeaf(long va, long pte) {
        ram.write64(leafSlot(va, true), pte);
    }

    /** The leaf PTE for {@code va}, or 0 if none. */
    public long lookup(long va) {
        long slot = leafSlot(va, false);
        return slot < 0 ? 0 : ram.read64(slot);
    }

    /** Creates the tables down to {@code va}'s leaf slot (so a later {@link #setLeaf} cannot fail). */
    public void ensure(long va) { leafSlot(va, true); }

    /** Clears the leaf for {@code va} and returns its old value (0 if none): mremap moves leaves. */
    public long take(long va) {
        long slot = leafSlot(va, false);
        if (slot < 0) return 0;
        long pte = ram.read64(slot);
        if (pte != 0) ram.write64(slot, 0);
        return pte;
    }

    /** True if a leaf holds a frame (mapped, or parked by PROT_NONE). */
    public static boolean holdsFrame(long pte) { return (pte & (V | PARKED)) != 0; }

    /** Clears the leaf for {@code va}; returns the frame it held, or -1 if none. */
    public long unmap(long va) {
        long slot = leafSlot(va, false);
        if (slot < 0) return -1;
        long pte = ram.read64(slot);
        if (!holdsFrame(pte)) return -1;
        ram.write64(slot, 0);
        return (pte >>> 10) << 12;
    }

    /**
     * Replaces the permission bits of a leaf that holds a frame, keeping frame and A/D;
     * {@code flags} = 0 parks it (PROT_NONE), non-zero flags make it valid again.
     */
    public void protect(long va, long flags) {
        long slot = leafSlot(va, false);
        if (slot < 0) return;
        long pte = ram.read64(slot);
        if (!holdsFrame(pte)) return;
        long keep = pte & ~(V | R | W | X | U | G | PARKED);
        if ((pte & COW) != 0) flags &= ~W;
        ram.write64(slot, flags == 0 ? keep | PARKED : keep | flags | V);
    }

    /** Called for each present leaf: its virtual page and PTE value. */
    public interface LeafVisitor { void visit(long va, long pte); }

    /**
     * Visits the present leaves in [start, end) in address order, skipping absent tables, so a
     * sparse terabyte-sized range costs only what is mapped. The visitor may unmap or protect
     * the leaf it is given.
     */
    public void forEachLeaf(long start, long end, LeafVisitor visitor) {
        visit(root, LEVELS - 1, 0, start, end, visitor);
    }

    private void visit(long table, int level, long base, long start, long end, LeafVisitor visitor) {
        long span = 1L << (12 + 9 * level);
        int first = (int) Math.max(0, (start - base) / span);
        for (int i = first; i < 512; i++) {
            long va = base + i * span;
            if (va >= end) return;
            if (va + span <= start) continue;
            long pte = ram.read64(table + 8L * i);
            if (level == 0) {
                if (holdsFrame(pte)) visitor.visit(va, pte);
            } else if ((pte & V) != 0) {
                visit(frameOf(pte), level - 1, va, start, end, visitor);
            }
        }
    }

    /** Frame of a physical PTE value. */
    public static long frameOf(long pte) { return (pte >>> 10) << 12; }

    /** Frees every intermediate table (leaves must already be unmapped by the owner). */
    public void destroy() {
        free(root, LEVELS - 1);
    }

    private void free(long table, int level) {
        if (level > 0) {
            for (int i = 0; i < 512; i++) {
                long pte = ram.read64(table + 8L * i);
                if ((pte & V) != 0 && (pte & (R | W | X)) == 0) free(frameOf(pte), level - 1);
            }
        }
        frames.free(table);
        tableFrames--;
    }
}
