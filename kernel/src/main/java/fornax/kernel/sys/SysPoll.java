package fornax.kernel.sys;

import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * ppoll(2): readiness of descriptors, waiting up to a timeout.
 *
 * <p>Waiting: files have no general readiness callbacks yet, so ppoll looks at every descriptor
 * again every {@value #RECHECK_NANOS} ns. Files that can say when their readiness changes
 * ({@link OpenFile#watch}: timerfds, the console terminal) unpark the waiting thread themselves; when every file polled
 * is such a file (or there are none, as in pause()), ppoll parks until the deadline, a signal (the
 * thread's interrupt) or an unpark, with no periodic wake-ups at all.
 */
final class SysPoll {
    private SysPoll() { }

    static final int MAX_FDS = 1024;
    /** How often a waiting ppoll looks again (files have no readiness callbacks yet). */
    private static final long RECHECK_NANOS = 2_000_000L;

    static void register(SyscallTable t) {
        t.partial(73, "ppoll", "pipes, timerfds and the console terminal report real readiness (pipes: POLLIN/POLLOUT/"
                + "POLLHUP/POLLERR; the terminal: a line in canonical mode, VMIN bytes in raw mode) and wake the caller "
                + "when it changes; regular files and other devices report ready for what is asked and are re-checked "
                + "every 2 ms while waiting; the signal mask applies for the call", SysPoll::ppoll);
    }

    /** ppoll(fds, nfds, timeout, sigmask, sigsetsize). */
    private static long ppoll(SyscallContext c, long[] a) {
        long nfds = a[1];
        if (nfds < 0 || nfds > MAX_FDS) throw new SysError(Errno.EINVAL);
        byte[] raw = new byte[(int) nfds * 8];
        c.memory().copyIn(a[0], raw, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long deadline = a[2] == 0 ? Long.MAX_VALUE : System.nanoTime() + SysInfo.readTimespec(c, a[2]);
        long savedMask = c.task().signalMask;
        if (a[3] != 0) {
            if (a[4] != 8) throw new SysError(Errno.EINVAL);
            byte[] m = new byte[8];
            c.memory().copyIn(a[3], m, 0, 8);
            c.task().signalMask = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getLong()
                    & ~fornax.kernel.proc.Signals.UNBLOCKABLE;
        }
        Thread self = Thread.currentThread();
        java.util.List<OpenFile> watched = new java.util.ArrayList<>();
        try {
            for (;;) {
                int ready = 0;
                boolean allNotify = true;
                for (int i = 0; i < nfds; i++) {
                    int fd = b.getInt(8 * i);
                    short events = b.getShort(8 * i + 4);
                    int revents = 0;
                    if (fd >= 0) {
                        FileDescription d;
                        try {
                            d = c.process().fds().acquire(fd);
                        } catch (SysError e) {
                            d = null;
                            revents = OpenFile.POLLNVAL;
                        }
                        if (d != null) {
                            try {
                                // Watch before looking, so a change in between unparks us.
                                if (d.file().watch(self)) watched.add(d.file());
                                else allNotify = false;
                                revents = d.file().poll(events | OpenFile.POLLERR | OpenFile.POLLHUP);
                            } finally {
                                d.release();
                            }
                        }
                    }
                    b.putShort(8 * i + 6, (short) revents);
                    if (revents != 0) ready++;
                }
                if (ready > 0 || System.nanoTime() >= deadline) {
                    c.memory().copyOut(a[0], raw, 0, raw.length);
                    return ready;
                }
                if ((c.task().allPending() & ~c.task().signalMask) != 0 || Thread.interrupted())
                    throw new SysError(Errno.EINTR);
                long left = deadline - System.nanoTime();
                if (!allNotify) LockSupport.parkNanos(Math.min(RECHECK_NANOS, left));
                else if (deadline == Long.MAX_VALUE) LockSupport.park();
                else LockSupport.parkNanos(left);
                for (OpenFile f : watched) f.unwatch(self);
                watched.clear();
            }
        } finally {
            for (OpenFile f : watched) f.unwatch(self);
            c.task().signalMask = savedMask;
        }
    }
}
