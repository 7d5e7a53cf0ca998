package fornax.kernel.proc;

import fornax.kernel.mm.MemoryLimit;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pid namespace (Linux's struct pid_namespace): a numbering of processes and threads of its own.
 * Every process belongs to one; it has a number there and in every enclosing namespace up to the
 * root, whose numbers are the kernel's global pids and tids ({@link Process#pid()},
 * {@link Task#tid()}). A process sees, signals and waits for only what has a number in its own
 * namespace, by that number: the first process of a new namespace is its 1, its init.
 *
 * <pre>
 *   ROOT (level 0)   global ids: 1 sh, 7 contain, 8 sh, 9 ls      numbers = global ids
 *     container (1)  8 → 1, 9 → 2                                 init: the process numbered 1
 * </pre>
 *
 * <p>Numbers are kept as a map from global id to the number here and back; the root keeps no
 * maps (its numbers are the global ids). A global id gets its numbers when it is allocated
 * ({@link ProcessTable#allocatePid(PidNamespace)}) and loses them when it is freed (the process
 * reaped, or the thread gone), so a number is never seen for a later holder of the same global id.
 *
 * <p>A namespace also carries the container's limits, as a cgroup attached to it would: at most
 * {@link #taskLimit()} processes and threads (zombies count until reaped) in it and the
 * namespaces below it, and a {@link MemoryLimit} charged for the private memory of all of them.
 *
 * <p>When its init exits the namespace is dead: the kernel kills every process left in it, and no
 * new process may join (EAGAIN; Linux's fork says ENOMEM). Orphans in a live namespace are adopted by
 * its init.
 *
 * <p>Locking: numbers, init and the dead flag change only under the {@link ProcessTable}'s lock;
 * the maps are concurrent so lookups read them without it.
 */
public final class PidNamespace {
    /** The kernel's numbering (global pids), shared by every kernel: it holds no state. */
    public static final PidNamespace ROOT = new PidNamespace();

    private final PidNamespace parent;
    private final int level;
    private final long taskLimit;
    private final MemoryLimit memory;
    /** Global id → number here, and back; empty for the root. */
    private final ConcurrentHashMap<Integer, Integer> local = new ConcurrentHashMap<>(), global = new ConcurrentHashMap<>();
    // guarded by the ProcessTable lock (init and dead are also read without it)
    private int last;
    private volatile Process init;
    private volatile boolean dead;

    private PidNamespace() {
        this.parent = null;
        this.level = 0;
        this.taskLimit = Process.RLIM_INFINITY;
        this.memory = null;
    }

    /**
     * A new namespace below {@code parent}, with at most {@code taskLimit} tasks
     * ({@link Process#RLIM_INFINITY}: no limit) and {@code memory} charged for its private memory
     * (null: only the enclosing namespaces' limits).
     */
    public PidNamespace(PidNamespace parent, long taskLimit, MemoryLimit memory) {
        if (parent == null) throw new IllegalArgumentException("a pid namespace needs a parent");
        this.parent = parent;
        this.level = parent.level + 1;
        this.taskLimit = taskLimit;
        this.memory = memory;
    }

    public PidNamespace parent() { return parent; }
    public int level() { return level; }
    public boolean isRoot() { return parent == null; }
    /** The most tasks this namespace and those below it may hold, or RLIM_INFINITY. */
    public long taskLimit() { return taskLimit; }

    /** The limit the memory of processes here is charged to: this namespace's, else the nearest enclosing one's; null if none. */
    public MemoryLimit memoryLimit() {
        for (PidNamespace n = this; n != null; n = n.parent) if (n.memory != null) return n.memory;
        return null;
    }

    /** True if this is {@code other} or encloses it. */
    public boolean encloses(PidNamespace other) {
        for (PidNamespace n = other; n != null; n = n.parent) if (n == this) return true;
        return false;
    }

    // ------------------------------------------------------------------ numbers

    /** The number global id {@code id} has here; 0 if it has none (a process outside, as Linux's pid_vnr gives). */
    public int numberOf(int id) {
        if (parent == null) return id;
        Integer n = local.get(id);
        return n == null ? 0 : n;
    }

    /** {@code p}'s pid here, or 0 if it is outside. */
    public int pidOf(Process p) { return numberOf(p.pid()); }

    /** {@code t}'s tid here, or 0 if it is outside. */
    public int tidOf(Task t) { return numberOf(t.tid()); }

    /** The global id number {@code n} here names; -1 if none. */
    public int globalOf(int n) {
        if (parent == null) return n;
        Integer g = global.get(n);
        return g == null ? -1 : g;
    }

    /** True if global id {@code id} has a number here. */
    public boolean sees(int id) { return parent == null || local.containsKey(id); }

    /** True if {@code p} has a number here. */
    public boolean sees(Process p) { return sees(p.pid()); }

    /** The process numbered {@code n} here (a zombie too), or null. */
    public Process process(ProcessTable table, int n) {
        if (n <= 0) return null;
        int g = globalOf(n);
        return g < 0 ? null : table.get(g);
    }

    /** The live thread numbered {@code n} here, or null. */
    public Task task(ProcessTable table, int n) {
        if (n <= 0) return null;
        int g = globalOf(n);
        return g < 0 ? null : table.task(g);
    }

    /** Global ids with a number here (zombies and reserved ids included); caller holds the table lock. */
    int count() { return local.size(); }

    /**
     * Gives global id {@code id} a number here and in every enclosing namespace but the root.
     * EAGAIN if this or an enclosing namespace is dead or at its task limit. Caller holds the table lock.
     */
    void enter(int id) {
        for (PidNamespace n = this; n.parent != null; n = n.parent) {
            if (n.dead) throw new SysError(Errno.EAGAIN, "the pid namespace's init has exited");
            if (n.taskLimit != Process.RLIM_INFINITY && n.count() >= n.taskLimit)
                throw new SysError(Errno.EAGAIN, "container task limit (" + n.taskLimit + ")");
        }
        for (PidNamespace n = this; n.parent != null; n = n.parent) n.assign(id);
    }

    private void assign(int id) {
        for (int tries = 0; tries < ProcessTable.PID_MAX; tries++) {
            last = last >= ProcessTable.PID_MAX ? 1 : last + 1;
            if (!global.containsKey(last)) {
                global.put(last, id);
                local.put(id, last);
                return;
            }
        }
        throw new SysError(Errno.EAGAIN, "no free pid in the namespace");
    }

    /** Global id {@code id} is free again: its numbers here and above go. Caller holds the table lock. */
    void leave(int id) {
        for (PidNamespace n = this; n.parent != null; n = n.parent) {
            Integer num = n.local.remove(id);
            if (num != null) n.global.remove(num, id);
        }
    }

    // ------------------------------------------------------------------ init

    /** The namespace's init (its number 1) once added, else null; the table lock or a racy read. */
    public Process init() { return init; }

    /** Records {@code p} as the init if it is number 1 here. Caller holds the table lock. */
    void added(Process p) {
        if (parent != null && init == null && numberOf(p.pid()) == 1) init = p;
    }

    /** The init has exited: nobody new may join. Caller holds the table lock. */
    void kill() { dead = true; }

    public boolean dead() { return dead; }

    @Override public String toString() { return parent == null ? "pidns:root" : "pidns:" + level + "@" + Integer.toHexString(hashCode()); }
}
