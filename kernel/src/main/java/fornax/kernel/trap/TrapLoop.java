package fornax.kernel.trap;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.sched.Scheduler;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.sys.SyscallContext;
import fornax.machine.Trap;
import fornax.machine.cpu.Hart;

/**
 * The trap path of one task, run on that task's own thread: hold a hart, run user code, handle
 * whatever stops it.
 *
 * <pre>
 *   acquire ─► hart.run() ─► Trap ─┬─ ecall      → save context, release the hart, syscall
 *      ▲                           │                (may block), result into a0, reacquire
 *      │                           ├─ page fault → AddressSpace.fault: map, copy, SIGSEGV/SIGBUS;
 *      │                           │               no frame: OomKiller picks a victim, wait, retry
 *      │                           ├─ illegal/ebreak/misaligned/access → fatal signal
 *      └───────────────────────────┴─ timer      → end of slice: yield if others wait
 * </pre>
 *
 * Signals are fatal here (default action); handlers arrive with the signal layer.
 */
public final class TrapLoop {
    /** Scheduler tick: the longest a task runs while others wait. */
    private static final long TICK_NANOS = 10_000_000L;

    private final Kernel kernel;
    private final Scheduler scheduler;

    public TrapLoop(Kernel kernel, Scheduler scheduler) {
        this.kernel = kernel;
        this.scheduler = scheduler;
    }

    /** Runs {@code task} until it exits; the caller then retires the task. */
    public void run(Task task) {
        Process process = task.process();
        long[] args = task.args;
        long[] ctx = task.context();
        Hart hart = scheduler.acquire(task);
        try {
            hart.setTimer(System.nanoTime() + TICK_NANOS);
            while (!task.exiting && !process.hasExited()) {
                task.inUser = true;
                Trap trap = hart.run();
                task.inUser = false;
                long cause = trap.cause();
                if (cause == Trap.ECALL_FROM_U) {
                    hart.saveContext(ctx);
                    ctx[Hart.CTX_PC] = trap.pc() + 4;
                    for (int i = 0; i < 6; i++) args[i] = ctx[10 + i];
                    long nr = ctx[17];
                    scheduler.release(task);
                    hart = null;
                    SyscallContext sc = new SyscallContext(kernel, task);
                    long result = kernel.syscalls().dispatch(sc, nr, args);
                    Thread.interrupted();   // a wake-up for a signal has done its job
                    if (!sc.resultHandled()) {
                        ctx[10] = result;
                        if (result == -Errno.EINTR && restartable(nr) && restartsOnSignal(task)) {
                            ctx[Hart.CTX_PC] -= 4;   // SA_RESTART: run the ecall again after the handler
                            ctx[10] = args[0];
                        }
                    }
                    task.contextDirty = true;
                    if (!returnToUser(task)) break;
                    hart = scheduler.acquire(task);
                    hart.setTimer(System.nanoTime() + TICK_NANOS);
                } else if (cause == Trap.TIMER_INTERRUPT) {
                    if (scheduler.contended(task)) {
                        hart.saveContext(ctx);
                        scheduler.release(task, true);
                        hart = scheduler.acquire(task);
                    }
                    hart.setTimer(System.nanoTime() + TICK_NANOS);
                    if (needsKernelWork(task)) {
                        hart = leaveHart(task, hart);
                        if (!returnToUser(task)) break;
                        hart = scheduler.acquire(task);
                        hart.setTimer(System.nanoTime() + TICK_NANOS);
                    }
                } else if (trap.isInterrupt()) {
                    // An IPI: a signal was posted, the process was stopped or is exiting.
                    if (needsKernelWork(task)) {
                        hart = leaveHart(task, hart);
                        if (!returnToUser(task)) break;
                        hart = scheduler.acquire(task);
                        hart.setTimer(System.nanoTime() + TICK_NANOS);
                    }
                } else if (trap.isPageFault()) {
                    int r = pageFault(task, hart, trap);
                    if (r == FAULT_DIED) break;
                    if (r == FAULT_NO_MEMORY) {
                        // A victim was killed for memory: wait for it without a hart, then retry.
                        hart = leaveHart(task, hart);
                        kernel.oomKiller().awaitMemory(new Kernel.OomCandidate(task.process()));
                        if (!returnToUser(task)) break;
                        hart = scheduler.acquire(task);
                        hart.setTimer(System.nanoTime() + TICK_NANOS);
                    }
                } else {
                    int sig = switch ((int) cause) {
                        case (int) Trap.ILLEGAL_INSTRUCTION -> Signals.SIGILL;
                        case (int) Trap.BREAKPOINT -> Signals.SIGTRAP;
                        case (int) Trap.LOAD_MISALIGNED, (int) Trap.STORE_MISALIGNED,
                             (int) Trap.INSTRUCTION_MISALIGNED -> Signals.SIGBUS;
                        default -> Signals.SIGSEGV;
                    };
                    long addr = sig == Signals.SIGSEGV || sig == Signals.SIGBUS ? trap.tval() : trap.pc();
                    if (!fault(task, hart, sig, SI_CODE_ONE, addr, trap)) break;
                }
            }
        } finally {
            if (hart != null) {
                hart.setTimer(Long.MAX_VALUE);
                hart.saveContext(ctx);
                scheduler.release(task);
            }
            scheduler.forget(task);
        }
    }

    /** si_code of the first kind for each fault signal: SEGV_MAPERR, ILL_ILLOPC, BUS_ADRALN, TRAP_BRKPT. */
    private static final int SI_CODE_ONE = 1;

    private static final int FAULT_DONE = 0, FAULT_DIED = 1, FAULT_NO_MEMORY = 2;

    /**
     * Resolves a page fault, or raises SIGSEGV (SIGBUS for a file page past its end). With no
     * frame left the out-of-memory policy ({@link fornax.kernel.mm.OomKiller}) picks a victim:
     * FAULT_NO_MEMORY says wait and retry, FAULT_DIED that this process was the victim or died of
     * the signal.
     */
    private int pageFault(Task task, Hart hart, Trap trap) {
        long cause = trap.cause();
        AddressSpace.Access access = cause == Trap.LOAD_PAGE_FAULT ? AddressSpace.Access.READ
                : cause == Trap.STORE_PAGE_FAULT ? AddressSpace.Access.WRITE : AddressSpace.Access.EXEC;
        AddressSpace as = task.process().addressSpace();
        int code;
        try {
            code = as.fault(trap.tval(), access);
        } catch (SysError e) {
            if (e.errno() == Errno.ENOMEM && kernel.oomKiller().outOfMemory(new Kernel.OomCandidate(task.process())))
                return FAULT_NO_MEMORY;
            task.process().exit(Signals.SIGKILL);
            task.exiting = true;
            return FAULT_DIED;
        }
        if (code == 0) return FAULT_DONE;
        int sig = (code & AddressSpace.SIGBUS_FLAG) != 0 ? Signals.SIGBUS : Signals.SIGSEGV;
        return fault(task, hart, sig, code & 0xFF, trap.tval(), trap) ? FAULT_DONE : FAULT_DIED;
    }

    /**
     * A synchronous signal from the task's own fault: its handler runs (the context is saved,
     * the frame pushed, the new context loaded), or the process dies. False if it died.
     */
    private boolean fault(Task task, Hart hart, int sig, int code, long addr, Trap trap) {
        task.faultSignal = sig;
        task.faultCode = code;
        task.faultAddr = addr;
        long[] ctx = task.context();
        hart.saveContext(ctx);
        if (SignalDelivery.deliver(kernel, task)) {
            hart.loadContext(ctx);
            return true;
        }
        logDeath(task.process(), trap);
        task.exiting = true;
        return false;
    }

    /** Something must happen before the task may go on running user code. */
    private static boolean needsKernelWork(Task task) {
        Process p = task.process();
        return task.exiting || p.hasExited() || p.isStopped() || (task.allPending() & ~task.signalMask) != 0;
    }

    /** Saves the task's registers and gives its hart back; returns null (the task holds no hart). */
    private Hart leaveHart(Task task, Hart hart) {
        hart.saveContext(task.context());
        scheduler.release(task);
        return null;
    }

    /**
     * The way back to user mode, run without a hart: deliver a pending signal, and wait here while
     * the process is stopped (job control). False if the task must end instead.
     */
    private boolean returnToUser(Task task) {
        Process process = task.process();
        for (;;) {
            if (task.exiting || process.hasExited()) return false;
            if (!SignalDelivery.deliver(kernel, task)) {
                logDeath(process, null);
                task.exiting = true;
                return false;
            }
            if (!process.isStopped()) return !task.exiting && !process.hasExited();
            process.awaitContinued();
        }
    }

    /**
     * Syscalls that SA_RESTART restarts after a handler. Sleeps, rt_sigsuspend and the polling
     * calls return EINTR regardless, as on Linux (-ERESTARTNOHAND).
     */
    private static boolean restartable(long nr) {
        return switch ((int) nr) {
            case 101, 115, 133, 72, 73, 22 -> false;   // nanosleep, clock_nanosleep, rt_sigsuspend, pselect6, ppoll, epoll_pwait
            default -> true;
        };
    }

    /**
     * Whether the call is made again once the signal about to be delivered is dealt with: its
     * handler has SA_RESTART, or it has no handler and does not kill (a stop, such as the SIGTTIN a
     * background read gets from its terminal, then SIGCONT): Linux's -ERESTARTSYS.
     */
    private static boolean restartsOnSignal(Task task) {
        Process p = task.process();
        long ready = task.allPending() & ~task.signalMask;
        if (ready == 0) return false;
        int sig = Long.numberOfTrailingZeros(ready) + 1;
        long handler = p.handler(sig);
        if (handler <= 1) return switch (Signals.defaultAction(sig)) {
            case STOP, CONTINUE, IGNORE -> true;
            default -> handler == 1;
        };
        byte[] act = p.sigaction(sig);
        long flags = java.nio.ByteBuffer.wrap(act).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
        return (flags & SignalDelivery.SA_RESTART) != 0;
    }

    /**
     * The program the user launched gets a line on the console when a signal kills it; others
     * only in the kernel log, as Linux reports a segfault in dmesg and leaves the rest to the
     * parent shell.
     */
    private void logDeath(Process process, Trap trap) {
        int sig = process.waitStatus() & 0x7F;
        if (sig == 0) return;
        String line = String.format("pid %d: killed by %s (%s)%s", process.pid(), Signals.name(sig),
                Signals.describe(sig), trap == null ? "" : ": " + trap.describe());
        if (kernel.processes().parentPid(process) == 0) kernel.log(line);
        else kernel.dmesg(line);
    }
}
