package fornax.kernel.sys;

import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Process and thread syscalls: exit, identity, thread bookkeeping, limits, signal dispositions. */
final class SysProc {
    private SysProc() { }

    static void register(SyscallTable t) {
        t.supported(93, "exit", SysProc::exitThread);
        t.supported(94, "exit_group", SysProc::exitGroup);
        t.partial(220, "clone", "fork, vfork (the parent does not wait for the child's exec) and threads "
                + "(CLONE_VM, FS, FILES, SIGHAND and THREAD together); no new namespaces; the exit signal is always SIGCHLD",
                SysProc::clone);
        t.partial(435, "clone3", "as clone; set_tid, cgroup and pidfd are not supported (EINVAL)", SysProc::clone3);
        t.partial(260, "wait4", "no rusage (zeroed)", SysProc::wait4);
        t.partial(95, "waitid", "P_ALL, P_PID, P_PGID; no rusage (zeroed)", SysProc::waitid);
        t.supported(172, "getpid", (c, a) -> c.pids().pidOf(c.process()));
        t.supported(173, "getppid", (c, a) -> c.kernel().processes().parentPid(c.pids(), c.process()));
        t.supported(178, "gettid", (c, a) -> c.pids().tidOf(c.task()));
        t.partial(174, "getuid", "every process runs as root", (c, a) -> 0);
        t.partial(175, "geteuid", "every process runs as root", (c, a) -> 0);
        t.partial(176, "getgid", "every process runs as root", (c, a) -> 0);
        t.partial(177, "getegid", "every process runs as root", (c, a) -> 0);
        t.enosys(293, "rseq", "restartable sequences are not provided; glibc copes");
        t.partial(261, "prlimit64", RLIMITS, SysProc::prlimit64);
        // Unlike prlimit64's, their pointer is not optional: NULL is EFAULT (after the resource check).
        t.partial(163, "getrlimit", RLIMITS, (c, a) -> prlimit64(c, new long[] {0, a[0], 0, nonNull(c, a[0], a[1])}));
        t.partial(164, "setrlimit", RLIMITS, (c, a) -> prlimit64(c, new long[] {0, a[0], nonNull(c, a[0], a[1]), 0}));
        t.supported(154, "setpgid", SysProc::setpgid);
        t.supported(155, "getpgid", (c, a) -> c.pids().numberOf(lookup(c, (int) a[0]).pgid()));
        t.supported(156, "getsid", (c, a) -> c.pids().numberOf(lookup(c, (int) a[0]).sid()));
        t.supported(157, "setsid", (c, a) -> c.pids().numberOf(c.kernel().processes().setsid(c.process())));
    }

    /**
     * The process numbered {@code pid} in the caller's pid namespace (0: the caller); ESRCH if none
     * there (getpgid, getsid, prlimit64).
     */
    static Process lookup(SyscallContext c, int pid) {
        if (pid == 0) return c.process();
        if (pid < 0) throw new SysError(Errno.ESRCH);
        Process p = c.pids().process(c.kernel().processes(), pid);
        if (p == null) throw new SysError(Errno.ESRCH);
        return p;
    }

    /** setpgid(pid, pgid) with both numbers from the caller's pid namespace. */
    private static long setpgid(SyscallContext c, long[] a) {
        int pid = (int) a[0], pgid = (int) a[1];
        if (pid > 0) {
            int g = c.pids().globalOf(pid);
            if (g < 0) throw new SysError(Errno.ESRCH);
            pid = g;
        }
        if (pgid > 0) {
            int g = c.pids().globalOf(pgid);
            if (g < 0) throw new SysError(Errno.EPERM, "no such process group here");
            pgid = g;
        }
        c.kernel().processes().setpgid(c.process(), pid, pgid);
        return 0;
    }

    /** exit(2): ends the calling thread; the process ends with its last thread. */
    private static long exitThread(SyscallContext c, long[] a) {
        c.task().exitCode = (int) a[0] & 0xFF;
        c.task().exiting = true;
        c.setResultHandled();
        return 0;
    }

    private static long exitGroup(SyscallContext c, long[] a) {
        c.kernel().exitGroup(c.process(), ((int) a[0] & 0xFF) << 8);
        c.task().exiting = true;
        c.setResultHandled();
        return 0;
    }

    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SYSVSEM = 0x40000,
            CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
            CLONE_DETACHED = 0x400000, CLONE_CHILD_SETTID = 0x1000000;
    private static final long FORK_FLAGS = 0xFF | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID
            | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_SYSVSEM | SysMount.CLONE_NEWNS;
    private static final long THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;

    /** clone(flags, newsp, parent_tid, tls, child_tid) — the riscv64 argument order. */
    private static long clone(SyscallContext c, long[] a) {
        return spawn(c, a[0], a[1], a[2], a[3], a[4]);
    }

    /** clone3(struct clone_args *, size). */
    private static long clone3(SyscallContext c, long[] a) {
        long size = a[1];
        if (size < 64 || size > 4096) throw new SysError(Errno.EINVAL);
        byte[] raw = new byte[(int) Math.min(size, 88)];
        c.memory().copyIn(a[0], raw, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long flags = b.getLong(0), pidfd = b.getLong(8), childTid = b.getLong(16), parentTid = b.getLong(24),
                exitSignal = b.getLong(32), stack = b.getLong(40), stackSize = b.getLong(48), tls = b.getLong(56);
        if (raw.length >= 80 && (b.getLong(64) != 0 || b.getLong(72) != 0)) throw new SysError(Errno.EINVAL, "set_tid");
        if ((flags & 0xFF) != 0 || exitSignal > 64 || pidfd != 0 && (flags & 0x1000) != 0)
            throw new SysError(Errno.EINVAL);
        if ((stack == 0) != (stackSize == 0)) throw new SysError(Errno.EINVAL);
        return spawn(c, flags | exitSignal, stack == 0 ? 0 : stack + stackSize, parentTid, tls, childTid);
    }

    /** The common body of clone and clone3: a thread in this process, or a new process. */
    private static long spawn(SyscallContext c, long flags, long newsp, long parentTid, long tls, long childTid) {
        if ((flags & CLONE_THREAD) != 0) return spawnThread(c, flags, newsp, parentTid, tls, childTid);
        if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) throw new SysError(Errno.EINVAL);
        if ((flags & CLONE_VM) != 0 && (flags & CLONE_VFORK) == 0)
            throw new SysError(Errno.EINVAL, "CLONE_VM without CLONE_THREAD or CLONE_VFORK is not supported");
        if ((flags & ~FORK_FLAGS) != 0) throw new SysError(Errno.EINVAL, "unsupported clone flags");
        var kernel = c.kernel();
        Process parent = c.process();
        // RLIMIT_NPROC holds for root too (Linux exempts root; here everyone is root): checked now,
        // before the address space is copied, and again atomically when the child is added.
        long nproc = parent.rlimit(Process.RLIMIT_NPROC)[0];
        if (overLimit(kernel.processes().tasks(), nproc)) throw new SysError(Errno.EAGAIN, "RLIMIT_NPROC");
        var ns = parent.childPidNamespace();
        int pid = kernel.processes().allocatePid(ns);
        try {
            return spawnProcess(c, flags, newsp, parentTid, tls, childTid, pid);
        } catch (RuntimeException e) {
            kernel.processes().forgetPid(ns, pid);
            throw e;
        }
    }

    /** fork with global pid {@code pid} already allocated in the parent's namespace for children. */
    private static long spawnProcess(SyscallContext c, long flags, long newsp, long parentTid, long tls, long childTid,
                                     int pid) {
        var kernel = c.kernel();
        Process parent = c.process();
        long nproc = parent.rlimit(Process.RLIMIT_NPROC)[0];
        var childAs = kernel.forkAddressSpace(parent.addressSpace());
        Process child = parent.fork(pid, childAs);
        if ((flags & SysMount.CLONE_NEWNS) != 0) fornax.kernel.vfs.NamespaceOps.unshare(child.fs());   // its own copy
        Task task = newTask(c, pid, child, flags, newsp, tls);
        // Each side is told the child's number in its own pid namespace (they differ for a
        // container's first process), as Linux's pid_vnr in copy_process and schedule_tail.
        int seen = c.pids().numberOf(pid);
        try {
            if ((flags & CLONE_PARENT_SETTID) != 0) parent.addressSpace().copyOut(parentTid, tidBytes(seen), 0, 4);
            if ((flags & CLONE_CHILD_SETTID) != 0)
                childAs.copyOut(childTid, tidBytes(child.pidNamespace().numberOf(pid)), 0, 4);
        } catch (SysError e) {
            child.closeAll();
            kernel.releaseAddressSpace(childAs);
            throw e;
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) task.clearChildTid = childTid;
        try {
            kernel.processes().add(child, parent, nproc);
        } catch (SysError e) {
            child.closeAll();
            child.fs().release();
            kernel.releaseAddressSpace(childAs);
            throw e;
        }
        kernel.start(task);
        return seen;
    }

    /**
     * A new thread of the calling process: it shares the address space, descriptors, file-system
     * context and signal dispositions (all of which live in the Process), and starts on
     * {@code newsp} with the caller's registers and signal mask.
     */
    private static long spawnThread(SyscallContext c, long flags, long newsp, long parentTid, long tls, long childTid) {
        if ((flags & THREAD_FLAGS) != THREAD_FLAGS)
            throw new SysError(Errno.EINVAL, "threads must share VM, FS, FILES and SIGHAND");
        if ((flags & (CLONE_VFORK | CLONE_PARENT)) != 0 || (flags & 0xFF) != 0) throw new SysError(Errno.EINVAL);
        if ((flags & ~(FORK_FLAGS | THREAD_FLAGS | CLONE_DETACHED)) != 0)
            throw new SysError(Errno.EINVAL, "unsupported clone flags");
        var kernel = c.kernel();
        Process p = c.process();
        if (overLimit(kernel.processes().tasks(), p.rlimit(Process.RLIMIT_NPROC)[0]))
            throw new SysError(Errno.EAGAIN, "RLIMIT_NPROC");
        int tid = kernel.processes().allocatePid(p.pidNamespace());
        int seen = c.pids().numberOf(tid);
        Task task = newTask(c, tid, p, flags, newsp, tls);
        try {
            byte[] tidBytes = tidBytes(seen);
            if ((flags & CLONE_PARENT_SETTID) != 0) c.memory().copyOut(parentTid, tidBytes, 0, 4);
            if ((flags & CLONE_CHILD_SETTID) != 0) c.memory().copyOut(childTid, tidBytes, 0, 4);
        } catch (RuntimeException e) {
            kernel.processes().forgetPid(p.pidNamespace(), tid);
            throw e;
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) task.clearChildTid = childTid;
        // A thread made while exit_group runs never starts: its tid is never added, so free it here.
        if (kernel.start(task) == null) kernel.processes().forgetPid(p.pidNamespace(), tid);
        return seen;
    }

    private static boolean overLimit(int tasks, long limit) {
        return limit != Process.RLIM_INFINITY && Long.compareUnsigned(tasks, limit) >= 0;
    }

    /** A task for {@code p} with the caller's registers, a0 = 0, and the new stack and TLS. */
    private static Task newTask(SyscallContext c, int tid, Process p, long flags, long newsp, long tls) {
        Task task = new Task(tid, p);
        long[] ctx = task.context();
        System.arraycopy(c.task().context(), 0, ctx, 0, ctx.length);
        ctx[10] = 0;                                   // the child sees 0 from clone
        if (newsp != 0) ctx[2] = newsp;
        if ((flags & CLONE_SETTLS) != 0) ctx[4] = tls;
        task.signalMask = c.task().signalMask;
        task.name = c.task().name;
        task.nice = c.task().nice;                     // scheduling attributes are inherited
        task.policy = c.task().policy;
        task.rtPriority = c.task().rtPriority;
        task.affinity = c.task().affinity;
        if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) return task;   // a thread starts without an alternate stack
        task.altStackBase = c.task().altStackBase;
        task.altStackSize = c.task().altStackSize;
        task.altStackFlags = c.task().altStackFlags;
        return task;
    }

    private static byte[] tidBytes(int tid) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(tid).array();
    }

    private static final int WALL_FLAGS = 0x40000000 | 0x80000000 | 0x20000000;   // __WALL, __WCLONE, __WNOTHREAD

    private static long wait4(SyscallContext c, long[] a) {
        int pid = (int) a[0], options = (int) a[2];
        if ((options & ~(ProcessTable.WNOHANG | ProcessTable.WUNTRACED | ProcessTable.WCONTINUED | WALL_FLAGS)) != 0)
            throw new SysError(Errno.EINVAL);
        if (pid == Integer.MIN_VALUE) throw new SysError(Errno.ESRCH);
        ProcessTable.Waited w = c.kernel().processes().waitChild(c.process(), globalWaitId(c, pid), options | ProcessTable.WEXITED);
        if (w == null) return 0;
        if (a[1] != 0) {
            byte[] st = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(w.status()).array();
            c.memory().copyOut(a[1], st, 0, 4);
        }
        if (a[3] != 0) c.memory().copyOut(a[3], new byte[144], 0, 144);
        return w.pid();
    }

    /**
     * wait4's pid argument (a pid, -1, 0, or minus a group) from the caller's pid namespace in
     * global ids; a number with no process there becomes one that matches no child (ECHILD).
     */
    private static int globalWaitId(SyscallContext c, int pid) {
        if (pid == -1 || pid == 0) return pid;
        int g = c.pids().globalOf(pid > 0 ? pid : -pid);
        if (g < 0) return Integer.MAX_VALUE;
        return pid > 0 ? g : -g;
    }

    private static final int P_ALL = 0, P_PID = 1, P_PGID = 2;
    private static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;

    /** waitid(idtype, id, infop, options, rusage): wait4 with a siginfo_t answer. */
    private static long waitid(SyscallContext c, long[] a) {
        int idtype = (int) a[0], id = (int) a[1], options = (int) a[3];
        int known = ProcessTable.WNOHANG | ProcessTable.WSTOPPED | ProcessTable.WEXITED | ProcessTable.WCONTINUED
                | ProcessTable.WNOWAIT | WALL_FLAGS;
        if ((options & ~known) != 0 || (options & (ProcessTable.WSTOPPED | ProcessTable.WEXITED | ProcessTable.WCONTINUED)) == 0)
            throw new SysError(Errno.EINVAL);
        int pid = switch (idtype) {
            case P_ALL -> -1;
            case P_PID -> { if (id <= 0) throw new SysError(Errno.EINVAL); yield id; }
            case P_PGID -> { if (id < 0) throw new SysError(Errno.EINVAL); yield id == 0 ? 0 : -id; }
            default -> throw new SysError(Errno.EINVAL);
        };
        ProcessTable.Waited w = c.kernel().processes().waitChild(c.process(), globalWaitId(c, pid), options);
        ByteBuffer info = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        if (w != null) {
            int st = w.status();
            int code, status;
            if (st == ProcessTable.CONTINUED_STATUS) { code = CLD_CONTINUED; status = Signals.SIGCONT; }
            else if ((st & 0xFF) == 0x7F) { code = CLD_STOPPED; status = (st >> 8) & 0xFF; }
            else if ((st & 0x7F) == 0) { code = CLD_EXITED; status = (st >> 8) & 0xFF; }
            else { code = (st & 0x80) != 0 ? CLD_DUMPED : CLD_KILLED; status = st & 0x7F; }
            info.putInt(0, Signals.SIGCHLD).putInt(8, code).putInt(16, w.pid()).putInt(20, 0).putInt(24, status);
        }
        if (a[2] != 0) c.memory().copyOut(a[2], info.array(), 0, 128);
        if (a[4] != 0) c.memory().copyOut(a[4], new byte[144], 0, 144);
        return 0;
    }

    private static final String RLIMITS = "enforced: NOFILE, FSIZE (SIGXFSZ), AS, DATA, STACK and NPROC; NPROC counts "
            + "every process and thread (all run as root) and, unlike Linux, holds for root too, so a fork bomb stops "
            + "at it; CPU, RSS, MEMLOCK and the rest are kept but not enforced";
    /** Linux's fs.nr_open: the highest RLIMIT_NOFILE anyone may set. */
    private static final long NR_OPEN = 1 << 20;

    /** prlimit64(pid, resource, new, old), checking in Linux's order (EFAULT, ESRCH, EINVAL, EPERM). */
    private static long prlimit64(SyscallContext c, long[] a) {
        int pid = (int) a[0], resource = (int) a[1];
        long soft = 0, hard = 0;
        if (a[2] != 0) {
            byte[] raw = new byte[16];
            c.memory().copyIn(a[2], raw, 0, 16);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            soft = b.getLong();
            hard = b.getLong();
        }
        // Any process may be named (every process is root, so the permission check always passes).
        Process p = lookup(c, pid);
        if (resource < 0 || resource >= Process.RLIM_NLIMITS) throw new SysError(Errno.EINVAL);
        long[] old = p.rlimit(resource);
        if (a[2] != 0) {
            if (Long.compareUnsigned(soft, hard) > 0) throw new SysError(Errno.EINVAL);
            if (resource == Process.RLIMIT_NOFILE && Long.compareUnsigned(hard, NR_OPEN) > 0)
                throw new SysError(Errno.EPERM, "RLIMIT_NOFILE above nr_open");
            p.setRlimit(resource, soft, hard);
        }
        if (a[3] != 0) {
            byte[] raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(old[0]).putLong(old[1]).array();
            c.memory().copyOut(a[3], raw, 0, 16);
        }
        return 0;
    }

    /** {@code va}, which must not be NULL (EFAULT), once {@code resource} is known to be valid (EINVAL). */
    private static long nonNull(SyscallContext c, long resource, long va) {
        c.process().rlimit((int) resource);
        if (va == 0) throw new SysError(Errno.EFAULT);
        return va;
    }
}
