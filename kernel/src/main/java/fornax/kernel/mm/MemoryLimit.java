package fornax.kernel.mm;

/**
 * A memory limit for a group of address spaces (a container; Linux's memory cgroup, memory.max):
 * frames allocated for the group's private and shared anonymous pages are charged to it when
 * allocated and uncharged when their last owner frees them, wherever that owner is (so a page
 * shared copy-on-write with a process outside stays charged to the group that made it, as
 * memcg's first-touch rule). An allocation that would take the group, or any group enclosing
 * it, past its limit fails with ENOMEM; a page fault that fails so runs the out-of-memory killer
 * inside the group only ({@link OomKiller}).
 *
 * <p>Charged: anonymous pages (heap, stack, private mappings), copy-on-write copies, private
 * copies of file pages, exec's image, shared anonymous memory. Not charged: page tables, kernel
 * buffers, and file data kept by file servers (tmpfs holds it in the kernel's own memory).
 *
 * <p>Locking: the counters are guarded by the {@link FrameAllocator} that charges them (one per
 * machine); they are volatile so readers (/proc, the OOM killer) see current values without it.
 */
public final class MemoryLimit {
    private final long maxFrames;
    private final MemoryLimit parent;
    // written under the FrameAllocator's lock
    private volatile long used, peak, failures;

    /** A limit of {@code bytes} (rounded down to whole 4 KiB frames, at least one) inside {@code parent} (may be null). */
    public MemoryLimit(long bytes, MemoryLimit parent) {
        if (bytes <= 0) throw new IllegalArgumentException("a memory limit must be positive");
        this.maxFrames = Math.max(1, bytes / FrameAllocator.PAGE);
        this.parent = parent;
    }

    public MemoryLimit parent() { return parent; }
    public long maxBytes() { return maxFrames * FrameAllocator.PAGE; }
    /** Bytes charged now. */
    public long usedBytes() { return used * FrameAllocator.PAGE; }
    /** The most bytes ever charged at once. */
    public long peakBytes() { return peak * FrameAllocator.PAGE; }
    /** Allocations refused because of this limit. */
    public long failures() { return failures; }

    /** True if one more frame could not be charged to this group or one enclosing it. */
    public boolean full() {
        for (MemoryLimit l = this; l != null; l = l.parent) if (l.used >= l.maxFrames) return true;
        return false;
    }

    /** Charges one frame to this group and those enclosing it; false (nothing charged) if one is full. Allocator lock held. */
    boolean charge() {
        for (MemoryLimit l = this; l != null; l = l.parent) {
            if (l.used >= l.maxFrames) {
                l.failures++;
                return false;
            }
        }
        for (MemoryLimit l = this; l != null; l = l.parent) {
            l.used++;
            if (l.used > l.peak) l.peak = l.used;
        }
        return true;
    }

    /** Gives one frame back. Allocator lock held. */
    void uncharge() {
        for (MemoryLimit l = this; l != null; l = l.parent) l.used--;
    }

    @Override public String toString() { return "memory limit " + maxBytes() + " bytes, " + usedBytes() + " used"; }
}
