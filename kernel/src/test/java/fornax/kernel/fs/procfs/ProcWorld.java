package fornax.kernel.fs.procfs;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Task;
import fornax.kernel.sched.CpuAccounting;
import fornax.kernel.sched.Scheduler;
import fornax.kernel.vfs.Stat;
import fornax.kernel.vfs.TestFs;
import fornax.machine.Machine;
import fornax.machine.cpu.Hart;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A small kernel for procfs tests, built by hand: a two-hart machine's RAM and frame allocator, a
 * process table, a scheduler and CPU accounting, a tmpfs tree, and processes whose memory holds
 * argv and environment strings where exec would put them. The caller ("self") is settable.
 */
final class ProcWorld implements AutoCloseable {
    static final long MEMORY = 16L << 20;
    static final long BOOT_REALTIME = 1_700_000_000_000_000_000L;

    final Machine machine = new Machine(new Machine.Config(2, MEMORY, InputStream.nullInputStream(),
            OutputStream.nullOutputStream(), OutputStream.nullOutputStream()));
    final FrameAllocator frames = new FrameAllocator(machine.ram());
    final ProcessTable table = new ProcessTable();
    final Scheduler scheduler = new Scheduler(new Hart[] {machine.hart(0), machine.hart(1)});
    final long bootNanos = System.nanoTime();
    final CpuAccounting cpu = new CpuAccounting(scheduler, table, bootNanos);
    final TestFs fs = new TestFs();
    private int asids = 1;
    /** The task whose /proc/self it is; null: not a process. */
    volatile Task caller;
    volatile long shmem = 3 << 20;

    final ProcSource source = new ProcSource() {
        @Override public ProcessTable processes() { return table; }
        @Override public Task caller() { return caller; }
        @Override public FrameAllocator frames() { return frames; }
        @Override public CpuAccounting cpu() { return cpu; }
        @Override public long uptimeNanos() { return System.nanoTime() - bootNanos; }
        @Override public long sinceBoot(long hostNanos) { return hostNanos - bootNanos; }
        @Override public long bootRealtimeNanos() { return BOOT_REALTIME; }
        @Override public long shmemBytes() { return shmem; }
        @Override public Uname uname() { return new Uname("Linux", "fornax", "6.12.0-fornax", "#1 SMP Fornax/J", "riscv64"); }
    };

    ProcFs newServer() { return new ProcFs(Stat.makedev(0, 4), source); }

    /**
     * A process as exec leaves it: code and data VMAs, a heap, a stack holding {@code argv} then
     * {@code envp} strings (argv[0] lowest) with the layout recorded, running {@code exe}.
     */
    Process spawn(Process parent, String exe, List<String> argv, List<String> envp) {
        return spawn(parent, exe, argv, envp, parent == null ? fornax.kernel.proc.PidNamespace.ROOT : parent.childPidNamespace());
    }

    /** {@link #spawn(Process, String, List, List)} living in pid namespace {@code ns}, numbered there as fork numbers it. */
    Process spawn(Process parent, String exe, List<String> argv, List<String> envp, fornax.kernel.proc.PidNamespace ns) {
        AddressSpace as = new AddressSpace(machine.ram(), frames, asids++, (va, asid) -> { });
        as.map(0x10000, 0x20000, Vma.PROT_READ | Vma.PROT_EXEC, Vma.Kind.ELF);
        as.map(0x20000, 0x22000, Vma.PROT_READ | Vma.PROT_WRITE, Vma.Kind.ELF);
        as.setBrkStart(0x22000);
        as.setBrk(0x24000, Long.MAX_VALUE);
        long top = AddressSpace.STACK_TOP;
        as.map(top - (64 << 10), top, Vma.PROT_READ | Vma.PROT_WRITE, Vma.Kind.STACK);
        StringBuilder strings = new StringBuilder();
        for (String a : argv) strings.append(a).append('\0');
        int argLen = strings.length();
        for (String e : envp) strings.append(e).append('\0');
        byte[] b = strings.toString().getBytes(StandardCharsets.ISO_8859_1);
        long start = (top - 64 - b.length) & ~7L;
        as.poke(start, b, 0, b.length);
        as.setLayout(new AddressSpace.Layout(0x10000, 0x1F000, 0x20000, 0x21800, start - 256,
                start, start + argLen, start + argLen, start + b.length));
        Process p = new Process(table.allocatePid(ns), as, exe, fs.context("/tmp"));
        if (!ns.isRoot()) p.joinPidNamespace(ns);
        table.add(p, parent);
        Task t = new Task(p.pid(), p);
        t.name = exe.substring(exe.lastIndexOf('/') + 1);
        p.mainTask = t;
        p.addTask(t);          // as Kernel.start does: procfs lists a process's threads from its tasks
        table.addTask(t);
        return p;
    }

    /** Ends {@code p} as the kernel's retire does: exit status, descriptors, memory, zombie. */
    void exit(Process p, int code) {
        p.exit(code << 8);
        p.closeAll();
        p.fs().release();
        p.addressSpace().destroy();
        table.exited(p);
    }

    @Override public void close() {
        cpu.stop();
        machine.close();
    }
}
