package fornax.kernel.fs.procfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.sched.CpuAccounting;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Vfs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What procfs shows, checked against the hand-built kernel state it is read from. */
class ProcFsTest {
    private ProcWorld world;
    private ProcFs proc;
    private Process init, child;

    @BeforeEach
    void setUp() {
        world = new ProcWorld();
        proc = world.newServer();
        init = world.spawn(null, "/bin/busybox", List.of("sh", "-c", "echo hi"), List.of("HOME=/root", "TERM=dumb"));
        child = world.spawn(init, "/bin/busybox", List.of("cat", "/etc/motd"), List.of("PATH=/bin"));
        world.caller = child.mainTask;
    }

    @AfterEach
    void tearDown() { world.close(); }

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    /** Walks {@code path} (relative to /proc, no symlinks followed) to a new fid. */
    private Fid walk(String path) {
        Fid f = proc.attach();
        for (String name : path.split("/")) {
            if (name.isEmpty()) continue;
            Fid next = proc.walk(f, name);
            proc.clunk(f);
            f = next;
        }
        return f;
    }

    private Fid open(String path, int flags) {
        Fid f = walk(path);
        proc.open(f, flags);
        return f;
    }

    private String read(String path) {
        Fid f = open(path, OpenFlags.O_RDONLY);
        try {
            return readAll(f);
        } finally {
            proc.clunk(f);
        }
    }

    private String readAll(Fid f) {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[7];   // small reads: offsets into the snapshot must line up
        for (long off = 0; ; ) {
            int n = proc.read(f, off, buf, 0, buf.length);
            if (n == 0) return sb.toString();
            sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            off += n;
        }
    }

    private List<String> list(String path) {
        Fid d = open(path, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        List<String> names = new ArrayList<>();
        long off = 0;
        for (List<DirEntry> b; !(b = proc.readdir(d, off, 3)).isEmpty(); ) {
            for (DirEntry e : b) names.add(e.name());
            off = b.getLast().next();
        }
        proc.clunk(d);
        return names;
    }

    private static Map<String, String> fields(String status) {
        Map<String, String> m = new TreeMap<>();
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            m.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return m;
    }

    // ------------------------------------------------------------------ the tree

    @Test
    void theRootListsTheStaticEntriesThenEveryPid() {
        List<String> names = list("");
        assertEquals(List.of(".", "..", "self", "thread-self", "cpuinfo", "filesystems", "loadavg", "meminfo", "mounts",
                "stat", "sys", "uptime", "version", "1", "2"), names);
        assertEquals(List.of(".", "..", "task", "fd", "environ", "status", "cmdline", "comm", "stat", "statm", "maps",
                "mounts", "cwd", "root", "exe", "ns", "nsctl", "ctl"), list("2"));
        assertEquals(List.of(".", "..", "2"), list("2/task"));
        assertFalse(list("2/task/2").contains("task"), "a thread's directory has no task/");
    }

    @Test
    void pidNamesAreCanonicalDecimalsOfLiveProcesses() {
        assertErrno(Errno.ENOENT, () -> walk("02"));
        assertErrno(Errno.ENOENT, () -> walk("+2"));
        assertErrno(Errno.ENOENT, () -> walk("3"));
        assertErrno(Errno.ENOENT, () -> walk("99999999999"));
        assertErrno(Errno.ENOENT, () -> walk("2/task/1"));
        assertTrue(proc.stat(walk("2")).isDir());
    }

    @Test
    void selfNamesTheCaller() {
        assertEquals("2", proc.readlink(walk("self")));
        assertEquals("2/task/2", proc.readlink(walk("thread-self")));
        assertEquals("self/mounts", proc.readlink(walk("mounts")));
        world.caller = init.mainTask;
        assertEquals("1", proc.readlink(walk("self")));
        world.caller = null;
        assertErrno(Errno.ENOENT, () -> proc.readlink(walk("self")));
        assertErrno(Errno.EINVAL, () -> proc.readlink(walk("meminfo")));
    }

    @Test
    void readdirResumesPastAProcessThatExited() {
        Fid d = open("", OpenFlags.O_RDONLY);
        List<DirEntry> first = new ArrayList<>();
        long off = 0;
        while (first.isEmpty() || !first.getLast().name().equals("1")) {
            List<DirEntry> b = proc.readdir(d, off, 1);
            first.addAll(b);
            off = b.getLast().next();
        }
        world.exit(child, 0);
        world.table.waitChild(init, child.pid(), ProcessTable.WEXITED);   // reaped: pid 2 is gone
        Process late = world.spawn(init, "/bin/busybox", List.of("true"), List.of());
        List<String> rest = new ArrayList<>();
        for (List<DirEntry> b; !(b = proc.readdir(d, off, 10)).isEmpty(); off = b.getLast().next())
            for (DirEntry e : b) rest.add(e.name());
        assertEquals(List.of(Integer.toString(late.pid())), rest, "resumes after pid 1, nothing listed twice");
    }

    // ------------------------------------------------------------------ per-process files

    @Test
    void statHasTheFiftyTwoFieldsWithTheRealValues() {
        String stat = read("2/stat");
        assertTrue(stat.endsWith("\n"));
        assertTrue(stat.startsWith("2 (busybox) "), stat);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        assertEquals(50, f.length, "fields after pid and comm: " + stat);
        AddressSpace as = child.addressSpace();
        long vsize = 0;
        for (var v : as.vmas()) vsize += v.length();
        assertEquals("R", f[0], "neither on a hart nor blocked: its thread has not started, so runnable");
        assertEquals("1", f[1], "ppid");
        assertEquals("1", f[2], "pgrp: inherited from init, which leads its own group");
        assertEquals("1", f[3], "session");
        assertEquals("-1", f[5], "tpgid: no controlling terminal");
        assertEquals("20", f[15], "priority");
        assertEquals("1", f[17], "threads");
        assertEquals(Long.toString(vsize), f[20], "vsize");
        assertEquals(Long.toString(as.residentPages()), f[21], "rss");
        assertEquals(Long.toString(as.layout().argStart()), f[45], "arg_start");
        assertEquals(Long.toString(as.layout().envEnd()), f[48], "env_end");
        assertEquals("17", f[35], "exit_signal");
        long start = Long.parseLong(f[19]);
        assertTrue(start >= 0 && start <= CpuAccounting.ticks(world.source.uptimeNanos()), "starttime in ticks since boot");
    }

    @Test
    void theNameIsTheCommAndPrctlChangesIt() {
        child.mainTask.name = "cat";
        assertTrue(read("2/stat").startsWith("2 (cat) R "), read("2/stat"));
        assertEquals("cat\n", read("2/comm"));
        assertEquals("cat", fields(read("2/status")).get("Name"));
    }

    @Test
    void statusCarriesIdentityAndMemory() {
        Map<String, String> s = fields(read("2/status"));
        assertEquals("2", s.get("Pid"));
        assertEquals("2", s.get("Tgid"));
        assertEquals("1", s.get("PPid"));
        assertEquals("0022", s.get("Umask"));
        assertEquals("1", s.get("NSpgid"));
        assertEquals("1", s.get("NSsid"));
        assertEquals("1", s.get("Threads"));
        long vsize = 0;
        for (var v : child.addressSpace().vmas()) vsize += v.length();
        assertEquals((vsize >> 10) + " kB", s.get("VmSize"));
        assertEquals((child.addressSpace().residentPages() * 4) + " kB", s.get("VmRSS"));
        assertEquals("64 kB", s.get("VmStk"));
        assertEquals("0-1", s.get("Cpus_allowed_list"));
        assertEquals("3", s.get("Cpus_allowed"));
    }

    @Test
    void cmdlineAndEnvironAreReadFromTheProcessMemory() {
        assertEquals("cat\0/etc/motd\0", read("2/cmdline"));
        assertEquals("PATH=/bin\0", read("2/environ"));
        assertEquals("sh\0-c\0echo hi\0", read("1/cmdline"));
        // The program rewrites its argv in place (as setproctitle does): procfs shows what is there.
        long at = child.addressSpace().layout().argStart();
        child.addressSpace().copyOut(at, "dog".getBytes(StandardCharsets.ISO_8859_1), 0, 3);
        assertEquals("dog\0/etc/motd\0", read("2/cmdline"));
        // An overwritten final NUL runs on into the environment up to its first NUL.
        child.addressSpace().copyOut(child.addressSpace().layout().argEnd() - 1, new byte[] {'!'}, 0, 1);
        assertEquals("dog\0/etc/motd!PATH=/bin", read("2/cmdline"));
    }

    @Test
    void mapsNamesTheRegionsAndPadsLikeLinux() {
        String maps = read("2/maps");
        String[] lines = maps.split("\n");
        assertEquals(child.addressSpace().vmas().size(), lines.length, maps);
        assertTrue(lines[0].startsWith("00010000-00020000 r-xp 00000000 00:00 0 "), lines[0]);
        assertEquals(73, lines[0].indexOf("/bin/busybox"), "names start at column 73: " + lines[0]);
        assertTrue(maps.contains(" [heap]\n"), maps);
        assertTrue(lines[lines.length - 1].endsWith(" [stack]"), maps);
        assertTrue(lines[lines.length - 1].contains(" rw-p "), maps);
    }

    @Test
    void statmCountsPages() {
        String[] f = read("2/statm").strip().split(" ");
        long pages = 0;
        for (var v : child.addressSpace().vmas()) pages += v.length() / 4096;
        assertEquals(Long.toString(pages), f[0]);
        assertEquals(Integer.toString(child.addressSpace().residentPages()), f[1]);
        assertEquals("15", f[3], "text: 0x10000..0x1F000");
    }

    @Test
    void fdLinksNameWhatIsOpen() {
        var ctx = child.fs();
        ChanFile motd = Vfs.open(ctx, null, "notes", OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0644);
        int fd = child.fds().install(new FileDescription(motd, OpenFlags.O_RDWR), 3, 1024, false);
        ChanFile[] pipe = Vfs.pipe(ctx, 0);
        int r = child.fds().install(new FileDescription(pipe[0], OpenFlags.O_RDONLY), 0, 1024, false);
        int w = child.fds().install(new FileDescription(pipe[1], OpenFlags.O_WRONLY), 0, 1024, false);
        assertEquals(List.of(".", "..", Integer.toString(r), Integer.toString(w), Integer.toString(fd)), list("2/fd"));
        assertEquals("/tmp/notes", proc.readlink(walk("2/fd/" + fd)));
        String pr = proc.readlink(walk("2/fd/" + r));
        assertTrue(pr.matches("pipe:\\[\\d+\\]"), pr);
        assertEquals(pr, proc.readlink(walk("2/fd/" + w)), "both ends are one pipe");
        assertEquals(Dir.S_IFLNK | 0500, proc.stat(walk("2/fd/" + r)).mode());
        assertEquals(Dir.S_IFLNK | 0300, proc.stat(walk("2/fd/" + w)).mode());
        assertEquals(Dir.S_IFLNK | 0700, proc.stat(walk("2/fd/" + fd)).mode());
        assertEquals(64, proc.stat(walk("2/fd/" + fd)).size());
        Vfs.unlink(ctx, null, "/tmp/notes", false);
        assertEquals("/tmp/notes (deleted)", proc.readlink(walk("2/fd/" + fd)));
        child.close(fd);
        assertErrno(Errno.ENOENT, () -> walk("2/fd/" + fd));
        assertErrno(Errno.ENOENT, () -> walk("2/fd/x"));
    }

    @Test
    void cwdRootAndExe() {
        assertEquals("/tmp", proc.readlink(walk("2/cwd")));
        assertEquals("/", proc.readlink(walk("2/root")));
        assertEquals("/bin/busybox", proc.readlink(walk("2/exe")));
    }

    @Test
    void mountsListsTheNamespaceInOrder() {
        assertEquals("rootfs / rootfs rw,relatime 0 0\ndevtmpfs /dev devtmpfs rw,nosuid,relatime 0 0\n", read("2/mounts"));
    }

    @Test
    void aZombieShowsZAndTheReapedAreGone() {
        Fid stat = open("2/stat", OpenFlags.O_RDONLY);
        world.exit(child, 3);
        String z = read("2/stat");
        assertTrue(z.startsWith("2 (busybox) Z 1 "), z);
        assertTrue(z.endsWith(" 768\n"), "exit_code is the wait status: " + z);
        assertEquals("Z (zombie)", fields(read("2/status")).get("State"));
        assertEquals("", read("2/cmdline"), "no memory left to read");
        assertErrno(Errno.ENOENT, () -> proc.readlink(walk("2/exe")));
        Fid dir = walk("2");
        world.table.waitChild(init, 2, ProcessTable.WEXITED);
        assertErrno(Errno.ENOENT, () -> walk("2"));
        assertErrno(Errno.ENOENT, () -> proc.walk(dir, "stat"));
        assertErrno(Errno.ENOENT, () -> proc.open(proc.clone(dir), OpenFlags.O_RDONLY));
        assertTrue(readAll(stat).startsWith("2 (busybox) R "), "an open file reads the snapshot it took at open");
        assertFalse(list("").contains("2"));
    }

    // ------------------------------------------------------------------ writes

    @Test
    void writesAreRefusedTheWayLinuxRefusesThem() {
        byte[] x = {'x'};
        assertErrno(Errno.EIO, () -> proc.write(open("meminfo", OpenFlags.O_WRONLY), 0, x, 0, 1));
        assertErrno(Errno.EPERM, () -> proc.write(open("sys/kernel/hostname", OpenFlags.O_WRONLY), 0, x, 0, 1));
        assertErrno(Errno.EINVAL, () -> proc.write(open("2/stat", OpenFlags.O_WRONLY), 0, x, 0, 1));
        assertErrno(Errno.EINVAL, () -> proc.write(open("1/comm", OpenFlags.O_WRONLY), 0, x, 0, 1));
        assertErrno(Errno.EISDIR, () -> proc.open(walk("2"), OpenFlags.O_WRONLY));
        assertErrno(Errno.EPERM, () -> proc.wstat(walk("2/stat"), Dir.chmod(0600)));
        proc.wstat(walk("2/comm"), Dir.truncate(0));   // O_TRUNC: accepted, nothing happens
        assertErrno(Errno.EPERM, () -> proc.create(walk("2"), "x", Dir.S_IFREG | 0644, null));
    }

    @Test
    void aProcessRenamesItselfThroughComm() {
        Fid f = open("2/comm", OpenFlags.O_WRONLY);
        byte[] name = "renamed-to-a-long-name\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(name.length, proc.write(f, 0, name, 0, name.length));
        assertEquals("renamed-to-a-lo", child.mainTask.name, "15 bytes, as TASK_COMM_LEN allows");
        assertEquals("renamed-to-a-lo\n", read("2/comm"));
    }

    // ------------------------------------------------------------------ system files

    @Test
    void meminfoIsTheFrameAllocatorAndASnapshotTakenAtOpen() {
        Map<String, String> m = fields(read("meminfo"));
        assertEquals((ProcWorld.MEMORY >> 10) + " kB", m.get("MemTotal"));
        assertEquals(((long) world.frames.freeFrames() * 4) + " kB", m.get("MemFree"));
        assertEquals(m.get("MemFree"), m.get("MemAvailable"));
        assertEquals("3072 kB", m.get("Shmem"));
        assertEquals("0 kB", m.get("SwapTotal"));
        Fid open = open("meminfo", OpenFlags.O_RDONLY);
        long frame = world.frames.alloc();
        String after = read("meminfo");
        assertEquals(((long) world.frames.freeFrames() * 4) + " kB", fields(after).get("MemFree"));
        assertEquals(m.get("MemFree"), fields(readAll(open)).get("MemFree"), "the open file kept its snapshot");
        world.frames.free(frame);
        assertTrue(read("meminfo").startsWith("MemTotal:          16384 kB\nMemFree:  "), read("meminfo"));
    }

    @Test
    void cpuinfoHasOneRiscvBlockPerHart() {
        String c = read("cpuinfo");
        assertEquals(2, c.split("\n\n").length);
        assertTrue(c.startsWith("processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc"), c);
        assertTrue(c.contains("processor\t: 1\nhart\t\t: 1\n"), c);
        assertTrue(c.contains("mmu\t\t: sv48\n"), c);
    }

    @Test
    void statUptimeAndLoadavgAgree() {
        String stat = read("stat");
        String[] lines = stat.split("\n");
        assertTrue(lines[0].startsWith("cpu  "), stat);
        assertTrue(lines[1].startsWith("cpu0 ") && lines[2].startsWith("cpu1 "), stat);
        assertEquals(11, lines[0].split(" +").length, "cpu plus ten counters");
        assertTrue(stat.contains("\nbtime 1700000000\n"), stat);
        assertTrue(stat.contains("\nprocesses 2\n"), stat);
        assertTrue(read("uptime").matches("\\d+\\.\\d\\d \\d+\\.\\d\\d\n"), read("uptime"));
        assertTrue(read("loadavg").matches("0\\.00 0\\.00 0\\.00 \\d+/2 2\n"), read("loadavg"));
    }

    @Test
    void loadAveragesFollowLinuxArithmetic() {
        assertEquals("0.00", CpuAccounting.formatLoad(0));
        assertEquals("1.00", CpuAccounting.formatLoad(2048));
        assertEquals("0.08", CpuAccounting.formatLoad(164), "one task for 5 s: Linux shows 0.08");
        assertEquals("2.50", CpuAccounting.formatLoad(5120));
    }

    @Test
    void identityFiles() {
        assertEquals("Linux version 6.12.0-fornax (fornax@fornax) (Java " + Runtime.version().feature()
                + ") #1 SMP Fornax/J\n", read("version"));
        assertEquals("fornax\n", read("sys/kernel/hostname"));
        assertEquals("Linux\n", read("sys/kernel/ostype"));
        assertEquals("6.12.0-fornax\n", read("sys/kernel/osrelease"));
        assertTrue(read("filesystems").contains("nodev\tproc\n"));
        assertEquals(List.of(".", "..", "kernel", "fs"), list("sys"));
        assertEquals(List.of(".", "..", "1"), list("1/task"));
    }

    @Test
    void fileNrCountsOpenDescriptionsOnce() {
        assertEquals("0\t0\t" + Long.MAX_VALUE + "\n", read("sys/fs/file-nr"));
        ChanFile f = Vfs.open(child.fs(), null, "/tmp/a", OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0644);
        FileDescription d = new FileDescription(f, OpenFlags.O_RDWR);
        child.fds().install(d, 0, 1024, false);
        child.fds().install(d.retain(), 0, 1024, false);   // dup: the same description
        assertEquals("1\t0\t" + Long.MAX_VALUE + "\n", read("sys/fs/file-nr"));
    }
}
