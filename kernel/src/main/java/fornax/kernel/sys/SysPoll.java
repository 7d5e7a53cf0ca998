package fornax.kernel.sys;

import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.PollQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ppoll(2): readiness of descriptors, waiting up to a timeout. */
final class SysPoll {
    private SysPoll() { }

    static final int MAX_FDS = 1024;
    /**
     * A waiting ppoll is woken by {@link PollQueue} when a file's readiness changes; it also looks
     * again this often, for files that cannot tell (the console of a host that is not a terminal).
     */
    private static final long RECHECK_NANOS = 20_000_000L;

    static void register(SyscallTable t) {
        t.partial(73, "ppoll", "the console terminal reports true readiness (a line in canonical mode, VMIN "
                + "bytes in raw mode) and wakes waiters when it changes; regular files and pipes report ready "
                + "for what is asked (a pipe read may then block); the signal mask applies for the call",
                SysPoll::ppoll);
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
        try {
            for (;;) {
                long seen = PollQueue.generation();   // before the checks: a change during them is not lost
                int ready = 0;
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
                if ((c.process().pending() & ~c.task().signalMask) != 0 || Thread.interrupted())
                    throw new SysError(Errno.EINTR);
                try {
                    PollQueue.await(seen, Math.min(RECHECK_NANOS, deadline - System.nanoTime()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SysError(Errno.EINTR);
                }
            }
        } finally {
            c.task().signalMask = savedMask;
        }
    }
}
