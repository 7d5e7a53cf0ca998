package fornax.kernel.fs.procfs;

import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Task;
import fornax.kernel.sched.CpuAccounting;
import fornax.kernel.sched.Scheduler;
import java.util.List;

/**
 * The machine-wide files of /proc, in Linux's formats: meminfo, cpuinfo (riscv64's), stat, uptime,
 * loadavg, version, filesystems, and /proc/sys/kernel/{hostname, ostype, osrelease, pid_max} and
 * /proc/sys/fs/file-nr.
 *
 * <p>Memory: MemTotal is the machine's RAM (every frame belongs to the frame allocator: the kernel
 * itself lives in the host, not in guest RAM) and MemFree its free frames. There is no page cache
 * or swap, so Buffers, Cached and the swap lines are 0 and MemAvailable equals MemFree. tmpfs
 * keeps its file data in the kernel's own (host) memory, outside the machine's RAM: it shows as
 * Shmem, and is not part of MemTotal − MemFree (which is why Cached, which on Linux includes
 * Shmem, does not include it here). PageTables sums the live processes' page-table frames.
 *
 * <p>CPU: the cpu lines of /proc/stat come from {@link CpuAccounting}'s per-hart user, system and
 * idle ticks; nice, iowait, irq, softirq, steal and guest time do not exist here and are 0.
 *
 * <p>Stateless; each method reads the kernel through {@link ProcSource}.
 */
final class SystemFiles {
    /** The riscv64 ISA string of the harts (RV64GC with the counters, CSRs and FENCE.I). */
    static final String ISA = "rv64imafdc_zicntr_zicsr_zifencei";

    private final ProcSource src;

    SystemFiles(ProcSource src) { this.src = src; }

    /** The text of static entry {@code index} of {@link ProcFs#STATIC}. */
    String generate(int index) {
        return switch (ProcFs.STATIC.get(index).name()) {
            case "cpuinfo" -> cpuinfo();
            case "filesystems" -> filesystems();
            case "loadavg" -> loadavg();
            case "meminfo" -> meminfo();
            case "stat" -> stat();
            case "uptime" -> uptime();
            case "version" -> version();
            case "hostname" -> src.uname().nodename() + "\n";
            case "ostype" -> src.uname().sysname() + "\n";
            case "osrelease" -> src.uname().release() + "\n";
            case "pid_max" -> ProcessTable.PID_MAX + "\n";
            case "file-nr" -> ProcessFiles.openDescriptions(src.processes().all()) + "\t0\t"
                    + Long.MAX_VALUE + "\n";
            default -> throw new IllegalStateException("static entry " + index + " has no text");
        };
    }

    // ------------------------------------------------------------------ memory

    /** /proc/meminfo, the lines the kernel can fill truthfully, in Linux's order and layout. */
    String meminfo() {
        FrameAllocator frames = src.frames();
        long total = (long) frames.totalFrames() * FrameAllocator.PAGE;
        long free = (long) frames.freeFrames() * FrameAllocator.PAGE;
        long tables = 0;
        for (Process p : src.processes().all()) if (!p.hasExited()) tables += p.addressSpace().pageTableFrames();
        StringBuilder b = new StringBuilder(512);
        line(b, "MemTotal", total);
        line(b, "MemFree", free);
        line(b, "MemAvailable", free);
        line(b, "Buffers", 0);
        line(b, "Cached", 0);
        line(b, "SwapCached", 0);
        line(b, "SwapTotal", 0);
        line(b, "SwapFree", 0);
        line(b, "Dirty", 0);
        line(b, "Writeback", 0);
        line(b, "Shmem", src.shmemBytes());
        line(b, "PageTables", tables * FrameAllocator.PAGE);
        return b.toString();
    }

    /** One meminfo line: the name and colon in 16 columns, the value in kB right-aligned in 8. */
    private static void line(StringBuilder b, String name, long bytes) {
        b.append(String.format("%-16s%8d kB\n", name + ":", bytes >> 10));
    }

    // ------------------------------------------------------------------ CPUs

    /** /proc/cpuinfo as riscv64 Linux prints it: one block per hart. */
    String cpuinfo() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < src.cpu().hartCount(); i++) {
            b.append("processor\t: ").append(i).append('\n')
                    .append("hart\t\t: ").append(i).append('\n')
                    .append("isa\t\t: ").append(ISA).append('\n')
                    .append("mmu\t\t: sv48\n")
                    .append("mvendorid\t: 0x0\n")
                    .append("marchid\t\t: 0x0\n")
                    .append("mimpid\t\t: 0x0\n")
                    .append("hart isa\t: ").append(ISA).append("\n\n");
        }
        return b.toString();
    }

    /**
     * /proc/stat: the cpu lines (user nice system idle iowait irq softirq steal guest guest_nice,
     * in ticks), boot time, processes created since boot, and how many are running and blocked.
     */
    String stat() {
        List<CpuAccounting.HartTimes> harts = src.cpu().harts();
        long u = 0, s = 0, idle = 0;
        for (CpuAccounting.HartTimes h : harts) { u += h.user(); s += h.system(); idle += h.idle(); }
        StringBuilder b = new StringBuilder();
        cpuLine(b, "cpu ", u, s, idle);
        for (int i = 0; i < harts.size(); i++) cpuLine(b, "cpu" + i, harts.get(i).user(), harts.get(i).system(), harts.get(i).idle());
        int[] run = running();
        b.append("btime ").append(src.bootRealtimeNanos() / 1_000_000_000L).append('\n')
                .append("processes ").append(src.processes().created()).append('\n')
                .append("procs_running ").append(run[0]).append('\n')
                .append("procs_blocked 0\n");
        return b.toString();
    }

    private static void cpuLine(StringBuilder b, String name, long user, long system, long idle) {
        b.append(name).append(' ').append(user).append(" 0 ").append(system).append(' ').append(idle)
                .append(" 0 0 0 0 0 0\n");
    }

    /** {tasks running or runnable, tasks in all} now. */
    private int[] running() {
        Scheduler.Snapshot s = src.cpu().snapshot();
        int run = 0, all = 0;
        for (Process p : src.processes().all()) {
            if (p.hasExited()) continue;
            for (Task t : p.tasks()) {
                all++;
                if (CpuAccounting.runnable(t, s)) run++;
            }
        }
        return new int[] {run, all};
    }

    /** /proc/uptime: seconds since boot and seconds all harts spent idle, to 1/100 s. */
    String uptime() {
        long up = src.uptimeNanos() / 10_000_000L;
        long idle = 0;
        for (CpuAccounting.HartTimes h : src.cpu().harts()) idle += h.idle();
        long idleCs = idle * 100 / CpuAccounting.USER_HZ;
        return String.format("%d.%02d %d.%02d\n", up / 100, up % 100, idleCs / 100, idleCs % 100);
    }

    /** /proc/loadavg: the three averages, runnable/all tasks, and the last pid handed out. */
    String loadavg() {
        long[] l = src.cpu().loadAverages();
        int[] run = running();
        return CpuAccounting.formatLoad(l[0]) + " " + CpuAccounting.formatLoad(l[1]) + " "
                + CpuAccounting.formatLoad(l[2]) + " " + run[0] + "/" + run[1] + " " + src.processes().lastPid() + "\n";
    }

    // ------------------------------------------------------------------ identity

    /** /proc/version: "Linux version RELEASE (builder@host) (compiler) VERSION". */
    String version() {
        ProcSource.Uname u = src.uname();
        return u.sysname() + " version " + u.release() + " (fornax@" + u.nodename() + ") (Java "
                + Runtime.version().feature() + ") " + u.version() + "\n";
    }

    /** /proc/filesystems: the file-system types the kernel has; none needs a block device. */
    static String filesystems() {
        return "nodev\trootfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\nnodev\tpipefs\n";
    }
}
