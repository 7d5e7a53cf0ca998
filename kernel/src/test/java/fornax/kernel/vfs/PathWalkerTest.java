package fornax.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Path resolution and the path calls of {@link Vfs} on the kernel's own tree (tmpfs root, /tmp,
 * /dev mounted): symlinks and their loops, "..", mount crossing, trailing slashes, name limits,
 * getcwd, chroot. Every test ends by checking that no fid leaked.
 */
class PathWalkerTest {
    private final TestFs t = new TestFs();
    private FsContext ctx;
    private long fidsAtStart;

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    @BeforeEach
    void setUp() {
        fidsAtStart = t.root.liveFids();
        ctx = t.context("/tmp");
    }

    @AfterEach
    void noFidLeaks() {
        ctx.release();
        assertEquals(fidsAtStart, t.root.liveFids(), "every fid the walks made was clunked");
    }

    private Dir stat(String path, boolean follow) {
        try (Chan c = Vfs.lookup(ctx, null, path, follow)) {
            return c.stat();
        }
    }

    private long ino(String path) { return stat(path, true).ino(); }

    private void mkdir(String p) { Vfs.mkdir(ctx, null, p, 0755); }

    private void touch(String p) { Vfs.open(ctx, null, p, OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644).close(); }

    private void symlink(String target, String p) { Vfs.symlink(ctx, target, null, p); }

    private String cwd() {
        try (Chan c = ctx.cwd()) {
            return Vfs.pathOf(ctx, c);
        }
    }

    @Test
    void absoluteAndRelativePathsMeet() {
        mkdir("a");
        mkdir("/tmp/a/b");
        touch("a/b/f");
        assertEquals(ino("/tmp/a/b/f"), ino("a/b/f"));
        assertEquals(ino("/tmp/a/b/f"), ino("a//b/./f"));
        assertEquals(ino("/tmp/a"), ino("a/b/.."));
        assertEquals(ino("/tmp"), ino("."));
        try (Chan b = Vfs.lookup(ctx, null, "a/b", true)) {
            try (Chan f = PathWalker.walk(ctx, b, "f", 0)) {
                assertEquals(ino("a/b/f"), f.qid().path(), "relative to a directory Chan (a dirfd)");
            }
            try (Chan abs = PathWalker.walk(ctx, b, "/tmp", 0)) {
                assertEquals(ino("/tmp"), abs.qid().path(), "absolute paths ignore the start");
            }
        }
    }

    @Test
    void dotDotStopsAtTheRoot() {
        assertEquals(ino("/"), ino("/.."));
        assertEquals(ino("/"), ino("/../../.."));
        assertEquals(ino("/"), ino("../../.."));
        assertEquals(ino("/tmp"), ino("/../tmp/../../tmp"));
    }

    @Test
    void mountsAreCrossedBothWays() {
        Dir dev = stat("/dev", true);
        assertEquals(Stat.makedev(0, 5), dev.dev(), "/dev is the device server's root, not the directory under it");
        try (Chan n = Vfs.lookup(ctx, null, "/dev/null", true)) {
            assertSame(t.dev, n.server());
        }
        assertEquals(ino("/"), ino("/dev/.."), ".. from a mounted root goes to the parent of the mount point");
        assertEquals(ino("/tmp"), ino("/dev/../tmp"));
        Vfs.chdir(ctx, null, "/dev", false);
        assertEquals("/dev", cwd());
        assertEquals(ino("/"), ino(".."));
        assertEquals(Stat.makedev(0, 1), stat("..", true).dev());
        symlink("/dev/zero", "/tmp/z");
        try (Chan z = Vfs.lookup(ctx, null, "/tmp/z", true)) {
            assertSame(t.dev, z.server(), "a symlink into a mount");
        }
        try (Chan z = Vfs.lookup(ctx, null, "/tmp/z", false)) {
            assertSame(t.root, z.server());
        }
    }

    @Test
    void mountPointsAreBusyAndMountsAreSeparate() {
        assertErrno(Errno.EBUSY, () -> Vfs.unlink(ctx, null, "/dev", true));
        assertErrno(Errno.EBUSY, () -> Vfs.rename(ctx, null, "/dev", null, "/tmp/dev2", false));
        touch("f");
        assertErrno(Errno.EXDEV, () -> Vfs.rename(ctx, null, "f", null, "/dev/f", false));
        assertErrno(Errno.EXDEV, () -> Vfs.link(ctx, null, "f", false, null, "/dev/f"));
        assertErrno(Errno.EPERM, () -> Vfs.mkdir(ctx, null, "/dev/shm", 0755));
        assertErrno(Errno.EEXIST, () -> Vfs.mkdir(ctx, null, "/dev", 0755));
    }

    @Test
    void symlinksResolveRelativeToTheirDirectory() {
        mkdir("d");
        touch("d/target");
        symlink("target", "d/rel");
        symlink("/tmp/d/target", "abs");
        symlink("d", "dirlink");
        symlink("../tmp/d/rel", "chain");
        assertEquals(ino("d/target"), ino("d/rel"));
        assertEquals(ino("d/target"), ino("abs"));
        assertEquals(ino("d/target"), ino("dirlink/target"));
        assertEquals(ino("d/target"), ino("chain"));
        assertTrue(stat("abs", false).isSymlink(), "the last component is not followed without FOLLOW");
        assertTrue(stat("dirlink/", false).isDir(), "a trailing slash follows the last link");
        assertEquals(ino("/tmp"), ino("dirlink/.."), ".. after a link is physical: the link target's parent");
        assertEquals("target", Vfs.readlink(ctx, null, "d/rel"));
        assertErrno(Errno.EINVAL, () -> Vfs.readlink(ctx, null, "d/target"));
    }

    @Test
    void symlinkLoopsAndChainsAreCountedToForty() {
        symlink("loop2", "loop1");
        symlink("loop1", "loop2");
        assertErrno(Errno.ELOOP, () -> ino("loop1"));
        assertErrno(Errno.ELOOP, () -> ino("loop1/x"));
        touch("end");
        symlink("end", "c0");
        for (int i = 1; i <= 41; i++) symlink("c" + (i - 1), "c" + i);
        assertEquals(ino("end"), ino("c39"), "40 links");
        assertErrno(Errno.ELOOP, () -> ino("c40"));
        assertErrno(Errno.ELOOP, () -> Vfs.open(ctx, null, "c40", OpenFlags.O_RDONLY, 0));
        assertTrue(stat("c40", false).isSymlink(), "not following the last link is fine");
        symlink("self", "self");
        assertErrno(Errno.ELOOP, () -> Vfs.open(ctx, null, "self", OpenFlags.O_RDONLY, 0));
        assertErrno(Errno.ELOOP, () -> Vfs.open(ctx, null, "c1", OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW, 0));
    }

    @Test
    void badPathsFailAsOnLinux() {
        touch("file");
        symlink("nowhere", "dangling");
        assertErrno(Errno.ENOENT, () -> ino(""));
        assertErrno(Errno.ENOENT, () -> ino("missing"));
        assertErrno(Errno.ENOENT, () -> ino("missing/x"));
        assertErrno(Errno.ENOENT, () -> ino("dangling"));
        assertErrno(Errno.ENOTDIR, () -> ino("file/"));
        assertErrno(Errno.ENOTDIR, () -> ino("file/x"));
        assertErrno(Errno.ENOTDIR, () -> ino("file/."));
        assertErrno(Errno.ENOTDIR, () -> ino("file/.."));
        assertErrno(Errno.ENAMETOOLONG, () -> ino("x".repeat(256)));
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> ino("x".repeat(255))).errno(), "255 is allowed");
        assertErrno(Errno.ENAMETOOLONG, () -> ino("a/".repeat(2048)));
        assertErrno(Errno.ENAMETOOLONG, () -> Vfs.symlink(ctx, "t".repeat(4096), null, "long"));
        assertErrno(Errno.ENOENT, () -> Vfs.symlink(ctx, "", null, "empty"));
    }

    @Test
    void createCallsHandleNamesDotsAndSlashes() {
        touch("f");
        assertErrno(Errno.EEXIST, () -> Vfs.open(ctx, null, "f", OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_WRONLY, 0644));
        assertErrno(Errno.EISDIR, () -> Vfs.open(ctx, null, "new/", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644));
        assertErrno(Errno.EISDIR, () -> Vfs.open(ctx, null, ".", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644));
        assertErrno(Errno.ENOTDIR, () -> Vfs.open(ctx, null, "f/", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644));
        mkdir("d/");
        assertTrue(stat("d", true).isDir());
        assertErrno(Errno.EEXIST, () -> Vfs.mkdir(ctx, null, ".", 0755));
        assertErrno(Errno.EEXIST, () -> Vfs.mkdir(ctx, null, "/", 0755));
        assertErrno(Errno.EINVAL, () -> Vfs.unlink(ctx, null, "d/.", true));
        assertErrno(Errno.ENOTEMPTY, () -> Vfs.unlink(ctx, null, "d/..", true));
        assertErrno(Errno.EBUSY, () -> Vfs.unlink(ctx, null, "/", true));
        assertErrno(Errno.EISDIR, () -> Vfs.unlink(ctx, null, "d", false));
        assertErrno(Errno.ENOTDIR, () -> Vfs.unlink(ctx, null, "f/", false));
        assertErrno(Errno.ENOENT, () -> Vfs.symlink(ctx, "f", null, "newlink/"));
        assertErrno(Errno.EEXIST, () -> Vfs.symlink(ctx, "f", null, "d/"));
        assertErrno(Errno.ENOTDIR, () -> Vfs.rename(ctx, null, "f", null, "g/", false));
        assertErrno(Errno.EBUSY, () -> Vfs.rename(ctx, null, "d/.", null, "e", false));
        // O_CREAT through a dangling symlink creates its target.
        symlink("made", "dl");
        Vfs.open(ctx, null, "dl", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0640).close();
        assertEquals(Dir.S_IFREG | 0640 & ~022, stat("made", false).mode());
        ctx.setUmask(0);
        touch("nomask");
        assertEquals(0644, stat("nomask", true).mode() & Dir.PERMS);
    }

    @Test
    void openChecksTypeAndAccess() {
        touch("f");
        mkdir("d");
        symlink("f", "l");
        assertErrno(Errno.EISDIR, () -> Vfs.open(ctx, null, "d", OpenFlags.O_WRONLY, 0));
        assertErrno(Errno.ENOTDIR, () -> Vfs.open(ctx, null, "f", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0));
        assertErrno(Errno.ELOOP, () -> Vfs.open(ctx, null, "l", OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW, 0));
        try (var p = new Closer(Vfs.open(ctx, null, "l", OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW, 0))) {
            assertTrue(p.f.pathOnly());
            assertTrue(p.f.chan().isSymlink());
            assertErrno(Errno.EBADF, () -> p.f.read(new byte[1], 0, 1));
        }
        try (var w = new Closer(Vfs.open(ctx, null, "f", OpenFlags.O_WRONLY, 0))) {
            assertTrue(w.f.seekable());
            assertEquals(3, w.f.pwrite(0, "abc".getBytes(), 0, 3));
            assertErrno(Errno.EBADF, () -> w.f.pread(0, new byte[3], 0, 3));
        }
        try (var r = new Closer(Vfs.open(ctx, null, "f", OpenFlags.O_RDONLY | OpenFlags.O_TRUNC, 0))) {
            assertEquals(0, r.f.stat().size(), "O_TRUNC truncates even a read-only open");
        }
        assertEquals(OpenFlags.O_RDONLY | OpenFlags.O_LARGEFILE | OpenFlags.O_APPEND,
                Vfs.descriptionFlags(OpenFlags.O_CREAT | OpenFlags.O_APPEND | OpenFlags.O_CLOEXEC));
        assertErrno(Errno.EOPNOTSUPP, () -> Vfs.open(ctx, null, ".", OpenFlags.O_TMPFILE | OpenFlags.O_RDWR, 0600));
    }

    /** Closes a ChanFile in try-with-resources. */
    private record Closer(ChanFile f) implements AutoCloseable {
        @Override public void close() { f.close(); }
    }

    @Test
    void getcwdFollowsRenamesAndNoticesRemoval() {
        mkdir("a");
        mkdir("a/b");
        Vfs.chdir(ctx, null, "a/b", false);
        assertEquals("/tmp/a/b", cwd());
        Vfs.rename(ctx, null, "/tmp/a", null, "/tmp/renamed", false);
        assertEquals("/tmp/renamed/b", cwd());
        Vfs.chdir(ctx, null, "/", false);
        assertEquals("/", cwd());
        mkdir("/tmp/gone");
        Vfs.chdir(ctx, null, "/tmp/gone", false);
        Vfs.unlink(ctx, null, "/tmp/gone", true);
        assertErrno(Errno.ENOENT, this::cwd);
        assertErrno(Errno.ENOENT, () -> touch("x"));
        assertEquals(ino("/tmp"), ino(".."), ".. still leads out of a removed directory");
    }

    @Test
    void chrootConfinesDotDotAndAbsoluteLinks() {
        mkdir("jail");
        mkdir("jail/etc");
        touch("jail/etc/passwd");
        symlink("/etc/passwd", "jail/abs");
        Vfs.chdir(ctx, null, "jail", false);
        Vfs.chdir(ctx, null, "/tmp/jail", true);
        assertEquals("/", cwd());
        assertEquals(ino("/"), ino("/../.."));
        assertEquals(ino("/etc/passwd"), ino("abs"), "absolute links start at the process root");
        assertErrno(Errno.ENOENT, () -> ino("/dev/null"));
        FsContext other = t.context("/dev");
        try (Chan devRoot = other.cwd()) {
            assertEquals("(unreachable)/dev", Vfs.pathOf(ctx, devRoot), "outside the root, as Linux says");
        } finally {
            other.release();
        }
    }

    @Test
    void forkCopiesTheContext() {
        mkdir("a");
        ctx.setUmask(077);
        FsContext child = ctx.fork();
        Vfs.chdir(child, null, "a", false);
        assertEquals("/tmp", cwd());
        try (Chan c = child.cwd()) {
            assertEquals("/tmp/a", Vfs.pathOf(child, c));
        }
        assertEquals(077, child.umask());
        child.release();
        child.release();
        assertErrno(Errno.EBADF, child::cwd);
    }

    @Test
    void pipesComeFromTheDeviceTable() {
        ChanFile[] ends = Vfs.pipe(ctx, 0);
        try {
            assertEquals(3, ends[1].write("abc".getBytes(), 0, 3));
            byte[] b = new byte[8];
            assertEquals(3, ends[0].read(b, 0, 8));
            assertEquals(Dir.S_IFIFO, ends[0].stat().mode() & Dir.S_IFMT);
            assertEquals(ends[0].stat().ino(), ends[1].stat().ino());
        } finally {
            ends[0].close();
            ends[1].close();
        }
        assertErrno(Errno.ENODEV, () -> new Namespace(new TmpFs(1, () -> 0, 1 << 20, 0755)).attach('|'));
    }
}
