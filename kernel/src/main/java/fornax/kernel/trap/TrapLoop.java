package fornax.kernel.trap;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.sched.Scheduler;
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
 *      │                           ├─ page fault → AddressSpace.fault: map, copy, or SIGSEGV
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
                Trap trap = hart.run();
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
                    if (!sc.resultHandled()) ctx[10] = result;
                    task.contextDirty = true;
                    if (task.exiting || process.hasExited()) break;
                    hart = scheduler.acquire(task);
                    hart.setTimer(System.nanoTime() + TICK_NANOS);
                } else if (cause == Trap.TIMER_INTERRUPT) {
                    if (scheduler.contended()) {
                        hart.saveContext(ctx);
                        scheduler.release(task);
                        hart = scheduler.acquire(task);
                    }
                    hart.setTimer(System.nanoTime() + TICK_NANOS);
                } else if (trap.isInterrupt()) {
                    // Software/external interrupts need no work on this path yet.
                } else if (trap.isPageFault()) {
                    pageFault(task, hart, trap);
                } else {
                    int sig = switch ((int) cause) {
                        case (int) Trap.ILLEGAL_INSTRUCTION -> Signals.SIGILL;
                        case (int) Trap.BREAKPOINT -> Signals.SIGTRAP;
                        case (int) Trap.LOAD_MISALIGNED, (int) Trap.STORE_MISALIGNED,
                             (int) Trap.INSTRUCTION_MISALIGNED -> Signals.SIGBUS;
                        default -> Signals.SIGSEGV;
                    };
                    fatal(task, sig, trap);
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

    private void pageFault(Task task, Hart hart, Trap trap) {
        long cause = trap.cause();
        AddressSpace.Access access = cause == Trap.LOAD_PAGE_FAULT ? AddressSpace.Access.READ
                : cause == Trap.STORE_PAGE_FAULT ? AddressSpace.Access.WRITE : AddressSpace.Access.EXEC;
        AddressSpace as = task.process().addressSpace();
        int code;
        try {
            code = as.fault(trap.tval(), access);
        } catch (SysError e) {
            kernel.log("pid " + task.process().pid() + ": out of memory handling a page fault; killed");
            fatal(task, Signals.SIGKILL, trap);
            return;
        }
        if (code != 0) fatal(task, Signals.SIGSEGV, trap);
    }

    private void fatal(Task task, int sig, Trap trap) {
        Process process = task.process();
        String line = String.format("pid %d: killed by %s (%s): %s", process.pid(), Signals.name(sig),
                Signals.describe(sig), trap.describe());
        // The program the user launched gets a line on the console; others only in the kernel
        // log, as Linux reports a segfault in dmesg and leaves the message to the parent shell.
        if (kernel.processes().parentPid(process) == 0) kernel.log(line);
        else kernel.dmesg(line);
        process.exit(sig);
        task.exiting = true;
    }
}
