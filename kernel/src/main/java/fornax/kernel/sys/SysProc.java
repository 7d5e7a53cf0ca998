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
        t.partial(93, "exit", "ends the process (threads come with clone)", SysProc::exit);
        t.supported(94, "exit_group", SysProc::exit);
        t.partial(220, "clone", "fork and vfork (the parent does not wait for the child's exec); "
                + "threads (CLONE_VM without CLONE_VFORK) return ENOSYS until the thread layer lands", SysProc::clone);
        t.partial(260, "wait4", "no rusage (zeroed)", SysProc::wait4);
        t.supported(172, "getpid", (c, a) -> c.process().pid());
        t.supported(173, "getppid", (c, a) -> c.kernel().processes().parentPid(c.process()));
        t.supported(178, "gettid", (c, a) -> c.task().tid());
        t.partial(174, "getuid", "every process runs as root", (c, a) -> 0);
        t.partial(175, "geteuid", "every process runs as root", (c, a) -> 0);
        t.partial(176, "getgid", "every process runs as root", (c, a) -> 0);
        t.partial(177, "getegid", "every process runs as root", (c, a) -> 0);
        t.supported(96, "set_tid_address", SysProc::setTidAddress);
        t.supported(99, "set_robust_list", SysProc::setRobustList);
        t.enosys(293, "rseq", "restartable sequences are not provided; glibc copes");
        t.supported(261, "prlimit64", SysProc::prlimit64);
        t.supported(163, "getrlimit", (c, a) -> prlimit64(c, new long[] {0, a[0], 0, a[1]}));
        t.supported(164, "setrlimit", (c, a) -> prlimit64(c, new long[] {0, a[0], a[1], 0}));
        t.supported(154, "setpgid", (c, a) -> { c.kernel().processes().setpgid(c.process(), (int) a[0], (int) a[1]); return 0; });
        t.supported(155, "getpgid", (c, a) -> c.kernel().processes().lookup(c.process(), (int) a[0]).pgid());
        t.supported(156, "getsid", (c, a) -> c.kernel().processes().lookup(c.process(), (int) a[0]).sid());
        t.supported(157, "setsid", (c, a) -> c.kernel().processes().setsid(c.process()));
        t.supported(124, "sched_yield", (c, a) -> { Thread.yield(); return 0; });
    }

    private static long exit(SyscallContext c, long[] a) {
        c.process().exit(((int) a[0] & 0xFF) << 8);
        c.task().exiting = true;
        c.setResultHandled();
        return 0;
    }

    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
            CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
    private static final long FORK_FLAGS = 0xFF | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID
            | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;

    /** clone(flags, newsp, parent_tid, tls, child_tid) — the riscv64 argument order. */
    private static long clone(SyscallContext c, long[] a) {
        long flags = a[0], newsp = a[1], parentTid = a[2], tls = a[3], childTid = a[4];
        if ((flags & CLONE_VM) != 0 && (flags & CLONE_VFORK) == 0) throw new SysError(Errno.ENOSYS, "threads");
        if ((flags & ~FORK_FLAGS) != 0) throw new SysError(Errno.EINVAL, "unsupported clone flags");
        var kernel = c.kernel();
        Process parent = c.process();
        if (kernel.processes().count() >= parent.rlimit(Process.RLIMIT_NPROC)[0]) throw new SysError(Errno.EAGAIN);
        int pid = kernel.processes().allocatePid();
        var childAs = kernel.forkAddressSpace(parent.addressSpace());
        Process child = parent.fork(pid, childAs);
        Task task = new Task(pid, child);
        task.name = c.task().name;                    // fork keeps the comm
        long[] ctx = task.context();
        System.arraycopy(c.task().context(), 0, ctx, 0, ctx.length);
        ctx[10] = 0;                                   // the child sees 0 from clone
        if (newsp != 0) ctx[2] = newsp;
        if ((flags & CLONE_SETTLS) != 0) ctx[4] = tls;
        byte[] tid = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(pid).array();
        try {
            if ((flags & CLONE_PARENT_SETTID) != 0) parent.addressSpace().copyOut(parentTid, tid, 0, 4);
            if ((flags & CLONE_CHILD_SETTID) != 0) childAs.copyOut(childTid, tid, 0, 4);
        } catch (SysError e) {
            child.closeAll();
            kernel.releaseAddressSpace(childAs);
            throw e;
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) task.clearChildTid = childTid;
        kernel.processes().add(child, parent);
        kernel.start(task);
        return pid;
    }

    private static long wait4(SyscallContext c, long[] a) {
        int pid = (int) a[0], options = (int) a[2];
        if ((options & ~(ProcessTable.WNOHANG | ProcessTable.WUNTRACED | ProcessTable.WCONTINUED | 0x40000000)) != 0)
            throw new SysError(Errno.EINVAL);
        Process child = c.kernel().processes().waitChild(c.process(), pid, options);
        if (child == null) return 0;
        if (a[1] != 0) {
            byte[] st = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(child.waitStatus()).array();
            c.memory().copyOut(a[1], st, 0, 4);
        }
        if (a[3] != 0) c.memory().copyOut(a[3], new byte[144], 0, 144);
        return child.pid();
    }

    private static long setTidAddress(SyscallContext c, long[] a) {
        c.task().clearChildTid = a[0];
        return c.task().tid();
    }

    private static long setRobustList(SyscallContext c, long[] a) {
        if (a[1] != 24) throw new SysError(Errno.EINVAL);  // sizeof(struct robust_list_head)
        c.task().robustListHead = a[0];
        c.task().robustListLen = a[1];
        return 0;
    }

    private static long prlimit64(SyscallContext c, long[] a) {
        int pid = (int) a[0], resource = (int) a[1];
        if (pid != 0 && pid != c.process().pid()) throw new SysError(Errno.ESRCH);
        Process p = c.process();
        long[] old = p.rlimit(resource);
        if (a[2] != 0) {
            byte[] raw = new byte[16];
            c.memory().copyIn(a[2], raw, 0, 16);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            p.setRlimit(resource, b.getLong(), b.getLong());
        }
        if (a[3] != 0) {
            byte[] raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(old[0]).putLong(old[1]).array();
            c.memory().copyOut(a[3], raw, 0, 16);
        }
        return 0;
    }

}
