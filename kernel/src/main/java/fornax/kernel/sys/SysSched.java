package fornax.kernel.sys;

import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Scheduling syscalls: nice levels (getpriority/setpriority), scheduling classes and real-time
 * priorities (sched_setscheduler and friends), CPU affinity, sched_yield. What they set is what
 * {@link fornax.kernel.sched.Scheduler} orders its queue by.
 *
 * <p>As on Linux, these act on threads: a pid names the thread with that tid (the process's first
 * thread for a process id), 0 the caller. Every process runs as root, so lowering nice and
 * choosing real-time classes are allowed.
 */
final class SysSched {
    private SysSched() { }

    private static final int PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
    private static final int SCHED_RESET_ON_FORK = 0x40000000;

    static void register(SyscallTable t) {
        t.supported(124, "sched_yield", (c, a) -> {
            c.kernel().scheduler().yield(c.task());
            return 0;
        });
        t.partial(140, "setpriority", "PRIO_PROCESS, PRIO_PGRP; PRIO_USER covers every process (all run as root)",
                SysSched::setpriority);
        t.partial(141, "getpriority", "as setpriority", SysSched::getpriority);
        t.supported(118, "sched_setparam", SysSched::setparam);
        t.supported(119, "sched_setscheduler", SysSched::setscheduler);
        t.supported(120, "sched_getscheduler", (c, a) -> thread(c, (int) a[0]).policy);
        t.supported(121, "sched_getparam", SysSched::getparam);
        t.supported(125, "sched_get_priority_max", (c, a) -> priorityRange(a[0])[1]);
        t.supported(126, "sched_get_priority_min", (c, a) -> priorityRange(a[0])[0]);
        t.supported(127, "sched_rr_get_interval", SysSched::rrInterval);
        t.supported(122, "sched_setaffinity", SysSched::setaffinity);
        t.supported(123, "sched_getaffinity", SysSched::getaffinity);
    }

    /** The thread a scheduling call names: 0 the caller; ESRCH if none; EINVAL if negative. */
    private static Task thread(SyscallContext c, int tid) {
        if (tid < 0) throw new SysError(Errno.EINVAL);
        if (tid == 0) return c.task();
        Task t = c.pids().task(c.kernel().processes(), tid);
        if (t == null) throw new SysError(Errno.ESRCH);
        return t;
    }

    /** The threads a *priority call names; ESRCH if none. */
    private static List<Task> targets(SyscallContext c, int which, int who) {
        List<Task> out = new ArrayList<>();
        switch (which) {
            case PRIO_PROCESS -> out.add(thread(c, who));
            case PRIO_PGRP -> {
                int pgid = who == 0 ? c.process().pgid() : c.pids().globalOf(who);
                if (pgid > 0) for (Process p : c.kernel().processes().group(pgid)) if (c.pids().sees(p)) out.addAll(p.tasks());
            }
            case PRIO_USER -> {
                if (who != 0) break;                     // only uid 0 exists
                for (Process p : c.kernel().processes().members(c.pids())) if (!p.hasExited()) out.addAll(p.tasks());
            }
            default -> throw new SysError(Errno.EINVAL);
        }
        if (out.isEmpty()) throw new SysError(Errno.ESRCH);
        return out;
    }

    private static long setpriority(SyscallContext c, long[] a) {
        int nice = (int) Math.max(-20, Math.min(19, a[2]));
        for (Task t : targets(c, (int) a[0], (int) a[1])) t.nice = nice;
        return 0;
    }

    /** The kernel's getpriority returns 20 - nice (1..40), so that no result looks like an error. */
    private static long getpriority(SyscallContext c, long[] a) {
        int best = 19;
        for (Task t : targets(c, (int) a[0], (int) a[1])) best = Math.min(best, t.nice);
        return 20 - best;
    }

    private static int[] priorityRange(long policy) {
        return switch ((int) policy) {
            case Task.SCHED_FIFO, Task.SCHED_RR -> new int[] {1, 99};
            case Task.SCHED_OTHER, Task.SCHED_BATCH, Task.SCHED_IDLE -> new int[] {0, 0};
            default -> throw new SysError(Errno.EINVAL);
        };
    }

    private static int readParam(SyscallContext c, long va) {
        if (va == 0) throw new SysError(Errno.EINVAL);
        byte[] b = new byte[4];
        c.memory().copyIn(va, b, 0, 4);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static void apply(Task t, int policy, int priority) {
        int[] range = priorityRange(policy);
        if (priority < range[0] || priority > range[1]) throw new SysError(Errno.EINVAL);
        t.policy = policy;
        t.rtPriority = priority;
    }

    private static long setscheduler(SyscallContext c, long[] a) {
        int pid = (int) a[0], policy = (int) a[1] & ~SCHED_RESET_ON_FORK;
        if (pid < 0 || a[1] < 0) throw new SysError(Errno.EINVAL);
        int priority = readParam(c, a[2]);
        apply(thread(c, pid), policy, priority);
        return 0;
    }

    private static long setparam(SyscallContext c, long[] a) {
        if ((int) a[0] < 0) throw new SysError(Errno.EINVAL);
        int priority = readParam(c, a[1]);
        Task t = thread(c, (int) a[0]);
        apply(t, t.policy, priority);
        return 0;
    }

    private static long getparam(SyscallContext c, long[] a) {
        if (a[1] == 0 || (int) a[0] < 0) throw new SysError(Errno.EINVAL);
        Task t = thread(c, (int) a[0]);
        c.memory().copyOut(a[1], ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(t.rtPriority).array(), 0, 4);
        return 0;
    }

    /** The round-robin slice: the scheduler's tick (10 ms) for SCHED_RR, 0 for FIFO, as Linux reports. */
    private static long rrInterval(SyscallContext c, long[] a) {
        Task t = thread(c, (int) a[0]);
        long ns = t.policy == Task.SCHED_FIFO ? 0 : 10_000_000L;
        c.memory().copyOut(a[1], ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(ns / 1_000_000_000L).putLong(ns % 1_000_000_000L).array(), 0, 16);
        return 0;
    }

    /** sched_setaffinity(pid, len, mask): bits past the harts that exist are ignored; EINVAL if none is left. */
    private static long setaffinity(SyscallContext c, long[] a) {
        int len = (int) Math.min(a[1], 128);
        if (a[1] <= 0) throw new SysError(Errno.EINVAL);
        byte[] raw = new byte[Math.max(len, 8)];
        c.memory().copyIn(a[2], raw, 0, len);
        long mask = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong() & c.kernel().scheduler().allHarts();
        if (mask == 0) throw new SysError(Errno.EINVAL);
        thread(c, (int) a[0]).affinity = mask;
        return 0;
    }

    /** sched_getaffinity(pid, len, mask): returns the bytes written (8: one long, as Linux's cpumask). */
    private static long getaffinity(SyscallContext c, long[] a) {
        if (a[1] < 8 || (a[1] & 7) != 0) throw new SysError(Errno.EINVAL);
        Task t = thread(c, (int) a[0]);
        long mask = t.affinity & c.kernel().scheduler().allHarts();
        c.memory().copyOut(a[2], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(mask).array(), 0, 8);
        return 8;
    }
}
