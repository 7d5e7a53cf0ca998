/**
 * The Fornax/J kernel: Java code that owns a {@link fornax.machine.Machine} and runs Linux riscv64
 * binaries on it. {@link fornax.kernel.Kernel} boots and execs; subpackages hold the subsystems:
 * {@code mm} (frames, page tables, address spaces), {@code exec} (ELF loading), {@code proc}
 * (processes, threads), {@code trap} (the trap path), {@code sys} (the syscall table and handlers
 * by family), {@code vfs} (the file-server interface, namespace, paths, descriptors), {@code fs}
 * (file servers: tmpfs, devfs, pipes), {@code dev} (drivers).
 *
 * <p>The kernel reaches the machine only through the machine module's public API.
 *
 * <p>Lock order (outermost first):
 * <pre>
 *   Process
 *     AddressSpace
 *       FrameAllocator
 *   FileDescription (a seekable transfer)
 *     FsContext, Namespace
 *       file servers (TmpFs tree → TmpNode → Fid; DevFs → Fid; Pipe)
 *         Tty.writeLock → Tty → ProcessTable → Process   (the console terminal, dev.tty)
 *           LineDiscipline → UartDriver (tx/rx locks) → device monitors → Plic; PollQueue (leaf)
 *         ConsoleFile → UartDriver (tx/rx locks) → device monitors → Plic
 *     AddressSpace → FrameAllocator
 *   FdTable (leaf)
 * </pre>
 */
package fornax.kernel;
