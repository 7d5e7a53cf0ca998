package fornax.kernel.trap;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.sys.SysError;
import fornax.machine.cpu.Hart;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Delivers signals on the way back to user mode, with the Linux riscv64 signal frame:
 *
 * <pre>
 *   sp ─► struct rt_sigframe {
 *           siginfo_t info;               //   0: signo, errno, code, pad, then pid/uid or addr at 16
 *           struct ucontext uc {          // 128
 *             uc_flags, uc_link;          // 128, 136
 *             stack_t uc_stack;           // 144 (sp, flags, size)
 *             sigset_t uc_sigmask;        // 168
 *             __unused[120];              // 176
 *             struct sigcontext mcontext { // 304 (16-aligned)
 *               pc, x1 … x31              // 304: 32 × 8
 *               f0 … f31, fcsr            // 560: 32 × 8 + 4, in a 528-byte FP union
 *             }
 *           }
 *         }                               // 1088 bytes
 *   ra = the kernel's trampoline page: li a7, 139 (rt_sigreturn); ecall
 * </pre>
 *
 * The handler runs with a0 = signal, a1 = &info, a2 = &uc; rt_sigreturn restores everything from
 * the frame. Runs on the task's own thread with its registers in {@code task.context()}.
 */
public final class SignalDelivery {
    private SignalDelivery() { }

    public static final int FRAME_SIZE = 1088, UC = 128, UC_STACK = UC + 16, UC_SIGMASK = UC + 40,
            MCONTEXT = UC + 176, FP = MCONTEXT + 256;
    public static final long SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000,
            SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000L;
    public static final int SI_USER = 0, SI_TIMER = -2, SS_ONSTACK = 1, SS_DISABLE = 2;
    /** li a7, 139; ecall — the body of the trampoline page. */
    public static final int[] TRAMPOLINE_CODE = {0x08B00893, 0x00000073};

    /**
     * Delivers at most one signal to {@code task} (a synchronous fault first, then pending ones
     * not blocked). Returns false if the process died of it.
     */
    public static boolean deliver(Kernel kernel, Task task) {
        Process p = task.process();
        int sig, code = SI_USER, sender = 0;
        long addr = 0;
        long[] value = {0};
        if (task.faultSignal != 0) {
            sig = task.faultSignal;
            code = task.faultCode;
            addr = task.faultAddr;
            task.faultSignal = 0;
            long bit = 1L << (sig - 1);
            // A fault signal that is blocked or ignored cannot be deferred: it kills (force_sig).
            if ((task.signalMask & bit) != 0 || p.handler(sig) == 1) return die(kernel, p, sig);
        } else {
            long taken = task.take(task.signalMask);
            if (taken == 0) taken = p.take(task.signalMask, value);
            if (taken == 0) return true;
            sig = (int) (taken & 0xFF);
            sender = (int) ((taken >>> 8) & 0xFFFFFFFFL);
            code = (short) (taken >>> 40);
        }
        long handler = p.handler(sig);
        if (handler <= 1 && task.suspendedMask != -1) {                  // no handler runs: sigsuspend's mask ends now
            task.signalMask = task.suspendedMask;
            task.suspendedMask = -1;
        }
        if (handler == 1) return true;                                   // SIG_IGN
        if (handler == 0) {
            return switch (Signals.defaultAction(sig)) {
                case TERMINATE, CORE -> die(kernel, p, sig);
                case IGNORE, CONTINUE -> true;
                case STOP -> {               // was blocked when sent; it stops the process now
                    if (sig == Signals.SIGSTOP || !kernel.processes().isOrphanedGroup(p.pgid())) kernel.stopProcess(p, sig);
                    yield true;
                }
            };
        }
        ByteBuffer act = ByteBuffer.wrap(p.sigaction(sig)).order(ByteOrder.LITTLE_ENDIAN);
        long flags = act.getLong(8), mask = act.getLong(16);
        try {
            pushFrame(task, sig, code, sender, addr, value[0], handler, flags);
        } catch (SysError e) {
            return die(kernel, p, Signals.SIGSEGV);                     // no room for the frame
        }
        if ((flags & SA_RESETHAND) != 0) p.setSigaction(sig, new byte[24]);
        task.signalMask |= mask | ((flags & SA_NODEFER) != 0 ? 0 : 1L << (sig - 1));
        task.signalMask &= ~Signals.UNBLOCKABLE;
        task.suspendedMask = -1;   // the frame carries it; rt_sigreturn restores it
        task.contextDirty = true;
        return true;
    }

    /**
     * Whether {@code sp} lies on the task's alternate signal stack: Linux's on_sig_stack, sp in
     * (base, base + size] compared unsigned, so a stack above sp (an array in main's frame) is not
     * mistaken for one the task is on.
     */
    public static boolean onAltStack(Task task, long sp) {
        return task.altStackFlags != SS_DISABLE && Long.compareUnsigned(sp, task.altStackBase) > 0
                && Long.compareUnsigned(sp - task.altStackBase, task.altStackSize) <= 0;
    }

    private static boolean die(Kernel kernel, Process p, int sig) {
        kernel.exitGroup(p, sig);
        return false;
    }

    private static void pushFrame(Task task, int sig, int code, int sender, long addr, long value, long handler,
                                  long flags) {
        long[] ctx = task.context();
        long sp = ctx[2];
        boolean onAltStack = onAltStack(task, sp);
        if ((flags & SA_ONSTACK) != 0 && task.altStackFlags != SS_DISABLE && !onAltStack)
            sp = task.altStackBase + task.altStackSize;
        long frame = (sp - FRAME_SIZE) & ~15L;
        ByteBuffer b = ByteBuffer.allocate(FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, sig).putInt(4, 0).putInt(8, code);
        if (code == SI_TIMER) b.putInt(16, sender).putInt(20, 0).putLong(24, value);   // timer id, overrun, si_value
        else if (code <= 0) b.putInt(16, sender).putInt(20, 0);   // SI_USER, SI_TKILL: sender pid and uid
        else b.putLong(16, addr);
        b.putLong(UC_STACK, task.altStackBase).putInt(UC_STACK + 8, onAltStack ? SS_ONSTACK : task.altStackFlags)
                .putLong(UC_STACK + 16, task.altStackSize);
        b.putLong(UC_SIGMASK, task.suspendedMask != -1 ? task.suspendedMask : task.signalMask);
        b.putLong(MCONTEXT, ctx[Hart.CTX_PC]);
        for (int i = 1; i < 32; i++) b.putLong(MCONTEXT + 8 * i, ctx[i]);
        for (int i = 0; i < 32; i++) b.putLong(FP + 8 * i, ctx[Hart.CTX_F + i]);
        b.putInt(FP + 256, (int) ctx[Hart.CTX_FCSR]);
        task.process().addressSpace().copyOut(frame, b.array(), 0, FRAME_SIZE);
        ctx[Hart.CTX_PC] = handler;
        ctx[1] = AddressSpace.TRAMPOLINE;
        ctx[2] = frame;
        ctx[10] = sig;
        ctx[11] = frame;
        ctx[12] = frame + UC;
    }

    /** rt_sigreturn: restores registers and mask from the frame at sp. */
    public static void sigreturn(Task task) {
        long[] ctx = task.context();
        long frame = ctx[2];
        byte[] raw = new byte[FRAME_SIZE];
        task.process().addressSpace().copyIn(frame, raw, 0, FRAME_SIZE);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        ctx[Hart.CTX_PC] = b.getLong(MCONTEXT);
        for (int i = 1; i < 32; i++) ctx[i] = b.getLong(MCONTEXT + 8 * i);
        for (int i = 0; i < 32; i++) ctx[Hart.CTX_F + i] = b.getLong(FP + 8 * i);
        ctx[Hart.CTX_FCSR] = b.getInt(FP + 256) & 0xFF;
        task.signalMask = b.getLong(UC_SIGMASK) & ~Signals.UNBLOCKABLE;
        task.contextDirty = true;
    }
}
