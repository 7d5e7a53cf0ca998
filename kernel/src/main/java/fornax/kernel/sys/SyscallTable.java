package fornax.kernel.sys;

import fornax.kernel.sys.Syscall.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The one syscall table: riscv64 number → handler, with each call's Linux-compatibility status.
 * {@link #markdown()} renders it as docs/syscalls.md. Handlers live by family in {@code Sys*}
 * classes, each of which registers its calls here.
 *
 * <p>{@link #dispatch} is the only place a {@link SysError} becomes {@code -errno}. Calls not in
 * the table return -ENOSYS and are counted per number. Any other exception from a handler is a
 * kernel bug: it is logged as "syscall N (name): internal error" and kills the calling process.
 */
public final class SyscallTable {
    public static final int MAX = 512;
    /** write, writev, pwrite64, pwritev: the calls for which EPIPE brings SIGPIPE. */
    private static final java.util.Set<Integer> WRITES = java.util.Set.of(64, 66, 68, 70);
    /** Log the first call of each unimplemented syscall (environment FORNAX_DEBUG set). */
    private static final boolean TRACE_UNIMPLEMENTED = System.getenv("FORNAX_DEBUG") != null;
    private final Syscall[] table = new Syscall[MAX];
    /** Count of calls that returned ENOSYS because no handler exists, per number. */
    private final AtomicLongArray unimplemented = new AtomicLongArray(MAX);

    public SyscallTable() {
        SysMemory.register(this);
        SysIo.register(this);
        SysProc.register(this);
        SysThread.register(this);
        SysSched.register(this);
        SysInfo.register(this);
        SysSignal.register(this);
        SysExec.register(this);
        SysPoll.register(this);
        SysFile.register(this);
        SysLock.register(this);
        SysTimer.register(this);
        SysMount.register(this);
    }

    void add(int nr, String name, Status status, String note, Syscall.Handler h) {
        if (table[nr] != null) throw new IllegalStateException("syscall " + nr + " registered twice");
        table[nr] = new Syscall(nr, name, status, note, h);
    }

    void supported(int nr, String name, Syscall.Handler h) { add(nr, name, Status.SUPPORTED, "", h); }
    void partial(int nr, String name, String note, Syscall.Handler h) { add(nr, name, Status.PARTIAL, note, h); }
    void enosys(int nr, String name, String note) { add(nr, name, Status.ENOSYS, note, null); }

    public Syscall lookup(long nr) { return nr >= 0 && nr < MAX ? table[(int) nr] : null; }

    /** Runs syscall {@code nr}; returns the value for a0 (negative errno on failure). */
    public long dispatch(SyscallContext ctx, long nr, long[] args) {
        Syscall s = lookup(nr);
        if (s == null || s.handler() == null) {
            if (nr >= 0 && nr < MAX && unimplemented.incrementAndGet((int) nr) == 1 && TRACE_UNIMPLEMENTED)
                ctx.kernel().log("syscall " + nr + (s == null ? "" : " (" + s.name() + ")") + " not implemented: ENOSYS");
            return -Errno.ENOSYS;
        }
        try {
            return s.handler().call(ctx, args);
        } catch (SysError e) {
            // Writing to a pipe or socket nobody reads raises SIGPIPE as well as EPIPE.
            if (e.errno() == Errno.EPIPE && WRITES.contains((int) nr))
                ctx.kernel().sendSignal(ctx.process(), fornax.kernel.proc.Signals.SIGPIPE, ctx.process().pid());
            return -e.errno();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return internalError(ctx, s, args, e);
        }
    }

    /**
     * A handler failed with something other than a SysError: a kernel bug, whatever the arguments
     * were. Linux would oops and kill the calling task; here the calling process is killed
     * (SIGKILL, as for any kernel error on its thread) rather than handed an errno, because the
     * handler may have stopped half-way (a write that moved data but not the offset) and the process
     * must not go on as if the call had simply failed. Kernel state itself stays consistent: locks
     * are monitors released by the unwinding and resources are held in try/finally. The line is
     * logged (console and dmesg) with the call, its arguments and where it failed, so tests and the
     * syscall fuzzer can tell it from the normal "killed by signal" of a process.
     */
    private static long internalError(SyscallContext ctx, Syscall s, long[] args, Throwable e) {
        StringBuilder where = new StringBuilder();
        StackTraceElement[] trace = e.getStackTrace();
        for (int i = 0; i < Math.min(4, trace.length); i++) where.append(i == 0 ? " at " : " < ").append(trace[i]);
        StringBuilder call = new StringBuilder();
        for (int i = 0; i < args.length; i++) call.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(args[i]));
        ctx.kernel().log("pid " + ctx.process().pid() + ": syscall " + s.number() + " (" + s.name() + "): internal error, process killed: "
                + s.name() + "(" + call + "): " + e + where);
        ctx.kernel().exitGroup(ctx.process(), fornax.kernel.proc.Signals.SIGKILL);
        return -Errno.EIO;   // never seen: the process is exiting
    }

    public long unimplementedCount(int nr) { return unimplemented.get(nr); }

    /** Numbers of unimplemented syscalls that were called, with counts. */
    public List<long[]> unimplementedCalls() {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) if (unimplemented.get(i) > 0) out.add(new long[] {i, unimplemented.get(i)});
        return out;
    }

    public List<Syscall> entries() {
        List<Syscall> out = new ArrayList<>();
        for (Syscall s : table) if (s != null) out.add(s);
        return out;
    }

    /** The compatibility page. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Fornax/J syscalls (Linux riscv64 ABI)\n\n");
        sb.append("Generated from `SyscallTable` by `./fornax syscalls`. Numbers not listed return `-ENOSYS`.\n\n");
        sb.append("| nr | name | status | notes |\n|---:|---|---|---|\n");
        for (Syscall s : entries()) {
            sb.append("| ").append(s.number()).append(" | ").append(s.name()).append(" | ")
                    .append(s.status().name().toLowerCase()).append(" | ").append(s.note()).append(" |\n");
        }
        return sb.toString();
    }
}
