package fornax.kernel.ninep.server;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.fs.pipe.PipeFs;
import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Dirent;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NineP;
import fornax.kernel.ninep.Stat;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.StatFs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 9P server over tmpfs (and the pipe device, for reads that block), driven through an
 * in-kernel channel by a client made of the codec alone: every message kind in 9P2000.L and in
 * 9P2000/.u, the errors the protocol and the fid states call for, flush of a blocked read,
 * requests served concurrently, protocol errors, and the fid accounting (nothing leaks, on the
 * 9P side or the file server's). The timeout only guards against a hang; nothing is timed.
 */
@Timeout(120)
class NinePServerTest {
    static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TRUNC = 01000, O_APPEND = 02000,
            O_DIRECTORY = 0200000;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000_000L);
    private final TmpFs tmpfs = new TmpFs(7, clock::get, 64L << 20, 0755);
    private final PipeFs pipes = new PipeFs(12, clock::get);
    private final List<Throwable> faults = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private Faulty faulty;
    private final NinePServer server = new NinePServer("test", this::attach, 65536, faults::add, logged::add);
    private final List<TestClient> clients = new ArrayList<>();

    private Fid attach(String aname) {
        return switch (aname) {
            case "", "/" -> tmpfs.attach();
            case "pipe" -> pipes.attach();
            case "faulty" -> faulty.attach();
            default -> throw new SysError(Errno.ENOENT, "no tree " + aname);
        };
    }

    private TestClient client() {
        TestClient c = new TestClient(server);
        clients.add(c);
        return c;
    }

    private TestClient session() throws Exception { return client().dotL(); }

    /** Every test ends with every fid clunked, on both sides. */
    @AfterEach
    void noLeaks() throws Exception {
        for (TestClient c : clients) c.close();
        assertEquals(0, server.liveFids(), "9P fids left");
        assertEquals(0, tmpfs.liveFids(), "tmpfs fids left");
        assertEquals(0, server.connections());
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }
    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    // ------------------------------------------------------------------ version

    @Test
    void versionNegotiatesDialectAndMsize() throws Exception {
        TestClient c = client();
        assertEquals(new Rversion(8192, "9P2000.L"), c.version("9P2000.L", 8192));
        assertEquals(new Rversion(65536, "9P2000.u"), c.version("9P2000.u", 1 << 20));   // lowered to the server's
        assertEquals(new Rversion(4096, "9P2000"), c.version("9P2000", 4096));
        assertEquals(new Rversion(4096, "9P2000"), c.version("9P2000.x", 4096));       // an unknown suffix: plain 9P2000
        assertEquals(new Rversion(4096, Dialect.UNKNOWN), c.version("9P1999", 4096));
        assertEquals("9P2000.L", c.version("9P2000.L", 8192).version());               // a fresh try is still allowed
    }

    @Test
    void aRequestBeforeVersionDropsTheConnection() throws Exception {
        TestClient c = client();
        c.send(new Tattach(0, NOFID, "", "", 0), 1);
        assertTrue(c.hungUp());
        c.serving.join();                                                      // the log line follows the hang-up
        assertTrue(logged.stream().anyMatch(l -> l.contains("before Tversion")), logged.toString());
    }

    @Test
    void versionAgainClunksEveryFid() throws Exception {
        TestClient c = session();
        c.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        c.rpc(new Twalk(0, 1, List.of()), Rwalk.class);
        assertEquals(2, server.liveFids());
        c.dotL();
        assertEquals(0, server.liveFids());
        c.error(Errno.EBADF, new Tclunk(0));
    }

    // ------------------------------------------------------------------ 9P2000.L

    @Test
    void aWholeLinuxSession() throws Exception {
        TestClient c = session();
        assertEquals(Errno.ENOENT, ((Rlerror) c.attempt(new Tauth(1, "", "", 0))).ecode());
        c.error(Errno.ENOENT, new Tattach(0, NOFID, "", "nowhere", 0));
        c.error(Errno.EBADF, new Tattach(0, 5, "", "", 0));
        assertTrue(c.rpc(new Tattach(0, NOFID, "root", "", 0), Rattach.class).qid().isDir());
        c.error(Errno.EBADF, new Tattach(0, NOFID, "", "", 0));              // fid in use

        // create, write, read back
        c.rpc(new Twalk(0, 1, List.of()), Rwalk.class);
        Rlcreate lc = c.rpc(new Tlcreate(1, "hello", O_RDWR | O_CREAT, 0100644, 0), Rlcreate.class);
        assertFalse(lc.qid().isDir());
        assertEquals(11, c.rpc(new Twrite(1, 0, bytes("hello world")), Rwrite.class).count());
        assertEquals("world", text(c.rpc(new Tread(1, 6, 100), Rread.class).data()));
        assertEquals(0, c.rpc(new Tread(1, 11, 100), Rread.class).data().length);
        c.rpc(new Tfsync(1, 0), Rfsync.class);
        c.rpc(new Tclunk(1), Rclunk.class);

        // walk, open, getattr
        Rwalk w = c.rpc(new Twalk(0, 2, List.of("hello")), Rwalk.class);
        assertEquals(List.of(lc.qid().path()), w.qids().stream().map(q -> q.path()).toList());
        Rgetattr ga = c.rpc(new Tgetattr(2, GETATTR_ALL), Rgetattr.class);
        assertEquals(Dir.S_IFREG | 0644, ga.mode());
        assertEquals(11, ga.size());
        assertEquals(1, ga.nlink());
        assertEquals(GETATTR_BASIC, ga.valid());
        assertEquals(lc.qid().path(), ga.qid().path());
        assertEquals(clock.get() / 1_000_000_000L, ga.mtimeSec());
        c.rpc(new Tlopen(2, O_RDONLY), Rlopen.class);
        assertEquals("hello world", text(c.rpc(new Tread(2, 0, 8192), Rread.class).data()));
        c.error(Errno.EBADF, new Twrite(2, 0, bytes("x")));                   // read-only
        c.error(Errno.EBADF, new Twalk(2, 3, List.of()));                     // opened fids are not walked
        c.error(Errno.EBADF, new Twalk(2, 2, List.of()));
        c.error(Errno.EBADF, new Tlopen(2, O_RDONLY));                        // nor opened again
        c.rpc(new Tclunk(2), Rclunk.class);
        c.error(Errno.EBADF, new Tclunk(2));

        // O_TRUNC and O_APPEND
        c.rpc(new Twalk(0, 2, List.of("hello")), Rwalk.class);
        c.rpc(new Tlopen(2, O_WRONLY | O_TRUNC | O_APPEND), Rlopen.class);
        c.rpc(new Twrite(2, 999, bytes("ab")), Rwrite.class);
        c.rpc(new Twrite(2, 0, bytes("cd")), Rwrite.class);
        c.rpc(new Tclunk(2), Rclunk.class);
        assertEquals(1, c.rpc(new Twalk(0, 2, List.of("hello")), Rwalk.class).qids().size());
        assertEquals(4, c.rpc(new Tgetattr(2, GETATTR_BASIC), Rgetattr.class).size());
        c.rpc(new Tclunk(2), Rclunk.class);

        // directories, symlinks, mknod, links
        Rmkdir md = c.rpc(new Tmkdir(0, "sub", 0750, 0), Rmkdir.class);
        assertTrue(md.qid().isDir());
        c.error(Errno.EEXIST, new Tmkdir(0, "sub", 0750, 0));
        assertTrue(c.rpc(new Tsymlink(0, "link", "hello", 0), Rsymlink.class).qid().isSymlink());
        c.rpc(new Twalk(0, 3, List.of("link")), Rwalk.class);
        assertEquals("hello", c.rpc(new Treadlink(3), Rreadlink.class).target());
        c.error(Errno.ENOTDIR, new Twalk(3, 4, List.of("x")));               // walks do not follow links
        c.rpc(new Tclunk(3), Rclunk.class);
        c.rpc(new Tmknod(0, "plain", Dir.S_IFREG | 0600, 0, 0, 0), Rmknod.class);
        c.error(Errno.EPERM, new Tmknod(0, "fifo", Dir.S_IFIFO | 0600, 0, 0, 0));   // tmpfs makes no FIFOs
        c.error(Errno.EINVAL, new Tmknod(0, "d", Dir.S_IFDIR | 0600, 0, 0, 0));
        c.rpc(new Twalk(0, 3, List.of("hello")), Rwalk.class);
        c.rpc(new Tlink(0, 3, "hard"), Rlink.class);
        assertEquals(2, c.rpc(new Tgetattr(3, GETATTR_BASIC), Rgetattr.class).nlink());
        c.rpc(new Tclunk(3), Rclunk.class);
        c.error(Errno.EINVAL, new Tmkdir(0, "a/b", 0755, 0));

        // readdir, in small batches resumed from each last offset
        c.rpc(new Twalk(0, 4, List.of()), Rwalk.class);
        c.rpc(new Tlopen(4, O_RDONLY | O_DIRECTORY), Rlopen.class);
        Map<String, Integer> types = new HashMap<>();
        long offset = 0;
        int batches = 0;
        while (true) {
            List<Dirent> es = c.rpc(new Treaddir(4, offset, 60), Rreaddir.class).entries();
            if (es.isEmpty()) break;
            batches++;
            for (Dirent e : es) types.put(e.name(), e.type());
            offset = es.getLast().offset();
        }
        assertTrue(batches > 2, "batches: " + batches);
        assertEquals(Map.of(".", Dir.DT_DIR, "..", Dir.DT_DIR, "hello", Dir.DT_REG, "sub", Dir.DT_DIR,
                "link", Dir.DT_LNK, "plain", Dir.DT_REG, "hard", Dir.DT_REG), types);
        c.error(Errno.EINVAL, new Treaddir(4, 0, 10));                        // room for no entry
        c.rpc(new Tclunk(4), Rclunk.class);
        c.rpc(new Twalk(0, 4, List.of()), Rwalk.class);
        c.error(Errno.EBADF, new Treaddir(4, 0, 1000));                       // not open
        c.rpc(new Tclunk(4), Rclunk.class);

        // setattr: mode, size, times (given and "now")
        c.rpc(new Twalk(0, 5, List.of("hello")), Rwalk.class);
        c.rpc(new Tsetattr(5, SETATTR_MODE | SETATTR_SIZE | SETATTR_ATIME | SETATTR_ATIME_SET | SETATTR_MTIME
                | SETATTR_MTIME_SET, 0600, 0, 0, 2, 1000, 5, 2000, 7), Rsetattr.class);
        Rgetattr a = c.rpc(new Tgetattr(5, GETATTR_BASIC), Rgetattr.class);
        assertEquals(Dir.S_IFREG | 0600, a.mode());
        assertEquals(2, a.size());
        assertEquals(List.of(1000L, 5L, 2000L, 7L), List.of(a.atimeSec(), a.atimeNsec(), a.mtimeSec(), a.mtimeNsec()));
        clock.addAndGet(5_000_000_000L);
        c.rpc(new Tsetattr(5, SETATTR_MTIME | SETATTR_CTIME, 0, 0, 0, 0, 0, 0, 0, 0), Rsetattr.class);
        assertEquals(clock.get() / 1_000_000_000L, c.rpc(new Tgetattr(5, GETATTR_BASIC), Rgetattr.class).mtimeSec());
        c.error(Errno.EINVAL, new Tsetattr(5, SETATTR_MTIME | SETATTR_MTIME_SET, 0, 0, 0, 0, 0, 0, 1, 1_000_000_000));
        c.rpc(new Tsetattr(5, SETATTR_CTIME, 0, 0, 0, 0, 0, 0, 0, 0), Rsetattr.class);

        // statfs, xattrs, locks
        Rstatfs sf = c.rpc(new Tstatfs(0), Rstatfs.class);
        assertEquals(StatFs.TMPFS_MAGIC, Integer.toUnsignedLong(sf.fsType()));
        assertEquals(255, sf.namelen());
        c.error(Errno.EOPNOTSUPP, new Txattrwalk(5, 6, ""));
        c.error(Errno.ENODATA, new Txattrwalk(5, 6, "user.x"));
        c.error(Errno.EOPNOTSUPP, new Txattrcreate(5, "user.x", 1, 0));
        c.error(Errno.EBADF, new Tlock(5, LOCK_TYPE_WRLCK, 0, 0, 0, 1, "c"));  // not open
        c.rpc(new Tlopen(5, O_RDWR), Rlopen.class);
        assertEquals(LOCK_SUCCESS, c.rpc(new Tlock(5, LOCK_TYPE_WRLCK, 0, 0, 0, 1, "c"), Rlock.class).status());
        assertEquals(new Rgetlock(LOCK_TYPE_UNLCK, 3, 4, 1, "c"), c.rpc(new Tgetlock(5, LOCK_TYPE_RDLCK, 3, 4, 1, "c"), Rgetlock.class));
        c.rpc(new Tclunk(5), Rclunk.class);

        // renames: by fid, by names; the fid follows its file
        c.rpc(new Twalk(0, 6, List.of("hello")), Rwalk.class);
        c.rpc(new Twalk(0, 7, List.of("sub")), Rwalk.class);
        c.rpc(new Trename(6, 7, "moved"), Rrename.class);
        c.error(Errno.ENOENT, new Twalk(0, 8, List.of("hello")));
        assertEquals(2, c.rpc(new Twalk(0, 8, List.of("sub", "moved")), Rwalk.class).qids().size());
        c.rpc(new Tclunk(8), Rclunk.class);
        c.rpc(new Trenameat(7, "moved", 0, "back"), Rrenameat.class);
        c.error(Errno.ENOENT, new Trenameat(7, "moved", 0, "back"));

        // removal: by name, by fid (which is clunked even when the removal fails)
        c.rpc(new Tunlinkat(0, "hard", 0), Runlinkat.class);
        c.error(Errno.EISDIR, new Tunlinkat(0, "sub", 0));
        c.error(Errno.ENOTDIR, new Tunlinkat(0, "plain", Requests.AT_REMOVEDIR));
        c.rpc(new Twalk(0, 8, List.of("plain")), Rwalk.class);
        c.rpc(new Tremove(8), Rremove.class);
        c.error(Errno.EBADF, new Tclunk(8));
        c.error(Errno.ENOENT, new Twalk(0, 8, List.of("plain")));
        c.rpc(new Tremove(7), Rremove.class);                                // the directory "sub", now empty
        c.error(Errno.ENOENT, new Twalk(0, 8, List.of("sub")));
        c.rpc(new Twalk(0, 8, List.of()), Rwalk.class);
        c.error(Errno.EBUSY, new Tremove(8));                                 // the root has no name
        c.error(Errno.EBADF, new Tclunk(8));

        c.rpc(new Tclunk(6), Rclunk.class);
        c.rpc(new Tflush(999), Rflush.class);                                  // nothing to flush: at once
        c.rpc(new Tclunk(0), Rclunk.class);
        assertEquals(0, server.liveFids());
    }

    @Test
    void walksFollowWalk5() throws Exception {
        TestClient c = session();
        c.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        c.rpc(new Tmkdir(0, "a", 0755, 0), Rmkdir.class);
        c.rpc(new Twalk(0, 1, List.of("a")), Rwalk.class);
        c.rpc(new Tmkdir(1, "b", 0755, 0), Rmkdir.class);
        // a failure at the first name is an error; a later one a short walk that makes no newfid
        c.error(Errno.ENOENT, new Twalk(0, 2, List.of("x", "a")));
        assertEquals(1, c.rpc(new Twalk(0, 2, List.of("a", "x", "b")), Rwalk.class).qids().size());
        c.error(Errno.EBADF, new Tclunk(2));
        // a full walk, with "." and "..", and onto the fid itself
        Rwalk w = c.rpc(new Twalk(0, 2, List.of("a", "b", "..", ".", "b")), Rwalk.class);
        assertEquals(5, w.qids().size());
        c.rpc(new Twalk(2, 2, List.of("..", "..")), Rwalk.class);
        assertEquals(c.rpc(new Tgetattr(0, GETATTR_BASIC), Rgetattr.class).qid(),
                c.rpc(new Tgetattr(2, GETATTR_BASIC), Rgetattr.class).qid());
        c.rpc(new Twalk(2, 2, List.of("..")), Rwalk.class);                     // the root is its own parent
        c.error(Errno.EBADF, new Twalk(0, 1, List.of("a")));                   // newfid in use
        c.error(Errno.EBADF, new Twalk(9, 10, List.of()));                     // fid unknown
        c.error(Errno.ENOENT, new Twalk(0, 10, List.of("a/b")));               // one element per name
        // Tremove after the fid's path changed by ".." still finds the file
        c.rpc(new Twalk(0, 3, List.of("a", "b", "..", "b")), Rwalk.class);
        c.rpc(new Tremove(3), Rremove.class);
        c.error(Errno.ENOENT, new Twalk(1, 3, List.of("b")));
        for (int fid : new int[] {0, 1, 2}) c.rpc(new Tclunk(fid), Rclunk.class);
    }

    // ------------------------------------------------------------------ 9P2000 and .u

    @Test
    void aPlan9Session() throws Exception {
        TestClient c = client();
        assertEquals("9P2000", c.version("9P2000", 8192).version());
        assertEquals("authentication not required", ((Rerror) c.attempt(new Tauth(1, "glenda", ""))).ename());
        c.rpc(new Tattach(0, NOFID, "glenda", ""), Rattach.class);
        // create a directory and a file in it; Plan 9's permission rule against the parent's mode
        c.rpc(new Twalk(0, 1, List.of()), Rwalk.class);
        Rcreate dir = c.rpc(new Tcreate(1, "usr", DMDIR | 0777, OREAD), Rcreate.class);
        assertTrue(dir.qid().isDir());
        c.rpc(new Tclunk(1), Rclunk.class);
        c.rpc(new Twalk(0, 1, List.of("usr")), Rwalk.class);
        c.rpc(new Tcreate(1, "notes", 0666, ORDWR), Rcreate.class);
        assertEquals(5, c.rpc(new Twrite(1, 0, bytes("plan9")), Rwrite.class).count());
        Stat st = c.rpc(new Tstat(1), Rstat.class).stat();
        assertEquals("notes", st.name());
        assertEquals(0644, st.mode());                                         // 0666 & (~0666 | 0755 & 0666)
        assertEquals(5, st.length());
        assertEquals("root", st.uid());
        c.rpc(new Tclunk(1), Rclunk.class);
        Stat ds = c.rpc(new Tstat(0), Rstat.class).stat();
        assertEquals("/", ds.name());
        assertEquals(DMDIR | 0755, ds.mode());
        assertEquals(0, ds.length());

        // wstat: mode, length, mtime, then a rename; "don't touch" everywhere is a sync
        c.rpc(new Twalk(0, 2, List.of("usr", "notes")), Rwalk.class);
        Stat d = Stat.dontTouch();
        c.rpc(new Twstat(2, d), Rwstat.class);
        c.rpc(new Twstat(2, new Stat(d.type(), d.dev(), d.qid(), 0600, -1, 12345, 3L, "renamed", "", "", "")), Rwstat.class);
        st = c.rpc(new Tstat(2), Rstat.class).stat();
        assertEquals(List.of(0600, 12345, 3L, "renamed"), List.of(st.mode(), st.mtime(), st.length(), st.name()));
        c.error(Errno.EPERM, new Twstat(2, new Stat(d.type(), d.dev(), d.qid(), DMDIR | 0600, -1, -1, -1L, "", "", "", "")));
        c.rpc(new Tclunk(2), Rclunk.class);
        assertEquals(1, c.rpc(new Twalk(0, 2, List.of("usr", "notes")), Rwalk.class).qids().size());

        // a directory read returns stats, whole, from offset 0 or where the last read ended
        c.rpc(new Twalk(0, 3, List.of("usr")), Rwalk.class);
        for (String n : List.of("b", "c", "d")) {
            c.rpc(new Twalk(3, 4, List.of()), Rwalk.class);
            c.rpc(new Tcreate(4, n, 0644, OWRITE), Rcreate.class);
            c.rpc(new Tclunk(4), Rclunk.class);
        }
        c.error(Errno.EISDIR, new Topen(3, OWRITE));
        c.rpc(new Topen(3, OREAD), Ropen.class);
        Set<String> names = new TreeSet<>();
        long off = 0;
        for (byte[] data; (data = c.rpc(new Tread(3, off, 80), Rread.class).data()).length > 0; off += data.length)
            for (Stat s : c.codec.decodeStats(data)) names.add(s.name());
        assertEquals(Set.of("renamed", "b", "c", "d"), names);
        c.error(Errno.ESPIPE, new Tread(3, 1, 80));
        assertEquals(4, c.codec.decodeStats(c.rpc(new Tread(3, 0, 8000), Rread.class).data()).size());
        c.error(Errno.EINVAL, new Tread(3, 0, 20));                           // no stat fits in 20 bytes
        c.rpc(new Tclunk(3), Rclunk.class);

        // ORCLOSE removes on clunk; Tremove removes
        c.rpc(new Twalk(0, 5, List.of("usr", "b")), Rwalk.class);
        c.rpc(new Topen(5, OREAD | ORCLOSE), Ropen.class);
        c.rpc(new Tclunk(5), Rclunk.class);
        assertEquals(1, c.rpc(new Twalk(0, 5, List.of("usr", "b")), Rwalk.class).qids().size());   // a short walk: gone
        c.rpc(new Twalk(0, 5, List.of("usr", "c")), Rwalk.class);
        c.rpc(new Tremove(5), Rremove.class);
        assertEquals(1, c.rpc(new Twalk(0, 5, List.of("usr", "c")), Rwalk.class).qids().size());   // a short walk: gone
        // OTRUNC
        c.rpc(new Twalk(0, 5, List.of("usr", "renamed")), Rwalk.class);
        c.rpc(new Topen(5, OWRITE | OTRUNC), Ropen.class);
        assertEquals(0, c.rpc(new Tstat(5), Rstat.class).stat().length());
        c.rpc(new Tclunk(5), Rclunk.class);
        c.rpc(new Tclunk(0), Rclunk.class);
    }

    @Test
    void dotUCarriesNumbersAndSymlinks() throws Exception {
        TestClient c = client();
        assertEquals("9P2000.u", c.version("9P2000.u", 8192).version());
        c.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        c.rpc(new Twalk(0, 1, List.of()), Rwalk.class);
        Rcreate l = c.rpc(new Tcreate(1, "ln", DMSYMLINK | 0777, OREAD, "target/path"), Rcreate.class);
        assertTrue(l.qid().isSymlink());
        Stat st = c.rpc(new Tstat(1), Rstat.class).stat();
        assertEquals("target/path", st.extension());
        assertEquals(DMSYMLINK | 0777, st.mode());
        assertEquals(0, st.nUid());
        c.rpc(new Tclunk(1), Rclunk.class);
        Rerror e = (Rerror) c.attempt(new Twalk(0, 1, List.of("missing")));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("No such file or directory", e.ename());
        c.rpc(new Tclunk(0), Rclunk.class);
    }

    // ------------------------------------------------------------------ concurrency and flush

    /** Attaches the pipe device and opens its data file for reading (fid 1) and writing (fid 2). */
    private TestClient pipeSession() throws Exception {
        TestClient c = session();
        c.rpc(new Tattach(0, NOFID, "", "pipe", 0), Rattach.class);
        c.rpc(new Twalk(0, 1, List.of("data")), Rwalk.class);
        c.rpc(new Tlopen(1, O_RDONLY), Rlopen.class);
        c.rpc(new Twalk(0, 2, List.of("data")), Rwalk.class);
        c.rpc(new Tlopen(2, O_WRONLY), Rlopen.class);
        return c;
    }

    @Test
    void aBlockedReadHoldsUpNothingElse() throws Exception {
        TestClient c = pipeSession();
        c.send(new Tread(1, 0, 100), 100);                                    // blocks: the pipe is empty
        for (int i = 0; i < 20; i++) c.rpc(new Tgetattr(0, GETATTR_BASIC), Rgetattr.class);
        c.send(new Twrite(2, 0, bytes("wake")), 101);
        Map<Integer, Reply> replies = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            Frame f = c.receive();
            replies.put(f.tag(), (Reply) f.message());
        }
        assertEquals(new Rwrite(4), replies.get(101));
        assertEquals("wake", text(((Rread) replies.get(100)).data()));
        for (int fid : new int[] {0, 1, 2}) c.rpc(new Tclunk(fid), Rclunk.class);
    }

    @Test
    void flushCancelsABlockedReadAndItsReplyNeverComes() throws Exception {
        TestClient c = pipeSession();
        c.send(new Tread(1, 0, 100), 100);
        c.rpc(new Tgetattr(1, GETATTR_BASIC), Rgetattr.class);                 // the read is in flight by now
        assertEquals(new Rflush(), c.rpc(new Tflush(100), Rflush.class));
        // data arrives after the flush: the flushed read must not take it, nor answer
        c.rpc(new Twrite(2, 0, bytes("late")), Rwrite.class);
        assertEquals("late", text(c.rpc(new Tread(1, 0, 100), Rread.class).data()));
        c.send(new Tclunk(2), 100);                                            // the tag is free again
        Frame f = c.receive();
        assertEquals(100, f.tag());
        assertEquals(new Rclunk(), f.message());
        for (int fid : new int[] {0, 1}) c.rpc(new Tclunk(fid), Rclunk.class);
    }

    @Test
    void manyClientsAndRequestsAtOnce() throws Exception {
        TestClient setup = session();
        setup.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        setup.rpc(new Twalk(0, 1, List.of()), Rwalk.class);
        setup.rpc(new Tlcreate(1, "shared", O_RDWR, 0644, 0), Rlcreate.class);
        setup.rpc(new Twrite(1, 0, new byte[4096]), Rwrite.class);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            TestClient c = session();
            int id = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    c.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
                    // 32 requests in flight at once, answered in any order
                    for (int i = 0; i < 32; i++) c.send(new Twalk(0, 100 + i, List.of("shared")), i);
                    Set<Integer> tags = new TreeSet<>();
                    for (int i = 0; i < 32; i++) {
                        Frame f = c.receive();
                        assertInstanceOf(Rwalk.class, f.message());
                        tags.add(f.tag());
                    }
                    assertEquals(32, tags.size());
                    for (int i = 0; i < 32; i++) c.send(new Tlopen(100 + i, O_RDWR), i);
                    for (int i = 0; i < 32; i++) assertInstanceOf(Rlopen.class, c.receive().message());
                    for (int i = 0; i < 32; i++) c.send(new Twrite(100 + i, id * 1024 + i, new byte[] {(byte) i}), i);
                    for (int i = 0; i < 32; i++) assertEquals(new Rwrite(1), c.receive().message());
                    for (int i = 0; i < 32; i++) c.send(new Tclunk(100 + i), i);
                    for (int i = 0; i < 32; i++) assertEquals(new Rclunk(), c.receive().message());
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(List.of(), failures);
        byte[] all = setup.rpc(new Tread(1, 0, 4096), Rread.class).data();
        for (int t = 0; t < 4; t++) for (int i = 0; i < 32; i++) assertEquals(i, all[t * 1024 + i]);
        assertEquals(6, server.liveFids(), "each client still holds its root, setup two");
    }

    // ------------------------------------------------------------------ ends of connections

    @Test
    void hangingUpClunksEverythingEvenWithAReadBlocked() throws Exception {
        TestClient c = pipeSession();
        c.rpc(new Tattach(10, NOFID, "", "", 0), Rattach.class);
        c.rpc(new Twalk(10, 11, List.of()), Rwalk.class);
        c.rpc(new Tlcreate(11, "open", O_RDWR, 0644, 0), Rlcreate.class);
        c.send(new Tread(1, 0, 100), 7);                                       // blocked in the pipe
        c.rpc(new Tgetattr(11, GETATTR_BASIC), Rgetattr.class);
        assertEquals(5, server.liveFids());
        assertTrue(tmpfs.liveFids() > 0);
        c.close();                                                             // returns once serve has returned
        assertEquals(0, server.liveFids());
        assertEquals(0, tmpfs.liveFids());
    }

    @Test
    void aProtocolErrorDropsOnlyItsConnection() throws Exception {
        TestClient good = session(), bad = session();
        good.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        bad.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        bad.end.send(new byte[] {9, 0, 0, 0, (byte) 200, 1, 0, 0, 0});        // a message of no type
        assertTrue(bad.hungUp());
        bad.serving.join();
        good.rpc(new Tgetattr(0, GETATTR_BASIC), Rgetattr.class);
        assertEquals(1, server.liveFids());
        assertTrue(logged.stream().anyMatch(l -> l.contains("protocol error") && l.contains("dropped")), logged.toString());
        good.rpc(new Tclunk(0), Rclunk.class);
    }

    @Test
    void aTagReusedWhileInFlightIsAProtocolError() throws Exception {
        TestClient c = pipeSession();
        c.send(new Tread(1, 0, 100), 5);
        c.send(new Tgetattr(0, GETATTR_BASIC), 5);
        assertTrue(c.hungUp());
    }

    @Test
    void aWrongDialectsMessageIsAProtocolError() throws Exception {
        TestClient c = session();
        c.codec = new fornax.kernel.ninep.NinePCodec(Dialect.P9P2000, 8192);
        c.send(new Topen(0, OREAD), 1);                                        // not a 9P2000.L message
        c.codec = new fornax.kernel.ninep.NinePCodec(Dialect.P9P2000L, 8192);
        assertTrue(c.hungUp());
    }

    @Test
    void shutdownEndsEveryConnection() throws Exception {
        TestClient a = session(), b = pipeSession();
        a.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        b.send(new Tread(1, 0, 10), 3);
        server.shutdown();
        a.serving.join();
        b.serving.join();
        assertEquals(0, server.liveFids());
        TestClient late = client();                                            // served after shutdown: ends at once
        late.serving.join();
        assertTrue(late.hungUp());
    }

    // ------------------------------------------------------------------ faults

    /** A file server with a root and one file, "f", whose stat and read blow up as a buggy server's would. */
    private static final class Faulty implements FileServer {
        final java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();
        private final class F extends Fid {
            final boolean root;
            F(boolean root) { super(Faulty.this); this.root = root; live.incrementAndGet(); }
            @Override public fornax.kernel.vfs.Qid qid() { return new fornax.kernel.vfs.Qid(root ? 0x80 : 0, 0, root ? 1 : 2); }
        }
        @Override public Fid attach() { return new F(true); }
        @Override public Fid walk(Fid dir, String name) {
            dir.checkWalked();
            if (!name.equals("f")) throw new SysError(Errno.ENOENT);
            return new F(false);
        }
        @Override public Fid clone(Fid fid) { fid.checkWalked(); return new F(((F) fid).root); }
        @Override public void open(Fid fid, int flags) { fid.opened(flags, false); }
        @Override public Fid create(Fid dir, String name, int mode, String target) { throw new SysError(Errno.EPERM); }
        @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) { throw new ArrayIndexOutOfBoundsException(len); }
        @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) { throw new SysError(Errno.EPERM); }
        @Override public void clunk(Fid fid) { fid.clunked(); live.decrementAndGet(); }
        @Override public void remove(Fid dir, String name, boolean directory) { throw new SysError(Errno.EPERM); }
        @Override public Dir stat(Fid fid) { throw new IllegalStateException("stat is broken"); }
        @Override public void wstat(Fid fid, Dir changes) { throw new SysError(Errno.EPERM); }
        @Override public List<DirEntry> readdir(Fid dir, long offset, int max) { return List.of(); }
        @Override public StatFs statfs() { return StatFs.anonymous(); }
    }

    @Test
    void aFaultingServerIsAnsweredEioAndReported() throws Exception {
        faulty = new Faulty();
        TestClient c = session();
        c.rpc(new Tattach(0, NOFID, "", "faulty", 0), Rattach.class);
        c.error(Errno.EIO, new Tgetattr(0, GETATTR_BASIC));
        assertEquals(1, faults.size());
        assertInstanceOf(IllegalStateException.class, faults.getFirst());
        c.rpc(new Twalk(0, 1, List.of("f")), Rwalk.class);
        c.rpc(new Tlopen(1, O_RDONLY), Rlopen.class);
        c.error(Errno.EIO, new Tread(1, 0, 10));
        assertEquals(2, faults.size());
        assertInstanceOf(ArrayIndexOutOfBoundsException.class, faults.get(1));
        c.rpc(new Tclunk(1), Rclunk.class);                                    // the session goes on
        c.rpc(new Tclunk(0), Rclunk.class);
        assertEquals(0, faulty.live.get());
        assertTrue(logged.stream().anyMatch(l -> l.contains("fault")), logged.toString());
    }

    @Test
    void attachFaultsAreFaultsToo() throws Exception {
        TestClient c = session();
        faulty = null;                                                         // attach throws NullPointerException
        c.error(Errno.EIO, new Tattach(0, NOFID, "", "faulty", 0));
        assertInstanceOf(NullPointerException.class, faults.getFirst());
        assertEquals(0, server.liveFids());
    }

    @Test
    void constants() {
        assertEquals(OpenFlags.O_APPEND, O_APPEND);
        assertEquals(OpenFlags.O_DIRECTORY, O_DIRECTORY);
        assertEquals(OpenFlags.O_TRUNC, O_TRUNC);
        assertEquals(NineP.MIN_MSIZE, 256);
    }
}
