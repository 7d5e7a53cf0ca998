package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;

/**
 * Physical frame allocator: one bit per 4 KiB frame of RAM (1 = in use), with a rotating search
 * hint so allocation is amortised O(1) while memory is not nearly full. Frames shared copy-on-write
 * between address spaces carry a reference count: {@link #retain} adds an owner and
 * {@link #free} drops one, returning the frame only when the last owner lets go.
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
    /** Extra owners of a frame beyond the first (0 for an unshared frame). */
    private final short[] extraRefs;
    private int hint;
    private int free;

    public FrameAllocator(PhysicalMemory ram) {
        this.ram = ram;
        this.base = ram.base();
        this.frames = (int) (ram.size() / PAGE);
        this.used = new long[(frames + 63) >>> 6];
        this.extraRefs = new short[frames];
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
            extraRefs[i]--;
            return;
        }
        used[i >>> 6] &= ~(1L << (i & 63));
        free++;
    }

    /** Adds an owner (a copy-on-write sharer) to an allocated frame. */
    public synchronized void retain(long pa) {
        int i = index(pa);
        if (extraRefs[i] == Short.MAX_VALUE) throw new SysError(Errno.ENOMEM, "frame shared too many times");
        extraRefs[i]++;
    }

    /** Number of owners of an allocated frame. */
    public synchronized int owners(long pa) { return extraRefs[index(pa)] + 1; }

    public int totalFrames() { return frames; }
    public synchronized int freeFrames() { return free; }
}
