package fornax.kernel.fs.pipe;

import fornax.kernel.mm.PageRing;
import fornax.kernel.mm.PageSource;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * One pipe: a bounded ring of {@value #CAPACITY} bytes with Linux pipe semantics, blocking on Java
 * monitors (every guest thread is a Java thread, so a blocked read is a thread in
 * {@link Object#wait()}). The bytes live in frames of machine RAM ({@link PageRing}), held only
 * while they hold data; the last close gives them all back.
 *
 * <ul>
 *   <li>read returns what is there (at most {@code len}), blocks while empty and a writer exists,
 *       returns 0 (end of file) when empty with no writers, EAGAIN instead of blocking when
 *       non-blocking.
 *   <li>write of at most {@value #PIPE_BUF} bytes is atomic: it waits for room for all of it.
 *       Larger writes fill what room there is and wait for more until done. With no readers it is
 *       EPIPE (SIGPIPE comes with signals), or the count written so far. Non-blocking writes write
 *       what fits (nothing for an atomic write that does not fit) and are EAGAIN if that is nothing.
 *   <li>Readers and writers are counted by the opens of the pipe's file; {@link #close} wakes
 *       every waiter so it can see end of file or EPIPE.
 *   <li>A wait interrupted (Thread.interrupt) ends the call with EINTR, or the count so far.
 * </ul>
 *
 * <p>Locking: {@code this} guards everything here; waiting releases it. It is a leaf lock.
 */
final class Pipe {
    static final int CAPACITY = 64 * 1024, PIPE_BUF = 4096;

    final long ino;
    // guarded by this
    private final PageRing ring;
    private int readers, writers;
    int mode = fornax.kernel.vfs.Dir.S_IFIFO | 0600, uid, gid;
    long atime, mtime, ctime;

    Pipe(long ino, long now, PageSource pages) {
        this.ino = ino;
        this.ring = new PageRing(pages, CAPACITY);
        atime = mtime = ctime = now;
    }

    synchronized void open(boolean reader, boolean writer) {
        if (reader) readers++;
        if (writer) writers++;
    }

    synchronized void close(boolean reader, boolean writer) {
        if (reader) readers--;
        if (writer) writers--;
        if (readers == 0 && writers == 0) ring.clear();
        notifyAll();
    }

    /** Bytes waiting to be read (FIONREAD). */
    synchronized int available() { return ring.size(); }

    synchronized int read(byte[] buf, int off, int len, boolean nonBlocking) {
        if (len == 0) return 0;
        while (ring.size() == 0) {
            if (writers == 0) return 0;
            if (nonBlocking) throw new SysError(Errno.EAGAIN);
            await();
        }
        int n = ring.read(buf, off, len);
        notifyAll();
        return n;
    }

    synchronized int write(byte[] buf, int off, int len, boolean nonBlocking, long now) {
        if (len == 0) return 0;
        boolean atomic = len <= PIPE_BUF;
        int done = 0;
        while (done < len) {
            if (readers == 0) {
                if (done > 0) return done;
                throw new SysError(Errno.EPIPE);
            }
            int room = ring.room();
            if (room == 0 || (atomic && room < len)) {
                if (nonBlocking) {
                    if (done > 0) return done;
                    throw new SysError(Errno.EAGAIN);
                }
                try {
                    await();
                } catch (SysError e) {
                    if (done > 0) return done;
                    throw e;
                }
                continue;
            }
            int n;
            try {
                n = ring.write(buf, off + done, len - done);
            } catch (SysError e) {            // no memory for the buffer
                if (done > 0) return done;
                throw e;
            }
            done += n;
            mtime = ctime = now;
            notifyAll();
        }
        return done;
    }

    /** Waits for a change; EINTR if the thread is interrupted. Monitor held. */
    private void await() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        }
    }
}
