package fornax.kernel.proc;

import fornax.machine.cpu.Hart;

/**
 * A thread of a process: its saved user registers and per-thread kernel state.
 *
 * <p>While the task runs, its registers live in the hart; {@link #context} holds them only while
 * it is switched out. Locking: a task's fields are touched only by the thread that runs it,
 * except the thread-directed pending signals (guarded by {@code this}) and the volatile fields.
 */
public final class Task {
    private final int tid;
    private final Process process;
    final long[] context = new long[Hart.CONTEXT_SIZE];
    /** set_tid_address: cleared and futex-woken at exit. */
    public long clearChildTid;
    /** set_robust_list head and length. */
    public long robustListHead, robustListLen;
    /** Blocked-signal mask (rt_sigprocmask); delivery comes with the signal layer. */
    public long signalMask;
    /** Scratch for syscall arguments, reused to avoid allocating per call. */
    public final long[] args = new long[6];
    /** The context was changed by the kernel (syscall result, exec, signal): reload it on acquire. */
    public volatile boolean contextDirty = true;
    /** The hart this task holds, or null while it is in the kernel or waiting. Own thread only. */
    public Hart hart;
    /** Set when the task must not return to user mode (exit, fatal signal). */
    public volatile boolean exiting;
    /** The Java thread carrying this task (for interrupting a blocked syscall). */
    public volatile Thread thread;
    /**
     * A synchronous signal raised by this task's own fault, delivered before anything pending:
     * signal number, si_code and si_addr. Own thread only.
     */
    public int faultSignal, faultCode;
    public long faultAddr;
    /**
     * rt_sigsuspend's mask to restore once the handler it waited for returns (the frame's
     * uc_sigmask), or -1. Own thread only.
     */
    public long suspendedMask = -1;
    /** prctl(PR_SET_NAME): the thread's name (comm), at most 15 bytes. */
    public volatile String name = "";
    /** True while the task's hart runs its user code (CPU accounting samples it). Own thread writes. */
    public volatile boolean inUser;
    /** The hart the task last held (/proc/PID/stat's "processor"); -1 before it first runs. */
    public volatile int lastHart = -1;
    /** CPU time charged by {@link fornax.kernel.sched.CpuAccounting} in ticks; only its ticker writes. */
    public volatile long userTicks, systemTicks;
    /** sigaltstack: base, size, flags (SS_DISABLE = 2). Own thread only. */
    public long altStackBase, altStackSize;
    public int altStackFlags = 2;

    // ------------------------------------------------------------------ scheduling (see Scheduler)
    public static final int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5;
    /** Scheduling class and parameters; written by the sched_* and *priority syscalls. */
    public volatile int policy = SCHED_OTHER, rtPriority, nice;
    /** Harts this thread may run on (bit i = hart i); sched_setaffinity. */
    public volatile long affinity = -1L;
    /** Fair-share virtual run time and queue arrival order; guarded by the Scheduler's lock. */
    public long vruntime, arrival;
    /** When the thread last got a hart (System.nanoTime); own thread. */
    public long runStart;
    /** Statistics: nanoseconds on a hart, voluntary and involuntary switches. Own thread writes. */
    public volatile long runNanos, voluntarySwitches, involuntarySwitches;

    /** exit(2) status of this thread (the process's if it is the last one and no exit_group ran). */
    public int exitCode;
    // guarded by this: thread-directed pending signals (tkill, tgkill), as Process keeps its own
    private final PendingSignals pending = new PendingSignals();

    public Task(int tid, Process process) {
        this.tid = tid;
        this.process = process;
    }

    /** Marks {@code sig} pending for this thread only, from {@code senderPid} with {@code code}. */
    public synchronized void post(int sig, int senderPid, int code) {
        pending.post(sig, Process.senderSeenBy(process.pidNamespace(), senderPid, code), code, 0);
    }

    /** Thread-directed signals pending. */
    public synchronized long pending() { return pending.bits(); }

    /** Drops pending signals in {@code mask} (SIGCONT discards stops and the reverse). */
    public synchronized void discard(long mask) { pending.discard(mask); }

    /** As {@link Process#take}, for thread-directed signals. */
    public synchronized long take(long blocked) { return pending.take(blocked, null); }

    /** Signals pending for this thread: its own and its process's. */
    public long allPending() { return pending() | process.pending(); }

    public int tid() { return tid; }
    public Process process() { return process; }
    public long[] context() { return context; }
}
