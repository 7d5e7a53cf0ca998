package fornax.kernel.sys;

import fornax.kernel.proc.Process;
import fornax.kernel.time.ProcessTimers;
import fornax.kernel.time.TimerFd;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Timer syscalls: setitimer/getitimer (ITIMER_REAL; riscv64 has no alarm(2), glibc's alarm is
 * setitimer), timer_create and friends (SIGEV_SIGNAL, SIGEV_NONE), timerfd_create/settime/gettime.
 * This layer decodes and validates; the timers are {@link fornax.kernel.time}'s.
 *
 * <p>Clocks: CLOCK_REALTIME, CLOCK_MONOTONIC and CLOCK_BOOTTIME. Every timer runs on the kernel's
 * monotonic clock; an absolute CLOCK_REALTIME time is converted once when armed (nothing sets the
 * real-time clock, so the two never drift apart). CPU-time clocks and ITIMER_VIRTUAL/ITIMER_PROF
 * are refused with EINVAL: guest CPU time is not accounted per process yet (the emulator's thread
 * time includes the kernel's own work), and a timer on a made-up clock would be worse than none.
 */
final class SysTimer {
    private SysTimer() { }

    static final int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
    static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
    static final int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
    static final int TFD_NONBLOCK = OpenFlags.O_NONBLOCK, TFD_CLOEXEC = OpenFlags.O_CLOEXEC;
    private static final long NANOS = 1_000_000_000L;

    static void register(SyscallTable t) {
        t.partial(102, "getitimer", "ITIMER_VIRTUAL and ITIMER_PROF always read as disarmed", SysTimer::getitimer);
        t.partial(103, "setitimer", "ITIMER_REAL only; arming ITIMER_VIRTUAL or ITIMER_PROF is EINVAL (no per-process "
                + "CPU-time accounting yet)", SysTimer::setitimer);
        t.partial(107, "timer_create", "CLOCK_REALTIME/MONOTONIC/BOOTTIME with SIGEV_SIGNAL or SIGEV_NONE "
                + "(SIGEV_THREAD_ID for the caller's own thread); CPU-time clocks EINVAL", SysTimer::timerCreate);
        t.supported(108, "timer_gettime", SysTimer::timerGettime);
        t.partial(109, "timer_getoverrun", "counts expirations that found the timer's signal still pending",
                (c, a) -> c.kernel().timers().of(c.process()).overrun((int) a[0]));
        t.supported(110, "timer_settime", SysTimer::timerSettime);
        t.supported(111, "timer_delete", (c, a) -> {
            c.kernel().timers().of(c.process()).delete((int) a[0]);
            return 0;
        });
        t.partial(85, "timerfd_create", "CLOCK_REALTIME/MONOTONIC/BOOTTIME; alarm clocks EINVAL", SysTimer::timerfdCreate);
        t.partial(86, "timerfd_settime", "TFD_TIMER_CANCEL_ON_SET is accepted and never fires: nothing sets the clock",
                SysTimer::timerfdSettime);
        t.supported(87, "timerfd_gettime", SysTimer::timerfdGettime);
    }

    // ------------------------------------------------------------------ helpers

    /** A clock a timer may use; EINVAL otherwise. */
    private static int timerClock(long clock) {
        return switch ((int) clock) {
            case SysInfo.CLOCK_REALTIME, SysInfo.CLOCK_MONOTONIC, SysInfo.CLOCK_BOOTTIME -> (int) clock;
            default -> throw new SysError(Errno.EINVAL, "timers run on CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME");
        };
    }

    /** An absolute time on {@code clock} as an absolute time on the monotonic timer clock (at least 1). */
    private static long toMonotonic(SyscallContext c, int clock, long t) {
        long mono = clock == SysInfo.CLOCK_REALTIME ? t - c.kernel().realtimeNanos() + c.kernel().monotonicNanos() : t;
        return Math.max(1, mono);
    }

    private static long nanos(long sec, long frac, long unit, long limit) {
        if (sec < 0 || frac < 0 || frac >= limit) throw new SysError(Errno.EINVAL);
        if (sec > Long.MAX_VALUE / NANOS - 1) return Long.MAX_VALUE / 2;
        return sec * NANOS + frac * unit;
    }

    /** struct itimerspec {interval, value} (two timespecs) as ns: {interval, value}. */
    private static long[] readItimerspec(SyscallContext c, long va) {
        byte[] raw = new byte[32];
        c.memory().copyIn(va, raw, 0, 32);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new long[] {nanos(b.getLong(0), b.getLong(8), 1, NANOS), nanos(b.getLong(16), b.getLong(24), 1, NANOS)};
    }

    private static void writeItimerspec(SyscallContext c, long va, long[] leftInterval) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(leftInterval[1] / NANOS).putLong(leftInterval[1] % NANOS)
                .putLong(leftInterval[0] / NANOS).putLong(leftInterval[0] % NANOS);
        c.memory().copyOut(va, b.array(), 0, 32);
    }

    /** struct itimerval {interval, value} (two timevals) as ns: {interval, value}. */
    private static long[] readItimerval(SyscallContext c, long va) {
        byte[] raw = new byte[32];
        c.memory().copyIn(va, raw, 0, 32);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new long[] {nanos(b.getLong(0), b.getLong(8), 1000, 1_000_000), nanos(b.getLong(16), b.getLong(24), 1000, 1_000_000)};
    }

    /** Writes {left, interval} ns as an itimerval; an armed timer's remaining time is at least 1 µs, as Linux reports. */
    private static void writeItimerval(SyscallContext c, long va, long[] leftInterval) {
        long left = leftInterval[0] > 0 ? Math.max(1000, leftInterval[0]) : 0, iv = leftInterval[1];
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(iv / NANOS).putLong(iv % NANOS / 1000).putLong(left / NANOS).putLong(left % NANOS / 1000);
        c.memory().copyOut(va, b.array(), 0, 32);
    }

    // ------------------------------------------------------------------ itimers

    private static long getitimer(SyscallContext c, long[] a) {
        int which = (int) a[0];
        long[] cur = switch (which) {
            case ITIMER_REAL -> c.kernel().timers().of(c.process()).getReal();
            case ITIMER_VIRTUAL, ITIMER_PROF -> new long[] {0, 0};
            default -> throw new SysError(Errno.EINVAL);
        };
        writeItimerval(c, a[1], cur);
        return 0;
    }

    /** setitimer; a NULL new value disarms, as Linux still allows. */
    private static long setitimer(SyscallContext c, long[] a) {
        int which = (int) a[0];
        if (which < ITIMER_REAL || which > ITIMER_PROF) throw new SysError(Errno.EINVAL);
        long[] nv = a[1] != 0 ? readItimerval(c, a[1]) : new long[] {0, 0};
        long[] old;
        if (which == ITIMER_REAL) {
            old = c.kernel().timers().of(c.process()).setReal(nv[1], nv[0]);
        } else {
            if (nv[1] != 0) throw new SysError(Errno.EINVAL, "ITIMER_VIRTUAL/ITIMER_PROF: no CPU-time accounting");
            old = new long[] {0, 0};
        }
        if (a[2] != 0) writeItimerval(c, a[2], old);
        return 0;
    }

    // ------------------------------------------------------------------ POSIX timers

    /** timer_create(clockid, struct sigevent *sevp, timer_t *id): sigevent is {sigval 8, signo 4, notify 4, tid 4, ...}. */
    private static long timerCreate(SyscallContext c, long[] a) {
        int clock = timerClock(a[0]);
        int notify = SIGEV_SIGNAL, signo = fornax.kernel.proc.Signals.SIGALRM;
        long value = 0;
        boolean valueIsId = a[1] == 0;
        if (a[1] != 0) {
            byte[] raw = new byte[20];
            c.memory().copyIn(a[1], raw, 0, 20);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            value = b.getLong(0);
            signo = b.getInt(8);
            notify = b.getInt(12);
            int tid = b.getInt(16);
            if (notify == SIGEV_THREAD_ID) {
                // One thread per process for now: the caller's own thread is the process.
                if (tid != c.pids().tidOf(c.task())) throw new SysError(Errno.EINVAL, "SIGEV_THREAD_ID for another thread");
                notify = SIGEV_SIGNAL;
            }
            if (notify != SIGEV_SIGNAL && notify != SIGEV_NONE) throw new SysError(Errno.EINVAL);
            if (notify == SIGEV_SIGNAL && (signo < 1 || signo > 64)) throw new SysError(Errno.EINVAL);
        }
        ProcessTimers t = c.kernel().timers().of(c.process());
        int id = t.create(clock, notify, signo, value, valueIsId);
        try {
            byte[] out = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id).array();
            c.memory().copyOut(a[2], out, 0, 4);
        } catch (SysError e) {
            t.delete(id);
            throw e;
        }
        return 0;
    }

    /** timer_settime(id, flags, new, old). */
    private static long timerSettime(SyscallContext c, long[] a) {
        int id = (int) a[0], flags = (int) a[1];
        ProcessTimers t = c.kernel().timers().of(c.process());
        int clock = t.clockOf(id);
        if (a[2] == 0) throw new SysError(Errno.EINVAL);
        long[] nv = readItimerspec(c, a[2]);
        long when = nv[1] == 0 ? 0 : (flags & SysInfo.TIMER_ABSTIME) != 0 ? toMonotonic(c, clock, nv[1])
                : c.kernel().timers().now() + nv[1];
        long[] old = t.settime(id, when, nv[0]);
        if (a[3] != 0) writeItimerspec(c, a[3], old);
        return 0;
    }

    private static long timerGettime(SyscallContext c, long[] a) {
        writeItimerspec(c, a[1], c.kernel().timers().of(c.process()).gettime((int) a[0]));
        return 0;
    }

    // ------------------------------------------------------------------ timerfd

    private static long timerfdCreate(SyscallContext c, long[] a) {
        int clock = timerClock(a[0]), flags = (int) a[1];
        if ((flags & ~(TFD_NONBLOCK | TFD_CLOEXEC)) != 0) throw new SysError(Errno.EINVAL);
        TimerFd f = new TimerFd(c.kernel().timers(), clock, (flags & TFD_NONBLOCK) != 0);
        return SysFile.install(c.process(), f, OpenFlags.O_RDWR | (flags & TFD_NONBLOCK), (flags & TFD_CLOEXEC) != 0);
    }

    /** Runs {@code op} on the timerfd behind {@code fd}: EBADF for no descriptor, EINVAL for another kind of file. */
    private static long onTimerfd(SyscallContext c, long fd, java.util.function.ToLongFunction<TimerFd> op) {
        Process p = c.process();
        FileDescription d = p.fds().acquire((int) fd);
        try {
            if (!(d.file() instanceof TimerFd t)) throw new SysError(Errno.EINVAL, "not a timerfd");
            return op.applyAsLong(t);
        } finally {
            d.release();
        }
    }

    private static long timerfdSettime(SyscallContext c, long[] a) {
        int flags = (int) a[1];
        if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) throw new SysError(Errno.EINVAL);
        return onTimerfd(c, a[0], t -> {
            long[] nv = readItimerspec(c, a[2]);
            long when = nv[1] == 0 ? 0 : (flags & TFD_TIMER_ABSTIME) != 0 ? toMonotonic(c, t.clock(), nv[1])
                    : c.kernel().timers().now() + nv[1];
            long[] old = t.settime(when, nv[0]);
            if (a[3] != 0) writeItimerspec(c, a[3], old);
            return 0;
        });
    }

    private static long timerfdGettime(SyscallContext c, long[] a) {
        return onTimerfd(c, a[0], t -> {
            writeItimerspec(c, a[1], t.gettime());
            return 0;
        });
    }
}
