package fornax.kernel;

import fornax.kernel.dev.ConsoleFile;
import fornax.kernel.dev.UartDriver;
import fornax.kernel.dev.virtio.VirtioException;
import fornax.kernel.dev.virtio.VirtioMmioTransport;
import fornax.kernel.dev.virtio.VirtioRandom;
import fornax.kernel.dev.virtio.VirtioRngDriver;
import fornax.kernel.exec.ElfImage;
import fornax.kernel.exec.ProgramLoader;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.AsidAllocator;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.kernel.sys.SyscallTable;
import fornax.kernel.trap.TrapLoop;
import fornax.machine.Machine;
import fornax.machine.cpu.Hart;
import fornax.machine.dev.MmioBus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Fornax/J kernel: boots on a {@link Machine} and runs user programs on its harts.
 *
 * <p>Boot assembles the machine, takes over RAM with the frame allocator, brings up the console
 * drivers, reads the real-time clock and probes the virtio-mmio slots for an entropy device, which
 * then backs {@link #random()} (the host's SecureRandom does when there is none). {@link #exec}
 * then loads a static riscv64 ELF into a new address space and runs it as the first process until
 * it exits.
 *
 * <p>Locking: the kernel object itself is immutable after boot except for the id counters, which
 * are atomic. Lock order (outermost first): Process → AddressSpace → FrameAllocator;
 * VirtioRandom → VirtioRngDriver → DriverQueue → device → PLIC.
 */
public final class Kernel implements AutoCloseable {
    /** Largest executable accepted from the host. */
    private static final long MAX_EXECUTABLE = 512L << 20;

    private final KernelConfig config;
    private final Machine machine;
    private final FrameAllocator frames;
    private final UartDriver console, debug;
    private final SyscallTable syscalls = new SyscallTable();
    private final SecureRandom random;
    private final long bootNanos;
    private final long realtimeAtBoot;
    private final AtomicInteger nextPid = new AtomicInteger(1);
    private final AsidAllocator asids = new AsidAllocator();
    private final AtomicInteger running = new AtomicInteger();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private Kernel(KernelConfig config) {
        this.config = config;
        this.machine = new Machine(new Machine.Config(config.cpus(), config.memoryBytes(), config.consoleIn(),
                config.consoleOut(), config.debugOut()));
        this.frames = new FrameAllocator(machine.ram());
        MmioBus bus = machine.bus();
        this.console = new UartDriver(bus, Machine.UART0_BASE, machine.plic(), Machine.PLIC_BASE, Machine.UART0_IRQ);
        this.debug = new UartDriver(bus, Machine.UART1_BASE, machine.plic(), Machine.PLIC_BASE, Machine.UART1_IRQ);
        this.random = entropySource();
        this.bootNanos = machine.bootNanos();
        long lo = bus.read32(Machine.RTC_BASE) & 0xFFFFFFFFL;   // reading TIME_LOW latches TIME_HIGH
        long hi = bus.read32(Machine.RTC_BASE + 4) & 0xFFFFFFFFL;
        this.realtimeAtBoot = (hi << 32 | lo) - (System.nanoTime() - bootNanos);
    }

    public static Kernel boot(KernelConfig config) { return new Kernel(config); }

    /**
     * The first virtio-rng on the virtio-mmio slots, as a SecureRandom; the host's SecureRandom if
     * the machine has none or it cannot be brought up (logged: a machine with a broken device is
     * worth knowing about, one without a device is normal).
     */
    private SecureRandom entropySource() {
        for (int slot = 0; slot < Machine.VIRTIO_SLOTS; slot++) {
            VirtioMmioTransport t = VirtioMmioTransport.probe(machine, slot);
            if (t == null || t.deviceId() != VirtioRngDriver.DEVICE_ID) continue;
            try {
                return new VirtioRandom(VirtioRngDriver.attach(t, frames), this::log);
            } catch (VirtioException e) {
                log(e.getMessage() + "; using the host's SecureRandom");
            }
        }
        return new SecureRandom();
    }

    public Machine machine() { return machine; }
    public FrameAllocator frames() { return frames; }
    public SyscallTable syscalls() { return syscalls; }
    public SecureRandom random() { return random; }

    public long monotonicNanos() { return System.nanoTime() - bootNanos; }
    public long realtimeNanos() { return realtimeAtBoot + monotonicNanos(); }

    /** CPU time of the calling kernel thread (the guest thread it carries). */
    public long cpuTimeNanos() {
        long t = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : monotonicNanos();
    }

    /** riscv_flush_icache / FENCE.I for everyone: drop decoded code and this hart's fetch TLB. */
    public void flushInstructionCaches(Hart hart) {
        machine.codeCache().invalidateAll();
        hart.flushTlb(-1, -1);
    }

    /** One line on the kernel log (the debug UART, i.e. the host's stderr). */
    public void log(String line) {
        byte[] b = ("fornax: " + line + "\n").getBytes(StandardCharsets.UTF_8);
        debug.write(b, 0, b.length);
    }

    /**
     * Runs host file {@code hostElf} as the first user process with the given argv/envp; returns its
     * exit status (0..255, or 128+signal when a signal killed it).
     */
    public int exec(Path hostElf, List<String> argv, List<String> envp) throws ExecException {
        if (argv.isEmpty()) throw new ExecException(hostElf + ": argv must hold at least the program name");
        byte[] image = readExecutable(hostElf);
        ElfImage elf;
        try {
            elf = ElfImage.parse(image, AddressSpace.USER_TOP, config.memoryBytes());
        } catch (ElfImage.Malformed e) {
            throw new ExecException(hostElf + ": " + e.getMessage());
        }
        if (elf.interpreter() != null)
            throw new ExecException(hostElf + ": dynamically linked (needs " + elf.interpreter()
                    + "); only static executables are supported so far (build with -static)");

        Hart hart = machine.hart(0);
        int asid;
        try {
            asid = asids.allocate();
        } catch (fornax.kernel.sys.SysError e) {
            throw new ExecException(hostElf + ": " + e.getMessage());
        }
        AddressSpace as = new AddressSpace(machine.ram(), frames, asid, hart::flushTlb);
        // The host file is not inside the guest's file tree; /proc/self/exe names it by its host path.
        Process process = new Process(nextPid.getAndIncrement(), as, hostElf.toAbsolutePath().normalize().toString(), "/tmp");
        ConsoleFile tty = new ConsoleFile(console, 0, config.terminal());
        process.installFd(0, tty);
        process.installFd(1, tty);
        process.installFd(2, new ConsoleFile(debug, 1, config.terminal()));
        Task task = new Task(process.pid(), process);

        byte[] rnd = new byte[16];
        random.nextBytes(rnd);
        ProgramLoader.Loaded loaded;
        try {
            loaded = ProgramLoader.load(elf, as, argv, envp, argv.getFirst(), new ProgramLoader.Credentials(0, 0, 0, 0),
                    process.rlimit(Process.RLIMIT_STACK)[0], rnd);
        } catch (RuntimeException e) {
            as.destroy();
            asids.free(asid);
            throw new ExecException(hostElf + ": cannot load: " + e.getMessage());
        }
        long[] ctx = task.context();
        ctx[Hart.CTX_PC] = loaded.entry();
        ctx[2] = loaded.sp();
        running.incrementAndGet();
        try {
            new TrapLoop(this, hart).run(task);
        } finally {
            running.decrementAndGet();
            process.closeAll();
            as.destroy();
            asids.free(asid);
        }
        return process.shellStatus();
    }

    private static byte[] readExecutable(Path p) throws ExecException {
        try {
            if (Files.isDirectory(p)) throw new ExecException(p + ": is a directory");
            long size = Files.size(p);
            if (size > MAX_EXECUTABLE) throw new ExecException(p + ": too large to be an executable (" + size + " bytes)");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ExecException(p + ": no such file");
        } catch (IOException e) {
            throw new ExecException(p + ": cannot read: " + e.getMessage());
        }
    }

    /** Processes that exist now. */
    public int processCount() { return running.get(); }

    /** Guest instructions retired on all harts since boot. */
    public long instructionsRetired() {
        long n = 0;
        for (int i = 0; i < machine.hartCount(); i++) n += machine.hart(i).instret();
        return n;
    }

    /** Powers the machine off through its power device, then releases the host side. */
    @Override public void close() {
        machine.bus().write32(Machine.POWER_BASE, fornax.machine.dev.PowerDevice.PASS);
        machine.close();
    }
}
