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
    public static final int WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
    /** wait status of a continued child (WIFCONTINUED). */
    public static final int CONTINUED_STATUS = 0xFFFF;

    // guarded by this
    private final Map<Integer, Process> byPid = new HashMap<>();
    /** Every live thread by tid (a process's first thread has tid == pid). */
    private final Map<Integer, Task> byTid = new HashMap<>();
    private int lastPid;
    /** Live threads other than the first of their process (RLIMIT_NPROC counts them). */
    private int extraThreads;
    private Process init;
    private long created;

    /** A free pid, not yet visible; EAGAIN if all are taken. */
    public synchronized int allocatePid() {
        for (int tries = 0; tries < PID_MAX; tries++) {
            lastPid = lastPid >= PID_MAX ? 2 : lastPid + 1;
            if (!byPid.containsKey(lastPid) && !byTid.containsKey(lastPid)) return lastPid;
        }
        throw new SysError(Errno.EAGAIN, "no free pid");
    }

    /**
     * A free global pid (or tid) with a number in {@code ns} and the namespaces enclosing it
     * ({@link PidNamespace}); EAGAIN if none is free, or if {@code ns} or one enclosing it is at its
     * task limit or dead. If the process or thread is then not added, {@link #forgetPid} it.
     */
    public synchronized int allocatePid(PidNamespace ns) {
        int id = allocatePid();
        ns.enter(id);
        return id;
    }

    /** A pid from {@link #allocatePid(PidNamespace)} that was never used (a failed fork): its numbers go. */
    public synchronized void forgetPid(PidNamespace ns, int id) {
        if (!byPid.containsKey(id) && !byTid.containsKey(id)) ns.leave(id);
    }

    /** Removes a reaped process; its pid's numbers in its namespaces go with it. */
    private void forget(Process p) {
        if (byPid.remove(p.pid(), p)) p.pidNamespace().leave(p.pid());
    }

    /**
     * Adds {@code p} as a child of {@code parent}, in its parent's process group, session and
     * controlling terminal. The first process (null parent) becomes init and the leader of the
     * first session and group.
     */
    public synchronized void add(Process p, Process parent) {
        add(p, parent, Process.RLIM_INFINITY);
    }

    /**
     * {@link #add(Process, Process)} if fewer than {@code limit} tasks exist (see {@link #tasks});
     * EAGAIN otherwise, with nothing added. The check and the add are one step, so concurrent forks
     * cannot overshoot RLIMIT_NPROC.
     */
    public synchronized void add(Process p, Process parent, long limit) {
        if (limit != Process.RLIM_INFINITY && Long.compareUnsigned(tasks(), limit) >= 0)
            throw new SysError(Errno.EAGAIN, "RLIMIT_NPROC");
        // A parent being killed gets no child: a group SIGKILL is posted under this lock, so a child
        // added after it would escape it (Linux's fork checks for pending fatal signals the same way).
        if (parent != null && (parent.hasExited() || (parent.pending() & 1L << (Signals.SIGKILL - 1)) != 0))
            throw new SysError(Errno.EINTR, "the parent is being killed");
        // Once a namespace's init has exited and the rest were killed, nobody may join it.
        for (PidNamespace n = p.pidNamespace(); !n.isRoot(); n = n.parent())
            if (n.dead()) throw new SysError(Errno.EAGAIN, "the pid namespace's init has exited");
        byPid.put(p.pid(), p);
        p.pidNamespace().added(p);
        created++;
        p.parent = parent;
        if (parent != null) {
            parent.children.add(p);
            p.pgid = parent.pgid;
            p.sid = parent.sid;
            p.tty = parent.tty;
        } else {
            if (init == null) init = p;
            p.pgid = p.sid = p.pid();
        }
    }

    // ------------------------------------------------------------------ groups and sessions

    /**
     * setpgid(2) by {@code caller}: moves process {@code pid} (0: the caller) into group
     * {@code pgid} (0: its own pid). The target must be the caller or a child of it that has not
     * called execve (EACCES), in the caller's session (EPERM), and not a session leader (EPERM);
     * the group must be the target's own pid or an existing group of that session (EPERM).
     */
    public synchronized void setpgid(Process caller, int pid, int pgid) {
        // Linux's order: pgid 0 means pid (0 meaning the caller), and only then is a negative one EINVAL.
        if ((pgid == 0 ? (pid == 0 ? caller.pid() : pid) : pgid) < 0) throw new SysError(Errno.EINVAL);
        Process target = pid == 0 ? caller : byPid.get(pid);
        if (target == null || target.zombie || (target != caller && target.parent != caller))
            throw new SysError(Errno.ESRCH);
        if (target != caller && target.execed) throw new SysError(Errno.EACCES);
        if (target.sid != caller.sid || target.sid == target.pid()) throw new SysError(Errno.EPERM);
        int group = pgid == 0 ? target.pid() : pgid;
        if (group != target.pid() && !groupExistsIn(group, caller.sid)) throw new SysError(Errno.EPERM);
        target.pgid = group;
    }

    private boolean groupExistsIn(int pgid, int sid) {
        for (Process q : byPid.values()) if (q.pgid == pgid && q.sid == sid && !q.zombie) return true;
        return false;
    }

    /** setsid(2): a new session and group led by {@code p}, without a terminal; EPERM for a group leader. */
    public synchronized int setsid(Process p) {
        if (p.pgid == p.pid() || groupExistsIn(p.pid(), p.sid)) throw new SysError(Errno.EPERM);
        p.pgid = p.sid = p.pid();
        p.tty = null;
        return p.pid();
    }

    /**
     * getpgid/getsid target by global pid: {@code pid} 0 is the caller; ESRCH if there is no such
     * process. (A guest's numbers are its pid namespace's: look them up there, PidNamespace#process.)
     */
    public synchronized Process lookup(Process caller, int pid) {
        if (pid < 0) throw new SysError(Errno.ESRCH);
        Process p = pid == 0 ? caller : byPid.get(pid);
        if (p == null) throw new SysError(Errno.ESRCH);
        return p;
    }

    /** The live members of process group {@code pgid}. */
    public synchronized List<Process> group(int pgid) {
        List<Process> members = new ArrayList<>();
        for (Process q : byPid.values()) if (q.pgid == pgid && !q.zombie) members.add(q);
        return members;
    }

    /**
     * POSIX's orphaned process group: no member has a parent in another group of the same
     * session (init counts as outside). Such a group has nobody to continue it, so the terminal
     * stop signals SIGTSTP, SIGTTIN and SIGTTOU do not stop it, and a background read gets EIO.
     */
    public synchronized boolean isOrphanedGroup(int pgid) {
        for (Process q : byPid.values()) {
            if (q.pgid != pgid || q.zombie) continue;
            Process parent = q.parent;
            if (parent != null && parent.pid() != 1 && parent.pgid != pgid && parent.sid == q.sid) return false;
        }
        return true;
    }

    /**
     * The process groups {@code p} keeps from being orphaned, which its exit may orphan: its own,
     * if its parent is in another group of the same session, and those of its children in another
     * group of its session (Linux's exit_notify checks the same two). Called before it exits.
     */
    public synchronized List<Integer> groupsLinkedBy(Process p) {
        List<Integer> out = new ArrayList<>();
        Process parent = p.parent;
        if (parent != null && parent.pgid != p.pgid && parent.sid == p.sid) out.add(p.pgid);
        for (Process c : p.children)
            if (!c.zombie && c.pgid != p.pgid && c.sid == p.sid && !out.contains(c.pgid)) out.add(c.pgid);
        return out;
    }

    /** execve happened in {@code p} (its parent may no longer move it to another group). */
    public synchronized void markExeced(Process p) { p.execed = true; }

    /**
     * TIOCSCTTY: {@code terminal} becomes the controlling terminal of {@code leader}'s session.
     * The caller must be a session leader without one (EPERM).
     */
    public synchronized void setControllingTerminal(Process leader, ControllingTerminal terminal) {
        if (leader.sid != leader.pid() || leader.tty != null && leader.tty != terminal) throw new SysError(Errno.EPERM);
        for (Process q : byPid.values()) if (q.sid == leader.sid) q.tty = terminal;
    }

    /** TIOCNOTTY by a session leader, or its exit: every process of session {@code sid} loses its terminal. */
    public synchronized void dropControllingTerminal(int sid) {
        for (Process q : byPid.values()) if (q.sid == sid) q.tty = null;
    }

    /** TIOCNOTTY by a process that does not lead its session: only {@code p} loses its terminal. */
    public synchronized void clearControllingTerminal(Process p) { p.tty = null; }

    public synchronized Process get(int pid) { return byPid.get(pid); }

    /** Registers a live thread under its tid. */
    public synchronized void addTask(Task t) {
        byTid.put(t.tid(), t);
        if (t.tid() != t.process().pid()) extraThreads++;
    }

    /** A thread has ended. */
    public synchronized void removeTask(Task t) {
        if (byTid.remove(t.tid(), t) && t.tid() != t.process().pid()) {
            extraThreads--;
            t.process().pidNamespace().leave(t.tid());
        }
    }

    /**
     * What RLIMIT_NPROC counts, as Linux does per user (every process here is root): each process
     * until it is reaped (zombies too), plus each further live thread.
     */
    public synchronized int tasks() { return byPid.size() + extraThreads; }

    /** The live thread with {@code tid}, or null. */
    public synchronized Task task(int tid) { return byTid.get(tid); }

    /**
     * Job control: {@code child} stopped (status {@code sig << 8 | 0x7f}) or continued
     * ({@link #CONTINUED_STATUS}). The report waits for the parent's wait4(WUNTRACED/WCONTINUED);
     * the parent also gets SIGCHLD unless it set SA_NOCLDSTOP. Returns the parent to wake, or null.
     */
    public synchronized Process jobStateChanged(Process child, int status) {
        return report(child, status);
    }

    /** What a job-control change did: whether the state changed, and the parent to wake (or null). */
    public record JobChange(boolean changed, Process parent) { }

    /**
     * Stops {@code child} with {@code sig} ({@link Process#stop}) and records the report for its
     * parent in the same step, under this table's lock, so that reports come in the order of the
     * changes: a SIGCONT racing the stop cannot have its "continued" overwritten by this "stopped".
     */
    public synchronized JobChange stop(Process child, int sig) {
        if (!child.stop(sig)) return new JobChange(false, null);
        return new JobChange(true, report(child, sig << 8 | 0x7F));
    }

    /**
     * SIGCONT: resumes {@code child} if it was stopped and records "continued" in the same step (see
     * {@link #stop}): once resumed, the child may stop again at once, and that report must win.
     */
    public synchronized JobChange resume(Process child) {
        if (!child.resume()) return new JobChange(false, null);
        return new JobChange(true, report(child, CONTINUED_STATUS));
    }

    private Process report(Process child, int status) {
        child.jobReport = status;
        Process parent = child.parent;
        notifyAll();
        if (parent == null) return null;
        long flags = java.nio.ByteBuffer.wrap(parent.sigaction(Signals.SIGCHLD)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
        if ((flags & SA_NOCLDSTOP) != 0) return null;
        parent.post(Signals.SIGCHLD, child.pid());
        return parent;
    }

    private static final long SA_NOCLDSTOP = 1;

    /** Processes added since boot (/proc/stat's "processes"). */
    public synchronized long created() { return created; }

    /** The pid handed out last (the fifth field of /proc/loadavg); 0 before the first. */
    public synchronized int lastPid() { return lastPid; }

    public synchronized int count() { return byPid.size(); }

    /** {@code p}'s parent's global pid, 0 without one (see {@link #parentPid(PidNamespace, Process)} for a guest's view). */
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
        PidNamespace ns = p.pidNamespace();
        if (!ns.isRoot() && ns.init() == p) ns.kill();   // the kernel then kills the rest (Kernel.retire)
        for (Process c : new ArrayList<>(p.children)) {
            c.parent = reaper(c, p);
            if (c.parent != null) c.parent.children.add(c);
            else if (c.zombie) forget(c);
        }
        p.children.clear();
        if (p.parent == null) forget(p);
        notifyAll();
        return parent;
    }

    /**
     * Who adopts orphan {@code c} of exiting {@code p}: the init of the nearest pid namespace of
     * {@code c}'s that still has a live one, else the first process; null if that is {@code p}.
     */
    private Process reaper(Process c, Process p) {
        for (PidNamespace n = c.pidNamespace(); !n.isRoot(); n = n.parent()) {
            Process r = n.init();
            if (r != null && r != p && !r.zombie && !n.dead()) return r;
        }
        return init != null && init != p ? init : null;
    }

    /** The live processes with a number in {@code ns} (every one for the root). */
    public synchronized List<Process> members(PidNamespace ns) {
        List<Process> out = new ArrayList<>();
        for (Process q : byPid.values()) if (!q.zombie && ns.sees(q)) out.add(q);
        return out;
    }

    /** {@code p}'s parent's pid as seen from {@code view}: 0 without a parent or for one outside {@code view}. */
    public synchronized int parentPid(PidNamespace view, Process p) {
        return p.parent == null ? 0 : view.pidOf(p.parent);
    }

    /**
     * What a wait returned: the child and its wait status; {@code reaped} if it is gone;
     * {@code pid} the child's pid as the waiting parent's pid namespace numbers it (taken before
     * a reap frees the number).
     */
    public record Waited(Process child, int status, boolean reaped, int pid) { }

    /**
     * wait4/waitid: waits for a child of {@code parent} matching {@code pid} (-1 any, &gt;0 that pid,
     * 0 the caller's process group, &lt;-1 group -pid) to change state: exit (WEXITED, implied when
     * none of WEXITED, WSTOPPED, WCONTINUED is given; the zombie is
     * reaped unless WNOWAIT), stop (WUNTRACED) or continue (WCONTINUED). Returns null with WNOHANG
     * when none has; ECHILD if there is no such child; EINTR if a signal arrives first. Blocks on
     * this monitor without holding a hart.
     */
    public synchronized Waited waitChild(Process parent, int pid, int options) {
        boolean interrupted = false;
        for (;;) {
            List<Process> matching = new ArrayList<>();
            for (Process c : parent.children) {
                if (pid == -1 || c.pid() == pid || pid == 0 && c.pgid == parent.pgid || pid < -1 && c.pgid == -pid)
                    matching.add(c);
            }
            if (matching.isEmpty()) throw new SysError(Errno.ECHILD);
            boolean noWait = (options & WNOWAIT) != 0;
            if ((options & (WEXITED | WSTOPPED | WCONTINUED)) == 0) options |= WEXITED;   // plain wait
            for (Process c : matching) {
                if (c.zombie && (options & WEXITED) != 0) {
                    int seen = parent.pidNamespace().pidOf(c);
                    if (!noWait) {
                        parent.children.remove(c);
                        forget(c);
                    }
                    return new Waited(c, c.waitStatus(), !noWait, seen);
                }
                int report = c.jobReport;
                boolean stopped = report != 0 && report != CONTINUED_STATUS;
                if (report != 0 && (stopped ? (options & WUNTRACED) != 0 : (options & WCONTINUED) != 0)) {
                    if (!noWait) c.jobReport = 0;
                    return new Waited(c, report, false, parent.pidNamespace().pidOf(c));
                }
            }
            if ((options & WNOHANG) != 0) return null;
            // A signal ends the wait, but a child that changed state meanwhile is still reported.
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
