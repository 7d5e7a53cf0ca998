package fornax.kernel.time;

import fornax.kernel.proc.Process;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The kernel's one timer service (Linux's hrtimer base): a single daemon thread that runs every
 * armed {@link IntervalTimer} when it expires, plus the per-process timer tables
 * ({@link ProcessTimers}: setitimer's ITIMER_REAL and timer_create's timers). timerfds own their
 * timers through their open files.
 *
 * <p>Time is the kernel's monotonic clock in nanoseconds ({@link #now()}); real-time deadlines are
 * converted by the syscall layer (the real-time clock is the monotonic one plus a fixed offset,
 * since nothing sets it). Expiry callbacks run on the timer thread and must not block: they post
 * signals or bump a counter and wake waiters.
 *
 * <p>Life cycle: a process's table goes away when the process exits ({@link #exited}), which
 * destroys its timers; execve destroys the timer_create timers and keeps ITIMER_REAL
 * ({@link #exec}), as Linux does. {@link #close()} stops the thread with the kernel.
 * {@link #timers()} and {@link #armed()} let tests check that nothing leaks.
 *
 * <p>Thread-safe: the table is a concurrent map; each timer has its own lock.
 */
public final class KernelTimers implements AutoCloseable {
    /** How a timer delivers a signal: Kernel.sendSignal with an si_code and an si_value. */
    public interface Signaller {
        void send(Process target, int sig, int code, int sender, long value);
    }

    private final LongSupplier clock;
    private final Signaller signaller;
    private final ScheduledThreadPoolExecutor executor;
    private final ConcurrentHashMap<Process, ProcessTimers> byProcess = new ConcurrentHashMap<>();
    /** Timers created and not yet destroyed. */
    private final AtomicInteger live = new AtomicInteger();

    /** @param clock the kernel's monotonic clock (ns) */
    public KernelTimers(LongSupplier clock, Signaller signaller) {
        this.clock = clock;
        this.signaller = signaller;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fornax-timers");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** The timer clock: kernel monotonic nanoseconds. */
    public long now() { return clock.getAsLong(); }

    Signaller signaller() { return signaller; }

    /** A new disarmed timer calling {@code expired} with the number of expirations each time it fires. */
    public IntervalTimer newTimer(IntervalTimer.Expiry expired) {
        live.incrementAndGet();
        return new IntervalTimer(this, expired);
    }

    void destroyed() { live.decrementAndGet(); }

    /** Runs {@code r} after {@code delayNanos}; null once the service is closed (the kernel is going down). */
    ScheduledFuture<?> schedule(Runnable r, long delayNanos) {
        try {
            return executor.schedule(r, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** {@code p}'s timer table, made on first use. */
    public ProcessTimers of(Process p) { return byProcess.computeIfAbsent(p, q -> new ProcessTimers(this, q)); }

    /** The process exited: every timer it had is destroyed. */
    public void exited(Process p) {
        ProcessTimers t = byProcess.remove(p);
        if (t != null) t.destroyAll();
    }

    /** execve: timer_create timers are destroyed; ITIMER_REAL keeps running. */
    public void exec(Process p) {
        ProcessTimers t = byProcess.get(p);
        if (t != null) t.destroyPosix();
    }

    /** Timers in existence (process timers and timerfds). */
    public int timers() { return live.get(); }

    /** Expiries scheduled on the timer thread now. */
    public int armed() { return executor.getQueue().size(); }

    /** Processes that have a timer table. */
    public int processes() { return byProcess.size(); }

    @Override public void close() {
        for (Process p : byProcess.keySet()) exited(p);
        executor.shutdownNow();
    }
}
