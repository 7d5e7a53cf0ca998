package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFile;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What backs the pages of a mapping that is not private anonymous memory (Linux's vm_file and
 * shmem object, Mach's memory object): a file, or shared anonymous memory. A page fault asks it
 * for page {@code index} (4 KiB pages from the object's start) in one of two ways:
 *
 * <ul>
 *   <li>{@link #sharedPage}: the object's own frame for the page, which every MAP_SHARED mapping
 *       of the object maps and, for a file, which read(2) and write(2) use too, so everyone agrees
 *       at every moment. Private mappings of such objects map it copy-on-write.
 *   <li>{@link #readPage}: a copy of the page's bytes, for private mappings of files whose server
 *       keeps no frames (the pread path).
 * </ul>
 *
 * Both say "past the end" with -1, which the fault turns into SIGBUS as Linux does.
 *
 * <p>Reference counted: the creator holds one reference, every VMA naming the object one more;
 * the last {@link #release()} closes it (drops the file description, frees the shared frames).
 * Thread-safe.
 */
public abstract class MemoryObject {
    private final AtomicInteger refs = new AtomicInteger(1);

    /** Another holder (a VMA, usually). */
    public final MemoryObject retain() {
        if (refs.getAndIncrement() <= 0) throw new IllegalStateException("retain of a released memory object");
        return this;
    }

    /** A holder went away; the last one closes the object. */
    public final void release() {
        int left = refs.decrementAndGet();
        if (left == 0) close();
        else if (left < 0) throw new IllegalStateException("memory object released twice");
    }

    /** Holders now (tests). */
    public final int references() { return refs.get(); }

    /**
     * The frame holding page {@code index}, retained once for the caller (who frees it when its PTE
     * goes); -1 if the page lies wholly past the end. SysErrors are the object's (ENOMEM, ENOSPC).
     */
    public abstract long sharedPage(long index);

    /** Whether {@link #sharedPage} works; MAP_SHARED of an object without it is ENODEV. */
    public abstract boolean sharesPages();

    /**
     * Copies page {@code index} into {@code page} (4 KiB, zero beyond what the object holds);
     * returns the bytes that came from the object, or -1 if the page lies wholly past the end.
     */
    public abstract int readPage(long index, byte[] page);

    /** True for a file (false for shared anonymous memory). */
    public abstract boolean isFile();

    /** The name /proc/PID/maps shows: the file's path, or null for anonymous memory. */
    public String name() { return null; }

    /** Whether a shared mapping may be made writable (the file is open for writing). */
    public abstract boolean writable();

    /** The last reference went. */
    protected abstract void close();

    // ------------------------------------------------------------------ implementations

    /**
     * A mapped file: pages come from its server. Takes over one reference to {@code d} that the
     * caller holds (from {@link fornax.kernel.vfs.FdTable#acquire}); the object's close releases it.
     */
    public static MemoryObject file(FileDescription d) { return new FileObject(d); }

    /** Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, MAP_SHARED of /dev/zero): zero-fill frames it owns. */
    public static MemoryObject anonymous(FrameAllocator frames) { return new AnonObject(frames, null); }

    /** {@link #anonymous(FrameAllocator)} whose frames are charged to {@code limit} (may be null). */
    public static MemoryObject anonymous(FrameAllocator frames, MemoryLimit limit) { return new AnonObject(frames, limit); }

    /**
     * A file through its open description (Linux's vm_file): the mapping keeps the description,
     * so the file stays open after the descriptor is closed, until the last mapping goes.
     */
    private static final class FileObject extends MemoryObject {
        private final FileDescription description;
        private final OpenFile file;

        FileObject(FileDescription d) {
            this.description = d;
            this.file = d.file();
        }

        @Override public long sharedPage(long index) {
            if (file instanceof ChanFile cf) return cf.sharedPage(index);
            throw new SysError(Errno.ENODEV);
        }

        @Override public boolean sharesPages() { return file instanceof ChanFile cf && cf.sharesPages(); }

        @Override public int readPage(long index, byte[] page) {
            long pos = index << 12;
            int done = 0;
            while (done < page.length) {
                int n = file.pread(pos + done, page, done, page.length - done);
                if (n <= 0) break;
                done += n;
            }
            java.util.Arrays.fill(page, done, page.length, (byte) 0);
            return done == 0 ? -1 : done;
        }

        @Override public boolean isFile() { return true; }

        @Override public String name() { return file instanceof ChanFile cf ? cf.path() : null; }

        @Override public boolean writable() {
            return file instanceof ChanFile cf && fornax.kernel.vfs.OpenFlags.writable(cf.flags());
        }

        @Override protected void close() { description.release(); }
    }

    /** Shared anonymous memory: a sparse table of zero-filled frames; {@code this} guards it. */
    private static final class AnonObject extends MemoryObject {
        private final FrameAllocator frames;
        private final MemoryLimit limit;
        private final HashMap<Long, Long> pages = new HashMap<>();  // guarded by this

        AnonObject(FrameAllocator frames, MemoryLimit limit) {
            this.frames = frames;
            this.limit = limit;
        }

        @Override public synchronized long sharedPage(long index) {
            Long pa = pages.get(index);
            if (pa == null) {
                pa = frames.allocZeroed(FrameAllocator.Use.PAGE_CACHE, limit);
                pages.put(index, pa);
            }
            frames.retain(pa);
            return pa;
        }

        @Override public boolean sharesPages() { return true; }

        @Override public int readPage(long index, byte[] page) { throw new UnsupportedOperationException("shared"); }

        @Override public boolean isFile() { return false; }

        @Override public boolean writable() { return true; }

        @Override protected synchronized void close() {
            for (long pa : pages.values()) frames.free(pa);
            pages.clear();
        }
    }
}
