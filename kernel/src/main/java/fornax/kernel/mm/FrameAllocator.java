package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;

/**
 * Physical frame allocator: one bit per 4 KiB frame of RAM (1 = in use), with a rotating search
 * hint so allocation is amortised O(1) while memory is not nearly full.
 *
 * <p>Frames come back zeroed from {@link #allocZeroed()}: every frame the kernel hands to a user
 * page or a page table must be, or one process could read another's data.
 *
 * <p>Locking: all state is guarded by {@code this}. Zeroing happens outside the lock.
 */
public final class FrameAllocator {
    public static final int PAGE = 4096;

    private final PhysicalMemory ram;
    private final long base;
    private final int frames;
    // guarded by this
    private final long[] used;
    private int hint;
    private int free;

    public FrameAllocator(PhysicalMemory ram) {
        this.ram = ram;
        this.base = ram.base();
        this.frames = (int) (ram.size() / PAGE);
        this.used = new long[(frames + 63) >>> 6];
        this.free = frames;
        // Bits past the last frame are permanently "used" so the search never returns them.
        for (int i = frames; i < used.length * 64; i++) used[i >>> 6] |= 1L << (i & 63);
    }

    /** Allocates one frame (contents undefined); throws ENOMEM when RAM is exhausted. */
    public synchronized long alloc() {
        if (free == 0) throw new SysError(Errno.ENOMEM, "out of physical memory");
        int words = used.length;
        for (int n = 0, w = hint; n <= words; n++, w = (w + 1 == words) ? 0 : w + 1) {
            long bits = used[w];
            if (bits != -1L) {
                int bit = Long.numberOfTrailingZeros(~bits);
                used[w] = bits | (1L << bit);
                free--;
                hint = w;
                return base + ((long) ((w << 6) + bit) << 12);
            }
        }
        throw new IllegalStateException("frame bitmap inconsistent with free count " + free);
    }

    /** Allocates one frame filled with zeros. */
    public long allocZeroed() {
        long pa = alloc();
        ram.zero(pa, PAGE);
        return pa;
    }

    public synchronized void free(long pa) {
        if ((pa & (PAGE - 1)) != 0 || pa < base || pa >= base + (long) frames * PAGE)
            throw new IllegalArgumentException(String.format("free of bad frame %#x", pa));
        int i = (int) ((pa - base) >>> 12);
        long bit = 1L << (i & 63);
        if ((used[i >>> 6] & bit) == 0) throw new IllegalStateException(String.format("double free of frame %#x", pa));
        used[i >>> 6] &= ~bit;
        free++;
    }

    public int totalFrames() { return frames; }
    public synchronized int freeFrames() { return free; }
}
