package fornax.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.fs.devfs.DevFs;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A container's namespace ({@code clear DIR} on nsctl): only DIR's files can be named from it, by
 * any path — "..", absolute and relative symlinks, chroot below it, mounts made inside DIR in the
 * outer namespace — while the outer tree keeps everything. Each escape attempt names a file
 * that exists outside, so a broken confinement fails the test rather than passing by absence.
 */
class ContainerNamespaceTest {
    private final TestFs t = new TestFs();
    private FsContext outer, in;
    private long fidsAtStart;

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    @BeforeEach
    void setUp() {
        fidsAtStart = t.root.liveFids();
        Namespace mine = t.ns.copy();
        outer = FsContext.initial(mine, "/");
        mine.release();
        for (String d : List.of("/c", "/c/dev", "/c/etc", "/c/sub", "/c/sub/dir", "/c/mnt", "/x")) Vfs.mkdir(outer, null, d, 0755);
        write(outer, "/secret", "outside");
        write(outer, "/x/secret", "outside too");
        write(outer, "/c/etc/f", "inside");
        Vfs.symlink(outer, "/secret", null, "/c/abs");
        Vfs.symlink(outer, "../secret", null, "/c/rel");
        Vfs.symlink(outer, "../../../../../x/secret", null, "/c/sub/deep");
        NamespaceOps.mount(outer, "none", "/c/mnt", "tmpfs", 0);
        write(outer, "/c/mnt/outer-only", "mounted outside");
        in = outer.fork();
        NamespaceOps.control(in, "clear /c");
    }

    @AfterEach
    void noFidLeaks() {
        in.release();
        outer.release();
        assertEquals(fidsAtStart, t.root.liveFids(), "every fid was clunked");
    }

    private static void write(FsContext c, String p, String text) {
        ChanFile f = Vfs.open(c, null, p, OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC, 0644);
        try {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            f.write(b, 0, b.length);
        } finally {
            f.close();
        }
    }

    private static String read(FsContext c, String p) {
        ChanFile f = Vfs.open(c, null, p, OpenFlags.O_RDONLY, 0);
        try {
            byte[] b = new byte[4096];
            int n = f.pread(0, b, 0, b.length);
            return new String(b, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
        } finally {
            f.close();
        }
    }

    private static List<String> ls(FsContext c, String p) {
        List<String> names = new ArrayList<>();
        ChanFile f = Vfs.open(c, null, p, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0);
        try {
            long off = 0;
            for (List<DirEntry> batch; !(batch = f.readdir(off, 8)).isEmpty(); ) {
                for (DirEntry e : batch) {
                    if (!e.name().equals(".") && !e.name().equals("..")) names.add(e.name());
                    off = e.next();
                }
            }
        } finally {
            f.close();
        }
        names.sort(null);
        return names;
    }

    @Test
    void theRootIsTheDirectoryAndNothingAbove() {
        assertEquals(List.of("abs", "dev", "etc", "mnt", "rel", "sub"), ls(in, "/"));
        assertEquals(ls(in, "/"), ls(in, "/../../.."), "'..' at the root stays there");
        assertEquals("inside", read(in, "/etc/f"));
        assertEquals("inside", read(in, "/sub/dir/../../../../etc/f"));
        assertErrno(Errno.ENOENT, () -> read(in, "/../secret"));
        assertErrno(Errno.ENOENT, () -> read(in, "/sub/../../secret"));
        assertEquals("outside", read(outer, "/secret"), "the outer tree is unchanged");
        assertEquals("inside", read(outer, "/c/etc/f"));
        try (Chan root = in.root()) {
            assertEquals("/", Vfs.pathOf(in, root));
        }
        assertEquals("/", in.cwdPath(), "the working directory moved to the new root");
    }

    @Test
    void symlinksResolveInsideTheContainer() {
        assertErrno(Errno.ENOENT, () -> read(in, "/abs"));
        assertErrno(Errno.ENOENT, () -> read(in, "/rel"));
        assertErrno(Errno.ENOENT, () -> read(in, "/sub/deep"));
        assertEquals("outside", read(outer, "/c/abs"), "outside, the same links lead out");
        assertEquals("outside too", read(outer, "/c/sub/deep"));
        write(in, "/secret", "the container's own");
        assertEquals("the container's own", read(in, "/abs"), "an absolute link names the container's file");
        assertEquals("outside", read(outer, "/secret"));
    }

    @Test
    void workingDirectoryAndChrootCannotClimbOut() {
        Vfs.chdir(in, null, "/sub/dir", false);
        assertErrno(Errno.ENOENT, () -> read(in, "../../../secret"));
        assertEquals("inside", read(in, "../../../../../../etc/f"));
        // The classic chroot escape: chroot below while the working directory stays above it,
        // then climb with "..". The namespace root still stops it.
        Vfs.chdir(in, null, "/", false);
        Vfs.chdir(in, null, "/sub", true);
        assertErrno(Errno.ENOENT, () -> read(in, "../../../../secret"));
        assertEquals("inside", read(in, "../../../../etc/f"), "still inside the container");
    }

    @Test
    void mountsInsideTheDirectoryOutsideAreNotSeenAndDevIsItsOwn() {
        assertEquals(List.of(), ls(in, "/mnt"), "the outer tmpfs on /c/mnt is not part of the container");
        assertEquals(List.of("outer-only"), ls(outer, "/c/mnt"));
        try (Chan mine = Vfs.lookup(in, null, "/dev/null", true); Chan host = Vfs.lookup(outer, null, "/dev/null", true)) {
            assertTrue(mine.server() instanceof DevFs, "a device server is mounted on the container's /dev");
            assertNotSame(host.server(), mine.server(), "its own, not the outer one");
        }
        assertEquals("mount -c 'devtmpfs' '/dev'\n", NamespaceOps.list(in));
        NamespaceOps.control(in, "clear");
        assertEquals(List.of("abs", "dev", "etc", "mnt", "rel", "sub"), ls(in, "/"), "a plain clear keeps the container's root");
        assertErrno(Errno.ENOENT, () -> NamespaceOps.control(in, "bind /../x /mnt"));
    }

    @Test
    void aReadOnlyDirectoryMakesAReadOnlyRoot() {
        Vfs.mkdir(outer, null, "/ro", 0755);
        NamespaceOps.mount(outer, "/c", "/ro", null, NamespaceOps.MS_BIND);
        NamespaceOps.mount(outer, null, "/ro", null, NamespaceOps.MS_REMOUNT | NamespaceOps.MS_BIND | NamespaceOps.MS_RDONLY);
        FsContext ro = outer.fork();
        try {
            NamespaceOps.control(ro, "clear /ro");
            assertEquals("inside", read(ro, "/etc/f"));
            assertErrno(Errno.EROFS, () -> write(ro, "/etc/f", "no"));
            assertErrno(Errno.EROFS, () -> Vfs.mkdir(ro, null, "/new", 0755));
        } finally {
            ro.release();
        }
        FsContext other = outer.fork();
        try {
            assertErrno(Errno.ENOTDIR, () -> NamespaceOps.control(other, "clear /secret"));
            assertErrno(Errno.EINVAL, () -> NamespaceOps.control(other, "clear /c /x"));
        } finally {
            other.release();
        }
    }
}
