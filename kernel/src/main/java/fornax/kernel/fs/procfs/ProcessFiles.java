package fornax.kernel.fs.procfs;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.MemoryLimit;
import fornax.kernel.proc.PidNamespace;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.kernel.sched.CpuAccounting;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Chan;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.Mount;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Stat;
import fornax.kernel.vfs.Vfs;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The files of /proc/PID and /proc/PID/task/TID, in the formats of Linux's fs/proc/array.c and
 * base.c: stat (52 fields), status, statm, maps, cmdline, environ, comm, mounts, and the fd, cwd,
 * root and exe links. Each method builds the whole text from the process as it is now.
 *
 * <p>What comes from where: pids, parent and children from the process table; the state from the
 * scheduler (R: on a hart, waiting for one, or running kernel code; S: blocked; Z: exited);
 * utime/stime from {@link CpuAccounting} (clock ticks, 1/100 s); sizes from the address space's
 * VMAs (vsize, VmData, VmStk, VmExe) and its resident-page and page-table counts (rss, VmPTE);
 * argv and environment from the process's own memory, between the addresses exec recorded, as
 * Linux reads them; descriptor names from the descriptor table. Counters the kernel does not keep
 * (page-fault counts, children's times, context switches) are 0 or left out.
 *
 * <p>Text is built as ISO-8859-1 strings: one char per byte, so user bytes (argv, names) pass
 * through unchanged. Stateless; locks are those of the objects read, taken one at a time.
 */
final class ProcessFiles {
    private static final long PAGE = AddressSpace.PAGE;
    /** Longest argv or environment block shown (Linux's limit on them is about this). */
    private static final int MAX_ARGS = 2 << 20;
    private static final int SIGCHLD = 17, RLIMIT_SIGPENDING = 11, TASK_COMM_LEN = 16;

    private final ProcSource src;

    ProcessFiles(ProcSource src) { this.src = src; }

    /** The text of entry {@code name} of process {@code p}, seen as thread {@code t} (may be null). */
    String generate(String name, Process p, Task t) {
        return switch (name) {
            case "stat" -> stat(p, t);
            case "status" -> status(p, t);
            case "statm" -> statm(p);
            case "maps" -> maps(p);
            case "cmdline" -> cmdline(p);
            case "environ" -> latin1(userBlock(p, false));
            case "comm" -> comm(p, t) + "\n";
            case "mounts" -> mounts(p);
            case "ns" -> p.hasExited() ? "" : fornax.kernel.vfs.NamespaceOps.list(p.fs());
            case "nsctl", "ctl" -> throw new SysError(Errno.EACCES, name + " is write-only");
            default -> throw new SysError(Errno.EINVAL, name + " is not a file");
        };
    }

    // ------------------------------------------------------------------ identity and state

    /** The caller's pid namespace, whose numbers the files show (the root's for the kernel). */
    private PidNamespace view() {
        Task t = src.caller();
        return t == null ? PidNamespace.ROOT : t.process().pidNamespace();
    }

    private int pgid(Process p) { return view().numberOf(p.pgid()); }

    private int sid(Process p) { return view().numberOf(p.sid()); }

    /**
     * The controlling terminal's foreground process group, -1 without a terminal (tpgid). The
     * terminal interface has no device number yet, so tty_nr stays 0.
     */
    private int tpgid(Process p) {
        var tty = p.controllingTerminal();
        int fg = tty == null ? -1 : tty.foregroundGroup();
        return fg > 0 ? view().numberOf(fg) : fg;
    }

    /**
     * Linux's NSpid line: global id {@code id}'s numbers from the caller's pid namespace down to
     * {@code p}'s own, tab-separated.
     */
    private String nsNumbers(Process p, int id) {
        PidNamespace view = view();
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (PidNamespace n = p.pidNamespace(); n != null; n = n.parent()) {
            out.addFirst(Integer.toString(n.numberOf(id)));
            if (n == view) break;
        }
        return String.join("\t", out);
    }

    /** The name (comm): the thread's, set at exec and by prctl, else the program's file name. */
    static String comm(Process p, Task t) {
        String n = t == null ? "" : t.name;
        if (!n.isEmpty()) return n;
        String exe = p.exePath();
        String base = exe.substring(exe.lastIndexOf('/') + 1);
        return base.length() < TASK_COMM_LEN ? base : base.substring(0, TASK_COMM_LEN - 1);
    }

    /** Linux's state letter: R running or runnable, S sleeping, Z exited. */
    private char state(Process p, Task t) {
        if (p.hasExited()) return 'Z';
        if (t == null || t.thread == null) return 'R';   // created, not started yet: runnable
        return CpuAccounting.runnable(t, src.cpu().snapshot()) ? 'R' : 'S';
    }

    private static String stateName(char s) {
        return switch (s) {
            case 'R' -> "R (running)";
            case 'Z' -> "Z (zombie)";
            default -> "S (sleeping)";
        };
    }

    private static long userTicks(Task t) { return t == null ? 0 : t.userTicks; }
    private static long systemTicks(Task t) { return t == null ? 0 : t.systemTicks; }

    /** The address space, or null once the process has exited (its memory is gone). */
    private static AddressSpace memory(Process p) { return p.hasExited() ? null : p.addressSpace(); }

    // ------------------------------------------------------------------ memory figures

    /** VMA totals in pages, as Linux's mm counters: total_vm, exec_vm, data_vm, stack_vm. */
    private record Vm(long total, long exec, long data, long stack, long resident, long pte, AddressSpace.Layout layout,
                      long brkStart) {
        /** VmExe in bytes: the code segment, capped by the executable mappings (task_mem's text). */
        long text() {
            if (layout == null) return 0;
            long t = pageUp(layout.endCode()) - (layout.startCode() & ~(PAGE - 1));
            return Math.max(0, Math.min(t, exec * PAGE));
        }
        long lib() { return exec * PAGE - text(); }
    }

    private static final Vm NO_VM = new Vm(0, 0, 0, 0, 0, 0, null, 0);

    private static long pageUp(long v) { return (v + PAGE - 1) & ~(PAGE - 1); }

    private static Vm vm(Process p) {
        AddressSpace as = memory(p);
        if (as == null) return NO_VM;
        long total = 0, exec = 0, data = 0, stack = 0;
        for (Vma v : as.vmas()) {
            long pages = v.length() / PAGE;
            total += pages;
            if ((v.prot() & Vma.PROT_EXEC) != 0 && (v.prot() & Vma.PROT_WRITE) == 0) exec += pages;
            if (v.kind() == Vma.Kind.STACK) stack += pages;
            else if ((v.prot() & Vma.PROT_WRITE) != 0 && !v.shared()) data += pages;
        }
        return new Vm(total, exec, data, stack, as.residentPages(), as.pageTableFrames(), as.layout(), as.brkStart());
    }

    // ------------------------------------------------------------------ stat, statm, status

    /** /proc/PID/stat: one line of 52 fields, as do_task_stat prints them. */
    String stat(Process p, Task t) {
        char s = state(p, t);
        Vm vm = vm(p);
        AddressSpace.Layout l = vm.layout();
        long start = CpuAccounting.ticks(src.sinceBoot(p.startNanos()));
        long[] sig = signals(p, t);
        StringBuilder b = new StringBuilder(256);
        b.append(view().pidOf(p)).append(" (").append(comm(p, t)).append(") ").append(s);
        append(b, src.processes().parentPid(view(), p), pgid(p), sid(p), 0, tpgid(p)); // ppid pgrp session tty_nr tpgid
        append(b, 0, 0, 0, 0, 0);                                                   // flags minflt cminflt majflt cmajflt
        append(b, userTicks(t), systemTicks(t), 0, 0);                              // utime stime cutime cstime
        append(b, 20, 0, Math.max(1, p.threadCount()), 0, start);                    // priority nice threads itreal start
        append(b, vm.total() * PAGE, vm.resident());                                // vsize rss
        b.append(' ').append(Long.toUnsignedString(p.rlimit(Process.RLIMIT_RSS)[0]));  // rsslim
        boolean mm = l != null && vm != NO_VM;
        append(b, mm ? l.startCode() : 0, mm ? l.endCode() : 0, mm ? l.startStack() : 0, 0, 0);
        for (long x : sig) b.append(' ').append(x & 0x7fffffffL);                   // signal blocked sigignore sigcatch
        append(b, s == 'S' ? 1 : 0, 0, 0, SIGCHLD, t == null ? 0 : Math.max(0, t.lastHart)); // wchan nswap cnswap exit_signal cpu
        append(b, 0, 0, 0, 0, 0);                                                   // rt_priority policy blkio guest cguest
        if (mm) append(b, l.startData(), l.endData(), vm.brkStart(), l.argStart(), l.argEnd(), l.envStart(), l.envEnd());
        else append(b, 0, 0, 0, 0, 0, 0, 0);
        append(b, p.hasExited() ? p.waitStatus() : 0);                              // exit_code
        return b.append('\n').toString();
    }

    private static void append(StringBuilder b, long... values) {
        for (long v : values) b.append(' ').append(v);
    }

    /** Pending (process-wide), blocked, ignored and caught signal sets, bit sig-1 each. */
    private static long[] signals(Process p, Task t) {
        long ign = 0, cgt = 0;
        for (int sig = 1; sig <= 64; sig++) {
            long h = p.handler(sig);
            if (h == 1) ign |= 1L << (sig - 1);
            else if (h > 1) cgt |= 1L << (sig - 1);
        }
        return new long[] {p.pending(), t == null ? 0 : t.signalMask, ign, cgt};
    }

    /** /proc/PID/statm: size resident shared text lib data dt, in pages. */
    String statm(Process p) {
        Vm vm = vm(p);
        return vm.total() + " " + vm.resident() + " 0 " + vm.text() / PAGE + " 0 " + (vm.data() + vm.stack()) + " 0\n";
    }

    /** /proc/PID/status, the fields of task_state, task_mem, task_sig and task_cap that the kernel has. */
    String status(Process p, Task t) {
        char s = state(p, t);
        PidNamespace view = view();
        int pid = view.pidOf(p), tid = t == null ? pid : view.tidOf(t);
        int ppid = src.processes().parentPid(view, p);
        StringBuilder b = new StringBuilder(1024);
        b.append("Name:\t").append(escape(comm(p, t))).append('\n');
        if (!p.hasExited()) b.append("Umask:\t").append(String.format("%04o", p.fs().umask())).append('\n');
        b.append("State:\t").append(stateName(s)).append('\n');
        b.append("Tgid:\t").append(pid).append("\nNgid:\t0\nPid:\t").append(tid).append("\nPPid:\t").append(ppid)
                .append("\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
        int[] fds = fds(p);
        int fdSize = 64;
        while (fds.length > 0 && fds[fds.length - 1] >= fdSize) fdSize *= 2;
        b.append("FDSize:\t").append(fdSize).append("\nGroups:\t\n");
        b.append("NStgid:\t").append(nsNumbers(p, p.pid())).append("\nNSpid:\t").append(nsNumbers(p, t == null ? p.pid() : t.tid()))
                .append("\nNSpgid:\t").append(nsNumbers(p, p.pgid())).append("\nNSsid:\t").append(nsNumbers(p, p.sid())).append('\n');
        Vm vm = vm(p);
        if (vm != NO_VM) {
            kb(b, "VmSize", vm.total() * PAGE);
            kb(b, "VmLck", 0);
            kb(b, "VmPin", 0);
            kb(b, "VmRSS", vm.resident() * PAGE);
            kb(b, "RssAnon", vm.resident() * PAGE);
            kb(b, "RssFile", 0);
            kb(b, "RssShmem", 0);
            kb(b, "VmData", vm.data() * PAGE);
            kb(b, "VmStk", vm.stack() * PAGE);
            kb(b, "VmExe", vm.text());
            kb(b, "VmLib", vm.lib());
            kb(b, "VmPTE", vm.pte() * PAGE);
            kb(b, "VmSwap", 0);
        }
        b.append("CoreDumping:\t0\nThreads:\t").append(p.threadCount()).append('\n');
        long[] sig = signals(p, t);
        b.append("SigQ:\t").append(Long.bitCount(sig[0])).append('/')
                .append(Long.toUnsignedString(p.rlimit(RLIMIT_SIGPENDING)[0])).append('\n');
        b.append(String.format("SigPnd:\t%016x\nShdPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\nSigCgt:\t%016x\n",
                0L, sig[0], sig[1], sig[2], sig[3]));
        // Every process runs as root with every capability (CAP_LAST_CAP 40).
        b.append("CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n")
                .append("CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n")
                .append("Seccomp_filters:\t0\n");
        int harts = src.cpu().hartCount();
        b.append("Cpus_allowed:\t").append(cpuMask(harts)).append("\nCpus_allowed_list:\t")
                .append(harts == 1 ? "0" : "0-" + (harts - 1)).append("\nMems_allowed:\t1\nMems_allowed_list:\t0\n");
        return b.toString();
    }

    private static void kb(StringBuilder b, String name, long bytes) {
        b.append(name).append(":\t").append(String.format("%8d", bytes >> 10)).append(" kB\n");
    }

    /** A cpumask as Linux prints it: hex, in comma-separated 32-bit groups. */
    static String cpuMask(int n) {
        StringBuilder b = new StringBuilder();
        for (int group = (n - 1) / 32; group >= 0; group--) {
            int bits = Math.min(32, n - group * 32);
            long word = bits == 32 ? 0xFFFFFFFFL : (1L << bits) - 1;
            if (b.length() > 0) b.append(',').append(String.format("%08x", word));
            else b.append(Long.toHexString(word));
        }
        return b.toString();
    }

    /** Name: escaping (\n and \\), as proc_task_name does for status. */
    private static String escape(String s) { return s.replace("\\", "\\\\").replace("\n", "\\n"); }

    // ------------------------------------------------------------------ maps

    /** /proc/PID/maps: one line per VMA, names padded to column 73 as show_map_vma does. */
    String maps(Process p) {
        AddressSpace as = memory(p);
        if (as == null) return "";
        StringBuilder b = new StringBuilder();
        for (Vma v : as.vmas()) {
            int start = b.length();
            b.append(String.format("%08x-%08x %c%c%c%c %08x %02x:%02x %d ", v.start(), v.end(),
                    (v.prot() & Vma.PROT_READ) != 0 || (v.prot() & Vma.PROT_WRITE) != 0 ? 'r' : '-',
                    (v.prot() & Vma.PROT_WRITE) != 0 ? 'w' : '-', (v.prot() & Vma.PROT_EXEC) != 0 ? 'x' : '-',
                    v.shared() ? 's' : 'p', v.offset(), 0, 0, 0));
            String name = switch (v.kind()) {
                case ELF -> p.exePath();
                case HEAP -> "[heap]";
                case STACK -> "[stack]";
                case ANON -> v.start() == AddressSpace.TRAMPOLINE && v.length() == PAGE ? "[vdso]"
                        : v.shared() ? "/dev/zero (deleted)" : null;
                case FILE -> v.object() != null ? v.object().name() : null;
            };
            if (name != null) {
                while (b.length() - start < 72) b.append(' ');
                b.append(' ').append(name);
            }
            b.append('\n');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ argv, environment, comm

    /**
     * /proc/PID/cmdline: the argv strings, NUL-terminated, read from the process's memory. If the
     * program overwrote the last NUL (setproctitle), the text runs on into the environment area up
     * to the next NUL, as Linux's get_mm_cmdline does.
     */
    private String cmdline(Process p) {
        byte[] args = userBlock(p, true);
        if (args.length > 0 && args[args.length - 1] != 0) {
            byte[] env = userBlock(p, false);
            int n = 0;
            while (n < env.length && env[n] != 0) n++;
            byte[] joined = java.util.Arrays.copyOf(args, args.length + n);
            System.arraycopy(env, 0, joined, args.length, n);
            return latin1(joined);
        }
        return latin1(args);
    }

    /** The argv ({@code args}) or environment block from user memory; empty without one. */
    private static byte[] userBlock(Process p, boolean args) {
        AddressSpace as = memory(p);
        AddressSpace.Layout l = as == null ? null : as.layout();
        if (l == null) return new byte[0];
        long from = args ? l.argStart() : l.envStart(), to = args ? l.argEnd() : l.envEnd();
        if (to <= from) return new byte[0];
        byte[] buf = new byte[(int) Math.min(to - from, MAX_ARGS)];
        int n = as.peek(from, buf, 0, buf.length);
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
    }

    private static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    /** Writes /proc/PID/comm: the first 15 bytes, up to a NUL, become the name (newline and all). */
    static int writeComm(Task t, byte[] buf, int off, int len) {
        int n = Math.min(len, TASK_COMM_LEN - 1);
        int end = 0;
        while (end < n && buf[off + end] != 0) end++;
        t.name = new String(buf, off, end, StandardCharsets.UTF_8);
        return len;
    }

    // ------------------------------------------------------------------ mounts

    /**
     * A write to /proc/PID/nsctl: each line is a Plan 9 namespace command run in process
     * {@code p}'s context (see {@link fornax.kernel.vfs.NamespaceOps#control}); the first failing
     * line's error is the write's. ESRCH once the process has exited.
     */
    static void controlNamespace(Process p, String text) {
        if (p.hasExited()) throw new SysError(Errno.ESRCH);
        for (String line : text.split("\n")) fornax.kernel.vfs.NamespaceOps.control(p.fs(), line);
    }

    /**
     * A write to /proc/PID/ctl (Plan 9's process control file): each line is one command for
     * process {@code p}; the first failing line's error is the write's. ESRCH once it has exited.
     * <pre>
     *   pidns [-m BYTES] [-p N]   children forked from now on start a new pid namespace below p's
     *                             (the first is its 1), whose processes together may hold at most
     *                             BYTES of memory (K, M, G suffixes: KiB, MiB, GiB) and at most N
     *                             processes and threads. EINVAL if p did it already.
     * </pre>
     */
    static void control(Process p, String text) {
        if (p.hasExited()) throw new SysError(Errno.ESRCH);
        for (String line : text.split("\n")) controlLine(p, line);
    }

    private static void controlLine(Process p, String line) {
        String[] w = line.trim().split("[ \t]+");
        if (w.length == 0 || w[0].isEmpty()) return;
        switch (w[0]) {
            case "pidns" -> {
                long bytes = -1, tasks = Process.RLIM_INFINITY;
                for (int i = 1; i < w.length; i += 2) {
                    if (i + 1 >= w.length) throw new SysError(Errno.EINVAL, "usage: pidns [-m bytes] [-p n]");
                    switch (w[i]) {
                        case "-m" -> bytes = size(w[i + 1]);
                        case "-p" -> tasks = size(w[i + 1]);
                        default -> throw new SysError(Errno.EINVAL, "usage: pidns [-m bytes] [-p n]");
                    }
                }
                PidNamespace parent = p.pidNamespace();
                MemoryLimit memory = bytes < 0 ? null : new MemoryLimit(bytes, parent.memoryLimit());
                p.setChildPidNamespace(new PidNamespace(parent, tasks, memory));
            }
            default -> throw new SysError(Errno.EINVAL, "unknown process control " + w[0]);
        }
    }

    /** A positive count with an optional K, M or G (binary) suffix; EINVAL otherwise. */
    static long size(String s) {
        long unit = 1;
        char last = s.isEmpty() ? ' ' : Character.toUpperCase(s.charAt(s.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 12 || !s.chars().allMatch(Character::isDigit)) throw new SysError(Errno.EINVAL, "bad number " + s);
        long v;
        try {
            v = Math.multiplyExact(Long.parseLong(s), unit);
        } catch (ArithmeticException e) {
            throw new SysError(Errno.EINVAL, "too large: " + s);
        }
        if (v <= 0) throw new SysError(Errno.EINVAL, "must be positive");
        return v;
    }

    /** /proc/PID/mounts: the process's namespace, paths from its root, in mount order. */
    private String mounts(Process p) {
        if (p.hasExited()) return "";
        FsContext fs = p.fs();
        StringBuilder b = new StringBuilder();
        for (Mount m : fs.namespace().mounts()) {
            if (m.isSelf()) continue;   // a union's stand-in for the covered directory: not a mount
            String where;
            try {
                where = Vfs.mountPath(fs, m);
            } catch (SysError e) {
                continue;
            }
            if (where.startsWith("(unreachable)")) continue;
            boolean root = m.parent() == null;
            String type = root ? "rootfs" : m.name();
            long flags;
            try {
                flags = m.server().mountFlags();
            } catch (SysError e) {
                flags = 0;   // a server that cannot say (an I/O error): the mount is still listed
            }
            StringBuilder opts = new StringBuilder((flags & 1) != 0 || m.readOnly() ? "ro" : "rw");
            if ((flags & 0x2) != 0) opts.append(",nosuid");
            if ((flags & 0x4) != 0) opts.append(",nodev");
            if ((flags & 0x8) != 0) opts.append(",noexec");
            if ((flags & 0x1000) != 0) opts.append(",relatime");
            b.append(mangle(type)).append(' ').append(mangle(where)).append(' ').append(mangle(type)).append(' ')
                    .append(opts).append(" 0 0\n");
        }
        return b.toString();
    }

    /** Escapes space, tab, newline and backslash as octal, as Linux's mangle() does in mounts. */
    private static String mangle(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') b.append(String.format("\\%03o", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ links

    /** The context names are shown from: the caller's, else the process's own. */
    private FsContext viewer(Process p) {
        Task c = src.caller();
        return c != null && !c.process().hasExited() ? c.process().fs() : p.fs();
    }

    /** The text of link {@code name} ("exe", "cwd", "root"); ENOENT once the process has exited. */
    String link(String name, Process p) {
        if (p.hasExited()) throw new SysError(Errno.ENOENT, "process has exited");
        if (name.equals("exe")) return p.exePath();
        FsContext fs = viewer(p);
        try (Chan dir = name.equals("cwd") ? p.fs().cwd() : p.fs().root()) {
            return Vfs.pathOf(fs, dir);
        } catch (SysError e) {
            throw new SysError(Errno.ENOENT, name + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ descriptors

    /** The open descriptors of {@code p}, ascending. */
    int[] fds(Process p) { return p.fds().openIn(0, Integer.MAX_VALUE); }

    boolean hasFd(Process p, int fd) {
        try {
            p.fds().get(fd);
            return true;
        } catch (SysError e) {
            return false;
        }
    }

    /** Permission bits of an fd link: r-x for read access, -wx for write access (proc_fd_link's rule). */
    int fdMode(int pid, int fd) {
        Process p = src.processes().get(pid);
        if (p == null) return 0;
        FileDescription d;
        try {
            d = p.fds().get(fd);
        } catch (SysError e) {
            return 0;
        }
        OpenFile f = d.file();
        int flags = f instanceof ChanFile cf ? cf.flags() : OpenFlags.O_RDWR;
        if ((flags & OpenFlags.O_PATH) != 0) return 0;
        int mode = 0;
        if (OpenFlags.readable(flags)) mode |= 0500;
        if (OpenFlags.writable(flags)) mode |= 0300;
        return mode;
    }

    /**
     * What descriptor {@code fd} refers to: the path it was opened by (with " (deleted)" once it has
     * no name left), "pipe:[ino]" for a pipe, "/dev/console" for the console, else
     * "anon_inode:[kind]". ENOENT if there is no such descriptor.
     */
    String fdTarget(Process p, int fd) {
        FileDescription d;
        try {
            d = p.fds().acquire(fd);
        } catch (SysError e) {
            throw new SysError(Errno.ENOENT, "no descriptor " + fd);
        }
        try {
            OpenFile f = d.file();
            if (f instanceof ChanFile cf && cf.path() != null) {
                Dir dir = cf.dir();
                return dir.nlink() == 0 && !dir.isDir() ? cf.path() + " (deleted)" : cf.path();
            }
            Stat st = f.stat();
            return switch (st.mode() & Dir.S_IFMT) {
                case Dir.S_IFIFO -> "pipe:[" + st.ino() + "]";
                case Dir.S_IFSOCK -> "socket:[" + st.ino() + "]";
                case Dir.S_IFCHR -> st.rdev() == Stat.makedev(5, 1) ? "/dev/console" : "anon_inode:[chr " + st.rdev() + "]";
                default -> "anon_inode:[" + f.getClass().getSimpleName() + "]";
            };
        } finally {
            d.release();
        }
    }

    /** Every description open in any process, once each (for /proc/sys/fs/file-nr). */
    static int openDescriptions(List<Process> processes) {
        java.util.Set<FileDescription> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Process p : processes) {
            for (int fd : p.fds().openIn(0, Integer.MAX_VALUE)) {
                try {
                    seen.add(p.fds().get(fd));
                } catch (SysError e) {
                    // closed meanwhile
                }
            }
        }
        return seen.size();
    }
}
