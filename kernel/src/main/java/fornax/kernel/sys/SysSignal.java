package fornax.kernel.sys;

import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.trap.SignalDelivery;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Signal syscalls: dispositions, masks, sending, returning from handlers, alternate stacks. */
final class SysSignal {
    private SysSignal() { }

    static void register(SyscallTable t) {
        t.supported(134, "rt_sigaction", SysSignal::rtSigaction);
        t.supported(135, "rt_sigprocmask", SysSignal::rtSigprocmask);
        t.supported(136, "rt_sigpending", SysSignal::rtSigpending);
        t.supported(139, "rt_sigreturn", (c, a) -> { SignalDelivery.sigreturn(c.task()); c.setResultHandled(); return 0; });
        t.supported(129, "kill", SysSignal::kill);
        t.supported(130, "tkill", (c, a) -> sendToThread(c, 0, (int) a[0], (int) a[1]));
        t.supported(131, "tgkill", (c, a) -> {
            if ((int) a[0] <= 0) throw new SysError(Errno.EINVAL);   // unlike tkill's, a tgid of 0 is invalid
            return sendToThread(c, (int) a[0], (int) a[1], (int) a[2]);
        });
        t.supported(132, "sigaltstack", SysSignal::sigaltstack);
        t.supported(133, "rt_sigsuspend", SysSignal::rtSigsuspend);
        t.partial(167, "prctl", "PR_SET_NAME and PR_GET_NAME; other options EINVAL", SysSignal::prctl);
    }

    private static int checkSignal(long sig, boolean allowZero) {
        if (sig < (allowZero ? 0 : 1) || sig > 64) throw new SysError(Errno.EINVAL);
        return (int) sig;
    }

    private static long rtSigaction(SyscallContext c, long[] a) {
        int sig = checkSignal(a[0], false);
        if (a[3] != 8) throw new SysError(Errno.EINVAL);
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

    private static byte[] sigset(long set) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(set).array();
    }

    private static long rtSigprocmask(SyscallContext c, long[] a) {
        if (a[3] != 8) throw new SysError(Errno.EINVAL);
        Task t = c.task();
        long old = t.signalMask;
        if (a[1] != 0) {
            int how = (int) a[0];
            if (how < SIG_BLOCK || how > SIG_SETMASK) throw new SysError(Errno.EINVAL);
            byte[] raw = new byte[8];
            c.memory().copyIn(a[1], raw, 0, 8);
            long set = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
            switch (how) {
                case SIG_BLOCK -> t.signalMask |= set;
                case SIG_UNBLOCK -> t.signalMask &= ~set;
                default -> t.signalMask = set;
            }
            t.signalMask &= ~Signals.UNBLOCKABLE;
        }
        if (a[2] != 0) c.memory().copyOut(a[2], sigset(old), 0, 8);
        return 0;
    }

    private static long rtSigpending(SyscallContext c, long[] a) {
        // Linux copies sigsetsize bytes of the set: a smaller size is fine, a larger one EINVAL.
        if (Long.compareUnsigned(a[1], 8) > 0) throw new SysError(Errno.EINVAL);
        c.memory().copyOut(a[0], sigset(c.task().allPending() & c.task().signalMask), 0, (int) a[1]);
        return 0;
    }

    private static long kill(SyscallContext c, long[] a) {
        int pid = (int) a[0], sig = checkSignal(a[1], true);
        if (pid > 0) return send(c, pid, sig, 0);
        if (pid == -1) {
            int sent = 0;
            // Under the table's lock, as Kernel.signalGroup, so a racing fork cannot escape a kill(-1, SIGKILL).
            // Every process the caller's pid namespace holds but its init (1 there) and the caller.
            synchronized (c.kernel().processes()) {
                for (Process p : c.kernel().processes().all()) {
                    if (!c.pids().sees(p) || c.pids().pidOf(p) == 1 || p == c.process()) continue;
                    if (sig != 0) c.kernel().sendSignal(p, sig, c.process().pid());
                    sent++;
                }
            }
            if (sent == 0) throw new SysError(Errno.ESRCH);
            return 0;
        }
        if (pid == Integer.MIN_VALUE) throw new SysError(Errno.ESRCH);
        int pgid = pid == 0 ? c.process().pgid() : c.pids().globalOf(-pid);
        if (pgid < 0 || c.kernel().signalGroup(pgid, sig, c.process().pid(), c.pids()) == 0) throw new SysError(Errno.ESRCH);
        return 0;
    }

    private static final int SI_TKILL = -6;

    /** kill(pid > 0): the process {@code pid}, or the process of thread {@code pid}. */
    private static long send(SyscallContext c, int pid, int sig, int code) {
        checkSignal(sig, true);
        if (pid <= 0) throw new SysError(Errno.EINVAL);
        Process target = c.pids().process(c.kernel().processes(), pid);
        if (target == null) {
            Task t = c.pids().task(c.kernel().processes(), pid);
            if (t != null) target = t.process();
        }
        if (target == null || target.hasExited()) throw new SysError(Errno.ESRCH);
        if (sig != 0) c.kernel().sendSignal(target, sig, c.process().pid(), code);
        return 0;
    }

    /** tkill(tid) and tgkill(tgid, tid) (tgid 0 for tkill): a signal for one thread. */
    private static long sendToThread(SyscallContext c, int tgid, int tid, int sig) {
        checkSignal(sig, true);
        if (tid <= 0 || tgid < 0) throw new SysError(Errno.EINVAL);
        Task target = c.pids().task(c.kernel().processes(), tid);
        if (target == null || target.exiting || tgid != 0 && c.pids().pidOf(target.process()) != tgid) throw new SysError(Errno.ESRCH);
        if (sig != 0) c.kernel().sendSignal(target, sig, c.process().pid(), SI_TKILL);
        return 0;
    }

    /**
     * rt_sigsuspend: waits with a temporary mask until a signal is delivered; always EINTR. The
     * old mask comes back when the handler returns (it is saved in the signal frame).
     */
    private static long rtSigsuspend(SyscallContext c, long[] a) {
        if (a[1] != 8) throw new SysError(Errno.EINVAL);
        byte[] raw = new byte[8];
        c.memory().copyIn(a[0], raw, 0, 8);
        Task t = c.task();
        long mask = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong() & ~Signals.UNBLOCKABLE;
        t.suspendedMask = t.signalMask;
        t.signalMask = mask;
        Process p = c.process();
        while ((t.allPending() & ~mask) == 0 && !p.hasExited() && !t.exiting) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);   // woken early by interrupt
            if (Thread.interrupted() && (t.allPending() & ~mask) != 0) break;
        }
        throw new SysError(Errno.EINTR);
    }

    private static final int PR_SET_NAME = 15, PR_GET_NAME = 16;

    private static long prctl(SyscallContext c, long[] a) {
        switch ((int) a[0]) {
            case PR_SET_NAME -> {
                String n = c.memory().readString(a[1], 4096);
                c.task().name = n.length() > 15 ? n.substring(0, 15) : n;
            }
            case PR_GET_NAME -> {
                byte[] out = new byte[16];
                byte[] n = c.task().name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                System.arraycopy(n, 0, out, 0, Math.min(15, n.length));
                c.memory().copyOut(a[1], out, 0, 16);
            }
            default -> throw new SysError(Errno.EINVAL);
        }
        return 0;
    }

    private static long sigaltstack(SyscallContext c, long[] a) {
        Task t = c.task();
        long current = t.context()[2];
        boolean onIt = SignalDelivery.onAltStack(t, current);
        if (a[1] != 0) {
            ByteBuffer old = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            old.putLong(0, t.altStackBase).putInt(8, onIt ? SignalDelivery.SS_ONSTACK : t.altStackFlags)
                    .putLong(16, t.altStackSize);
            c.memory().copyOut(a[1], old.array(), 0, 24);
        }
        if (a[0] != 0) {
            byte[] raw = new byte[24];
            c.memory().copyIn(a[0], raw, 0, 24);
            ByteBuffer ss = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long sp = ss.getLong(0), size = ss.getLong(16);
            int flags = ss.getInt(8);
            if (onIt) throw new SysError(Errno.EPERM);                // cannot change it while on it
            if (flags == SignalDelivery.SS_DISABLE) {
                t.altStackFlags = SignalDelivery.SS_DISABLE;
                t.altStackBase = 0;
                t.altStackSize = 0;
            } else if (flags == 0) {
                if (size < 2048) throw new SysError(Errno.ENOMEM);   // MINSIGSTKSZ
                t.altStackBase = sp;
                t.altStackSize = size;
                t.altStackFlags = 0;
            } else {
                throw new SysError(Errno.EINVAL);
            }
        }
        return 0;
    }
}
