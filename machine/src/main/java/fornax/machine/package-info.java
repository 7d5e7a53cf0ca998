/**
 * The machine: an RV64GC computer emulated in the JVM, laid out like QEMU's virt board.
 *
 * <p>Hardware only: nothing here knows about processes, files or syscalls. A kernel drives the
 * machine through {@link fornax.machine.Machine} (assembly and the device map),
 * {@link fornax.machine.cpu.Hart} (registers, satp, TLB flushes, {@code run()} until a
 * {@link fornax.machine.Trap}), {@link fornax.machine.mem.PhysicalMemory} and the MMIO bus.
 *
 * <p>Invariants: the only way user code affects the kernel is a {@link fornax.machine.Trap}
 * returned by {@code Hart.run()}; devices are reached only through their registers.
 *
 * <p>Lock order: the machine takes no locks on the execution path; device registers are guarded
 * per device ({@code synchronized} on the device); PLIC before nothing.
 */
package fornax.machine;
