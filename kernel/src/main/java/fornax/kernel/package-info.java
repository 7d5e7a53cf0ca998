/**
 * The Fornax/J kernel: Java code that owns a {@link fornax.machine.Machine} and runs Linux riscv64
 * binaries on it. {@link fornax.kernel.Kernel} boots and execs; subpackages hold the subsystems:
 * {@code mm} (frames, page tables, address spaces), {@code exec} (ELF loading), {@code proc}
 * (processes, threads), {@code trap} (the trap path), {@code sys} (the syscall table and handlers
 * by family), {@code vfs} (the file-server interface, namespace, paths, descriptors), {@code fs}
 * (file servers: tmpfs, devfs, pipes, hostfs), {@code time} (the timer thread, itimers, POSIX
 * timers, timerfds), {@code dev} (drivers).
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
 *       file servers (TmpFs tree → TmpNode → Fid; DevFs → Fid; Pipe; HostFs names → HostFid → HostFile)
 *         Tty.writeLock → Tty → ProcessTable → Process   (the console terminal, dev.tty)
 *           LineDiscipline → UartDriver (tx/rx locks) → device monitors → Plic
 *         ConsoleFile → UartDriver (tx/rx locks) → device monitors → Plic
 *     AddressSpace → FrameAllocator
 *   FdTable (leaf)
 *   ProcessTimers, TimerFd → IntervalTimer; timer expiries (no lock held) → TimerFd, Process
 *   ProcessTable → Process (job-control stops and continues are made and reported under the table)
 *   FileLocks (leaf: fcntl and flock locks; callers hold nothing)
 * </pre>
 */
package fornax.kernel;
