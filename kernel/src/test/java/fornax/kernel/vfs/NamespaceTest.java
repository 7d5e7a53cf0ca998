package fornax.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Plan 9 namespaces: union order, create in unions, binds of directories and files, unmount,
 * ".." across binds, sharing on fork and isolation after unshare and clear, the Linux mount(2)
 * and umount2(2) rules, read-only mounts, and the /proc/PID/ns listing. Every test ends by
 * checking that no tmpfs fid leaked.
 */
class NamespaceTest {
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
        Namespace mine = t.ns.copy();   // the test's own, so that releasing it frees all it made
        ctx = FsContext.initial(mine, "/tmp");
        mine.release();
        for (String d : List.of("/a", "/b", "/c", "/n")) mkdir(d);
        write("/a/x", "a-x");
        write("/a/only-a", "1");
        write("/b/x", "b-x");
        write("/b/only-b", "2");
    }

    @AfterEach
    void noFidLeaks() {
        ctx.release();   // the last use of the test's namespace: every member it made goes
        assertEquals(fidsAtStart, t.root.liveFids(), "every fid was clunked");
    }

    private void mkdir(String p) { Vfs.mkdir(ctx, null, p, 0755); }

    private void mkdir(FsContext c, String p) { Vfs.mkdir(c, null, p, 0755); }

    private void write(String p, String text) { write(ctx, p, text); }

    private static void write(FsContext c, String p, String text) {
        ChanFile f = Vfs.open(c, null, p, OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC, 0644);
        try {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            f.write(b, 0, b.length);
        } finally {
            f.close();
        }
    }

    private String read(String p) { return read(ctx, p); }

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

    private List<String> ls(String p) { return ls(ctx, p); }

    private static List<String> ls(FsContext c, String p) {
        List<String> names = new ArrayList<>();
        ChanFile f = Vfs.open(c, null, p, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0);
        try {
            long off = 0;
            for (List<DirEntry> batch; !(batch = f.readdir(off, 2)).isEmpty(); ) {
                for (DirEntry e : batch) {
                    if (!e.name().equals(".") && !e.name().equals("..")) names.add(e.name());
                    off = e.next();
                }
            }
        } finally {
            f.close();
        }
        return names;
    }

    private boolean exists(FsContext c, String p) {
        try (Chan ch = Vfs.lookup(c, null, p, true)) {
            return true;
        } catch (SysError e) {
            if (e.errno() != Errno.ENOENT) throw e;
            return false;
        }
    }

    private void ctl(String line) { NamespaceOps.control(ctx, line); }

    private String cwd() { return ctx.cwdPath(); }

    private void cd(String p) { Vfs.chdir(ctx, null, p, false); }

    private String getcwd() {
        try (Chan c = ctx.cwd()) {
            return Vfs.pathOf(ctx, c);
        }
    }

    // ------------------------------------------------------------------ unions

    @Test
    void bindReplacesAndUnionsLookInOrder() {
        ctl("bind /a /n");
        assertEquals("a-x", read("/n/x"));
        assertEquals(List.of("only-a", "x"), sorted(ls("/n")));
        ctl("bind -a /b /n");
        assertEquals("a-x", read("/n/x"), "the first member that has the name wins");
        assertEquals("2", read("/n/only-b"), "names only later members have are found there");
        ctl("bind -b /b /n");
        assertEquals("b-x", read("/n/x"), "a member put before now comes first");
        assertEquals(List.of("x", "only-b", "only-a"), ls("/n"), "members in order, a name once");
    }

    @Test
    void aUnionOnAPlainDirectoryKeepsItsOwnEntries() {
        write("/c/mine", "c");
        ctl("bind -a /a /c");
        assertEquals(List.of("mine", "x", "only-a"), ls("/c"), "the directory first, then what was bound after it");
        assertEquals("a-x", read("/c/x"));
        ctl("bind -b /b /c");
        assertEquals(List.of("x", "only-b", "mine", "only-a"), ls("/c"));
        assertEquals("bind '/c' '/c'\nbind -a '/a' '/c'\nbind -b '/b' '/c'\n", NamespaceOps.list(ctx).replaceAll("(?m)^mount .*\\n", ""));
    }

    @Test
    void createGoesToTheMemberMarkedCreate() {
        ctl("bind -a /a /c");
        assertErrno(Errno.EACCES, () -> write("/c/new", "?"));
        assertErrno(Errno.EACCES, () -> mkdir("/c/dir"));
        ctl("bind -ac /b /c");
        write("/c/new", "made");
        assertEquals("made", read("/b/new"), "created in the member made with -c");
        assertFalse(exists(ctx, "/a/new"));
        mkdir("/c/sub");
        assertTrue(exists(ctx, "/b/sub"));
        assertErrno(Errno.EEXIST, () -> mkdir("/c/x"));   // x exists in an earlier member
        Vfs.unlink(ctx, null, "/c/only-b", false);
        assertFalse(exists(ctx, "/b/only-b"), "unlink removes the name from the member that has it");
    }

    @Test
    void aReplacingBindWithoutCreateForbidsCreation() {
        ctl("bind /a /n");
        assertErrno(Errno.EACCES, () -> write("/n/new", "?"));
        ctl("bind -c /a /n");
        write("/n/new", "ok");
        assertEquals("ok", read("/a/new"));
    }

    @Test
    void aFileBindsOverAFile() {
        ctl("bind /b/x /a/x");
        assertEquals("b-x", read("/a/x"));
        write("/a/x", "through");
        assertEquals("through", read("/b/x"), "writes go to the bound file");
        assertErrno(Errno.ENOTDIR, () -> ctl("bind /a /b/x"));
        assertErrno(Errno.ENOTDIR, () -> ctl("bind /a/only-a /n"));
        ctl("unmount /a/x");
        assertEquals("a-x", read("/a/x"));
    }

    @Test
    void unmountOneMemberOrTheWholePoint() {
        ctl("bind /a /n");
        ctl("bind -a /b /n");
        ctl("unmount /a /n");
        assertEquals("b-x", read("/n/x"));
        assertFalse(exists(ctx, "/n/only-a"));
        ctl("unmount /n");
        assertEquals(List.of(), ls("/n"), "the covered directory again");
        assertErrno(Errno.EINVAL, () -> ctl("unmount /n"));
        ctl("bind -a /a /c");
        ctl("unmount /a /c");
        assertEquals(List.of(), ls("/c"), "with only its own member left the union goes");
        assertEquals("", NamespaceOps.list(ctx).replaceAll("(?m)^mount .*\\n", ""));
    }

    @Test
    void dotDotGoesBackTheWayItCame() {
        mkdir("/a/deep");
        mkdir("/n/m");
        ctl("bind /a /n/m");
        cd("/n/m/deep");
        assertEquals("/n/m/deep", getcwd());
        cd("..");
        assertEquals("/n/m", getcwd());
        cd("..");
        assertEquals("/n", getcwd(), "not /, where the source /a lies");
        assertEquals("a-x", read("/n/m/deep/../../m/x"));
        ctl("bind -a /b /n/m");
        assertEquals("2", read("/n/m/../m/only-b"));
        cd("/n/m");
        cd("..");
        assertEquals("/n", getcwd(), "from a union directory too");
    }

    @Test
    void aBindOfTheRootSeesWhatIsMountedInsideIt() {
        ctl("bind / /n");
        assertTrue(exists(ctx, "/n/dev/null"), "nsctl binds are recursive: /dev is seen through them");
        cd("/n/dev");
        cd("..");
        assertEquals("/n", getcwd());
    }

    // ------------------------------------------------------------------ sharing and isolation

    @Test
    void forkSharesUnshareCopiesAndTheCopyIsIndependent() {
        FsContext child = ctx.fork();
        try {
            NamespaceOps.control(child, "bind /a /n");
            assertEquals("a-x", read(ctx, "/n/x"), "fork shares the namespace");
            NamespaceOps.unshare(child);
            NamespaceOps.control(child, "bind /b /c");
            assertEquals("b-x", read(child, "/c/x"));
            assertFalse(exists(ctx, "/c/x"), "a mount in the copy does not show in the original");
            assertEquals("a-x", read(child, "/n/x"), "the copy starts with what the original had");
            NamespaceOps.control(ctx, "unmount /n");
            assertEquals("a-x", read(child, "/n/x"), "an unmount in the original does not show in the copy");
            assertFalse(exists(ctx, "/n/x"));
        } finally {
            child.release();
        }
    }

    @Test
    void clearStartsAFreshNamespaceWithTheKernelFileSystems() {
        FsContext child = ctx.fork();
        try {
            NamespaceOps.control(child, "bind /a /n");
            NamespaceOps.control(child, "clear");
            assertFalse(exists(child, "/n/x"), "the bind is gone");
            assertTrue(exists(child, "/dev/null"), "devtmpfs is mounted again on /dev");
            assertEquals("mount -c 'devtmpfs' '/dev'\n", NamespaceOps.list(child));
            assertEquals("a-x", read(ctx, "/n/x"), "the parent keeps its namespace");
            NamespaceOps.control(child, "mount -b '#c' /c");
            assertTrue(exists(child, "/c/null"), "a device mounted by its '#' name");
        } finally {
            child.release();
        }
    }

    // ------------------------------------------------------------------ Linux

    @Test
    void linuxBindMoveRemountAndUmount() {
        NamespaceOps.mount(ctx, "/a", "/n", null, NamespaceOps.MS_BIND);
        assertEquals("a-x", read("/n/x"));
        write("/n/new", "via bind");
        assertEquals("via bind", read("/a/new"), "a bind mount creates in its source");
        NamespaceOps.mount(ctx, null, "/n", null, NamespaceOps.MS_REMOUNT | NamespaceOps.MS_BIND | NamespaceOps.MS_RDONLY);
        assertErrno(Errno.EROFS, () -> write("/n/x", "no"));
        assertErrno(Errno.EROFS, () -> mkdir("/n/d"));
        assertErrno(Errno.EROFS, () -> Vfs.unlink(ctx, null, "/n/x", false));
        write("/a/x", "source still writable");
        assertEquals("source still writable", read("/n/x"));
        NamespaceOps.mount(ctx, null, "/n", null, NamespaceOps.MS_REMOUNT | NamespaceOps.MS_BIND);
        write("/n/x", "rw again");
        mkdir("/c/to");
        NamespaceOps.mount(ctx, "/n", "/c/to", null, NamespaceOps.MS_MOVE);
        assertFalse(exists(ctx, "/n/x"));
        assertEquals("rw again", read("/c/to/x"));
        cd("/c/to");
        cd("..");
        assertEquals("/c", getcwd(), "a moved mount's '..' is its new place");
        assertErrno(Errno.EINVAL, () -> NamespaceOps.umount(ctx, "/c", 0));
        NamespaceOps.umount(ctx, "/c/to", 0);
        assertFalse(exists(ctx, "/c/to/x"));
        assertErrno(Errno.EINVAL, () -> NamespaceOps.umount(ctx, "/c/to", 0));
    }

    @Test
    void linuxMountsStackAndBusyRules() {
        NamespaceOps.mount(ctx, "none", "/n", "tmpfs", 0);
        write("/n/t1", "1");
        NamespaceOps.mount(ctx, "none", "/n", "tmpfs", 0);
        assertFalse(exists(ctx, "/n/t1"), "a second mount stacks on the first");
        NamespaceOps.umount(ctx, "/n", 0);
        assertEquals("1", read("/n/t1"), "unmounting the top shows the one below");
        mkdir("/n/inner");
        NamespaceOps.mount(ctx, "none", "/n/inner", "tmpfs", 0);
        assertErrno(Errno.EBUSY, () -> NamespaceOps.umount(ctx, "/n", 0));
        NamespaceOps.umount(ctx, "/n", NamespaceOps.MNT_DETACH);
        assertFalse(exists(ctx, "/n/inner"), "detach takes the mounts inside too");
        assertErrno(Errno.ENODEV, () -> NamespaceOps.mount(ctx, "none", "/n", "nosuchfs", 0));
        assertErrno(Errno.ENOENT, () -> NamespaceOps.mount(ctx, "none", "/missing", "tmpfs", 0));
        assertErrno(Errno.ENOTDIR, () -> NamespaceOps.mount(ctx, "none", "/a/x", "tmpfs", 0));
        assertErrno(Errno.EINVAL, () -> NamespaceOps.umount(ctx, "/n", 0x100));
        NamespaceOps.mount(ctx, "none", "/n", "tmpfs", NamespaceOps.MS_RDONLY);
        assertErrno(Errno.EROFS, () -> write("/n/f", "no"));
        NamespaceOps.umount(ctx, "/n", 0);
    }

    @Test
    void linuxBindWithoutRecHidesMountsInsideAndWithRecShowsThem() {
        mkdir("/a/sub");
        NamespaceOps.mount(ctx, "none", "/a/sub", "tmpfs", 0);
        write("/a/sub/in-tmpfs", "t");
        NamespaceOps.mount(ctx, "/a", "/n", null, NamespaceOps.MS_BIND);
        assertFalse(exists(ctx, "/n/sub/in-tmpfs"), "MS_BIND alone does not carry submounts");
        NamespaceOps.mount(ctx, "/a", "/c", null, NamespaceOps.MS_BIND | NamespaceOps.MS_REC);
        assertEquals("t", read("/c/sub/in-tmpfs"), "MS_REC does");
    }

    @Test
    void commandLinesAreCheckedAndQuoted() {
        assertErrno(Errno.EINVAL, () -> ctl("bind /a"));
        assertErrno(Errno.EINVAL, () -> ctl("bind -z /a /n"));
        assertErrno(Errno.EINVAL, () -> ctl("frob /a /n"));
        assertErrno(Errno.EINVAL, () -> ctl("bind '/a /n"));
        assertErrno(Errno.ENOENT, () -> ctl("bind /nope /n"));
        assertErrno(Errno.ENODEV, () -> ctl("mount '#Z' /n"));
        mkdir("/it's");
        ctl("bind -b '/it''s' /n");
        assertTrue(NamespaceOps.list(ctx).contains("bind -b '/it''s' '/n'\n"), NamespaceOps.list(ctx));
        assertEquals(List.of("a", "b c", "d'e"), NamespaceOps.words("  a 'b c'\t'd''e' \n"));
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }
}
