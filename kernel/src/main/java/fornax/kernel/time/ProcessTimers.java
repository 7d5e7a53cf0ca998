package fornax.kernel.time;

import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One process's timers: setitimer's ITIMER_REAL (SIGALRM when it expires) and the POSIX timers
 * of timer_create, by id. A new process has none (fork does not inherit timers); execve destroys
 * the POSIX timers and keeps ITIMER_REAL; exit destroys everything ({@link KernelTimers}).
 *
 * <p>POSIX timers notify with SIGEV_SIGNAL (a signal with si_code SI_TIMER, the timer id and the
 * sigevent's value) or SIGEV_NONE (nothing; timer_gettime still counts down). Overruns follow
 * Linux's rule as far as the signal layer lets us see it: expirations that happen while the
 * timer's signal is still pending are counted, and timer_getoverrun reports the count of the
 * last signal posted.
 *
 * <p>Locking: {@code this} guards the table; each timer has its own lock (this → IntervalTimer).
 */
public final class ProcessTimers {
    /** Per-process limit of timer_create timers (Linux bounds them by RLIMIT_SIGPENDING). */
    public static final int MAX_TIMERS = 4096;
    public static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1;
    /** si_code of a POSIX timer's signal, and of a signal the kernel itself sends (ITIMER_REAL). */
    public static final int SI_TIMER = -2, SI_KERNEL = 0x80;

    private final KernelTimers service;
    private final Process process;
    // guarded by this
    private IntervalTimer real;
    private final TreeMap<Integer, PosixTimer> posix = new TreeMap<>();
    private int nextId;

    /** A timer_create timer. */
    private static final class PosixTimer {
        final int id, clock, notify, signo;
        final long value;
        IntervalTimer timer;
        /** Expirations folded into a pending signal, and the count reported for the last one posted: written by the timer thread (settime resets). */
        volatile int overrun, reported;

        PosixTimer(int id, int clock, int notify, int signo, long value) {
            this.id = id;
            this.clock = clock;
            this.notify = notify;
            this.signo = signo;
            this.value = value;
        }
    }

    ProcessTimers(KernelTimers service, Process process) {
        this.service = service;
        this.process = process;
    }

    // ------------------------------------------------------------------ ITIMER_REAL

    /**
     * setitimer(ITIMER_REAL): arms the timer {@code valueNanos} from now (0 disarms) with period
     * {@code intervalNanos}; returns the old {left, interval}.
     */
    public synchronized long[] setReal(long valueNanos, long intervalNanos) {
        if (real == null) {
            if (valueNanos == 0) return new long[] {0, 0};
            real = service.newTimer(n -> service.signaller().send(process, Signals.SIGALRM, SI_KERNEL, 0, 0));
        }
        return real.arm(valueNanos == 0 ? 0 : service.now() + valueNanos, intervalNanos);
    }

    /** getitimer(ITIMER_REAL): {left, interval}. */
    public synchronized long[] getReal() { return real == null ? new long[] {0, 0} : real.get(); }

    // ------------------------------------------------------------------ POSIX timers

    /**
     * timer_create: a disarmed timer on {@code clock}; {@code value} is the sigevent's sigval, or
     * the new id itself when {@code valueIsId} (a NULL sigevent). EAGAIN past {@value #MAX_TIMERS}.
     */
    public synchronized int create(int clock, int notify, int signo, long value, boolean valueIsId) {
        if (posix.size() >= MAX_TIMERS) throw new SysError(Errno.EAGAIN);
        int id = nextId;
        while (posix.containsKey(id)) id = (id + 1) & Integer.MAX_VALUE;
        nextId = (id + 1) & Integer.MAX_VALUE;
        PosixTimer t = new PosixTimer(id, clock, notify, signo, valueIsId ? id : value);
        t.timer = service.newTimer(n -> expired(t, n));
        posix.put(id, t);
        return id;
    }

    private void expired(PosixTimer t, long n) {
        if (t.notify != SIGEV_SIGNAL) return;
        long bit = 1L << (t.signo - 1);
        if ((process.pending() & bit) != 0) {
            t.overrun = (int) Math.min(Integer.MAX_VALUE, (long) t.overrun + n);   // coalesced into the pending one
            return;
        }
        t.reported = (int) Math.min(Integer.MAX_VALUE, t.overrun + n - 1);
        t.overrun = 0;
        service.signaller().send(process, t.signo, SI_TIMER, t.id, t.value);
    }

    private PosixTimer timer(int id) {
        PosixTimer t = posix.get(id);
        if (t == null) throw new SysError(Errno.EINVAL, "no timer " + id);
        return t;
    }

    /** The clock timer {@code id} was created on; EINVAL for an unknown id. */
    public synchronized int clockOf(int id) { return timer(id).clock; }

    /** timer_settime with an absolute expiry on the monotonic clock (0 disarms); returns the old setting. */
    public synchronized long[] settime(int id, long when, long interval) {
        PosixTimer t = timer(id);
        t.overrun = 0;
        return t.timer.arm(when, interval);
    }

    /** timer_gettime: {left, interval}. */
    public synchronized long[] gettime(int id) { return timer(id).timer.get(); }

    /** timer_getoverrun. */
    public synchronized int overrun(int id) { return timer(id).reported; }

    /** timer_delete. */
    public void delete(int id) {
        PosixTimer t;
        synchronized (this) {
            t = timer(id);
            posix.remove(id);
        }
        t.timer.destroy();
    }

    /** execve: the POSIX timers go. */
    void destroyPosix() {
        List<PosixTimer> gone;
        synchronized (this) {
            gone = new ArrayList<>(posix.values());
            posix.clear();
        }
        for (PosixTimer t : gone) t.timer.destroy();
    }

    /** exit: every timer goes. */
    void destroyAll() {
        destroyPosix();
        IntervalTimer r;
        synchronized (this) {
            r = real;
            real = null;
        }
        if (r != null) r.destroy();
    }
}
