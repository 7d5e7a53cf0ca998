package fornax.kernel.time;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A timerfd (timerfd_create(2)): an open file over one {@link IntervalTimer}. Each expiry adds to
 * a counter; read returns the counter as a little-endian u64 and zeroes it, blocking while it is
 * zero (EAGAIN with O_NONBLOCK; EINVAL for a buffer under 8 bytes); poll says POLLIN while it is
 * not zero. timerfd_settime zeroes the counter and re-arms. Closing the last descriptor destroys
 * the timer, so an open timerfd is the only thing that keeps its timer alive.
 *
 * <p>ppoll waits on a timerfd without polling it again and again: a poller registers its thread
 * ({@link #watch}) and the expiry unparks it.
 *
 * <p>Locking: {@code this} guards the counter (readers wait on it); the watcher set is concurrent.
 * Lock order: TimerFd → IntervalTimer (settime); expiries take only TimerFd.
 */
public final class TimerFd implements OpenFile {
    private static final AtomicLong INODES = new AtomicLong(1);
    /** st_dev of anonymous inodes (Linux's anon_inodefs is a pseudo file system on device 0:N). */
    private static final long ANON_DEV = Stat.makedev(0, 14);

    private final int clock;
    private final IntervalTimer timer;
    private final long ino = INODES.getAndIncrement();
    private final Set<Thread> watchers = ConcurrentHashMap.newKeySet();
    private volatile boolean nonBlocking;
    private long ticks;   // guarded by this

    /** A disarmed timerfd on {@code clock} (the caller validated it). */
    public TimerFd(KernelTimers service, int clock, boolean nonBlocking) {
        this.clock = clock;
        this.nonBlocking = nonBlocking;
        this.timer = service.newTimer(this::expired);
    }

    public int clock() { return clock; }

    private void expired(long n) {
        synchronized (this) {
            ticks += n;
            notifyAll();
        }
        for (Thread t : watchers) LockSupport.unpark(t);
    }

    /** timerfd_settime: zeroes the count and arms (monotonic absolute expiry; 0 disarms). Returns the old setting. */
    public synchronized long[] settime(long when, long interval) {
        ticks = 0;
        return timer.arm(when, interval);
    }

    /** timerfd_gettime: {left, interval}. */
    public long[] gettime() { return timer.get(); }

    @Override public int read(byte[] buf, int off, int len) {
        if (len < 8) throw new SysError(Errno.EINVAL);
        long n;
        synchronized (this) {
            while (ticks == 0) {
                if (nonBlocking) throw new SysError(Errno.EAGAIN);
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SysError(Errno.EINTR);
                }
            }
            n = ticks;
            ticks = 0;
        }
        ByteBuffer.wrap(buf, off, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
        return 8;
    }

    @Override public int write(byte[] buf, int off, int len) { throw new SysError(Errno.EINVAL); }

    @Override public synchronized int poll(int events) { return ticks != 0 ? events & POLLIN : 0; }

    @Override public boolean watch(Thread waiter) {
        watchers.add(waiter);
        return true;
    }

    @Override public void unwatch(Thread waiter) { watchers.remove(waiter); }

    @Override public void setStatusFlags(int flags) { nonBlocking = (flags & fornax.kernel.vfs.OpenFlags.O_NONBLOCK) != 0; }

    @Override public Stat stat() { return new Stat(ANON_DEV, ino, 0600, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0); }

    @Override public void close() {
        timer.destroy();
        synchronized (this) { notifyAll(); }
    }
}
