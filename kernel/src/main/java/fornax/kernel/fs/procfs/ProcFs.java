package fornax.kernel.fs.procfs;

import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The process file system mounted on /proc (Linux's procfs, Plan 9's #p): the kernel's processes,
 * memory and CPUs as text files in Linux's formats, which programs such as busybox ps, top and free
 * parse. Nothing here is stored: every file is generated from the {@link ProcSource} when it is
 * opened, and reads at any offset come from that snapshot (as Linux's seq_file files give one
 * consistent record per read session).
 *
 * <pre>
 *   /proc                  dr-xr-xr-x   STATIC[0]; readdir: the static entries, then one per pid
 *     self → PID           lrwxrwxrwx   the caller's process      thread-self → PID/task/TID
 *     cpuinfo filesystems loadavg meminfo stat uptime version     -r--r--r--  (SystemFiles)
 *     mounts → self/mounts
 *     sys/kernel/{hostname,ostype,osrelease,pid_max}  sys/fs/file-nr
 *     PID/                 dr-xr-xr-x   PROC_DIR(pid, 0)
 *       cmdline comm environ maps mounts stat statm status       (ProcessFiles)
 *       cwd exe root       lrwxrwxrwx   the process's directories and program
 *       fd/                dr-x------   FD(pid, n) → "/path", "pipe:[ino]", "/dev/console"
 *       task/TID/          dr-xr-xr-x   PROC_DIR(pid, tid): the same files for one thread
 * </pre>
 *
 * <p>Qid paths encode the node: {@code kind << 60 | pid << 38 | tid << 16 | index} (an fd uses
 * the low 38 bits for its number), so walking to the same name gives the same qid, and a pid
 * that is reused names the same inodes again, as on Linux.
 *
 * <p>Writes, as Linux answers root: an open for writing succeeds; writing a file that has no
 * write operation is EIO for the static files and EINVAL for a process's files;
 * {@code PID/comm} renames the thread when written by its own process (EINVAL from another), and
 * truncation (O_TRUNC) is accepted and does nothing. The host name and pid_max cannot be changed
 * yet (EPERM). chmod, chown and utimensat work on the static entries; on a process's entries
 * they are EPERM (Linux forbids chmod there and keeps the rest only while the inode is cached).
 *
 * <p>Locking: {@code this} guards the static entries' attributes; everything else is read from
 * the kernel through its own locks (process table, address spaces, descriptor tables), one at a
 * time, never while holding {@code this}.
 */
public final class ProcFs implements FileServer {
    /** statfs f_type of procfs. */
    public static final long PROC_SUPER_MAGIC = 0x9fa0;

    /** The kinds of node a fid can name. */
    enum Kind { STATIC, PROC_DIR, PROC_ENTRY, FD }

    /** A node: a static entry (index), a process or thread directory, one of its entries, or an fd. */
    record Node(Kind kind, int pid, int tid, long index) {
        long qidPath() {
            long k = kind.ordinal() + 1L;
            if (kind == Kind.FD) return k << 60 | (long) pid << 38 | index;
            return k << 60 | (long) pid << 38 | (long) tid << 16 | index;
        }
    }

    /** One row of a directory table: name, parent (static table only), and Linux mode. */
    record Entry(String name, int parent, int mode) {
        boolean isDir() { return (mode & Dir.S_IFMT) == Dir.S_IFDIR; }
        boolean isLink() { return (mode & Dir.S_IFMT) == Dir.S_IFLNK; }
        int dtype() { return Dir.dtype(mode); }
    }

    private static final int DIR = Dir.S_IFDIR | 0555, LNK = Dir.S_IFLNK | 0777, RO = Dir.S_IFREG | 0444,
            RW = Dir.S_IFREG | 0644;

    /** The static tree: index 0 is /proc; children follow in readdir order. */
    static final List<Entry> STATIC = List.of(
            new Entry("", 0, DIR),                       // 0
            new Entry("self", 0, LNK),                   // 1
            new Entry("thread-self", 0, LNK),            // 2
            new Entry("cpuinfo", 0, RO),                 // 3
            new Entry("filesystems", 0, RO),             // 4
            new Entry("loadavg", 0, RO),                 // 5
            new Entry("meminfo", 0, RO),                 // 6
            new Entry("mounts", 0, LNK),                 // 7
            new Entry("stat", 0, RO),                    // 8
            new Entry("sys", 0, DIR),                    // 9
            new Entry("uptime", 0, RO),                  // 10
            new Entry("version", 0, RO),                 // 11
            new Entry("kernel", 9, DIR),                 // 12
            new Entry("hostname", 12, RW),               // 13
            new Entry("ostype", 12, RO),                 // 14
            new Entry("osrelease", 12, RO),              // 15
            new Entry("pid_max", 12, RW),                // 16
            new Entry("fs", 9, DIR),                     // 17
            new Entry("file-nr", 17, RO));               // 18
    static final int SELF = 1, THREAD_SELF = 2, MOUNTS_LINK = 7;

    /** A process's directory (Linux's tgid_base_stuff); a thread's directory lacks "task". */
    static final List<Entry> PER_PROCESS = List.of(
            new Entry("task", -1, DIR),                  // 0
            new Entry("fd", -1, Dir.S_IFDIR | 0500),     // 1
            new Entry("environ", -1, Dir.S_IFREG | 0400),
            new Entry("status", -1, RO),
            new Entry("cmdline", -1, RO),
            new Entry("comm", -1, RW),
            new Entry("stat", -1, RO),
            new Entry("statm", -1, RO),
            new Entry("maps", -1, RO),
            new Entry("mounts", -1, RO),
            new Entry("cwd", -1, LNK),
            new Entry("root", -1, LNK),
            new Entry("exe", -1, LNK),
            new Entry("ns", -1, RO),
            new Entry("nsctl", -1, Dir.S_IFREG | 0200),
            new Entry("ctl", -1, Dir.S_IFREG | 0200));
    static final int TASK = 0, FDDIR = 1;

    /** readdir offset of the first pid in /proc: pids sit at PID_BASE + pid, so resuming survives exits. */
    private static final long PID_BASE = 2 + STATIC.size();

    private final long dev;
    private final ProcSource src;
    private final SystemFiles system;
    private final ProcessFiles processFiles;
    // guarded by this: attributes of the static entries (chmod, chown, utimensat)
    private final int[] mode, uid, gid;
    private final long[] atime, mtime, ctime;

    private final class ProcFid extends Fid {
        final Node node;
        /** The file's text, generated at open (regular files only). Written once before OPEN is visible. */
        volatile byte[] snapshot;
        ProcFid(Node node) { super(ProcFs.this); this.node = node; }
        @Override public Qid qid() {
            int m = modeOf(node);
            return new Qid(Qid.typeOf(m), 0, node.qidPath());
        }
    }

    public ProcFs(long dev, ProcSource src) {
        this.dev = dev;
        this.src = src;
        this.system = new SystemFiles(src);
        this.processFiles = new ProcessFiles(src);
        int n = STATIC.size();
        mode = new int[n];
        uid = new int[n];
        gid = new int[n];
        atime = new long[n];
        mtime = new long[n];
        ctime = new long[n];
        long boot = src.bootRealtimeNanos();
        for (int i = 0; i < n; i++) {
            mode[i] = STATIC.get(i).mode();
            atime[i] = mtime[i] = ctime[i] = boot;
        }
    }

    private ProcFid own(Fid f) {
        if (f instanceof ProcFid p && p.server() == this) return p;
        throw new SysError(Errno.EBADF, "not a procfs fid");
    }

    // ------------------------------------------------------------------ the tree

    private int modeOf(Node n) {
        return switch (n.kind()) {
            case STATIC -> { synchronized (this) { yield mode[(int) n.index()]; } }
            case PROC_DIR -> DIR;
            case PROC_ENTRY -> PER_PROCESS.get((int) n.index()).mode();
            case FD -> Dir.S_IFLNK | processFiles.fdMode(n.pid(), (int) n.index());
        };
    }

    private static boolean isDir(Node n) {
        return switch (n.kind()) {
            case STATIC -> STATIC.get((int) n.index()).isDir();
            case PROC_DIR -> true;
            case PROC_ENTRY -> PER_PROCESS.get((int) n.index()).isDir();
            case FD -> false;
        };
    }

    /**
     * The pid namespace of the caller: /proc shows the processes it holds, by its numbers (the
     * root's, the global ids, when the kernel itself asks). Node pids and tids are global ids.
     */
    private fornax.kernel.proc.PidNamespace view() {
        Task t = src.caller();
        return t == null ? fornax.kernel.proc.PidNamespace.ROOT : t.process().pidNamespace();
    }

    /** The process {@code n} belongs to; ENOENT once it has been reaped, or if the caller's pid namespace does not hold it. */
    private Process process(Node n) {
        Process p = src.processes().get(n.pid());
        if (p == null || !view().sees(p)) throw new SysError(Errno.ENOENT, "process " + n.pid() + " is gone");
        return p;
    }

    /** The thread a process node shows: its own tid, or the process's main thread. */
    private Task task(Node n) {
        Process p = process(n);
        if (n.tid() == 0) return p.mainTask;
        for (Task t : p.tasks()) if (t.tid() == n.tid()) return t;
        throw new SysError(Errno.ENOENT);
    }

    /** A pid directory name: decimal without a sign or leading zeros, or -1. */
    private static int number(String name) {
        if (name.isEmpty() || name.length() > 10 || (name.charAt(0) == '0' && name.length() > 1)) return -1;
        long v = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    private Node parentOf(Node n) {
        return switch (n.kind()) {
            case STATIC -> new Node(Kind.STATIC, 0, 0, STATIC.get((int) n.index()).parent());
            case PROC_DIR -> n.tid() == 0 ? new Node(Kind.STATIC, 0, 0, 0) : new Node(Kind.PROC_ENTRY, n.pid(), 0, TASK);
            case PROC_ENTRY -> new Node(Kind.PROC_DIR, n.pid(), n.tid(), 0);
            case FD -> new Node(Kind.PROC_ENTRY, n.pid(), n.tid(), FDDIR);
        };
    }

    private Node child(Node dir, String name) {
        switch (dir.kind()) {
            case STATIC -> {
                int d = (int) dir.index();
                for (int i = 1; i < STATIC.size(); i++)
                    if (STATIC.get(i).parent() == d && STATIC.get(i).name().equals(name)) return new Node(Kind.STATIC, 0, 0, i);
                int pid = d == 0 ? number(name) : -1;
                Process p = pid > 0 ? view().process(src.processes(), pid) : null;
                if (p != null) return new Node(Kind.PROC_DIR, p.pid(), 0, 0);
            }
            case PROC_DIR -> {
                process(dir);
                for (int i = dir.tid() == 0 ? 0 : 1; i < PER_PROCESS.size(); i++)
                    if (PER_PROCESS.get(i).name().equals(name)) return new Node(Kind.PROC_ENTRY, dir.pid(), dir.tid(), i);
            }
            case PROC_ENTRY -> {
                int n = number(name);
                if (dir.index() == FDDIR && n >= 0 && processFiles.hasFd(process(dir), n))
                    return new Node(Kind.FD, dir.pid(), dir.tid(), n);
                if (dir.index() == TASK && n > 0) {
                    var view = view();
                    for (Task t : process(dir).tasks())
                        if (view.tidOf(t) == n) return new Node(Kind.PROC_DIR, dir.pid(), t.tid(), 0);
                }
            }
            case FD -> { }
        }
        throw new SysError(Errno.ENOENT);
    }

    // ------------------------------------------------------------------ 9P

    @Override public Fid attach() { return new ProcFid(new Node(Kind.STATIC, 0, 0, 0)); }

    @Override public Fid clone(Fid fid) {
        ProcFid f = own(fid);
        f.checkWalked();
        return new ProcFid(f.node);
    }

    @Override public Fid walk(Fid dirFid, String name) {
        ProcFid f = own(dirFid);
        f.checkWalked();
        Node n = f.node;
        if (!isDir(n)) throw new SysError(Errno.ENOTDIR);
        if (n.kind() != Kind.STATIC) process(n);
        if (name.equals(".")) return new ProcFid(n);
        if (name.equals("..")) return new ProcFid(parentOf(n));
        return new ProcFid(child(n, name));
    }

    @Override public void open(Fid fid, int flags) {
        ProcFid f = own(fid);
        f.checkWalked();
        Node n = f.node;
        int m = modeOf(n);
        if ((m & Dir.S_IFMT) == Dir.S_IFLNK) throw new SysError(Errno.ELOOP);
        boolean path = (flags & OpenFlags.O_PATH) != 0;
        if ((m & Dir.S_IFMT) == Dir.S_IFDIR) {
            if (OpenFlags.writable(flags) && !path) throw new SysError(Errno.EISDIR);
            if (n.kind() != Kind.STATIC) process(n);
        } else if (!path && OpenFlags.readable(flags)) {
            f.snapshot = generate(n);
        } else if (n.kind() != Kind.STATIC) {
            process(n);
        }
        f.opened(flags, false);
    }

    /** The text of a regular file now. */
    private byte[] generate(Node n) {
        String text = n.kind() == Kind.STATIC ? system.generate((int) n.index())
                : processFiles.generate(PER_PROCESS.get((int) n.index()).name(), process(n), task(n));
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        ProcFid f = own(fid);
        f.checkReadable();
        if (isDir(f.node)) throw new SysError(Errno.EISDIR);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        byte[] s = f.snapshot;
        if (s == null || offset >= s.length || len <= 0) return 0;
        int n = (int) Math.min(len, s.length - offset);
        System.arraycopy(s, (int) offset, buf, off, n);
        return n;
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        ProcFid f = own(fid);
        f.checkWritable();
        Node n = f.node;
        if (isDir(n)) throw new SysError(Errno.EISDIR);
        if (n.kind() == Kind.STATIC) {
            int i = (int) n.index();
            if (STATIC.get(i).mode() == RW) throw new SysError(Errno.EPERM, STATIC.get(i).name() + " cannot be changed yet");
            throw new SysError(Errno.EIO, "no write operation");
        }
        if (PER_PROCESS.get((int) n.index()).name().equals("nsctl")) {
            ProcessFiles.controlNamespace(process(n), new String(buf, off, len, StandardCharsets.ISO_8859_1));
            return len;
        }
        if (PER_PROCESS.get((int) n.index()).name().equals("ctl")) {
            ProcessFiles.control(process(n), new String(buf, off, len, StandardCharsets.ISO_8859_1));
            return len;
        }
        if (!PER_PROCESS.get((int) n.index()).name().equals("comm")) throw new SysError(Errno.EINVAL, "no write operation");
        Task t = task(n);
        Task caller = src.caller();
        if (t == null || caller == null || caller.process() != t.process()) throw new SysError(Errno.EINVAL, "comm of another process");
        return ProcessFiles.writeComm(t, buf, off, len);
    }

    @Override public void clunk(Fid fid) {
        ProcFid f = own(fid);
        f.clunked();
        f.snapshot = null;
    }

    @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM, "procfs entries are the kernel's");
    }

    @Override public void remove(Fid dir, String name, boolean directory) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM, "procfs entries are the kernel's");
    }

    @Override public String readlink(Fid fid) {
        ProcFid f = own(fid);
        f.checkLive();
        Node n = f.node;
        if (n.kind() == Kind.STATIC) {
            int i = (int) n.index();
            if (i == MOUNTS_LINK) return "self/mounts";
            if (i == SELF || i == THREAD_SELF) {
                Task t = src.caller();
                if (t == null) throw new SysError(Errno.ENOENT, "not called by a process");
                var view = view();
                int pid = view.pidOf(t.process());
                return i == SELF ? Integer.toString(pid) : pid + "/task/" + view.tidOf(t);
            }
        } else if (n.kind() == Kind.FD) {
            return processFiles.fdTarget(process(n), (int) n.index());
        } else if (n.kind() == Kind.PROC_ENTRY && PER_PROCESS.get((int) n.index()).isLink()) {
            return processFiles.link(PER_PROCESS.get((int) n.index()).name(), process(n));
        }
        throw new SysError(Errno.EINVAL);
    }

    // ------------------------------------------------------------------ directories

    @Override public List<DirEntry> readdir(Fid fid, long offset, int max) {
        ProcFid f = own(fid);
        f.checkOpen();
        Node n = f.node;
        if (!isDir(n)) throw new SysError(Errno.ENOTDIR);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        List<DirEntry> out = new ArrayList<>();
        if (offset == 0 && out.size() < max) out.add(new DirEntry(".", n.qidPath(), Dir.DT_DIR, 1));
        if (offset <= 1 && out.size() < max) out.add(new DirEntry("..", parentOf(n).qidPath(), Dir.DT_DIR, 2));
        switch (n.kind()) {
            case STATIC -> {
                int d = (int) n.index();
                for (int i = 1; i < STATIC.size() && out.size() < max; i++) {
                    Entry e = STATIC.get(i);
                    long o = 1 + i;   // entry i sits at offset 1 + i, which is below PID_BASE
                    if (e.parent() != d || o < offset) continue;
                    out.add(new DirEntry(e.name(), new Node(Kind.STATIC, 0, 0, i).qidPath(), e.dtype(), o + 1));
                }
                if (d == 0) {
                    var view = view();
                    List<Process> all = src.processes().all();
                    all.removeIf(p -> !view.sees(p));
                    all.sort(Comparator.comparingInt(view::pidOf));
                    for (Process p : all) {
                        int num = view.pidOf(p);
                        long o = PID_BASE + num;
                        if (o < offset || out.size() >= max) continue;
                        out.add(new DirEntry(Integer.toString(num), new Node(Kind.PROC_DIR, p.pid(), 0, 0).qidPath(),
                                Dir.DT_DIR, o + 1));
                    }
                }
            }
            case PROC_DIR -> {
                process(n);
                for (int i = n.tid() == 0 ? 0 : 1; i < PER_PROCESS.size() && out.size() < max; i++) {
                    long o = 2 + i;
                    if (o < offset) continue;
                    Entry e = PER_PROCESS.get(i);
                    out.add(new DirEntry(e.name(), new Node(Kind.PROC_ENTRY, n.pid(), n.tid(), i).qidPath(), e.dtype(), o + 1));
                }
            }
            case PROC_ENTRY -> {
                Process p = process(n);
                if (n.index() == FDDIR) {
                    for (int fd : processFiles.fds(p)) {
                        long o = 2L + fd;
                        if (o < offset || out.size() >= max) continue;
                        out.add(new DirEntry(Integer.toString(fd), new Node(Kind.FD, n.pid(), n.tid(), fd).qidPath(),
                                Dir.DT_LNK, o + 1));
                    }
                } else {
                    var view = view();
                    List<Task> threads = p.tasks();
                    threads.sort(java.util.Comparator.comparingInt(view::tidOf));
                    for (Task t : threads) {
                        long o = 2L + view.tidOf(t);
                        if (o < offset || out.size() >= max) continue;
                        out.add(new DirEntry(Integer.toString(view.tidOf(t)), new Node(Kind.PROC_DIR, n.pid(), t.tid(), 0).qidPath(),
                                Dir.DT_DIR, o + 1));
                    }
                }
            }
            case FD -> { }
        }
        return out;
    }

    // ------------------------------------------------------------------ attributes

    @Override public Dir stat(Fid fid) {
        ProcFid f = own(fid);
        f.checkLive();
        Node n = f.node;
        int m = modeOf(n);
        long size = n.kind() == Kind.FD ? 64 : 0;
        if (n.kind() == Kind.STATIC) {
            int i = (int) n.index();
            int links = 2;
            if (STATIC.get(i).isDir()) {
                for (Entry e : STATIC) if (e != STATIC.get(0) && e.parent() == i && e.isDir()) links++;
                if (i == 0) links += view().isRoot() ? src.processes().count() : src.processes().members(view()).size();
            }
            synchronized (this) {
                return new Dir(m, uid[i], gid[i], size, STATIC.get(i).isDir() ? links : 1, atime[i], mtime[i], ctime[i],
                        0, n.qidPath(), dev, 0, 1024);
            }
        }
        Process p = src.processes().get(n.pid());
        long t = p == null ? src.bootRealtimeNanos() : src.bootRealtimeNanos() + src.sinceBoot(p.startNanos());
        int links = !isDir(n) ? 1 : n.kind() == Kind.PROC_DIR ? (n.tid() == 0 ? 4 : 3) : 2;
        return new Dir(m, 0, 0, size, links, t, t, t, 0, n.qidPath(), dev, 0, 1024);
    }

    @Override public void wstat(Fid fid, Dir c) {
        ProcFid f = own(fid);
        f.checkLive();
        Node n = f.node;
        if (c.size() != Dir.KEEP && isDir(n)) throw new SysError(Errno.EISDIR);
        // A size change (O_TRUNC) is accepted and does nothing, as on Linux.
        boolean other = c.mode() != Dir.KEEP_INT || c.uid() != Dir.KEEP_INT || c.gid() != Dir.KEEP_INT
                || c.atime() != Dir.KEEP || c.mtime() != Dir.KEEP;
        if (!other) return;
        if (n.kind() != Kind.STATIC) throw new SysError(Errno.EPERM, "a process's entries keep their attributes");
        int i = (int) n.index();
        long now = src.bootRealtimeNanos() + src.uptimeNanos();
        synchronized (this) {
            if (c.mode() != Dir.KEEP_INT) mode[i] = (mode[i] & Dir.S_IFMT) | (c.mode() & Dir.PERMS);
            if (c.uid() != Dir.KEEP_INT) uid[i] = c.uid();
            if (c.gid() != Dir.KEEP_INT) gid[i] = c.gid();
            if (c.atime() != Dir.KEEP) atime[i] = c.atime() == Dir.NOW ? now : c.atime();
            if (c.mtime() != Dir.KEEP) mtime[i] = c.mtime() == Dir.NOW ? now : c.mtime();
            ctime[i] = now;
        }
    }

    @Override public StatFs statfs() {
        return new StatFs(PROC_SUPER_MAGIC, 4096, 0, 0, 0, 0, 0, dev, 255, 4096,
                StatFs.ST_VALID | StatFs.ST_NOSUID | StatFs.ST_NOEXEC | StatFs.ST_RELATIME | ST_NODEV);
    }

    private static final long ST_NODEV = 0x4;
}
