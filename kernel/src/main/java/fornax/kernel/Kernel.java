package fornax.kernel;

import fornax.kernel.dev.ConsoleFile;
import fornax.kernel.dev.UartDriver;
import fornax.kernel.dev.tty.KernelJobControl;
import fornax.kernel.dev.tty.Tty;
import fornax.kernel.dev.tty.TtyReceiver;
import fornax.kernel.dev.virtio.VirtioException;
import fornax.kernel.dev.virtio.VirtioMmioTransport;
import fornax.kernel.dev.virtio.VirtioRandom;
import fornax.kernel.dev.virtio.VirtioRngDriver;
import fornax.kernel.exec.ElfImage;
import fornax.kernel.exec.ProgramLoader;
import fornax.kernel.fs.devfs.DevFs;
import fornax.kernel.fs.pipe.PipeFs;
import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.AsidAllocator;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.sys.SyscallTable;
import fornax.kernel.trap.TrapLoop;
import fornax.kernel.vfs.Chan;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.Namespace;
import fornax.kernel.vfs.Stat;
import fornax.kernel.vfs.Vfs;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Fornax/J kernel: boots on a {@link Machine} and runs user programs on its harts.
 *
 * <p>Boot assembles the machine, takes over RAM with the frame allocator, brings up the console
 * drivers, reads the real-time clock and probes the virtio-mmio slots for an entropy device, which
 * then backs {@link #random()} (the host's SecureRandom does when there is none), and builds the
 * file tree: a tmpfs root holding /tmp, with the device server mounted on /dev, plus the pipe
 * device. {@link #exec} then loads a static riscv64 ELF into a new address space and runs it as the
 * first process (root "/", working directory "/tmp") until it exits.
 *
 * <p>Locking: the kernel object itself is immutable after boot except for the id counters, which
 * are atomic. Lock order (outermost first): Process → AddressSpace → FrameAllocator;
 * ProcessTable → Process (job-control changes and their reports happen under the table lock);
 * VirtioRandom → VirtioRngDriver → DriverQueue → device → PLIC.
 */
public final class Kernel implements AutoCloseable {
    /** How the boot tree walks to /dev to join servers to its union: the covered directory itself. */
    private static final int DEV_UNION = fornax.kernel.vfs.PathWalker.FOLLOW | fornax.kernel.vfs.PathWalker.MOUNTPOINT;
    /** Largest executable accepted from the host. */
    private static final long MAX_EXECUTABLE = 512L << 20;

    private final KernelConfig config;
    private final Machine machine;
    private final FrameAllocator frames;
    private final UartDriver console, debug;
    /**
     * The console terminal (line discipline, job control) and the thread feeding it, when the host
     * side is a terminal; null otherwise (the console is then a pipe-like {@link ConsoleFile}).
     */
    private final Tty consoleTty;
    private final TtyReceiver consoleReceiver;
    private final SyscallTable syscalls = new SyscallTable();
    private final SecureRandom random;
    /** The file tree every process sees (one namespace until per-process namespaces land). */
    private final Namespace namespace;
    private final long bootNanos;
    private final long realtimeAtBoot;
    private final AsidAllocator asids = new AsidAllocator();
    private final fornax.kernel.proc.ProcessTable processes = new fornax.kernel.proc.ProcessTable();
    private final fornax.kernel.sched.Scheduler scheduler;
    /** Per-hart and per-task CPU time, load averages (its ticker runs while processes exist). */
    private final fornax.kernel.sched.CpuAccounting accounting;
    /** The root tmpfs; set once while booting (fileTree), then read only. */
    private TmpFs rootFs;
    /** The fault supervisor and its boot services; set once while booting (fileTree), then read only. */
    private KernelServices services;
    private final TrapLoop trapLoop;
    /** The signal trampoline's code, one frame mapped read-only into every process. */
    private final long trampolineFrame;
    private final AtomicInteger running = new AtomicInteger();
    private final fornax.kernel.proc.Futexes futexes = new fornax.kernel.proc.Futexes();
    /** fcntl record locks and flock locks of every file. */
    private final fornax.kernel.vfs.FileLocks fileLocks = new fornax.kernel.vfs.FileLocks();
    /** The one timer thread: itimers, POSIX timers, timerfds. Closed with the kernel. */
    private final fornax.kernel.time.KernelTimers timers =
            new fornax.kernel.time.KernelTimers(this::monotonicNanos, this::sendSignal);
    /** The page-fault out-of-memory policy. */
    private final fornax.kernel.mm.OomKiller oomKiller;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private Kernel(KernelConfig config) {
        this.config = config;
        this.machine = new Machine(new Machine.Config(config.cpus(), config.memoryBytes(), config.consoleIn(),
                config.consoleOut(), config.debugOut()));
        this.frames = new FrameAllocator(machine.ram());
        this.oomKiller = new fornax.kernel.mm.OomKiller(frames, new OomHost());
        MmioBus bus = machine.bus();
        this.console = new UartDriver(bus, Machine.UART0_BASE, machine.plic(), Machine.PLIC_BASE, Machine.UART0_IRQ);
        this.debug = new UartDriver(bus, Machine.UART1_BASE, machine.plic(), Machine.PLIC_BASE, Machine.UART1_IRQ);
        this.consoleTty = config.terminal() ? new Tty(console::write, new KernelJobControl(this)) : null;
        this.random = entropySource();
        this.bootNanos = machine.bootNanos();
        Hart[] harts = new Hart[machine.hartCount()];
        for (int i = 0; i < harts.length; i++) harts[i] = machine.hart(i);
        this.scheduler = new fornax.kernel.sched.Scheduler(harts);
        this.accounting = new fornax.kernel.sched.CpuAccounting(scheduler, processes, bootNanos);
        this.trampolineFrame = frames.allocZeroed();
        byte[] code = new byte[8];
        java.nio.ByteBuffer.wrap(code).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(fornax.kernel.trap.SignalDelivery.TRAMPOLINE_CODE[0])
                .putInt(fornax.kernel.trap.SignalDelivery.TRAMPOLINE_CODE[1]);
        machine.ram().write(trampolineFrame, code, 0, code.length);
        this.trapLoop = new TrapLoop(this, scheduler);
        long lo = bus.read32(Machine.RTC_BASE) & 0xFFFFFFFFL;   // reading TIME_LOW latches TIME_HIGH
        long hi = bus.read32(Machine.RTC_BASE + 4) & 0xFFFFFFFFL;
        this.realtimeAtBoot = (hi << 32 | lo) - (System.nanoTime() - bootNanos);
        this.namespace = fileTree();
        this.consoleReceiver = consoleTty == null ? null : TtyReceiver.start(console, consoleTty);
    }

    /**
     * The boot file tree: a tmpfs root (half of RAM for data, as Linux sizes tmpfs, less if the JVM
     * heap is short) with /tmp (mode 1777), /dev (the device server mounted on it) and /proc
     * (procfs mounted on it); the namespace's device table has the pipe device ('|') and the
     * console devices ('c').
     */
    private Namespace fileTree() {
        java.util.function.LongSupplier clock = this::realtimeNanos;
        long heapLeft = Runtime.getRuntime().maxMemory() - config.memoryBytes();
        long tmpfsBytes = Math.max(16L << 20, Math.min(config.memoryBytes() / 2, heapLeft / 2));
        TmpFs root = new TmpFs(Stat.makedev(0, 1), clock, tmpfsBytes, 0755, frames);
        rootFs = root;
        DevFs dev = consoleTty != null
                ? new DevFs(Stat.makedev(0, 5), clock, random, consoleTty.device(false), consoleTty.device(true))
                : new DevFs(Stat.makedev(0, 5), clock, random, new ConsoleFile(console, 0), false);
        var proc = new fornax.kernel.fs.procfs.ProcFs(Stat.makedev(0, 4), procSource());
        java.util.concurrent.atomic.AtomicInteger tmpMinor = new java.util.concurrent.atomic.AtomicInteger(100);
        Tty tty = consoleTty;
        services = new KernelServices(this, tty != null ? tty.device(false) : DevFs.fileDevice(new ConsoleFile(console, 0)),
                raw -> { if (tty != null) tty.setRaw(raw); }, realtimeAtBoot, tmpfsBytes);
        Namespace ns = new Namespace(root, Map.of('|', new PipeFs(Stat.makedev(0, 12), clock, fornax.kernel.mm.PageSource.frames(frames, machine.ram())), 'c', dev,
                's', services.supFs()),
                Map.of("tmpfs", () -> new TmpFs(Stat.makedev(0, tmpMinor.getAndIncrement()), clock, tmpfsBytes, 01777, frames),
                        "devtmpfs", () -> dev, "proc", () -> proc,
                        fornax.kernel.vfs.NamespaceOps.PRIVATE_DEVICES, dev::fresh));
        FsContext boot = FsContext.initial(ns, "/");
        try {
            boot.setUmask(0);
            Vfs.mkdir(boot, null, "/tmp", 01777);
            Vfs.mkdir(boot, null, "/dev", 0755);
            try (Chan d = Vfs.lookup(boot, null, "/dev", true)) {
                ns.mount(d, dev, "devtmpfs");
            }
            // Plan 9's devcons through the 9P path, and the supervisor's tree, after the devices
            fornax.kernel.sup.Service cons = services.startConsole();
            if (cons != null) {
                try (Chan d = fornax.kernel.vfs.PathWalker.walk(boot, null, "/dev", DEV_UNION)) {
                    ns.mount(d, cons.fs(), "9p", "#s/cons", Namespace.MAFTER, false);
                }
            }
            try (Chan d = fornax.kernel.vfs.PathWalker.walk(boot, null, "/dev", DEV_UNION)) {
                ns.mount(d, services.supFs(), "sup", "#s", Namespace.MAFTER, false);
            }
            Vfs.mkdir(boot, null, "/proc", 0555);
            try (Chan d = Vfs.lookup(boot, null, "/proc", true)) {
                ns.mount(d, proc, "proc");
            }
        } finally {
            boot.release();
        }
        return ns;
    }

    /** What procfs reads: this kernel's processes, memory, CPU accounting and clocks. */
    private fornax.kernel.fs.procfs.ProcSource procSource() {
        fornax.kernel.fs.procfs.ProcSource.Uname uname = new fornax.kernel.fs.procfs.ProcSource.Uname(
                fornax.kernel.sys.SysInfo.SYSNAME, fornax.kernel.sys.SysInfo.NODENAME, fornax.kernel.sys.SysInfo.RELEASE,
                fornax.kernel.sys.SysInfo.VERSION, fornax.kernel.sys.SysInfo.MACHINE);
        return new fornax.kernel.fs.procfs.ProcSource() {
            @Override public fornax.kernel.proc.ProcessTable processes() { return processes; }
            @Override public Task caller() { return CURRENT.get(); }
            @Override public FrameAllocator frames() { return frames; }
            @Override public fornax.kernel.sched.CpuAccounting cpu() { return accounting; }
            @Override public long uptimeNanos() { return monotonicNanos(); }
            @Override public long sinceBoot(long hostNanos) { return hostNanos - bootNanos; }
            @Override public long bootRealtimeNanos() { return realtimeAtBoot; }
            @Override public long shmemBytes() { return Kernel.this.shmemBytes(); }
            @Override public Uname uname() { return uname; }
        };
    }

    public static Kernel boot(KernelConfig config) { return new Kernel(config); }

    static {
        fornax.kernel.ninep.client.NinePClient.setInterruptPolicy(Kernel::fatalSignalPending);
    }

    /**
     * Linux's fatal_signal_pending for the calling thread: the task is exiting, or a signal that
     * will kill it is pending and not blocked (SIGKILL, or one whose action is the default and
     * the default terminates). Threads that are not tasks: any interrupt counts.
     */
    static boolean fatalSignalPending() {
        Task t = CURRENT.get();
        if (t == null) return true;
        Process p = t.process();
        if (t.exiting || p.hasExited()) return true;
        long pending = t.allPending() & ~(t.signalMask & ~Signals.UNBLOCKABLE);
        for (int sig = 1; sig <= 64; sig++) {
            if ((pending & (1L << (sig - 1))) == 0) continue;
            if (sig == Signals.SIGKILL) return true;
            Signals.DefaultAction a = Signals.defaultAction(sig);
            if (p.handler(sig) == 0 && (a == Signals.DefaultAction.TERMINATE || a == Signals.DefaultAction.CORE)) return true;
        }
        return false;
    }

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
    public fornax.kernel.sched.CpuAccounting cpuAccounting() { return accounting; }

    /** Bytes of file data in the root tmpfs (held in the kernel's memory, not the machine's RAM). */
    public long shmemBytes() { return rootFs.usedBytes(); }

    public long monotonicNanos() { return System.nanoTime() - bootNanos; }
    public long realtimeNanos() { return realtimeAtBoot + monotonicNanos(); }

    /** CPU time of the calling kernel thread (the guest thread it carries). */
    public long cpuTimeNanos() {
        long t = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : monotonicNanos();
    }

    /**
     * riscv_flush_icache / FENCE.I for everyone: drop all decoded code. Fetch TLBs notice that the
     * decoded pages they hold went stale and refill.
     */
    public void flushInstructionCaches() {
        machine.codeCache().invalidateAll();
    }

    /** Kernel messages not shown on the console (what Linux keeps in dmesg); bounded. */
    private final java.util.ArrayDeque<String> messages = new java.util.ArrayDeque<>(); // guarded by itself

    /** Records a kernel message without printing it. */
    public void dmesg(String line) {
        synchronized (messages) {
            if (messages.size() == 1000) messages.removeFirst();
            messages.addLast(String.format("[%12.6f] %s", monotonicNanos() / 1e9, line));
        }
    }

    /** The recorded kernel messages, oldest first. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** One line on the kernel log (the debug UART, i.e. the host's stderr), also kept in dmesg. */
    public void log(String line) {
        dmesg(line);
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

        AddressSpace as = newAddressSpace();
        if (as == null) throw new ExecException(hostElf + ": out of address-space identifiers");
        // The host file is not inside the guest's file tree; /proc/self/exe names it by its host path.
        Process process = new Process(processes.allocatePid(), as, hostElf.toAbsolutePath().normalize().toString(),
                FsContext.initial(namespace, "/tmp"));
        Task task = new Task(process.pid(), process);
        task.name = fornax.kernel.sys.SysExec.comm(hostElf.getFileName().toString());

        byte[] rnd = new byte[16];
        random.nextBytes(rnd);
        ProgramLoader.Loaded loaded;
        try {
            loaded = ProgramLoader.load(elf, as, argv, envp, argv.getFirst(), new ProgramLoader.Credentials(0, 0, 0, 0),
                    process.rlimit(Process.RLIMIT_STACK)[0], rnd);
        } catch (RuntimeException e) {
            releaseAddressSpace(as);
            process.fs().release();
            throw new ExecException(hostElf + ": cannot load: " + e.getMessage());
        }
        mapTrampoline(as);
        long[] ctx = task.context();
        ctx[Hart.CTX_PC] = loaded.entry();
        ctx[2] = loaded.sp();
        return runInit(task);
    }

    /**
     * Starts {@code task}'s process as the first process and waits for it to end; returns its exit
     * status (128+signal if killed). Its stdin, stdout and stderr: when the host side is a
     * terminal, /dev/console opened once (one description, as Linux's init has it), and the first
     * process leads the first session with the console as its controlling terminal; otherwise the
     * console and the debug UART as pipes.
     */
    private int runInit(Task task) {
        Process process = task.process();
        if (consoleTty != null) {
            fornax.kernel.vfs.ChanFile cons;
            try {
                cons = Vfs.open(process.fs(), null, "/dev/console", fornax.kernel.vfs.OpenFlags.O_RDWR, 0);
            } catch (fornax.kernel.sys.SysError e) {
                throw new IllegalStateException("the boot file tree has no /dev/console: " + e.getMessage(), e);
            }
            fornax.kernel.vfs.FileDescription d = new fornax.kernel.vfs.FileDescription(cons, fornax.kernel.vfs.OpenFlags.O_RDWR);
            process.fds().installAt(0, d, false);
            process.fds().installAt(1, d.retain(), false);
            process.fds().installAt(2, d.retain(), false);
        } else {
            ConsoleFile out = new ConsoleFile(console, 0);
            process.installFd(0, out);
            process.installFd(1, out);
            process.installFd(2, new ConsoleFile(debug, 1));
        }
        processes.add(process, null);
        if (consoleTty != null) {
            processes.setControllingTerminal(process, consoleTty);
            consoleTty.attachSession(process.sid(), process.pgid());
        }
        start(task);
        try {
            process.awaitRetired();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.exit(Signals.SIGKILL);
        }
        return process.shellStatus();
    }

    /**
     * The host terminal's window size, for the console's TIOCGWINSZ (SIGWINCH to its foreground
     * group when it changes). Ignored when the console is not a terminal.
     */
    public void resizeConsole(int rows, int cols) {
        if (consoleTty != null && rows > 0 && cols > 0 && rows < 0x10000 && cols < 0x10000)
            consoleTty.setWindowSize(rows, cols);
    }

    /**
     * Unpacks a cpio (newc) root image into the root tmpfs: directories, regular files, symlinks
     * and hard links with their permissions. Entries already present (/tmp, /dev) are kept.
     */
    public void loadRootImage(Path cpio) throws ExecException {
        fornax.kernel.initramfs.CpioArchive archive;
        try {
            archive = fornax.kernel.initramfs.CpioArchive.read(cpio);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ExecException(cpio + ": no such root image");
        } catch (IOException e) {
            throw new ExecException(cpio + ": not a usable root image: " + e.getMessage());
        }
        FsContext fs = FsContext.initial(namespace, "/");
        try {
            fs.setUmask(0);
            for (fornax.kernel.initramfs.CpioEntry e : archive.entries()) {
                String path = "/" + e.path();
                if (e.path().equals(".") || e.path().isEmpty()) continue;
                try {
                    if (e.isDirectory()) {
                        if (!exists(fs, path)) Vfs.mkdir(fs, null, path, e.permissions());
                    } else if (e.isSymlink()) {
                        Vfs.symlink(fs, e.linkTarget(), null, path);
                    } else if (e.hardLinkOf() != null) {
                        Vfs.link(fs, null, "/" + e.hardLinkOf(), false, null, path);
                    } else if (e.isRegular()) {
                        fornax.kernel.vfs.ChanFile f = Vfs.open(fs, null, path,
                                fornax.kernel.vfs.OpenFlags.O_CREAT | fornax.kernel.vfs.OpenFlags.O_WRONLY
                                        | fornax.kernel.vfs.OpenFlags.O_TRUNC, e.permissions());
                        try {
                            for (int off = 0; off < e.data().length; ) off += f.pwrite(off, e.data(), off, e.data().length - off);
                        } finally {
                            f.close();
                        }
                    }
                    // Device nodes, FIFOs and sockets in an image are skipped: /dev comes from devfs.
                } catch (fornax.kernel.sys.SysError err) {
                    throw new ExecException(cpio + ": cannot unpack " + path + ": " + err.getMessage());
                }
            }
        } finally {
            fs.release();
        }
    }

    /** Minor device numbers for host folders mounted with {@link #mountHost} (st_dev 0:20 and up). */
    private final AtomicInteger nextHostMinor = new AtomicInteger(20);

    /**
     * Mounts host directory {@code hostDir} on {@code guestPath} (absolute; created with its parents
     * if missing), read-write or {@code readOnly} (changes are EROFS): docker's {@code -v}. Call it
     * after {@link #loadRootImage}, so the image's files land in the tmpfs and not in the folder.
     */
    public void mountHost(Path hostDir, String guestPath, boolean readOnly) throws ExecException {
        if (!guestPath.startsWith("/") || guestPath.replace("/", "").isEmpty())
            throw new ExecException(guestPath + ": the guest directory must be an absolute path other than /");
        fornax.kernel.fs.hostfs.HostFs server;
        try {
            server = new fornax.kernel.fs.hostfs.HostFs(hostDir, Stat.makedev(0, nextHostMinor.getAndIncrement()),
                    this::realtimeNanos, readOnly, this::log);
        } catch (IllegalArgumentException e) {
            throw new ExecException(e.getMessage());
        }
        mountAt(guestPath, server, "hostfs", "hostfs:" + server.hostRoot(), false, hostDir.toString());
    }

    /**
     * Mounts {@code server} on {@code guestPath} of the boot namespace, making the directories
     * that are missing (docker's -v does the same).
     */
    private void mountAt(String guestPath, fornax.kernel.vfs.FileServer server, String type, String source,
                         boolean readOnly, String what) throws ExecException {
        FsContext fs = FsContext.initial(namespace, "/");
        try {
            fs.setUmask(0);
            StringBuilder prefix = new StringBuilder();
            for (String part : guestPath.split("/")) {
                if (part.isEmpty()) continue;
                prefix.append('/').append(part);
                if (!exists(fs, prefix.toString())) Vfs.mkdir(fs, null, prefix.toString(), 0755);
            }
            try (Chan d = Vfs.lookup(fs, null, guestPath, true)) {
                namespace.mount(d, server, type.equals("hostfs") ? source : type, source,
                        Namespace.MREPL | Namespace.MCREATE, readOnly);
            }
        } catch (fornax.kernel.sys.SysError e) {
            throw new ExecException(guestPath + ": cannot mount " + what + " there: " + e.getMessage());
        } finally {
            fs.release();
        }
    }

    /**
     * Mounts the 9P2000.L server at {@code host}:{@code port} (diod, another Fornax's export) on
     * {@code guestPath}, attaching to tree {@code aname}: the kernel's 9P client over a host TCP
     * connection, until the guest has a network of its own. A lost connection is logged; its
     * files are EIO from then on.
     */
    public void mountRemote(String host, int port, String aname, String guestPath, boolean readOnly) throws ExecException {
        if (!guestPath.startsWith("/") || guestPath.replace("/", "").isEmpty())
            throw new ExecException(guestPath + ": the guest directory must be an absolute path other than /");
        String dial = "tcp!" + host + "!" + port;
        fornax.kernel.ninep.client.NinePClient client;
        try {
            java.net.Socket socket = new java.net.Socket();
            socket.connect(new java.net.InetSocketAddress(host, port), 10_000);
            socket.setTcpNoDelay(true);
            var t = new fornax.kernel.ninep.transport.StreamTransport(socket.getInputStream(), socket.getOutputStream(),
                    socket, dial);
            client = fornax.kernel.ninep.client.NinePClient.connect(t, aname,
                    fornax.kernel.ninep.client.NinePMount.DEFAULT_MSIZE, fornax.kernel.ninep.client.NinePMount.anonymousDev(),
                    dial, reason -> log("9p " + dial + " on " + guestPath + ": connection lost: " + reason));
        } catch (IOException | fornax.kernel.sys.SysError e) {
            throw new ExecException(dial + ": cannot connect: " + e.getMessage());
        }
        try {
            mountAt(guestPath, client, "9p", dial, readOnly, dial);
        } catch (ExecException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * A new file-system context in the first process's namespace, with its root, while it runs;
     * else (before it starts, after it ends) in the boot namespace, which it shares unless it
     * unshared. The caller releases it. What {@code --export} serves.
     */
    public FsContext firstProcessContext() {
        try {
            return processes.lookup(null, 1).fs().fork();
        } catch (fornax.kernel.sys.SysError e) {
            return FsContext.initial(namespace, "/");
        }
    }

    private static boolean exists(FsContext fs, String path) {
        try (Chan c = Vfs.lookup(fs, null, path, false)) {
            return true;
        } catch (fornax.kernel.sys.SysError e) {
            return false;
        }
    }

    /**
     * Runs {@code path} from the guest's file tree as the first process (pid 1, cwd /root or /),
     * with stdio on the consoles; returns its exit status (128+signal if killed).
     */
    public int run(String path, List<String> argv, List<String> envp) throws ExecException {
        FsContext probe = FsContext.initial(namespace, "/");
        boolean haveRoot;
        try {
            haveRoot = exists(probe, "/root");
        } finally {
            probe.release();
        }
        Task task;
        try {
            task = newProcess(path, argv, envp, FsContext.initial(namespace, haveRoot ? "/root" : "/"), null);
        } catch (fornax.kernel.sys.SysError e) {
            throw new ExecException(path + ": " + e.getMessage());
        }
        return runInit(task);
    }

    /**
     * A new process running guest file {@code path}, its first task ready to start: an address
     * space of its own, the image execve would load, the next pid of {@code pidNs} (null: the
     * root namespace). It takes {@code fs}. If anything fails, what was made is undone (the
     * address space, the pid, {@code fs}) and the SysError goes to the caller: ENOENT, ENOEXEC...
     * as execve, EAGAIN when out of address spaces or pids. What run, spawn and runContainer share.
     */
    private Task newProcess(String path, List<String> argv, List<String> envp, FsContext fs,
                            fornax.kernel.proc.PidNamespace pidNs) {
        AddressSpace placeholder = newAddressSpace();
        if (placeholder == null) {
            fs.release();
            throw new fornax.kernel.sys.SysError(fornax.kernel.sys.Errno.EAGAIN, "out of address-space identifiers");
        }
        int pid;
        try {
            pid = pidNs == null ? processes.allocatePid() : processes.allocatePid(pidNs);
        } catch (fornax.kernel.sys.SysError e) {
            releaseAddressSpace(placeholder);
            fs.release();
            throw e;
        }
        Process process = new Process(pid, placeholder, path, fs);
        if (pidNs != null) process.joinPidNamespace(pidNs);
        fornax.kernel.sys.SysExec.Prepared image;
        try {
            image = fornax.kernel.sys.SysExec.prepare(this, process, path, argv, envp);
        } catch (fornax.kernel.sys.SysError e) {
            if (pidNs != null) processes.forgetPid(pidNs, pid);
            releaseAddressSpace(placeholder);
            process.fs().release();
            throw e;
        }
        releaseAddressSpace(process.replaceImage(image.as(), image.path()));
        Task task = new Task(process.pid(), process);
        task.name = fornax.kernel.sys.SysExec.comm(path);
        fornax.kernel.sys.SysExec.start(task, image);
        return task;
    }

    /** A file-system context at the boot namespace's root; the caller releases it. */
    FsContext bootContext() { return FsContext.initial(namespace, "/"); }

    /** The fault supervisor. */
    public fornax.kernel.sup.Supervisor supervisor() { return services.supervisor(); }

    /**
     * Starts guest program {@code path} as a process of its own, with no parent (the kernel's,
     * like a server started by the supervisor), in the boot namespace at /, with {@code stdio} as
     * descriptors 0, 1, ... and the kernel log as the next one (its stderr when two are given).
     * ENOENT, ENOEXEC... as execve; EAGAIN when out of address spaces.
     */
    public Process spawn(String path, List<String> argv, List<fornax.kernel.vfs.OpenFile> stdio) {
        Task task = newProcess(path, argv, List.of("PATH=/bin:/sbin:/usr/bin:/usr/sbin"), FsContext.initial(namespace, "/"), null);
        Process process = task.process();
        for (int i = 0; i < stdio.size(); i++) process.installFd(i, stdio.get(i));
        process.installFd(stdio.size(), new ConsoleFile(debug, 1));
        processes.add(process, null);
        start(task);
        return process;
    }

    /**
     * {@code fornax run --container DIR}: runs {@code path} as the first process of a container.
     * Its root is host folder {@code hostDir} (hostfs, confined to the folder), with a device
     * server of its own on /dev and proc on /proc (both directories are made in the folder if
     * missing, as docker makes mount points); nothing of the boot tree can be named from it. It
     * lives in a pid namespace of its own, where it is 1, whose processes together may hold at
     * most {@code memoryLimit} bytes of memory and {@code taskLimit} processes and threads
     * (RLIM_INFINITY, -1, for no limit). Stdio as {@link #run}. Returns its exit status.
     */
    public int runContainer(Path hostDir, String path, List<String> argv, List<String> envp, long memoryLimit,
                            long taskLimit) throws ExecException {
        fornax.kernel.fs.hostfs.HostFs server;
        try {
            server = new fornax.kernel.fs.hostfs.HostFs(hostDir, Stat.makedev(0, nextHostMinor.getAndIncrement()),
                    this::realtimeNanos, false, this::log);
        } catch (IllegalArgumentException e) {
            throw new ExecException(e.getMessage());
        }
        Namespace plain = new Namespace(server);
        FsContext setup = FsContext.initial(plain, "/");
        boolean haveRoot;
        try {
            setup.setUmask(0);
            for (String[] d : new String[][] {{"/dev", "755"}, {"/proc", "555"}}) {
                try {
                    if (!exists(setup, d[0])) Vfs.mkdir(setup, null, d[0], Integer.parseInt(d[1], 8));
                    try (Chan c = Vfs.lookup(setup, null, d[0], true)) {
                        if (!c.isDir()) throw new fornax.kernel.sys.SysError(fornax.kernel.sys.Errno.ENOTDIR);
                    }
                } catch (fornax.kernel.sys.SysError e) {
                    throw new ExecException(hostDir + ": cannot use " + d[0] + " there as a mount point: " + e.getMessage());
                }
            }
            haveRoot = exists(setup, "/root");
        } finally {
            setup.release();
            plain.release();
        }
        fornax.kernel.proc.PidNamespace pidNs = new fornax.kernel.proc.PidNamespace(fornax.kernel.proc.PidNamespace.ROOT,
                taskLimit, memoryLimit < 0 ? null : new fornax.kernel.mm.MemoryLimit(memoryLimit, null));
        Namespace ns = fornax.kernel.vfs.NamespaceOps.container(namespace, server);
        FsContext fs;
        try {
            fs = FsContext.initial(ns, haveRoot ? "/root" : "/");
        } finally {
            ns.release();   // the context holds it now
        }
        Task task;
        try {
            task = newProcess(path, argv, envp, fs, pidNs);
        } catch (fornax.kernel.sys.SysError e) {
            throw new ExecException(path + ": " + (e.errno() == fornax.kernel.sys.Errno.ENOENT
                    ? "no such file in the container's root " + hostDir : e.getMessage()));
        }
        return runInit(task);
    }

    /** Maps the shared signal-return trampoline page into a new image. */
    public void mapTrampoline(AddressSpace as) {
        as.mapFrame(AddressSpace.TRAMPOLINE, trampolineFrame, fornax.kernel.mm.Vma.PROT_READ | fornax.kernel.mm.Vma.PROT_EXEC);
    }

    /** A fresh address space with its own ASID, or null when every ASID is in use. */
    public AddressSpace newAddressSpace() {
        int asid;
        try {
            asid = asids.allocate();
        } catch (fornax.kernel.sys.SysError e) {
            return null;
        }
        return new AddressSpace(machine.ram(), frames, asid, this::flushCurrentHart);
    }

    /** fork: a copy-on-write copy of {@code parent} under a new ASID; EAGAIN when none is free. */
    public AddressSpace forkAddressSpace(AddressSpace parent) {
        int asid = asids.allocate();
        try {
            return parent.fork(asid, this::flushCurrentHart);
        } catch (RuntimeException e) {
            asids.free(asid);
            throw e;
        }
    }

    /** Destroys an address space and recycles its ASID. */
    public void releaseAddressSpace(AddressSpace as) {
        as.destroy();
        asids.free(as.asid());
    }

    /**
     * A translation changed while the calling task holds a hart (a page fault it is handling):
     * flush that hart now. Harts not running the task catch up when a task next acquires them,
     * through the address space's TLB generation.
     */
    private void flushCurrentHart(long va, int asid) {
        Task t = CURRENT.get();
        if (t != null && t.hart != null) t.hart.flushTlb(va, asid);
    }

    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    /** The guest task the calling kernel thread carries, or null for any other thread. */
    public static Task currentTask() { return CURRENT.get(); }

    public fornax.kernel.proc.ProcessTable processes() { return processes; }

    /** The hart scheduler. */
    public fornax.kernel.sched.Scheduler scheduler() { return scheduler; }

    /** The out-of-memory policy for page faults. */
    public fornax.kernel.mm.OomKiller oomKiller() { return oomKiller; }

    /** A process as the out-of-memory policy sees it. */
    public record OomCandidate(Process process) implements fornax.kernel.mm.OomKiller.Candidate {
        @Override public int pid() { return process.pid(); }
        @Override public long residentPages() { return process.addressSpace().residentPages(); }
        @Override public boolean exiting() { return process.hasExited(); }
        @Override public fornax.kernel.mm.MemoryLimit limit() { return process.addressSpace().memoryLimit(); }
    }

    private final class OomHost implements fornax.kernel.mm.OomKiller.Host {
        @Override public List<OomCandidate> candidates() {
            return processes.all().stream().map(OomCandidate::new).toList();
        }
        @Override public void kill(fornax.kernel.mm.OomKiller.Candidate victim) {
            sendSignal(((OomCandidate) victim).process(), Signals.SIGKILL, 0);
        }
        @Override public void log(String line) { Kernel.this.log(line); }
    }

    /** The kernel's timer service. */
    public fornax.kernel.time.KernelTimers timers() { return timers; }

    // ------------------------------------------------------------------ signals and job control

    private static final long STOP_SIGNALS = 1L << (Signals.SIGSTOP - 1) | 1L << (Signals.SIGTSTP - 1)
            | 1L << (Signals.SIGTTIN - 1) | 1L << (Signals.SIGTTOU - 1);
    private static final long SIGCONT_BIT = 1L << (Signals.SIGCONT - 1);

    /**
     * Posts {@code sig} to process {@code target} and makes sure it is noticed: a task running user
     * code is interrupted (an IPI to its hart), a task blocked in a syscall is woken (EINTR) if the
     * signal will do something (caught, or fatal by default).
     *
     * <p>Job control happens here, at send time, as Linux's prepare_signal does: SIGCONT resumes a
     * stopped process and drops pending stops; a stop signal drops a pending SIGCONT, and one whose
     * action is the default stop and that no thread blocks stops the process at once (a task blocked
     * in a syscall finishes it and then waits before returning to user mode). SIGKILL ends a stop.
     */
    public void sendSignal(Process target, int sig, int senderPid) { sendSignal(target, sig, senderPid, 0); }

    /**
     * {@code fornax boot}: pid 1 is the system's init rather than a program the user ran. Like
     * Linux's init it then ignores every signal it has no handler for, except the three that
     * busybox's halt, poweroff and reboot send to init (SIGUSR1, SIGUSR2, SIGTERM), which shut the
     * machine down as busybox init would. Set before the first process starts.
     */
    public void treatFirstProcessAsInit() { initSemantics = true; }

    private volatile boolean initSemantics;

    /**
     * Ends every process (init with status 0, the rest with SIGKILL), which ends the launcher's
     * wait for init: reboot(2), or halt/poweroff/reboot to init. A restart powers off too: the
     * JVM does not boot itself again.
     */
    public void shutdown(String what) {
        log("reboot: " + what);
        for (Process p : processes.all()) {
            if (p.pid() != 1) exitGroup(p, Signals.SIGKILL);
        }
        Process init = processes.get(1);
        if (init != null) exitGroup(init, 0);
    }

    /** {@link #sendSignal(Process, int, int)} with an explicit si_code. */
    public void sendSignal(Process target, int sig, int senderPid, int code) {
        if (initSemantics && target.pid() == 1 && sig != Signals.SIGCHLD && target.handler(sig) == 0) {
            switch (sig) {
                case Signals.SIGUSR1 -> shutdown("System halted");
                case Signals.SIGUSR2 -> shutdown("Power down");
                case Signals.SIGTERM -> shutdown("Restarting system (a restart powers off: the JVM does not boot again)");
                default -> { }     // init is unkillable by signals it does not handle, as on Linux
            }
            return;
        }
        if (jobControl(target, sig)) return;
        beforePost(target, sig);
        target.post(sig, senderPid, code);
        resumeFor(target, sig);
        wake(target, null, sig);
    }

    /** A signal from a timer: si_code, the timer id in {@code sender}, and an si_value. */
    private void sendSignal(Process target, int sig, int code, int sender, long value) {
        target.post(sig, sender, code, value);
        wake(target, null, sig);
    }

    /** tkill/tgkill: {@code sig} for one thread. */
    public void sendSignal(Task target, int sig, int senderPid, int code) {
        if (jobControl(target.process(), sig)) return;
        beforePost(target.process(), sig);
        target.post(sig, senderPid, code);
        resumeFor(target.process(), sig);
        wake(target.process(), target, sig);
    }

    /**
     * After {@code sig} is posted: SIGKILL and SIGCONT resume a stopped process. The signal is
     * posted first, so a resumed task finds it on its way back to user mode (SIGKILL kills before
     * another instruction runs; a SIGCONT handler runs before the interrupted code goes on).
     */
    private void resumeFor(Process p, int sig) {
        if (sig == Signals.SIGKILL) {
            p.resume();
        } else if (sig == Signals.SIGCONT) {
            ProcessTable.JobChange ch = processes.resume(p);
            if (ch.parent() != null) wake(ch.parent(), null, Signals.SIGCHLD);
        }
    }

    /** Before {@code sig} is posted: SIGCONT drops pending stop signals. */
    private static void beforePost(Process p, int sig) {
        if (sig == Signals.SIGCONT) {
            p.discard(STOP_SIGNALS);
            for (Task t : p.tasks()) t.discard(STOP_SIGNALS);
        }
    }

    /** The job-control side of sending a stop signal {@code sig}; true if the signal is consumed by it. */
    private boolean jobControl(Process p, int sig) {
        long bit = 1L << (sig - 1);
        if ((STOP_SIGNALS & bit) != 0) {
            p.discard(SIGCONT_BIT);
            for (Task t : p.tasks()) t.discard(SIGCONT_BIT);
            long handler = p.handler(sig);
            if (handler == 1 && sig != Signals.SIGSTOP) return true;              // ignored
            if (sig == Signals.SIGSTOP || handler == 0 && !blockedByAll(p, bit)) {
                if (sig == Signals.SIGSTOP || !processes.isOrphanedGroup(p.pgid())) stopProcess(p, sig);
                return true;
            }
        }
        return false;
    }

    private static boolean blockedByAll(Process p, long bit) {
        for (Task t : p.tasks()) if ((t.signalMask & bit) == 0) return false;
        return true;
    }

    /**
     * Stops {@code p} with {@code sig}: its tasks running user code are interrupted and wait in the
     * trap loop; the parent hears of it (wait4 WUNTRACED, SIGCHLD).
     */
    public void stopProcess(Process p, int sig) {
        ProcessTable.JobChange ch = processes.stop(p, sig);
        if (!ch.changed()) return;
        for (Task t : p.tasks()) {
            Hart h = t.hart;
            if (h != null) h.interrupt();
        }
        if (ch.parent() != null) wake(ch.parent(), null, Signals.SIGCHLD);
    }

    /**
     * Sends {@code sig} (0: only checks) to every live member of process group {@code pgid};
     * returns how many there were.
     */
    public int signalGroup(int pgid, int sig, int senderPid) { return signalGroup(pgid, sig, senderPid, null); }

    /**
     * {@link #signalGroup(int, int, int)} restricted to the members {@code view} holds (a caller in
     * a container cannot reach a process outside it through a shared group); null: every member.
     */
    public int signalGroup(int pgid, int sig, int senderPid, fornax.kernel.proc.PidNamespace view) {
        // Under the process table's lock, where fork adds a child only if its parent has no SIGKILL
        // pending: a group kill racing a fork then reaches the child, or its parent before it is
        // added (and the fork fails as the parent dies). Otherwise a fork bomb's children escape
        // kill(-pgid, SIGKILL).
        synchronized (processes) {
            List<Process> members = processes.group(pgid);
            if (view != null) members.removeIf(p -> !view.sees(p));
            if (sig != 0) for (Process p : members) sendSignal(p, sig, senderPid);
            return members.size();
        }
    }

    /**
     * Makes a posted signal noticed by {@code only}, or else by one thread of {@code target} that
     * does not block it (see {@link #sendSignal(Process, int, int)}).
     */
    private void wake(Process target, Task only, int sig) {
        long handler = target.handler(sig);
        boolean acts = handler > 1 || handler == 0 && switch (Signals.defaultAction(sig)) {
            case TERMINATE, CORE -> true;
            default -> false;
        };
        if (!acts) return;
        long bit = 1L << (sig - 1);
        if (only != null) {
            if ((only.signalMask & bit) == 0) interrupt(only);
            return;
        }
        for (Task t : target.tasks()) {
            if ((t.signalMask & bit) == 0) {
                interrupt(t);
                return;
            }
        }
    }

    /** Interrupts {@code t}: its hart if it runs user code, its thread if it is blocked in the kernel. */
    private static void interrupt(Task t) {
        Hart h = t.hart;
        if (h != null) h.interrupt();
        Thread th = t.thread;
        if (th != null && th != Thread.currentThread()) th.interrupt();
    }

    /**
     * exit_group, or a fatal signal: records the status (the first one wins) and makes every other
     * thread of {@code p} leave, from user mode or from a blocking syscall.
     */
    public void exitGroup(Process p, int waitStatus) {
        p.exit(waitStatus);
        for (Task t : p.tasks()) interrupt(t);
    }

    /**
     * execve in a multi-threaded process (Linux's de_thread): every other thread ends before the
     * new image replaces the address space. Waits for them.
     */
    public void killOtherThreads(Task survivor) {
        Process p = survivor.process();
        for (Task t : p.tasks()) {
            if (t == survivor) continue;
            t.exiting = true;
            interrupt(t);
        }
        p.awaitSoleTask(survivor);
    }

    // ------------------------------------------------------------------ tasks

    /**
     * Starts {@code task} on its own (virtual) thread. The first task of a process is its leader;
     * when a process's last task ends, the process is retired. Returns null if the process is
     * already exiting (a thread created while exit_group runs never starts).
     */
    public Thread start(Task task) {
        Process p = task.process();
        boolean first = p.mainTask == null;
        if (first) p.mainTask = task;
        if (!p.addTask(task)) return null;
        if (first) {
            running.incrementAndGet();
            accounting.processStarted();
        }
        processes.addTask(task);
        return Thread.ofVirtual().name((first ? "pid-" : "tid-") + task.tid()).start(() -> {
            task.thread = Thread.currentThread();
            CURRENT.set(task);
            try {
                trapLoop.run(task);
            } catch (RuntimeException | Error e) {
                log("pid " + p.pid() + ": kernel error, process killed: " + e);
                exitGroup(p, Signals.SIGKILL);
            } finally {
                taskEnded(task);
                CURRENT.remove();
            }
        });
    }

    /**
     * A task has left its trap loop: the robust futex list and the clear-child-tid word are
     * handled while the address space still exists, then the last task retires the process.
     */
    private void taskEnded(Task task) {
        Process p = task.process();
        try {
            fornax.kernel.sys.SysThread.releaseRobustList(this, task);
            if (p.threadCount() > 1) fornax.kernel.sys.SysThread.clearChildTid(this, task);
        } catch (RuntimeException e) {
            dmesg("tid " + task.tid() + ": exit-time futex cleanup failed: " + e);
        }
        processes.removeTask(task);
        if (p.removeTask(task) == 0) retire(p, task);
    }

    /** The last task of {@code p} ended: release its resources and let its parent reap it. */
    private void retire(Process p, Task last) {
        p.exit(((p.mainTask != null ? p.mainTask : last).exitCode & 0xFF) << 8);   // no-op after exit_group or a signal
        timers.exited(p);
        p.closeAll();
        p.fs().release();
        releaseAddressSpace(p.addressSpace());
        running.decrementAndGet();
        accounting.processEnded();
        fornax.kernel.proc.ControllingTerminal tty = p.controllingTerminal();
        List<Integer> links = processes.groupsLinkedBy(p);
        Process parent = processes.exited(p, Signals.SIGCHLD);
        fornax.kernel.proc.PidNamespace pidNs = p.pidNamespace();
        if (!pidNs.isRoot() && pidNs.init() == p) {
            // A container's init has gone: the rest of its pid namespace goes with it (Linux's
            // zap_pid_ns_processes); the namespace is dead, so nobody new joins meanwhile.
            for (Process q : processes.members(pidNs)) sendSignal(q, Signals.SIGKILL, 0);
        }
        if (tty != null && p.sid() == p.pid()) {
            processes.dropControllingTerminal(p.sid());
            tty.sessionLeaderExited(p.sid());
        }
        p.markRetired();
        if (parent != null) wake(parent, null, Signals.SIGCHLD);
        // POSIX (Linux's kill_orphaned_pgrp): a group this exit leaves orphaned that has a stopped
        // member gets SIGHUP and SIGCONT, or nothing could ever continue it.
        for (int pgid : links) {
            if (!processes.isOrphanedGroup(pgid) || processes.group(pgid).stream().noneMatch(Process::isStopped)) continue;
            signalGroup(pgid, Signals.SIGHUP, 0);
            signalGroup(pgid, Signals.SIGCONT, 0);
        }
    }

    /** The futex wait queues. */
    public fornax.kernel.proc.Futexes futexes() { return futexes; }

    /** The advisory file locks (fcntl record locks, flock). */
    public fornax.kernel.vfs.FileLocks fileLocks() { return fileLocks; }

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

    /** Address spaces that exist now (ASIDs in use). */
    public int addressSpaces() { return asids.inUse(); }

    /** Guest instructions retired on all harts since boot. */
    public long instructionsRetired() {
        long n = 0;
        for (int i = 0; i < machine.hartCount(); i++) n += machine.hart(i).instret();
        return n;
    }

    /** Powers the machine off through its power device, then releases the host side. */
    @Override public void close() {
        if (services != null) services.close();
        if (consoleReceiver != null) consoleReceiver.stop();
        timers.close();
        accounting.stop();
        machine.bus().write32(Machine.POWER_BASE, fornax.machine.dev.PowerDevice.PASS);
        machine.close();
    }
}
