package fornax.kernel.sys;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.machine.cpu.Hart;

/** What a syscall handler may touch: the kernel, the calling task, and the hart it runs on. */
public record SyscallContext(Kernel kernel, Task task, Hart hart) {
    public Process process() { return task.process(); }
    public AddressSpace memory() { return task.process().addressSpace(); }
}
