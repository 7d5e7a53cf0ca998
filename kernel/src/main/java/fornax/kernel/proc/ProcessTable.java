package fornax.kernel.proc;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All processes by pid, and the process tree: who is whose parent, who is a zombie, who waits.
 * Its monitor is the kernel's "wait lock": parent/children links and zombie states change only
 * under it, and wait4 sleeps on it until a child changes state.
 *
 * <p>Pids are handed out increasingly and wrap at {@value #PID_MAX}, skipping live ones; pid 1 is
 * the first process (init), which adopts orphans.
 *
 * <p>Locking: {@code this}. Lock order: ProcessTable → Process (never the reverse).
 */
public final class ProcessTable {
    public static final int PID_MAX = 4_194_304;
    public static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8;

    // guarded by this
    private final Map<Integer, Process> byPid = new HashMap<>();
    private int lastPid;
    private Process init;
    private long created;

    /** A free pid, not yet visible; EAGAIN if all are taken. */
    public synchronized int allocatePid() {
        for (int tries = 0; tries < PID_MAX; tries++) {
            lastPid = lastPid >= PID_MAX ? 2 : lastPid + 1;
            if (!byPid.containsKey(lastPid)) return lastPid;
        }
        throw new SysError(Errno.EAGAIN, "no free pid");
    }

    /** Adds {@code p} as a child of {@code parent} (null for the first process, which becomes init). */
    public synchronized void add(Process p, Process parent) {
        byPid.put(p.pid(), p);
        created++;
        p.parent = parent;
        if (parent != null) parent.children.add(p);
        else if (init == null) init = p;
    }

    public synchronized Process get(int pid) { return byPid.get(pid); }

    /** Processes added since boot (/proc/stat's "processes"). */
    public synchronized long created() { return created; }

    /** The pid handed out last (the fifth field of /proc/loadavg); 0 before the first. */
    public synchronized int lastPid() { return lastPid; }

    public synchronized int count() { return byPid.size(); }

    public synchronized int parentPid(Process p) { return p.parent == null ? 0 : p.parent.pid(); }

    /** Number of children of {@code p} (live or zombie). */
    public synchronized int childCount(Process p) { return p.children.size(); }

    /**
     * The process has exited: it becomes a zombie for its parent to reap, its children are
     * adopted by init (zombies among them wake init's wait), and waiters are woken. A process
     * without a parent is removed at once.
     */
    public synchronized Process exited(Process p) {
        return exited(p, 0);
    }

    /**
     * {@link #exited(Process)}, also posting {@code signal} (SIGCHLD) to the parent in the same
     * critical section, as Linux's exit_notify does under the tasklist lock: a parent that sees
     * the signal finds the zombie, and a parent whose wait returns finds the signal. Returns the
     * parent (null if none); the caller wakes it.
     */
    public synchronized Process exited(Process p, int signal) {
        Process parent = p.parent;
        if (parent != null && signal != 0) parent.post(signal, p.pid());
        p.zombie = true;
        for (Process c : new ArrayList<>(p.children)) {
            c.parent = init != null && init != p ? init : null;
            if (c.parent != null) init.children.add(c);
            else if (c.zombie) byPid.remove(c.pid());
        }
        p.children.clear();
        if (p.parent == null) byPid.remove(p.pid());
        notifyAll();
        return parent;
    }

    /**
     * wait4: waits for a child of {@code parent} matching {@code pid} (-1 any, &gt;0 that pid,
     * 0 or &lt;-1 a process group — every child, until process groups exist) to become a zombie,
     * reaps it and returns it; null with WNOHANG when none is ready; ECHILD if there is no such
     * child. Blocks (on this monitor) without holding a hart.
     */
    public synchronized Process waitChild(Process parent, int pid, int options) {
        boolean interrupted = false;
        for (;;) {
            List<Process> matching = new ArrayList<>();
            for (Process c : parent.children) if (pid <= 0 || c.pid() == pid) matching.add(c);
            if (matching.isEmpty()) throw new SysError(Errno.ECHILD);
            for (Process c : matching) {
                if (c.zombie) {
                    parent.children.remove(c);
                    byPid.remove(c.pid());
                    return c;
                }
            }
            if ((options & WNOHANG) != 0) return null;
            // A signal ends the wait, but a child that became a zombie meanwhile is still reaped.
            if (interrupted) {
                Thread.currentThread().interrupt();
                throw new SysError(Errno.EINTR);
            }
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** Every live process (for shutdown). */
    public synchronized List<Process> all() { return new ArrayList<>(byPid.values()); }
}
