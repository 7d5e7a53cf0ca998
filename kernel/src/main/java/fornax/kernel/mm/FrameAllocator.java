package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;

/**
 * Physical frame allocator: one bit per 4 KiB frame of RAM (1 = in use), with a rotating search
 * hint so allocation is amortised O(1) while memory is not nearly full. Frames shared between
 * address spaces (copy-on-write, MAP_SHARED, a file's page mapped by many) carry a reference
 * count: {@link #retain} adds an owner and {@link #free} drops one, returning the frame only when
 * the last owner lets go.
 *
 * <p>Frames come back zeroed from {@link #allocZeroed()}: every frame the kernel hands to a user
 * page or a page table must be, or one process could read another's data.
 *
 * <p>Every allocation names its {@link Use}; {@link #stats()} counts frames by use for
 * /proc/meminfo. A frame keeps the use it was allocated for until its last owner frees it.
 *
 * <p>Why only single frames: every consumer (page tables, user pages, file pages, virtio rings)
 * takes one 4 KiB frame at a time, since the MMU makes only 4 KiB leaves and nothing does DMA
 * needing physically contiguous runs. A buddy allocator or zones (the "buddy for runs of
 * 512+ frames") would serve no caller; add a run search here when huge pages or a device needing
 * contiguous buffers arrive, not before.
 *
 * <p>Locking: all state is guarded by {@code this}, a leaf lock. Zeroing happens outside it.
 */
public final class FrameAllocator {
    public static final int PAGE = 4096;

    /** What a frame is used for (the rows of /proc/meminfo). */
    public enum Use {
        /** Private user memory: anonymous pages, copy-on-write copies, process images. */
        USER,
        /** Page-table pages of address spaces. */
        PAGE_TABLE,
        /** File pages held by a file (tmpfs pages that are mapped) or shared anonymous memory. */
        PAGE_CACHE,
        /** Everything else the kernel holds: the signal trampoline, virtio rings and buffers. */
        KERNEL
    }

    /**
     * A snapshot of frame usage, in frames of {@link #PAGE} bytes. {@code total = free + user +
     * pageTables + pageCache + kernel}. {@code shared} counts frames with more than one owner (a
     * subset of the used ones: copy-on-write and shared mappings).
     */
    public record Stats(long total, long free, long user, long pageTables, long pageCache, long kernel, long shared) {
        public long used() { return total - free; }
        /** Frames to KiB, the unit of /proc/meminfo. */
        public static long kib(long frames) { return frames * (PAGE / 1024); }
    }

    private final PhysicalMemory ram;
    private final long base;
    private final int frames;
    // guarded by this
    private final long[] used;
    /** Extra owners of a frame beyond the first (0 for an unshared frame). */
    private final short[] extraRefs;
    /** Use (ordinal) of each allocated frame. */
    private final byte[] useOf;
    /** The memory limit each allocated frame is charged to, or null (see {@link MemoryLimit}). */
    private final MemoryLimit[] chargedTo;
    private final long[] inUse = new long[Use.values().length];
    private int hint;
    private int free;
    private int shared;

    public FrameAllocator(PhysicalMemory ram) {
        this.ram = ram;
        this.base = ram.base();
        this.frames = (int) (ram.size() / PAGE);
        this.used = new long[(frames + 63) >>> 6];
        this.extraRefs = new short[frames];
        this.useOf = new byte[frames];
        this.chargedTo = new MemoryLimit[frames];
        this.free = frames;
        // Bits past the last frame are permanently "used" so the search never returns them.
        for (int i = frames; i < used.length * 64; i++) used[i >>> 6] |= 1L << (i & 63);
    }

    /** The RAM the frames live in (file servers that keep pages in frames copy through it). */
    public PhysicalMemory memory() { return ram; }

    /** Allocates one kernel frame (contents undefined); throws ENOMEM when RAM is exhausted. */
    public long alloc() { return alloc(Use.KERNEL); }

    /** Allocates one frame for {@code use} (contents undefined); throws ENOMEM when RAM is exhausted. */
    public long alloc(Use use) { return alloc(use, null); }

    /**
     * Allocates one frame for {@code use} charged to {@code limit} (null: to none) until its last
     * owner frees it. ENOMEM when RAM is exhausted, or when the charge would pass the limit or an
     * enclosing one ("container memory limit").
     */
    public synchronized long alloc(Use use, MemoryLimit limit) {
        if (free == 0) throw new SysError(Errno.ENOMEM, "out of physical memory");
        if (limit != null && !limit.charge()) throw new SysError(Errno.ENOMEM, "container memory limit");
        int words = used.length;
        for (int n = 0, w = hint; n <= words; n++, w = (w + 1 == words) ? 0 : w + 1) {
            long bits = used[w];
            if (bits != -1L) {
                int bit = Long.numberOfTrailingZeros(~bits);
                used[w] = bits | (1L << bit);
                free--;
                hint = w;
                int i = (w << 6) + bit;
                useOf[i] = (byte) use.ordinal();
                chargedTo[i] = limit;
                inUse[use.ordinal()]++;
                return base + ((long) i << 12);
            }
        }
        throw new IllegalStateException("frame bitmap inconsistent with free count " + free);
    }

    /** Allocates one kernel frame filled with zeros. */
    public long allocZeroed() { return allocZeroed(Use.KERNEL); }

    /** Allocates one frame for {@code use} filled with zeros. */
    public long allocZeroed(Use use) { return allocZeroed(use, null); }

    /** Allocates one frame for {@code use}, charged to {@code limit} (may be null), filled with zeros. */
    public long allocZeroed(Use use, MemoryLimit limit) {
        long pa = alloc(use, limit);
        ram.zero(pa, PAGE);
        return pa;
    }

    private int index(long pa) {
        if ((pa & (PAGE - 1)) != 0 || pa < base || pa >= base + (long) frames * PAGE)
            throw new IllegalArgumentException(String.format("bad frame %#x", pa));
        int i = (int) ((pa - base) >>> 12);
        if ((used[i >>> 6] & (1L << (i & 63))) == 0)
            throw new IllegalStateException(String.format("frame %#x is not allocated", pa));
        return i;
    }

    /** Drops one owner of the frame; the last owner's free returns it to the pool. */
    public synchronized void free(long pa) {
        int i = index(pa);
        if (extraRefs[i] > 0) {
            if (--extraRefs[i] == 0) shared--;
            return;
        }
        used[i >>> 6] &= ~(1L << (i & 63));
        inUse[useOf[i]]--;
        if (chargedTo[i] != null) {
            chargedTo[i].uncharge();
            chargedTo[i] = null;
        }
        free++;
    }

    /** Adds an owner (a copy-on-write sharer, another mapping) to an allocated frame. */
    public synchronized void retain(long pa) {
        int i = index(pa);
        if (extraRefs[i] == Short.MAX_VALUE) throw new SysError(Errno.ENOMEM, "frame shared too many times");
        if (extraRefs[i]++ == 0) shared++;
    }

    /** Number of owners of an allocated frame. */
    public synchronized int owners(long pa) { return extraRefs[index(pa)] + 1; }

    public int totalFrames() { return frames; }
    public synchronized int freeFrames() { return free; }

    /** Frame usage now, by use; a consistent snapshot. */
    public synchronized Stats stats() {
        return new Stats(frames, free, inUse[Use.USER.ordinal()], inUse[Use.PAGE_TABLE.ordinal()],
                inUse[Use.PAGE_CACHE.ordinal()], inUse[Use.KERNEL.ordinal()], shared);
    }
}
