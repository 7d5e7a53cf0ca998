package fornax.kernel.fs.procfs;

import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Task;
import fornax.kernel.sched.CpuAccounting;

/**
 * Everything procfs shows comes from here: the kernel implements it (Kernel.fileTree), tests give
 * a hand-built one. procfs keeps no state about processes or memory of its own; each open reads
 * these afresh.
 */
public interface ProcSource {
    /** All processes, and the tree. */
    ProcessTable processes();

    /**
     * The task making the current call (whose /proc/self it is), or null when the caller is not a
     * guest task (kernel code, tests): then "self" names nothing.
     */
    Task caller();

    /** Physical memory: total and free frames. */
    FrameAllocator frames();

    /** Per-hart CPU times, per-task ticks and load averages. */
    CpuAccounting cpu();

    /** Nanoseconds since boot (the monotonic clock). */
    long uptimeNanos();

    /** Nanoseconds since boot at host instant {@code hostNanos} (a System.nanoTime value). */
    long sinceBoot(long hostNanos);

    /** The wall-clock time of boot, in nanoseconds since the epoch (btime). */
    long bootRealtimeNanos();

    /** Bytes held by tmpfs file data (Shmem): the kernel keeps it outside the machine's RAM. */
    long shmemBytes();

    /** The utsname fields: sysname, nodename, release, version, machine. */
    Uname uname();

    /** uname(2)'s strings, also shown in /proc/version and /proc/sys/kernel. */
    record Uname(String sysname, String nodename, String release, String version, String machine) { }
}
