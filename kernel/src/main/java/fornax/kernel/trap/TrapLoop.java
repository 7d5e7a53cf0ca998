package fornax.kernel.trap;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.sys.SyscallContext;
import fornax.machine.Trap;
import fornax.machine.cpu.Hart;

/**
 * The trap path: runs a task on a hart and handles whatever stops it.
 *
 * <pre>
 *   loadContext ─► hart.run() ─► Trap ─┬─ ecall        → syscall table, a0 = result, pc += 4
 *        ▲                            ├─ page fault   → AddressSpace.fault: map, or SIGSEGV
 *        │                            ├─ illegal/ebreak/misaligned/access → SIGILL/SIGTRAP/SIGBUS/SIGSEGV
 *        └────────────────────────────┴─ timer        → re-arm the tick (the scheduler's hook)
 * </pre>
 *
 * Signals are fatal here (default action); handlers arrive with the signal layer.
 */
public final class TrapLoop {
    /** Scheduler tick. */
    private static final long TICK_NANOS = 10_000_000L;

    private final Kernel kernel;
    private final Hart hart;

    public TrapLoop(Kernel kernel, Hart hart) {
        this.kernel = kernel;
        this.hart = hart;
    }

    /** Runs {@code task} until its process exits. */
    public void run(Task task) {
        Process process = task.process();
        AddressSpace as = process.addressSpace();
        SyscallContext ctx = new SyscallContext(kernel, task, hart);
        hart.loadContext(task.context());
        hart.setSatp(as.satp());
        hart.setTimer(System.nanoTime() + TICK_NANOS);
        long[] args = task.args;
        try {
            while (!process.hasExited()) {
                Trap trap = hart.run();
                long cause = trap.cause();
                if (cause == Trap.ECALL_FROM_U) {
                    for (int i = 0; i < 6; i++) args[i] = hart.x(10 + i);
                    long nr = hart.x(17);
                    hart.setPc(trap.pc() + 4);
                    long result = kernel.syscalls().dispatch(ctx, nr, args);
                    hart.setX(10, result);
                } else if (cause == Trap.TIMER_INTERRUPT) {
                    hart.setTimer(System.nanoTime() + TICK_NANOS);
                } else if (trap.isInterrupt()) {
                    // Software/external interrupts need no work on this path yet.
                } else if (trap.isPageFault()) {
                    AddressSpace.Access access = cause == Trap.LOAD_PAGE_FAULT ? AddressSpace.Access.READ
                            : cause == Trap.STORE_PAGE_FAULT ? AddressSpace.Access.WRITE : AddressSpace.Access.EXEC;
                    int code;
                    try {
                        code = as.fault(trap.tval(), access);
                    } catch (fornax.kernel.sys.SysError e) {
                        kernel.log("pid " + process.pid() + ": out of memory handling a page fault; killed");
                        fatal(process, Signals.SIGKILL, trap);
                        break;
                    }
                    if (code != 0) fatal(process, Signals.SIGSEGV, trap);
                } else {
                    int sig = switch ((int) cause) {
                        case (int) Trap.ILLEGAL_INSTRUCTION -> Signals.SIGILL;
                        case (int) Trap.BREAKPOINT -> Signals.SIGTRAP;
                        case (int) Trap.LOAD_MISALIGNED, (int) Trap.STORE_MISALIGNED,
                             (int) Trap.INSTRUCTION_MISALIGNED -> Signals.SIGBUS;
                        default -> Signals.SIGSEGV;
                    };
                    fatal(process, sig, trap);
                }
            }
        } finally {
            hart.setTimer(Long.MAX_VALUE);
            hart.saveContext(task.context());
        }
    }

    private void fatal(Process process, int sig, Trap trap) {
        kernel.log(String.format("pid %d: killed by %s (%s): %s", process.pid(), Signals.name(sig),
                Signals.describe(sig), trap.describe()));
        process.exit(sig);
    }
}
