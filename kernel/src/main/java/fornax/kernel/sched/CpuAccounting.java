package fornax.kernel.sched;

import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU time accounting by sampling, as Linux's tick-based accounting does: every tick
 * (1/{@value #USER_HZ} s) a ticker looks at what each hart and each task is doing and charges the
 * tick to it. It is what /proc/stat's cpu lines, /proc/PID/stat's utime and stime, and the load
 * averages are made of.
 *
 * <pre>
 *   each tick, for every hart:   held by a task in user mode   → hart user   += 1, task utime += 1
 *                                held by a task in the kernel  → hart system += 1, task stime += 1
 *             for every task not holding a hart whose thread is running (a syscall at work, which
 *             in this kernel runs with the hart given back) → task stime += 1, and the tick goes to
 *             a hart that was free this tick (its last one if possible) as system time; with no
 *             free hart it counts for the task only, so no hart ever shows more than 100%
 *   idle of a hart = ticks since boot − its user − its system (worked out when read)
 *   every 5 s: load = exponential decay of (tasks on harts + tasks waiting for one
 *              + tasks running kernel code), Linux's calc_load with its fixed-point constants
 * </pre>
 *
 * A task waiting for a hart or blocked in a syscall (its thread parked) is charged nothing. A
 * task's thread that is runnable but not yet carried by a host thread counts as running: the
 * sampling cannot tell the two apart. If the host falls behind and ticks arrive late, the elapsed
 * ticks are charged to what the late sample sees, so totals keep up with the wall clock.
 *
 * <p>The ticker runs only while processes exist ({@link #processStarted}/{@link #processEnded}),
 * as a tickless kernel stops its tick when idle; idle time and load decay need no ticks.
 *
 * <p>Locking: {@code this} guards the ticker thread, the live count and the load averages. The
 * per-hart counters are atomic; the per-task counters ({@link Task#userTicks},
 * {@link Task#systemTicks}) are volatile and written only under {@code sampling}, by the ticker.
 * Lock order: sampling → (scheduler lock, then process table, then {@code this}, one at a time).
 */
public final class CpuAccounting {
    /** Clock ticks per second as user space sees them (sysconf(_SC_CLK_TCK), AT_CLKTCK). */
    public static final int USER_HZ = 100;
    public static final long TICK_NANOS = 1_000_000_000L / USER_HZ;

    /** Linux's load-average arithmetic (kernel/sched/loadavg.c): 11-bit fixed point, 5 s period. */
    static final int FSHIFT = 11;
    static final long FIXED_1 = 1L << FSHIFT;
    static final long[] EXP = {1884, 2014, 2037};   // 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min)
    static final long LOAD_FREQ_NANOS = 5_000_000_000L + TICK_NANOS;

    private final Scheduler scheduler;
    private final ProcessTable processes;
    private final int harts;
    private final long bootNanos;
    private final AtomicLongArray user, system;
    /** Held across one sample, so a stopping ticker and its successor never charge at once. */
    private final Object sampling = new Object();
    // guarded by this
    private Thread ticker;
    private int live;
    private final long[] avenrun = new long[3];
    private long nextLoadFold;

    /**
     * @param bootNanos the boot instant on System.nanoTime's clock (uptime is measured from it)
     */
    public CpuAccounting(Scheduler scheduler, ProcessTable processes, long bootNanos) {
        this.scheduler = scheduler;
        this.processes = processes;
        this.harts = scheduler.hartCount();
        this.bootNanos = bootNanos;
        this.user = new AtomicLongArray(harts);
        this.system = new AtomicLongArray(harts);
        this.nextLoadFold = bootNanos + LOAD_FREQ_NANOS;
    }

    // ------------------------------------------------------------------ the ticker's life

    /** A process came to life: the ticker runs while any does. */
    public synchronized void processStarted() {
        if (live++ == 0 && ticker == null) {
            // A platform thread: a virtual one could wait behind guest tasks that hold every carrier.
            ticker = Thread.ofPlatform().daemon().name("cpu-accounting").unstarted(this::tickLoop);
            ticker.start();
        }
    }

    /** A process ended; the last one stops the ticker (and waits for a sample in progress). */
    public void processEnded() {
        Thread old;
        synchronized (this) {
            if (live == 0 || --live > 0) return;
            old = ticker;
            ticker = null;
        }
        retire(old);
    }

    /** Stops the ticker (kernel shutdown); a later {@link #processStarted} starts a new one. */
    public void stop() {
        Thread old;
        synchronized (this) {
            old = ticker;
            ticker = null;
            live = 0;
        }
        retire(old);
    }

    /** Ends a ticker thread: it notices at its next check; a sample it is taking completes first. */
    private static void retire(Thread old) {
        if (old == null) return;
        old.interrupt();
        try {
            old.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean current() { return ticker == Thread.currentThread(); }

    private void tickLoop() {
        long last = System.nanoTime();
        long carry = 0;
        while (current()) {
            LockSupport.parkNanos(TICK_NANOS - carry);
            if (Thread.currentThread().isInterrupted()) return;
            long now = System.nanoTime();
            long elapsed = now - last + carry;
            long n = elapsed / TICK_NANOS;
            if (n == 0) continue;
            carry = elapsed - n * TICK_NANOS;
            last = now;
            synchronized (sampling) {
                if (!current()) return;
                tick(n, now);
            }
        }
    }

    // ------------------------------------------------------------------ sampling

    /** Charges {@code n} ticks to what the harts and tasks are doing now. */
    void tick(long n, long now) {
        Scheduler.Snapshot s = scheduler.snapshot();
        boolean[] taken = new boolean[harts];
        Set<Task> onHart = new HashSet<>();
        int active = s.waiting().size();
        for (int i = 0; i < harts; i++) {
            Task t = s.holders()[i];
            if (t == null) continue;
            taken[i] = true;
            onHart.add(t);
            active++;
            if (t.inUser) {
                user.addAndGet(i, n);
                t.userTicks += n;
            } else {
                system.addAndGet(i, n);
                t.systemTicks += n;
            }
        }
        Set<Task> waiting = new HashSet<>(s.waiting());
        for (Process p : processes.all()) for (Task t : p.tasks()) {
            if (onHart.contains(t) || waiting.contains(t) || !inKernel(t)) continue;
            active++;
            t.systemTicks += n;
            int h = t.lastHart >= 0 && t.lastHart < harts && !taken[t.lastHart] ? t.lastHart : freeHart(taken);
            if (h >= 0) {
                taken[h] = true;
                system.addAndGet(h, n);
            }
        }
        foldLoad(now, active);
    }

    private static int freeHart(boolean[] taken) {
        for (int i = 0; i < taken.length; i++) if (!taken[i]) return i;
        return -1;
    }

    /** True when the task's thread is executing (kernel code, since it holds no hart). */
    private static boolean inKernel(Task t) {
        Thread th = t.thread;
        return th != null && th.getState() == Thread.State.RUNNABLE;
    }

    /**
     * Whether {@code t} is running or ready to run (Linux's R state): on a hart, waiting for one,
     * or executing kernel code. {@code s} is a scheduler snapshot taken just before.
     */
    public static boolean runnable(Task t, Scheduler.Snapshot s) {
        for (Task h : s.holders()) if (h == t) return true;
        return s.waiting().contains(t) || inKernel(t);
    }

    /** The scheduler's view now (for {@link #runnable}). */
    public Scheduler.Snapshot snapshot() { return scheduler.snapshot(); }

    // ------------------------------------------------------------------ load average

    /** Folds every 5 s period that ended by {@code now}: idle ones (active 0) first, then one with {@code active}. */
    private synchronized void foldLoad(long now, int active) {
        if (now < nextLoadFold) return;
        long periods = (now - nextLoadFold) / LOAD_FREQ_NANOS + 1;
        for (long k = 0; k < Math.min(periods - 1, 1000); k++) fold(0);
        fold(active);
        nextLoadFold += periods * LOAD_FREQ_NANOS;
    }

    private void fold(int active) {
        long a = (long) active * FIXED_1;
        for (int i = 0; i < 3; i++) {
            long load = avenrun[i] * EXP[i] + a * (FIXED_1 - EXP[i]);
            if (a >= avenrun[i]) load += FIXED_1 - 1;
            avenrun[i] = load >>> FSHIFT;
        }
    }

    /**
     * The 1, 5 and 15 minute load averages in Linux's fixed point (FIXED_1 = 1.0), with idle periods
     * folded in when the ticker is not running.
     */
    public synchronized long[] loadAverages() {
        if (ticker == null) foldLoad(System.nanoTime(), 0);
        return avenrun.clone();
    }

    /** A load average as /proc/loadavg prints it: "0.42". */
    public static String formatLoad(long fixed) {
        long v = fixed + FIXED_1 / 200;   // rounding, as loadavg_proc_show asks get_avenrun for
        long frac = ((v & (FIXED_1 - 1)) * 100) >>> FSHIFT;
        return (v >>> FSHIFT) + "." + (frac < 10 ? "0" : "") + frac;
    }

    // ------------------------------------------------------------------ reading

    /** Per-hart times in ticks since boot. */
    public record HartTimes(long user, long system, long idle) { }

    public int hartCount() { return harts; }

    /** What hart {@code i} did since boot; idle is the rest of the elapsed ticks. */
    public HartTimes hart(int i) {
        long u = user.get(i), s = system.get(i);
        long elapsed = (System.nanoTime() - bootNanos) / TICK_NANOS;
        return new HartTimes(u, s, Math.max(0, elapsed - u - s));
    }

    /** All harts. */
    public List<HartTimes> harts() {
        HartTimes[] out = new HartTimes[harts];
        for (int i = 0; i < harts; i++) out[i] = hart(i);
        return List.of(out);
    }

    /** Nanoseconds to ticks (for start times and uptime in /proc). */
    public static long ticks(long nanos) { return nanos / TICK_NANOS; }
}
