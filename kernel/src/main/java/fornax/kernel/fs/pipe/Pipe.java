package fornax.kernel.fs.pipe;

import fornax.kernel.mm.PageRing;
import fornax.kernel.mm.PageSource;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One pipe: a bounded ring of {@value #CAPACITY} bytes with Linux pipe semantics, blocking
 * on a {@link ReentrantLock}'s conditions (every guest thread is a Java thread, so a blocked read
 * is a thread in {@link Condition#await()}). Not a Java monitor: a virtual thread woken from
 * {@code Object.wait} goes through the JVM's monitor hand-off, which made a one-byte ping-pong
 * between two processes cost about 20 us per switch; lock/condition wake-ups are a plain unpark.
 *
 * <pre>
 *   ring: [ ....head→ data data data ←head+count .... ]   (indices modulo CAPACITY)
 * </pre>
 *
 * The bytes live in frames of machine RAM ({@link PageRing}), held only while they hold data;
 * the last close gives them all back.
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
 *   <li>poll: the read end is POLLIN with data and POLLHUP with no writers; the write end is
 *       POLLOUT with room for an atomic write (PIPE_BUF) and POLLERR with no readers. Pollers
 *       registered with {@link #watch} are unparked at every change.
 * </ul>
 *
 * <p>Locking: {@link #lock} guards everything here; waiting releases it. It is a leaf lock.
 * Readers wait on {@code dataOrHangup}, writers on {@code roomOrHangup}; close signals both.
 */
final class Pipe {
    static final int CAPACITY = 64 * 1024, PIPE_BUF = 4096;

    final long ino;
    final ReentrantLock lock = new ReentrantLock();
    private final Condition dataOrHangup = lock.newCondition(), roomOrHangup = lock.newCondition();
    // guarded by lock
    private final PageRing ring;
    private int readers, writers;
    /** Threads waiting in poll for a change of this pipe. */
    private final java.util.Set<Thread> watchers = new java.util.HashSet<>();
    int mode = fornax.kernel.vfs.Dir.S_IFIFO | 0600, uid, gid;
    long atime, mtime, ctime;

    Pipe(long ino, long now, PageSource pages) {
        this.ring = new PageRing(pages, CAPACITY);
        this.ino = ino;
        atime = mtime = ctime = now;
    }

    void open(boolean reader, boolean writer) {
        lock.lock();
        try {
            if (reader) readers++;
            if (writer) writers++;
        } finally {
            lock.unlock();
        }
    }

    void close(boolean reader, boolean writer) {
        lock.lock();
        try {
            if (reader) readers--;
            if (writer) writers--;
            if (readers == 0 && writers == 0) ring.clear();
            dataOrHangup.signalAll();
            roomOrHangup.signalAll();
            changed();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes waiting to be read (FIONREAD). */
    int available() {
        lock.lock();
        try {
            return ring.size();
        } finally {
            lock.unlock();
        }
    }

    int read(byte[] buf, int off, int len, boolean nonBlocking) {
        if (len == 0) return 0;
        lock.lock();
        try {
            while (ring.size() == 0) {
                if (writers == 0) return 0;
                if (nonBlocking) throw new SysError(Errno.EAGAIN);
                await(dataOrHangup);
            }
            int n = ring.read(buf, off, len);
            roomOrHangup.signalAll();
            changed();
            return n;
        } finally {
            lock.unlock();
        }
    }

    int write(byte[] buf, int off, int len, boolean nonBlocking, long now) {
        if (len == 0) return 0;
        boolean atomic = len <= PIPE_BUF;
        int done = 0;
        lock.lock();
        try {
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
                        await(roomOrHangup);
                    } catch (SysError e) {
                        if (done > 0) return done;
                        throw e;
                    }
                    continue;
                }
                int n;
                try {
                    n = ring.write(buf, off + done, len - done);
                } catch (SysError e) {          // no memory for the buffer
                    if (done > 0) return done;
                    throw e;
                }
                done += n;
                mtime = ctime = now;
                dataOrHangup.signalAll();
                changed();
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** poll for an end that reads ({@code reader}) and/or writes: see the class comment. */
    int poll(boolean reader, boolean writer, int events) {
        lock.lock();
        try {
            int r = 0;
            if (reader) {
                if (ring.size() > 0) r |= fornax.kernel.vfs.OpenFile.POLLIN;
                if (writers == 0) r |= fornax.kernel.vfs.OpenFile.POLLHUP;
            }
            if (writer) {
                if (ring.room() >= PIPE_BUF) r |= fornax.kernel.vfs.OpenFile.POLLOUT;
                if (readers == 0) r |= fornax.kernel.vfs.OpenFile.POLLERR;
            }
            return r & (events | fornax.kernel.vfs.OpenFile.POLLERR | fornax.kernel.vfs.OpenFile.POLLHUP);
        } finally {
            lock.unlock();
        }
    }

    /** Adds ({@code on}) or removes a poller to unpark at every change. */
    void watch(Thread waiter, boolean on) {
        lock.lock();
        try {
            if (on) watchers.add(waiter);
            else watchers.remove(waiter);
        } finally {
            lock.unlock();
        }
    }

    /** Something changed: wake the pollers. Lock held. */
    private void changed() {
        for (Thread t : watchers) java.util.concurrent.locks.LockSupport.unpark(t);
    }

    /** Waits on {@code c} for a change; EINTR if the thread is interrupted. Lock held. */
    private static void await(Condition c) {
        try {
            c.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        }
    }
}
