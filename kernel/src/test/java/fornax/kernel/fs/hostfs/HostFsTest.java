package fornax.kernel.fs.hostfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Chan;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.StatFs;
import fornax.kernel.vfs.TestFs;
import fornax.kernel.vfs.Vfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostfs beyond the contract: data reaches the host and back, host inodes are the qid paths,
 * errors map to errnos, read-only mounts, and above all confinement: "..", host symlinks and guest
 * renames never let the guest reach a host file outside the folder. The escape tests go through
 * the real path walker with the server mounted on /mnt of a tmpfs tree.
 */
class HostFsTest {
    @TempDir Path tmp;
    private Path folder, outside;
    private HostFs fs;
    private Fid root;
    private final List<String> logged = new ArrayList<>();

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    @BeforeEach
    void setUp() throws IOException {
        folder = Files.createDirectory(tmp.resolve("folder"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host secret\n");
        fs = new HostFs(folder, 30, System::nanoTime, false, logged::add);
        root = fs.attach();
    }

    @AfterEach
    void noFidLeaks() {
        fs.clunk(root);
        assertEquals(0, fs.liveFids(), "every fid was clunked");
    }

    private Fid create(String name, int mode) { return fs.create(root, name, mode, null); }

    private Fid open(Fid f, int flags) {
        Fid o = fs.clone(f);
        fs.open(o, flags);
        return o;
    }

    private static long hostIno(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    // ------------------------------------------------------------------ data and attributes

    @Test
    void writesReachTheHostAndHostWritesReachTheGuest() throws IOException {
        Fid f = create("data", Dir.S_IFREG | 0640);
        Fid w = open(f, OpenFlags.O_RDWR);
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        assertEquals(data.length, fs.write(w, 10, data, 0, data.length));
        byte[] host = Files.readAllBytes(folder.resolve("data"));
        assertEquals(10 + data.length, host.length);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(host, 10, host.length));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("data"))),
                "the mode asked for, not the host umask's");

        Files.writeString(folder.resolve("data"), "replaced by the host");
        byte[] buf = new byte[100];
        int n = fs.read(w, 0, buf, 0, buf.length);
        assertEquals("replaced by the host", new String(buf, 0, n, StandardCharsets.UTF_8));
        assertEquals(0, fs.read(w, 1000, buf, 0, 10), "end of file");
        assertEquals(20, fs.stat(w).size());
        fs.clunk(w);
        fs.clunk(f);
    }

    @Test
    void appendTruncateAndExtend() throws IOException {
        Fid f = create("log", Dir.S_IFREG | 0644);
        Fid a = open(f, OpenFlags.O_WRONLY | OpenFlags.O_APPEND);
        byte[] x = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals(3, fs.append(a, x, 0, 3));
        assertEquals(6, fs.append(a, x, 0, 3));
        fs.wstat(f, Dir.truncate(2));
        assertEquals("ab", Files.readString(folder.resolve("log")));
        fs.wstat(a, Dir.truncate(5));
        assertArrayEquals(new byte[] {'a', 'b', 0, 0, 0}, Files.readAllBytes(folder.resolve("log")), "extended with zeros");
        assertErrno(Errno.EISDIR, () -> fs.wstat(root, Dir.truncate(0)));
        fs.clunk(a);
        fs.clunk(f);
    }

    @Test
    void qidPathsAreHostInodesAndStayPut() throws IOException {
        Fid f = create("a", Dir.S_IFREG | 0644);
        long ino = hostIno(folder.resolve("a"));
        assertEquals(ino, f.qid().path());
        assertEquals(ino, fs.stat(f).ino());
        assertEquals(hostIno(folder), root.qid().path());
        Fid d = fs.create(root, "d", Dir.S_IFDIR | 0755, null);
        fs.rename(root, "a", d, "b", false);
        Fid again = fs.walk(d, "b");
        assertEquals(ino, again.qid().path(), "a rename keeps the inode");
        assertEquals(ino, fs.stat(f).ino(), "the old fid followed the rename");
        fs.link(again, root, "hard");
        assertEquals(2, fs.stat(again).nlink());
        Fid hard = fs.walk(root, "hard");
        assertEquals(ino, hard.qid().path());
        for (Fid x : List.of(f, d, again, hard)) fs.clunk(x);
    }

    @Test
    void ownersShowAsRootAndChownIsAccepted() {
        Fid f = create("owned", Dir.S_IFREG | 0644);
        Dir d = fs.stat(f);
        assertEquals(0, d.uid());
        assertEquals(0, d.gid());
        fs.wstat(f, Dir.change(Dir.KEEP_INT, 1000, 1000, Dir.KEEP, Dir.KEEP, Dir.KEEP));
        assertEquals(0, fs.stat(f).uid());
        fs.clunk(f);
    }

    @Test
    void timesAndModesAreSetOnTheHost() throws IOException {
        Fid f = create("t", Dir.S_IFREG | 0600);
        fs.wstat(f, Dir.change(04755, Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP, 1_000_000_000_123L, 2_000_000_000_456L));
        assertEquals(2_000_000_000_456L,
                Files.getLastModifiedTime(folder.resolve("t")).to(java.util.concurrent.TimeUnit.NANOSECONDS));
        assertEquals(04755, (Integer) Files.getAttribute(folder.resolve("t"), "unix:mode") & 07777);
        fs.clunk(f);
    }

    @Test
    void readdirListsHostEntriesWithTheirTypes() throws IOException {
        Files.writeString(folder.resolve("f"), "x");
        Files.createDirectory(folder.resolve("sub"));
        Files.createSymbolicLink(folder.resolve("ln"), Path.of("/etc"));
        Fid d = open(root, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        List<DirEntry> all = fs.readdir(d, 0, 100);
        assertEquals(List.of(".", "..", "f", "ln", "sub"), all.stream().map(DirEntry::name).toList());
        assertEquals(Dir.DT_REG, all.get(2).type());
        assertEquals(Dir.DT_LNK, all.get(3).type());
        assertEquals(Dir.DT_DIR, all.get(4).type());
        assertEquals(hostIno(folder.resolve("ln")), all.get(3).ino());
        fs.clunk(d);
    }

    @Test
    void nonAsciiNamesRoundTripAsUtf8Bytes() throws IOException {
        String guest = new String("grüße".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        fs.clunk(create(guest, Dir.S_IFREG | 0644));
        assertTrue(Files.exists(folder.resolve("grüße")));
        Fid d = open(root, OpenFlags.O_RDONLY);
        assertTrue(fs.readdir(d, 0, 10).stream().anyMatch(e -> e.name().equals(guest)));
        fs.clunk(d);
        String invalid = new String(new byte[] {'x', (byte) 0xff}, StandardCharsets.ISO_8859_1);
        assertErrno(Errno.EINVAL, () -> create(invalid, Dir.S_IFREG | 0644));
    }

    @Test
    void hostErrorsBecomeErrnos() throws IOException {
        assertErrno(Errno.ENOENT, () -> fs.walk(root, "missing"));
        Fid f = create("f", Dir.S_IFREG | 0644);
        assertErrno(Errno.EEXIST, () -> create("f", Dir.S_IFDIR | 0755));
        assertErrno(Errno.ENOTDIR, () -> fs.walk(f, "x"));
        Fid d = fs.create(root, "d", Dir.S_IFDIR | 0755, null);
        fs.clunk(fs.create(d, "inner", Dir.S_IFREG | 0644, null));
        assertErrno(Errno.ENOTEMPTY, () -> fs.remove(root, "d", true));
        assertErrno(Errno.ENOENT, () -> fs.rename(root, "d2", root, "d", false));
        Fid d2 = fs.create(root, "d2", Dir.S_IFDIR | 0755, null);
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename(root, "d2", root, "d", false));
        assertErrno(Errno.EINVAL, () -> fs.rename(root, "d", d, "under", false));
        assertErrno(Errno.EISDIR, () -> fs.rename(root, "f", root, "d", false));
        assertErrno(Errno.ENOTDIR, () -> fs.rename(root, "d2", root, "f", false));
        assertErrno(Errno.EEXIST, () -> fs.rename(root, "d2", root, "f", true));
        assertEquals(Errno.ENOSPC, HostErrors.errno(new IOException("No space left on device")));
        assertEquals(Errno.ENOSPC, HostErrors.errno(new java.nio.file.FileSystemException("x", null, "No space left on device")));
        assertEquals(Errno.EACCES, HostErrors.errno(new java.nio.file.AccessDeniedException("x")));
        assertTrue(logged.isEmpty(), "expected errors are not logged: " + logged);
        var unknown = HostErrors.map(new IOException("something odd"), "read /x", logged::add);
        assertEquals(Errno.EIO, unknown.errno());
        assertEquals(1, logged.size(), "EIO is logged once");
        for (Fid x : List.of(f, d, d2)) fs.clunk(x);
    }

    @Test
    void hostSpecialFilesAreNotOpened() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", folder.resolve("fifo").toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo available");
        Fid f = fs.walk(root, "fifo");
        assertEquals(Dir.S_IFIFO, fs.stat(f).type());
        Fid c = fs.clone(f);
        assertErrno(Errno.ENXIO, () -> fs.open(c, OpenFlags.O_RDONLY));
        fs.clunk(c);
        fs.clunk(f);
    }

    @Test
    void aSignalInterruptDoesNotBreakAnOpenFile() throws IOException {
        Files.writeString(folder.resolve("f"), "still readable");
        Fid f = fs.walk(root, "f");
        Fid r = open(f, OpenFlags.O_RDONLY);
        byte[] buf = new byte[64];
        Thread.currentThread().interrupt();   // what Kernel.sendSignal does to a guest thread
        try {
            assertEquals(14, fs.read(r, 0, buf, 0, buf.length));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the syscall layer");
        } finally {
            Thread.interrupted();
        }
        assertEquals(14, fs.read(r, 0, buf, 0, buf.length), "and the file is still open");
        fs.clunk(r);
        fs.clunk(f);
    }

    @Test
    void anUnlinkedOpenFileStaysUsable() {
        Fid f = create("gone", Dir.S_IFREG | 0644);
        Fid w = open(f, OpenFlags.O_RDWR);
        fs.remove(root, "gone", false);
        fs.write(w, 0, new byte[] {1, 2, 3}, 0, 3);
        byte[] buf = new byte[3];
        assertEquals(3, fs.read(w, 0, buf, 0, 3));
        assertEquals(3, fs.stat(w).size());
        assertEquals(0, fs.stat(f).nlink());
        assertErrno(Errno.ENOENT, () -> fs.wstat(f, Dir.chmod(0600)));
        fs.clunk(w);
        fs.clunk(f);
    }

    @Test
    void statfsComesFromTheHostStore() throws IOException {
        StatFs s = fs.statfs();
        var store = Files.getFileStore(folder);
        assertEquals(HostFs.V9FS_MAGIC, s.type());
        assertEquals(store.getTotalSpace() / s.bsize(), s.blocks());
        assertEquals(0, s.flags() & HostFs.ST_RDONLY);
        fs.fsync(root);
    }

    // ------------------------------------------------------------------ read-only

    @Test
    void aReadOnlyServerRefusesEveryChange() throws IOException {
        Files.writeString(folder.resolve("f"), "data");
        Files.createDirectory(folder.resolve("d"));
        HostFs ro = new HostFs(folder, 31, System::nanoTime, true, logged::add);
        Fid r = ro.attach(), f = ro.walk(r, "f");
        assertErrno(Errno.EROFS, () -> ro.create(r, "new", Dir.S_IFREG | 0644, null));
        assertErrno(Errno.EROFS, () -> ro.remove(r, "f", false));
        assertErrno(Errno.EROFS, () -> ro.rename(r, "f", r, "g", false));
        assertErrno(Errno.EROFS, () -> ro.link(f, r, "g"));
        assertErrno(Errno.EROFS, () -> ro.wstat(f, Dir.chmod(0600)));
        Fid w = ro.clone(f);
        assertErrno(Errno.EROFS, () -> ro.open(w, OpenFlags.O_WRONLY));
        ro.clunk(w);
        Fid rd = ro.clone(f);
        ro.open(rd, OpenFlags.O_RDONLY);
        byte[] buf = new byte[10];
        assertEquals(4, ro.read(rd, 0, buf, 0, 10));
        assertEquals(HostFs.ST_RDONLY, ro.statfs().flags() & HostFs.ST_RDONLY);
        assertEquals("data", Files.readString(folder.resolve("f")));
        for (Fid x : List.of(rd, f, r)) ro.clunk(x);
        assertEquals(0, ro.liveFids());
    }

    @Test
    void aMissingHostDirectoryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HostFs(tmp.resolve("nope"), 1, System::nanoTime, false, s -> { }));
        assertThrows(IllegalArgumentException.class, () -> new HostFs(outside.resolve("secret"), 1, System::nanoTime, false, s -> { }));
    }

    // ------------------------------------------------------------------ confinement

    @Test
    void dotDotAtTheRootIsTheRoot() {
        Fid up = fs.walk(root, "..");
        assertEquals(root.qid().path(), up.qid().path());
        Fid upup = fs.walk(up, "..");
        assertEquals(root.qid().path(), upup.qid().path());
        assertErrno(Errno.ENOENT, () -> fs.walk(root, "../outside"));
        assertErrno(Errno.ENOENT, () -> fs.walk(root, "/etc"));
        fs.clunk(up);
        fs.clunk(upup);
    }

    @Test
    void aHostSymlinkIsTextNeverAPlaceToWalkOrOpen() throws IOException {
        Files.createSymbolicLink(folder.resolve("etc"), outside);
        Files.createSymbolicLink(folder.resolve("secret"), outside.resolve("secret"));
        Fid l = fs.walk(root, "etc");
        assertTrue(l.qid().isSymlink());
        assertEquals(outside.toString(), fs.readlink(l));
        assertErrno(Errno.ENOTDIR, () -> fs.walk(l, "secret"));
        assertErrno(Errno.ENOTDIR, () -> fs.create(l, "planted", Dir.S_IFREG | 0644, null));
        Fid s = fs.walk(root, "secret");
        Fid c = fs.clone(s);
        assertErrno(Errno.ELOOP, () -> fs.open(c, OpenFlags.O_RDONLY));
        fs.clunk(c);
        Dir st = fs.stat(s);
        assertTrue(st.isSymlink(), "stat does not follow");
        assertEquals(hostIno(folder.resolve("secret")), st.ino());
        assertFalse(Files.exists(outside.resolve("planted")));
        fs.clunk(l);
        fs.clunk(s);
    }

    /** The guest's view: hostfs on /mnt of a tmpfs tree, paths resolved by the real walker. */
    @Test
    void throughTheNamespaceSymlinksResolveInTheGuest() throws IOException {
        Files.createSymbolicLink(folder.resolve("abs"), outside.resolve("secret"));
        Files.createSymbolicLink(folder.resolve("rel"), Path.of("../../../../../../../../" + outside + "/secret"));
        Files.createSymbolicLink(folder.resolve("etc"), Path.of("/etc"));
        TestFs t = new TestFs();
        FsContext ctx = t.context("/");
        try {
            Vfs.mkdir(ctx, null, "/mnt", 0755);
            try (Chan m = Vfs.lookup(ctx, null, "/mnt", true)) {
                t.ns.mount(m, fs, "hostfs");
            }
            assertErrno(Errno.ENOENT, () -> Vfs.open(ctx, null, "/mnt/abs", OpenFlags.O_RDONLY, 0));
            assertErrno(Errno.ENOENT, () -> Vfs.open(ctx, null, "/mnt/rel", OpenFlags.O_RDONLY, 0));
            assertErrno(Errno.ENOENT, () -> Vfs.open(ctx, null, "/mnt/etc/passwd", OpenFlags.O_RDONLY, 0));
            assertErrno(Errno.ENOENT, () -> Vfs.open(ctx, null, "/mnt/../../../" + outside + "/secret", OpenFlags.O_RDONLY, 0));
            assertEquals("/etc", Vfs.readlink(ctx, null, "/mnt/etc"));
            // The same names, planted in the guest, are what the links lead to.
            Vfs.mkdir(ctx, null, "/etc", 0755);
            ChanFile w = Vfs.open(ctx, null, "/etc/passwd", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644);
            w.pwrite(0, "guest passwd".getBytes(StandardCharsets.US_ASCII), 0, 12);
            w.close();
            ChanFile r = Vfs.open(ctx, null, "/mnt/etc/passwd", OpenFlags.O_RDONLY, 0);
            byte[] buf = new byte[32];
            assertEquals("guest passwd", new String(buf, 0, r.pread(0, buf, 0, 32), StandardCharsets.US_ASCII));
            r.close();
            // Guest writes through /mnt land in the folder and nowhere else.
            ChanFile m = Vfs.open(ctx, null, "/mnt/../mnt/./made", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644);
            m.pwrite(0, "x".getBytes(StandardCharsets.US_ASCII), 0, 1);
            m.close();
            assertEquals("x", Files.readString(folder.resolve("made")));
            try (Chan c = Vfs.lookup(ctx, null, "/mnt/..", true)) {
                assertEquals("/", Vfs.pathOf(ctx, c), ".. from the mount root is the guest's /");
            }
            t.ns.unmount(mountOf(ctx));
        } finally {
            ctx.release();
        }
        assertEquals("host secret\n", Files.readString(outside.resolve("secret")));
    }

    private static fornax.kernel.vfs.Mount mountOf(FsContext ctx) {
        try (Chan c = Vfs.lookup(ctx, null, "/mnt", true)) {
            return c.mount();
        }
    }

    /**
     * A guest race that would escape a path-based server: hold a fid on directory d, replace d by
     * a symlink to a host directory outside, then walk and create through the old fid. The
     * remove orphans the fid, so both are ENOENT and nothing appears outside.
     */
    @Test
    void aRemovedDirectoryReplacedByASymlinkLeadsNowhere() throws IOException {
        Fid d = fs.create(root, "d", Dir.S_IFDIR | 0755, null);
        fs.remove(root, "d", true);
        fs.clunk(fs.create(root, "d", Dir.S_IFLNK | 0777, outside.toString()));
        assertErrno(Errno.ENOENT, () -> fs.walk(d, "secret"));
        assertErrno(Errno.ENOENT, () -> fs.create(d, "planted", Dir.S_IFREG | 0644, null));
        assertFalse(Files.exists(outside.resolve("planted")));
        fs.clunk(d);
    }

    @Test
    void aDirectoryRenamedAwayTakesItsFidsAlongAndTheOldNameLeadsNowhere() throws IOException {
        Fid d = fs.create(root, "d", Dir.S_IFDIR | 0755, null);
        Fid inner = fs.create(d, "inner", Dir.S_IFREG | 0644, null);
        fs.rename(root, "d", root, "e", false);
        fs.clunk(fs.create(root, "d", Dir.S_IFLNK | 0777, outside.toString()));
        Fid again = fs.walk(d, "inner");
        assertEquals(inner.qid().path(), again.qid().path(), "d's fid followed it to e");
        fs.clunk(fs.create(d, "new", Dir.S_IFREG | 0644, null));
        assertTrue(Files.exists(folder.resolve("e/new")));
        assertFalse(Files.exists(outside.resolve("new")));
        // Renaming a directory over an empty one orphans the target's fids.
        Fid victim = fs.create(root, "victim", Dir.S_IFDIR | 0755, null);
        fs.rename(root, "e", root, "victim", false);
        assertErrno(Errno.ENOENT, () -> fs.walk(victim, "inner"));
        for (Fid x : List.of(d, inner, again, victim)) fs.clunk(x);
    }
}
