package fornax.kernel.sched;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Task;
import fornax.machine.cpu.Hart;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands harts (execution slots) to tasks. Every guest thread runs on its own Java thread; to
 * execute user code it must hold a hart, and it gives the hart back whenever it enters the kernel
 * for something that may block (every syscall) or when its time slice ends and a better task waits.
 *
 * <pre>
 *   task thread:  acquire ─► load context, satp, TLB sync ─► hart.run() ... trap
 *                   ▲                                                        │
 *                   └──── reacquire ◄── kernel work (may block) ◄── release ─┘
 * </pre>
 *
 * <p>Policy. Waiting tasks form one queue ordered by class, then within the class:
 * <ol>
 *   <li>real time (SCHED_FIFO, SCHED_RR): higher static priority first, then arrival. A FIFO
 *       task keeps its hart until it blocks or a higher priority arrives; RR also yields to an
 *       equal priority at the end of its slice.
 *   <li>normal (SCHED_OTHER, SCHED_BATCH): CFS-style fair share. A task's virtual run time grows
 *       by its real run time scaled by 1024 / weight(nice), with Linux's weight table (nice 0 =
 *       1024, each step about 1.25×); the smallest virtual run time runs next. A task coming back
 *       from sleep is placed no further back than {@link #SLEEPER_CREDIT_NANOS} behind the queue,
 *       so sleeping earns a prompt turn but never a monopoly.
 *   <li>idle (SCHED_IDLE): only when nothing else waits.
 * </ol>
 * A task runs only on harts in its affinity mask; among those it prefers the hart it ran on last
 * (its registers and TLB entries are still there). There is one queue for all harts rather than
 * per-hart queues with balancing: with a handful of harts one lock is not contended, and a single
 * queue gives exact global priority order with no balancing pass to get wrong.
 *
 * <p>TLB coherence: each hart remembers, per ASID, the {@link AddressSpace#tlbGeneration} it
 * last synchronised with; on acquire a task whose address space has moved on flushes that ASID.
 *
 * <p>Locking: {@code lock} guards every field below it and the tasks' {@code vruntime} and
 * {@code arrival}; no other lock is taken while holding it.
 */
public final class Scheduler {
    /** How far behind the queue's fair-share clock a waking task may start. */
    static final long SLEEPER_CREDIT_NANOS = 5_000_000L;
    /** Linux's sched_prio_to_weight: nice -20 .. 19. */
    private static final int[] WEIGHTS = {
        88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
        9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
        1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
        110, 87, 70, 56, 45, 36, 29, 23, 18, 15};

    private final Hart[] harts;
    private final long allHarts;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    // guarded by lock
    private final boolean[] busy;
    private final Task[] lastTask;
    private final java.util.List<Task> waiting = new java.util.ArrayList<>();
    private long arrivals;
    /** The fair-share clock: the least virtual run time a normal task has had; never decreases. */
    private long minVruntime;
    // owned by whichever task holds the hart
    private final long[][] syncedGeneration;

    public Scheduler(Hart[] harts) {
        this.harts = harts.clone();
        this.allHarts = harts.length >= 64 ? -1L : (1L << harts.length) - 1;
        this.busy = new boolean[harts.length];
        this.lastTask = new Task[harts.length];
        this.syncedGeneration = new long[harts.length][65536];
    }

    public int hartCount() { return harts.length; }

    /** The harts that exist, as an affinity mask. */
    public long allHarts() { return allHarts; }

    /** Linux's load weight of a nice level. */
    public static int weight(int nice) { return WEIGHTS[Math.max(-20, Math.min(19, nice)) + 20]; }

    /**
     * Blocks until {@code task} may run, then returns a hart loaded with its registers, its
     * address space and an up-to-date TLB.
     */
    public Hart acquire(Task task) {
        int id;
        boolean reload;
        lock.lock();
        try {
            if (task.vruntime < minVruntime - SLEEPER_CREDIT_NANOS) task.vruntime = minVruntime - SLEEPER_CREDIT_NANOS;
            task.arrival = arrivals++;
            waiting.add(task);
            for (;;) {
                id = pick(task);
                if (id >= 0) break;
                freed.awaitUninterruptibly();
            }
            waiting.remove(task);
            busy[id] = true;
            reload = lastTask[id] != task || task.contextDirty;
            lastTask[id] = task;
            if (!waiting.isEmpty()) freed.signalAll();   // others may find another hart
        } finally {
            lock.unlock();
        }
        Hart hart = harts[id];
        AddressSpace as = task.process().addressSpace();
        if (reload) {
            hart.loadContext(task.context());
            task.contextDirty = false;
        }
        if (hart.satp() != as.satp()) hart.setSatp(as.satp());
        long gen = as.tlbGeneration();
        if (syncedGeneration[id][as.asid()] != gen) {
            hart.flushTlb(-1, as.asid());
            syncedGeneration[id][as.asid()] = gen;
        }
        task.hart = hart;
        task.lastHart = id;
        task.runStart = System.nanoTime();
        return hart;
    }

    /** The harts {@code t} may use (all of them if its mask names none that exist). */
    private long allowed(Task t) {
        long m = t.affinity & allHarts;
        return m == 0 ? allHarts : m;
    }

    /**
     * A free hart for {@code task} on which no better waiting task could run instead: the one it
     * last ran on if possible, else an unused one, else any; -1 if none. Caller holds lock.
     */
    private int pick(Task task) {
        long mine = allowed(task);
        int any = -1;
        for (int i = 0; i < harts.length; i++) {
            if (busy[i] || (mine & 1L << i) == 0 || !bestFor(task, i)) continue;
            if (lastTask[i] == task) return i;
            if (any < 0 || lastTask[i] == null) any = i;
        }
        return any;
    }

    /** No waiting task allowed on hart {@code h} should run before {@code task}. Caller holds lock. */
    private boolean bestFor(Task task, int h) {
        for (Task w : waiting) {
            if (w != task && (allowed(w) & 1L << h) != 0 && before(w, task)) return false;
        }
        return true;
    }

    private static int rank(Task t) {
        return switch (t.policy) {
            case Task.SCHED_FIFO, Task.SCHED_RR -> 0;
            case Task.SCHED_IDLE -> 2;
            default -> 1;
        };
    }

    /** Queue order: whether {@code a} runs before {@code b}. */
    private static boolean before(Task a, Task b) {
        int ra = rank(a), rb = rank(b);
        if (ra != rb) return ra < rb;
        if (ra == 0 && a.rtPriority != b.rtPriority) return a.rtPriority > b.rtPriority;
        if (ra == 1 && a.vruntime != b.vruntime) return a.vruntime < b.vruntime;
        return a.arrival < b.arrival;
    }

    /**
     * Gives the hart back; the task's registers must already be saved in its context.
     * {@code preempted}: the slice ended (an involuntary switch), not a syscall or block.
     */
    public void release(Task task, boolean preempted) {
        Hart hart = task.hart;
        task.hart = null;
        long ran = System.nanoTime() - task.runStart;
        task.runNanos += ran;
        if (preempted) task.involuntarySwitches++;
        else task.voluntarySwitches++;
        lock.lock();
        try {
            task.vruntime += ran * 1024 / weight(task.nice);
            long least = task.vruntime;
            for (Task w : waiting) if (rank(w) == 1) least = Math.min(least, w.vruntime);
            if (rank(task) == 1 || !waiting.isEmpty()) minVruntime = Math.max(minVruntime, least);
            busy[hart.id()] = false;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #release(Task, boolean)} for a syscall or a block. */
    public void release(Task task) { release(task, false); }

    /**
     * sched_yield: the task goes behind every waiting task of its class (its virtual run time
     * moves past theirs), so releasing and reacquiring its hart lets them run first.
     */
    public void yield(Task task) {
        lock.lock();
        try {
            long latest = task.vruntime;
            for (Task w : waiting) if (rank(w) == rank(task)) latest = Math.max(latest, w.vruntime + 1);
            task.vruntime = latest;
        } finally {
            lock.unlock();
        }
    }

    /** A task has ended: forget it so no hart keeps its registers on its behalf. */
    public void forget(Task task) {
        lock.lock();
        try {
            for (int i = 0; i < lastTask.length; i++) if (lastTask[i] == task) lastTask[i] = null;
        } finally {
            lock.unlock();
        }
    }

    /** Who holds each hart (null: free, index = hart id) and who waits for one, at one instant. */
    public record Snapshot(Task[] holders, java.util.List<Task> waiting) { }

    /** A consistent view of the harts and the run queue, for CPU accounting and /proc. */
    public Snapshot snapshot() {
        lock.lock();
        try {
            Task[] holders = new Task[harts.length];
            for (int i = 0; i < harts.length; i++) holders[i] = busy[i] ? lastTask[i] : null;
            return new Snapshot(holders, java.util.List.copyOf(waiting));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The end of {@code task}'s slice on its hart: true if a waiting task should take the hart now
     * (the timer tick then switches). Real-time FIFO tasks give way only to higher priorities, RR
     * and normal tasks also to their equals whose turn it is.
     */
    public boolean contended(Task task) {
        Hart hart = task.hart;
        if (hart == null) return false;
        int h = hart.id();
        lock.lock();
        try {
            if (waiting.isEmpty()) return false;
            long projected = task.vruntime + (System.nanoTime() - task.runStart) * 1024 / weight(task.nice);
            for (Task w : waiting) {
                if ((allowed(w) & 1L << h) == 0) continue;
                int rw = rank(w), rt = rank(task);
                if (rw != rt) {
                    if (rw < rt) return true;
                    continue;
                }
                switch (rt) {
                    case 0 -> {
                        if (w.rtPriority > task.rtPriority
                                || w.rtPriority == task.rtPriority && task.policy == Task.SCHED_RR) return true;
                    }
                    case 1 -> { if (w.vruntime <= projected) return true; }
                    default -> { return true; }
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** True if some task is waiting for a hart. */
    public boolean contended() {
        lock.lock();
        try {
            return !waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
