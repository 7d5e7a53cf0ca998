package fornax.kernel.sched;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Task;
import fornax.machine.cpu.Hart;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands harts (execution slots) to tasks. Every guest thread runs on its own Java thread; to
 * execute user code it must hold a hart, and it gives the hart back whenever it enters the kernel
 * for something that may block (every syscall) or when its time slice ends and others wait.
 *
 * <pre>
 *   task thread:  acquire ─► load context, satp, TLB sync ─► hart.run() ... trap
 *                   ▲                                                        │
 *                   └──── reacquire ◄── kernel work (may block) ◄── release ─┘
 * </pre>
 *
 * <p>Policy, for now: one FIFO queue of waiting tasks, so every runnable task gets a turn; a task
 * prefers the hart it ran on last (its registers and TLB entries are still there). Per-hart run
 * queues, priorities and affinity masks grow from here.
 *
 * <p>TLB coherence: each hart remembers, per ASID, the {@link AddressSpace#tlbGeneration} it
 * last synchronised with; on acquire a task whose address space has moved on flushes that ASID.
 *
 * <p>Locking: {@code lock} guards every field below it; no other lock is taken while holding it.
 */
public final class Scheduler {
    private final Hart[] harts;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    // guarded by lock
    private final boolean[] busy;
    private final Task[] lastTask;
    private final ArrayDeque<Task> waiting = new ArrayDeque<>();
    // owned by whichever task holds the hart
    private final long[][] syncedGeneration;

    public Scheduler(Hart[] harts) {
        this.harts = harts.clone();
        this.busy = new boolean[harts.length];
        this.lastTask = new Task[harts.length];
        this.syncedGeneration = new long[harts.length][65536];
    }

    public int hartCount() { return harts.length; }

    /**
     * Blocks until {@code task} may run, then returns a hart loaded with its registers, its
     * address space and an up-to-date TLB.
     */
    public Hart acquire(Task task) {
        int id;
        boolean reload;
        lock.lock();
        try {
            waiting.addLast(task);
            for (;;) {
                if (waiting.peekFirst() == task) {
                    id = pick(task);
                    if (id >= 0) break;
                }
                freed.awaitUninterruptibly();
            }
            waiting.removeFirst();
            busy[id] = true;
            reload = lastTask[id] != task || task.contextDirty;
            lastTask[id] = task;
            if (!waiting.isEmpty()) freed.signalAll();   // the next in line may find another hart
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
        return hart;
    }

    /** A free hart for {@code task}: the one it last ran on if free, else any; -1 if none. */
    private int pick(Task task) {
        int any = -1;
        for (int i = 0; i < harts.length; i++) {
            if (busy[i]) continue;
            if (lastTask[i] == task) return i;
            if (any < 0 || lastTask[i] == null) any = i;
        }
        return any;
    }

    /** Gives the hart back; the task's registers must already be saved in its context. */
    public void release(Task task) {
        Hart hart = task.hart;
        task.hart = null;
        lock.lock();
        try {
            busy[hart.id()] = false;
            freed.signalAll();
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

    /** True if some task is waiting for a hart (the timer tick then ends the current slice). */
    public boolean contended() {
        lock.lock();
        try {
            return !waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
