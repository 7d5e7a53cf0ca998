package fornax.kernel.sys;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;

/**
 * What a syscall handler may touch: the kernel and the calling task. The task's registers are in
 * {@code task().context()} (saved at the trap; the hart has been released, so handlers never see
 * it). A handler that sets the registers itself (execve, rt_sigreturn) calls
 * {@link #resultHandled()} so the return value is not written over a0.
 */
public final class SyscallContext {
    private final Kernel kernel;
    private final Task task;
    private boolean resultHandled;

    public SyscallContext(Kernel kernel, Task task) {
        this.kernel = kernel;
        this.task = task;
    }

    public Kernel kernel() { return kernel; }
    public Task task() { return task; }
    public Process process() { return task.process(); }
    public AddressSpace memory() { return task.process().addressSpace(); }
    /** The pid namespace the caller lives in: the numbering its pids, tids and groups are in. */
    public fornax.kernel.proc.PidNamespace pids() { return task.process().pidNamespace(); }

    /** The handler has set the task's registers; do not store its return value in a0. */
    public void setResultHandled() { resultHandled = true; }
    public boolean resultHandled() { return resultHandled; }
}
