package fornax.kernel.proc;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.FdTable;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.OpenFile;

/**
 * A process: an address space, a file-descriptor table, limits and identity, its place in the
 * process tree and its exit state. Threads ({@link Task}) share all of it.
 *
 * <p>Life cycle: RUNNING → (last task exits) ZOMBIE → (parent's wait4 reaps it) gone.
 *
 * <p>Locking: {@code this} guards rlimits, signal dispositions and exit state; the
 * {@link ProcessTable}'s lock guards parent, children and the zombie state (as xv6's wait_lock).
 * The address space and fd table have their own locks; never hold {@code this} while calling them.
 */
public final class Process {
    public static final int RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4,
            RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIM_NLIMITS = 16;
    public static final long RLIM_INFINITY = -1L;

    private final int pid;
    /** When the process was created (fork), on the host's monotonic clock (System.nanoTime). */
    private final long startNanos = System.nanoTime();
    /** Replaced by execve; read by the process's own tasks. */
    private volatile AddressSpace as;
    private volatile String exePath;
    /** Root, working directory and umask (it has its own lock). */
    private final FsContext fs;
    private final FdTable fds;
    /** The lock table where this process holds POSIX record locks, or null (set by fcntl). */
    private volatile fornax.kernel.vfs.FileLocks locks;
    /**
     * The pid namespace the process lives in (whose numbers it sees), and the one its children
     * start in (another after {@link #setChildPidNamespace}). Set before the process is added to
     * the table, then read only, but for the latter.
     */
    private volatile PidNamespace pidNs = PidNamespace.ROOT, childPidNs = PidNamespace.ROOT;
    /** The thread-group leader: the first task, whose tid is the pid. */
    public volatile Task mainTask;
    // guarded by this
    private final java.util.List<Task> tasks = new java.util.ArrayList<>();
    /** Job control: the signal that stopped the process, 0 while it runs. */
    private int stopSignal;
    /** Every task has ended and the resources are released (runInit waits for it). */
    private boolean retired;
    // guarded by the ProcessTable lock
    Process parent;
    final java.util.List<Process> children = new java.util.ArrayList<>();
    boolean zombie;
    /**
     * Process group and session ids. Written only under the ProcessTable lock (setpgid, setsid,
     * fork), read anywhere: volatile.
     */
    volatile int pgid, sid;
    /** A stop or continue not yet reported to the parent's wait (a wait status), or 0. Table lock. */
    int jobReport;
    /** The process has called execve (setpgid on it from its parent is then EACCES). Table lock. */
    boolean execed;
    /**
     * The controlling terminal of the process's session, or null; inherited by fork, dropped by
     * setsid. Written under the ProcessTable lock.
     */
    volatile ControllingTerminal tty;
    // guarded by this
    private final long[][] rlimits = new long[RLIM_NLIMITS][];
    /** rt_sigaction records, kernel layout (handler, flags, mask), per signal 1..64. */
    private final byte[][] sigactions = new byte[65][];
    /** Process-directed pending signals. */
    private final PendingSignals pending = new PendingSignals();
    private boolean exited;
    private int exitStatus;  // wait status encoding: code << 8, or signal number

    public Process(int pid, AddressSpace as, String exePath, FsContext fs) {
        this(pid, as, exePath, fs, new FdTable());
    }

    private Process(int pid, AddressSpace as, String exePath, FsContext fs, FdTable fds) {
        this.pid = pid;
        this.as = as;
        this.exePath = exePath;
        this.fs = fs;
        this.fds = fds;
        for (int i = 0; i < RLIM_NLIMITS; i++) rlimits[i] = new long[] {RLIM_INFINITY, RLIM_INFINITY};
        rlimits[RLIMIT_STACK] = new long[] {8L << 20, RLIM_INFINITY};
        rlimits[RLIMIT_NOFILE] = new long[] {FdTable.DEFAULT_LIMIT, FdTable.DEFAULT_LIMIT};
        rlimits[RLIMIT_CORE] = new long[] {0, RLIM_INFINITY};
        rlimits[RLIMIT_NPROC] = new long[] {4096, 4096};
        pushLimits(as);
    }

    /** Gives {@code space} this process's memory limits (RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK), which it enforces. */
    private void pushLimits(AddressSpace space) {
        long[] a, d, s;
        synchronized (this) {
            a = rlimits[RLIMIT_AS].clone();
            d = rlimits[RLIMIT_DATA].clone();
            s = rlimits[RLIMIT_STACK].clone();
        }
        space.setLimits(a[0], d[0], d[1], s[0]);
        space.setMemoryLimit(pidNs.memoryLimit());
    }

    /** The pid namespace the process lives in (see {@link PidNamespace}). */
    public PidNamespace pidNamespace() { return pidNs; }

    /** The pid namespace the process's children start in. */
    public PidNamespace childPidNamespace() { return childPidNs; }

    /**
     * The first process of a container: it lives in {@code ns}, and so do its children. Only
     * before the process is added to the table (its pid must have been allocated in {@code ns}).
     */
    public void joinPidNamespace(PidNamespace ns) {
        pidNs = childPidNs = ns;
        pushLimits(as);
    }

    /**
     * Children forked from now on start in {@code ns}, a new namespace below this process's own
     * (Linux's unshare(CLONE_NEWPID)); EINVAL if that was done already.
     */
    public synchronized void setChildPidNamespace(PidNamespace ns) {
        if (childPidNs != pidNs) throw new SysError(Errno.EINVAL, "children already start in a new pid namespace");
        if (ns.parent() != pidNs) throw new IllegalArgumentException("not a namespace below the process's own");
        childPidNs = ns;
    }

    /** The container memory limit the process's pages are charged to, or null. */
    public fornax.kernel.mm.MemoryLimit memoryLimit() { return pidNs.memoryLimit(); }

    public int pid() { return pid; }
    /** Creation time on System.nanoTime's clock (the kernel's monotonic clock plus its boot offset). */
    public long startNanos() { return startNanos; }
    /** Process group id (setpgid). */
    public int pgid() { return pgid; }
    /** Session id (setsid). */
    public int sid() { return sid; }
    /** The session's controlling terminal, or null. */
    public ControllingTerminal controllingTerminal() { return tty; }
    public AddressSpace addressSpace() { return as; }
    public String exePath() { return exePath; }

    /** execve: the new image's address space and path; returns the old space for destruction. */
    public AddressSpace replaceImage(AddressSpace image, String path) {
        AddressSpace old = as;
        pushLimits(image);
        as = image;
        exePath = path;
        return old;
    }

    /**
     * fork: a child with a copy of this process's descriptors (sharing descriptions), limits and
     * signal dispositions, running in {@code childAs}. The caller links it into the tree.
     */
    public Process fork(int childPid, AddressSpace childAs) {
        Process child = new Process(childPid, childAs, exePath, fs.fork(), fds.fork());
        child.pidNs = child.childPidNs = childPidNs;
        synchronized (this) {
            for (int i = 0; i < RLIM_NLIMITS; i++) child.rlimits[i] = rlimits[i].clone();
            for (int i = 0; i < sigactions.length; i++) if (sigactions[i] != null) child.sigactions[i] = sigactions[i].clone();
        }
        child.pushLimits(childAs);
        return child;
    }

    // ------------------------------------------------------------------ threads

    /** Adds a thread; false if the process is already exiting (the caller drops the task). */
    public synchronized boolean addTask(Task t) {
        if (exited) return false;
        tasks.add(t);
        return true;
    }

    /** Removes an ended thread; returns how many remain. */
    public synchronized int removeTask(Task t) {
        tasks.remove(t);
        notifyAll();
        return tasks.size();
    }

    /** Waits until {@code survivor} is the process's only thread (execve's de_thread). */
    public synchronized void awaitSoleTask(Task survivor) {
        boolean interrupted = false;
        while (tasks.size() > 1 || !tasks.contains(survivor)) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** The live threads. */
    public synchronized java.util.List<Task> tasks() { return new java.util.ArrayList<>(tasks); }

    public synchronized int threadCount() { return tasks.size(); }

    /** The process's resources are gone; wakes {@link #awaitRetired}. */
    public synchronized void markRetired() {
        retired = true;
        notifyAll();
    }

    public synchronized void awaitRetired() throws InterruptedException {
        while (!retired) wait();
    }

    // ------------------------------------------------------------------ job control

    /** Stops the process with {@code sig}; false if it was already stopped or is exiting. */
    public synchronized boolean stop(int sig) {
        if (stopSignal != 0 || exited) return false;
        stopSignal = sig;
        return true;
    }

    /** SIGCONT or SIGKILL: resumes a stopped process; true if it was stopped. */
    public synchronized boolean resume() {
        if (stopSignal == 0) return false;
        stopSignal = 0;
        notifyAll();
        return true;
    }

    public synchronized boolean isStopped() { return stopSignal != 0; }

    /** Blocks the calling task while the process is stopped (and not exiting). */
    public synchronized void awaitContinued() {
        while (stopSignal != 0 && !exited) {
            try {
                wait();
            } catch (InterruptedException e) {
                // Only SIGCONT and SIGKILL end a stop; both notify.
            }
        }
    }

    /** Drops process-directed pending signals in {@code mask}. */
    public synchronized void discard(long mask) { pending.discard(mask); }

    /** The file-system context: root, working directory, umask (it has its own lock). */
    public FsContext fs() { return fs; }

    /** The descriptor table (it has its own lock). */
    public FdTable fds() { return fds; }

    /** Opens {@code f} as a new description at descriptor {@code fd} (set-up of stdio). */
    public void installFd(int fd, OpenFile f) {
        FileDescription old = fds.installAt(fd, new FileDescription(f, 0), false);
        if (old != null) old.release();
    }

    /** The file behind descriptor {@code fd}; EBADF if none. */
    public OpenFile file(int fd) { return fds.get(fd).file(); }

    /** close(2): drops the descriptor and releases its description. */
    public void close(int fd) { dropDescriptor(fds.remove(fd)); }

    /**
     * A descriptor of this process referring to {@code d} went away (close, dup2 over it,
     * close-on-exec): the process's POSIX locks on that file go with it, then the reference.
     */
    public void dropDescriptor(FileDescription d) {
        fornax.kernel.vfs.FileLocks t = locks;
        if (t != null) t.closed(this, fornax.kernel.vfs.FileLocks.keyOf(d.file()));
        d.release();
    }

    /** This process now holds POSIX record locks in {@code table} (fcntl F_SETLK). */
    public void ownsLocksIn(fornax.kernel.vfs.FileLocks table) { locks = table; }

    /** Releases every descriptor and every POSIX lock (exit). */
    public void closeAll() {
        fornax.kernel.vfs.FileLocks t = locks;
        if (t != null) t.release(this);
        for (FileDescription f : fds.clear()) f.release();
    }

    public synchronized long[] rlimit(int resource) {
        if (resource < 0 || resource >= RLIM_NLIMITS) throw new SysError(Errno.EINVAL);
        return rlimits[resource].clone();
    }

    public synchronized void setRlimit(int resource, long soft, long hard) {
        rlimit(resource); // validates the resource number
        if (Long.compareUnsigned(soft, hard) > 0) throw new SysError(Errno.EINVAL);
        // Raising the hard limit needs CAP_SYS_RESOURCE; every process runs as root for now.
        rlimits[resource] = new long[] {soft, hard};
        if (resource == RLIMIT_AS || resource == RLIMIT_DATA || resource == RLIMIT_STACK) pushLimits(as);
    }

    public synchronized byte[] sigaction(int sig) {
        byte[] s = sigactions[sig];
        return s == null ? new byte[24] : s.clone();
    }

    public synchronized void setSigaction(int sig, byte[] act) { sigactions[sig] = act.clone(); }

    /** Handler address of {@code sig}'s disposition: 0 = SIG_DFL, 1 = SIG_IGN. */
    public synchronized long handler(int sig) {
        byte[] s = sigactions[sig];
        return s == null ? 0 : java.nio.ByteBuffer.wrap(s).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /** Marks {@code sig} pending for the process, sent by {@code senderPid} (si_code SI_USER). */
    public synchronized void post(int sig, int senderPid) { post(sig, senderPid, 0); }

    /** Marks {@code sig} pending with an explicit si_code (SI_TKILL = -6 for tkill/tgkill). */
    public synchronized void post(int sig, int senderPid, int code) { post(sig, senderPid, code, 0); }

    /**
     * Marks {@code sig} pending with an si_code and an si_value (SI_TIMER: {@code sender} is the
     * timer id and {@code value} the timer's sigevent value).
     */
    public synchronized void post(int sig, int senderPid, int code, long value) {
        pending.post(sig, senderSeenBy(pidNs, senderPid, code), code, value);
    }

    /** SI_TIMER: the "sender" is a timer id, not a pid. */
    private static final int SI_TIMER = -2;

    /**
     * The si_pid a receiver in {@code ns} sees for sender {@code pid}: its number there, fixed at
     * send time as Linux does (a reaped child keeps it), 0 for one outside; timer ids unchanged.
     */
    static int senderSeenBy(PidNamespace ns, int pid, int code) {
        return code == SI_TIMER || code > 0 ? pid : ns.numberOf(pid);
    }

    /** si_code recorded with pending signal {@code sig}. */
    public synchronized int pendingCode(int sig) { return pending.code(sig); }

    public synchronized long pending() { return pending.bits(); }

    /**
     * Takes the lowest pending signal not in {@code blocked}; returns
     * {@code sig | sender << 8 | (si_code & 0xffff) << 40}, or 0 if none.
     */
    public synchronized long take(long blocked) { return take(blocked, null); }

    /** {@link #take(long)}, also storing the signal's si_value in {@code value[0]} when given. */
    public synchronized long take(long blocked, long[] value) { return pending.take(blocked, value); }

    /** execve: caught signals go back to their default action; ignored ones stay ignored. */
    public synchronized void resetHandlersForExec() {
        for (int i = 1; i < sigactions.length; i++) {
            if (sigactions[i] != null && handler(i) != 1) sigactions[i] = null;
        }
    }

    /** Records the exit; the first caller wins (exit_group racing a fatal signal). */
    public synchronized void exit(int waitStatus) {
        if (exited) return;
        exited = true;
        exitStatus = waitStatus;
        notifyAll();
    }

    public synchronized boolean hasExited() { return exited; }
    public synchronized int waitStatus() { return exitStatus; }

    /** Shell-style status: the exit code, or 128 + signal number. */
    public synchronized int shellStatus() {
        int sig = exitStatus & 0x7F;
        return sig != 0 ? 128 + sig : (exitStatus >>> 8) & 0xFF;
    }
}
