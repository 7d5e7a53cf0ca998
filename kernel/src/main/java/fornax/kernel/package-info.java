/**
 * The Fornax/J kernel: Java code that owns a {@link fornax.machine.Machine} and runs Linux riscv64
 * binaries on it. {@link fornax.kernel.Kernel} boots and execs; subpackages hold the subsystems:
 * {@code mm} (frames, page tables, address spaces), {@code exec} (ELF loading), {@code proc}
 * (processes, threads), {@code trap} (the trap path), {@code sys} (the syscall table and handlers
 * by family), {@code vfs} (open files), {@code dev} (drivers).
 *
 * <p>The kernel reaches the machine only through the machine module's public API.
 *
 * <p>Lock order (outermost first):
 * <pre>
 *   Process
 *     AddressSpace
 *       FrameAllocator
 *   ConsoleFile → UartDriver (tx/rx locks) → device monitors → Plic
 * </pre>
 */
package fornax.kernel;
