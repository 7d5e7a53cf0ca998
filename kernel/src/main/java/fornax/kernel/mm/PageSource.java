package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;

/**
 * Where kernel buffers (pipe rings today) get their memory: whole pages of machine RAM from the
 * frame allocator, accounted as {@link FrameAllocator.Use#KERNEL}, so a pipe full of data is
 * memory the guest can see in /proc/meminfo and run out of, as on Linux. A page is named by its
 * physical address.
 *
 * <p>Kernel objects themselves are Java objects; only bulk data buffers live in frames. Buffers are
 * page-granular (a pipe grows and shrinks by pages), so there is no sub-page slab layer: nothing
 * in the kernel keeps small objects in guest RAM.
 */
public interface PageSource {
    int PAGE = FrameAllocator.PAGE;

    /** A page (contents undefined); ENOMEM when memory is exhausted. */
    long allocPage();

    void freePage(long page);

    void read(long page, int offset, byte[] dst, int off, int len);

    void write(long page, int offset, byte[] src, int off, int len);

    /** Frames of {@code ram} from {@code frames}. */
    static PageSource frames(FrameAllocator frames, PhysicalMemory ram) {
        return new PageSource() {
            @Override public long allocPage() { return frames.alloc(FrameAllocator.Use.KERNEL); }
            @Override public void freePage(long page) { frames.free(page); }
            @Override public void read(long page, int offset, byte[] dst, int off, int len) { ram.read(page + offset, dst, off, len); }
            @Override public void write(long page, int offset, byte[] src, int off, int len) { ram.write(page + offset, src, off, len); }
        };
    }

    /**
     * Pages on the Java heap, for file servers built without a machine (unit tests). Pages are
     * numbered, not addressed; at most {@code limit} may be held at once (ENOMEM beyond).
     */
    static PageSource heap(int limit) {
        return new PageSource() {
            private final java.util.Map<Long, byte[]> pages = new java.util.HashMap<>();
            private long next = PAGE;

            @Override public synchronized long allocPage() {
                if (pages.size() >= limit) throw new SysError(Errno.ENOMEM);
                long id = next;
                next += PAGE;
                pages.put(id, new byte[PAGE]);
                return id;
            }
            @Override public synchronized void freePage(long page) { pages.remove(page); }
            @Override public synchronized void read(long page, int offset, byte[] dst, int off, int len) {
                System.arraycopy(pages.get(page), offset, dst, off, len);
            }
            @Override public synchronized void write(long page, int offset, byte[] src, int off, int len) {
                System.arraycopy(src, off, pages.get(page), offset, len);
            }
        };
    }
}
