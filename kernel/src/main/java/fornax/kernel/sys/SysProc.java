package fornax.kernel.sys;

import fornax.kernel.proc.Process;
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
        t.supported(172, "getpid", (c, a) -> c.process().pid());
        t.partial(173, "getppid", "the first process has no parent (0)", (c, a) -> 0);
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
        t.partial(134, "rt_sigaction", "dispositions are recorded; delivery comes with the signal layer",
                SysProc::rtSigaction);
        t.partial(135, "rt_sigprocmask", "the mask is recorded; delivery comes with the signal layer",
                SysProc::rtSigprocmask);
        t.supported(124, "sched_yield", (c, a) -> { Thread.yield(); return 0; });
    }

    private static long exit(SyscallContext c, long[] a) {
        c.process().exit(((int) a[0] & 0xFF) << 8);
        return 0;
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

    private static long rtSigaction(SyscallContext c, long[] a) {
        int sig = (int) a[0];
        if (sig < 1 || sig > 64 || a[3] != 8) throw new SysError(Errno.EINVAL);
        if (a[1] != 0 && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) throw new SysError(Errno.EINVAL);
        byte[] old = c.process().sigaction(sig);
        if (a[1] != 0) {
            byte[] act = new byte[24];
            c.memory().copyIn(a[1], act, 0, 24);
            c.process().setSigaction(sig, act);
        }
        if (a[2] != 0) c.memory().copyOut(a[2], old, 0, 24);
        return 0;
    }

    private static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    private static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));

    private static long rtSigprocmask(SyscallContext c, long[] a) {
        if (a[3] != 8) throw new SysError(Errno.EINVAL);
        Task t = c.task();
        long old = t.signalMask;
        if (a[1] != 0) {
            byte[] raw = new byte[8];
            c.memory().copyIn(a[1], raw, 0, 8);
            long set = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
            switch ((int) a[0]) {
                case SIG_BLOCK -> t.signalMask |= set;
                case SIG_UNBLOCK -> t.signalMask &= ~set;
                case SIG_SETMASK -> t.signalMask = set;
                default -> throw new SysError(Errno.EINVAL);
            }
            t.signalMask &= ~UNBLOCKABLE;
        }
        if (a[2] != 0) {
            byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(old).array();
            c.memory().copyOut(a[2], raw, 0, 8);
        }
        return 0;
    }
}
