package fornax.kernel.vfs;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open file description (Linux's {@code struct file}, Plan 9's Chan): what descriptors point
 * at. dup and fork share one description, so they share its offset and status flags; the
 * underlying {@link OpenFile} is released when the last reference goes.
 *
 * <p>Locking: {@code this} guards the offset, and I/O on seekable files holds it for the whole
 * transfer (Linux's f_pos_lock), so reads and writes through one description are serialised and
 * each moves the offset by exactly its count. Flags are volatile; references are atomic.
 */
public final class FileDescription {
    private final OpenFile file;
    private final AtomicInteger references = new AtomicInteger(1);
    /** O_APPEND, O_NONBLOCK and the other status flags (fcntl F_GETFL/F_SETFL). */
    private volatile int statusFlags;
    private long offset; // guarded by this
    /** The lock table holding OFD or flock locks owned by this description, or null (set once, by the owner). */
    private volatile FileLocks locks;

    public FileDescription(OpenFile file, int statusFlags) {
        this.file = file;
        this.statusFlags = statusFlags;
    }

    public OpenFile file() { return file; }
    public int statusFlags() { return statusFlags; }
    /** Replaces the status flags and tells the file (F_SETFL). */
    public void setStatusFlags(int flags) {
        statusFlags = flags;
        file.setStatusFlags(flags);
    }
    public synchronized long offset() { return offset; }
    public synchronized void setOffset(long off) { offset = off; }

    /** Another descriptor now refers to this description. */
    public FileDescription retain() {
        if (references.getAndIncrement() <= 0) throw new IllegalStateException("retain of a released description");
        return this;
    }

    /** This description now owns locks (OFD or flock) in {@code table}: they go with its last reference. */
    public void ownsLocksIn(FileLocks table) { locks = table; }

    /** A descriptor went away; the last one drops the description's locks and releases the file. */
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            FileLocks t = locks;
            if (t != null) t.release(this);
            file.close();
        }
        else if (left < 0) throw new IllegalStateException("description released twice");
    }

    public int references() { return references.get(); }
}
