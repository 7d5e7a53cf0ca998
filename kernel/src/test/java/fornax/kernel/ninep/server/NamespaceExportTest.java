package fornax.kernel.ninep.server;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.fs.pipe.PipeFs;
import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.ninep.Dirent;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.transport.StreamTransport;
import fornax.kernel.sys.Errno;
import fornax.kernel.vfs.Chan;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.Namespace;
import fornax.kernel.vfs.NamespaceOps;
import fornax.kernel.vfs.NamespaceView;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.Vfs;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A subtree of a namespace served over 9P ({@link NamespaceView} under {@link NinePServer}, and
 * {@link TcpExport} over a real socket): mounts, binds and unions inside the subtree are seen as
 * the namespace has them, ".." never leads out of it, qids stay unique although the subtree spans
 * several servers, read-only mounts say EROFS, mount points EBUSY, cross-mount renames EXDEV, and
 * every fid the view made is clunked in the end. The timeout only guards against a hang.
 */
@Timeout(120)
class NamespaceExportTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000_000L);
    private final TmpFs root = new TmpFs(1, clock::get, 64L << 20, 0755);
    private final TmpFs other = new TmpFs(2, clock::get, 64L << 20, 01777);
    private final TmpFs ro = new TmpFs(3, clock::get, 64L << 20, 0755);
    private final Namespace ns = new Namespace(root, Map.of('|', new PipeFs(12, clock::get)), Map.of());
    private FsContext ctx;
    private final List<Throwable> faults = new CopyOnWriteArrayList<>();
    private NinePServer server;
    private final List<TestClient> clients = new ArrayList<>();
    private long rootFids, otherFids;

    @BeforeEach
    void tree() {
        ctx = FsContext.initial(ns, "/");
        for (String d : List.of("/x", "/x/m", "/x/b", "/x/u", "/x/ro", "/x/sub", "/outside")) Vfs.mkdir(ctx, null, d, 0755);
        write("/x/a", "in x");
        write("/x/sub/deep", "deep");
        write("/x/u/own", "own");
        write("/outside/secret", "outside");
        try (Chan d = Vfs.lookup(ctx, null, "/x/m", true)) {
            ns.mount(d, other, "tmpfs");
        }
        write("/x/m/inmount", "in the mount");
        try (Chan d = Vfs.lookup(ctx, null, "/x/ro", true)) {
            ns.mount(d, ro, "tmpfs", "tmpfs", Namespace.MREPL | Namespace.MCREATE, true);
        }
        NamespaceOps.mount(ctx, "/outside", "/x/b", null, NamespaceOps.MS_BIND);
        NamespaceOps.control(ctx, "bind -a /outside /x/u");
        rootFids = root.liveFids();
        otherFids = other.liveFids();
        server = new NinePServer("view", aname -> NamespaceView.root(ctx.fork(), "/x"), 65536, faults::add, l -> { });
    }

    @AfterEach
    void nothingLeaks() throws Exception {
        for (TestClient c : clients) c.close();
        assertEquals(0, server.liveFids());
        assertEquals(rootFids, root.liveFids(), "root tmpfs fids");
        assertEquals(otherFids, other.liveFids(), "mounted tmpfs fids");
        assertEquals(List.of(), faults);
        ctx.release();
    }

    private void write(String path, String text) {
        ChanFile f = Vfs.open(ctx, null, path, OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC, 0644);
        try {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            f.write(b, 0, b.length);
        } finally {
            f.close();
        }
    }

    private TestClient session() throws Exception {
        TestClient c = new TestClient(server);
        clients.add(c);
        c.dotL();
        c.rpc(new Tattach(0, NOFID, "", "", 0), Rattach.class);
        return c;
    }

    private static String read(TestClient c, int dir, String... names) throws Exception {
        c.rpc(new Twalk(dir, 90, List.of(names)), Rwalk.class);
        try {
            c.rpc(new Tlopen(90, OpenFlags.O_RDONLY), Rlopen.class);
            return new String(c.rpc(new Tread(90, 0, 4096), Rread.class).data(), StandardCharsets.UTF_8);
        } finally {
            c.rpc(new Tclunk(90), Rclunk.class);
        }
    }

    private static Set<String> list(TestClient c, String... names) throws Exception {
        c.rpc(new Twalk(0, 91, List.of(names)), Rwalk.class);
        Set<String> out = new TreeSet<>();
        try {
            c.rpc(new Tlopen(91, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY), Rlopen.class);
            long off = 0;
            for (List<Dirent> es; !(es = c.rpc(new Treaddir(91, off, 4096), Rreaddir.class).entries()).isEmpty(); ) {
                for (Dirent e : es) out.add(e.name());
                off = es.getLast().offset();
            }
        } finally {
            c.rpc(new Tclunk(91), Rclunk.class);
        }
        out.remove(".");
        out.remove("..");
        return out;
    }

    private static Qid qid(TestClient c, String... names) throws Exception {
        c.rpc(new Twalk(0, 92, List.of(names)), Rwalk.class);
        try {
            return c.rpc(new Tgetattr(92, GETATTR_BASIC), Rgetattr.class).qid();
        } finally {
            c.rpc(new Tclunk(92), Rclunk.class);
        }
    }

    @Test
    void mountsBindsAndUnionsAreSeenAsTheNamespaceHasThem() throws Exception {
        TestClient c = session();
        assertEquals(Set.of("a", "m", "b", "u", "ro", "sub"), list(c));
        assertEquals("in x", read(c, 0, "a"));
        assertEquals("in the mount", read(c, 0, "m", "inmount"));
        assertEquals(Set.of("inmount"), list(c, "m"));
        assertEquals("outside", read(c, 0, "b", "secret"));                  // a bind of a directory outside
        assertEquals(Set.of("own", "secret"), list(c, "u"));                   // a union: both members
        assertEquals("outside", read(c, 0, "u", "secret"));
        // qids are unique although the tree spans servers whose inode numbers overlap
        Set<Long> paths = new HashSet<>();
        for (String[] p : List.of(new String[] {}, new String[] {"a"}, new String[] {"m"}, new String[] {"m", "inmount"},
                new String[] {"sub"}, new String[] {"sub", "deep"}, new String[] {"ro"}, new String[] {"b", "secret"}))
            assertTrue(paths.add(qid(c, p).path()), "qid of " + String.join("/", p) + " is another file's");
        c.rpc(new Tclunk(0), Rclunk.class);
    }

    @Test
    void dotDotNeverLeavesTheSubtree() throws Exception {
        TestClient c = session();
        Qid top = qid(c);
        assertEquals(top, qid(c, ".."));
        assertEquals(top, qid(c, "..", "..", "."));
        assertEquals(top, qid(c, "m", ".."));                                  // up out of a mount
        assertEquals(top, qid(c, "b", ".."));                                  // up out of a bind, the way it came
        assertEquals(top, qid(c, "sub", "..", "..", ".."));
        // /outside exists, but not inside /x: the walk stops short at it
        assertEquals(2, c.rpc(new Twalk(0, 1, List.of("..", "..", "outside", "secret")), Rwalk.class).qids().size());
        c.error(Errno.EBADF, new Tclunk(1));
        c.error(Errno.ENOENT, new Twalk(0, 1, List.of("outside")));
        // the top's ".." entry names the top itself
        c.rpc(new Twalk(0, 1, List.of()), Rwalk.class);
        c.rpc(new Tlopen(1, OpenFlags.O_RDONLY), Rlopen.class);
        Dirent dotdot = c.rpc(new Treaddir(1, 0, 4096), Rreaddir.class).entries().stream()
                .filter(e -> e.name().equals("..")).findFirst().orElseThrow();
        assertEquals(top.path(), dotdot.qid().path());
        c.rpc(new Tclunk(1), Rclunk.class);
        c.rpc(new Tclunk(0), Rclunk.class);
    }

    @Test
    void changesFollowTheNamespacesRules() throws Exception {
        TestClient c = session();
        // create and write through a mount; the file is in the mounted server
        c.rpc(new Twalk(0, 1, List.of("m")), Rwalk.class);
        c.rpc(new Tlcreate(1, "new", OpenFlags.O_RDWR, 0644, 0), Rlcreate.class);
        c.rpc(new Twrite(1, 0, "through".getBytes()), Rwrite.class);
        c.rpc(new Tclunk(1), Rclunk.class);
        assertEquals("through", read(c, 0, "m", "new"));
        try (Chan f = Vfs.lookup(ctx, null, "/x/m/new", false)) {
            assertSame(other, f.server());
        }
        // a union creates in its MCREATE member: none here ("bind -a" without -c)
        c.rpc(new Twalk(0, 1, List.of("u")), Rwalk.class);
        c.error(Errno.EACCES, new Tlcreate(1, "n", OpenFlags.O_RDWR, 0644, 0));
        c.rpc(new Tclunk(1), Rclunk.class);
        // a read-only mount
        c.rpc(new Twalk(0, 1, List.of("ro")), Rwalk.class);
        c.error(Errno.EROFS, new Tlcreate(1, "n", OpenFlags.O_RDWR, 0644, 0));
        c.error(Errno.EROFS, new Tmkdir(1, "d", 0755, 0));
        c.error(Errno.EROFS, new Tsetattr(1, SETATTR_MODE, 0700, 0, 0, 0, 0, 0, 0, 0));
        c.rpc(new Tclunk(1), Rclunk.class);
        // mount points cannot be removed or renamed; renames do not cross mounts
        c.error(Errno.EBUSY, new Tunlinkat(0, "m", Requests.AT_REMOVEDIR));
        c.error(Errno.EBUSY, new Trenameat(0, "m", 0, "mm"));
        c.rpc(new Twalk(0, 1, List.of("m")), Rwalk.class);
        c.error(Errno.EXDEV, new Trenameat(0, "a", 1, "a"));
        c.rpc(new Twalk(0, 2, List.of("a")), Rwalk.class);
        c.error(Errno.EXDEV, new Tlink(1, 2, "x"));
        c.rpc(new Tclunk(2), Rclunk.class);
        c.rpc(new Tclunk(1), Rclunk.class);
        // within one server all is allowed
        c.rpc(new Trenameat(0, "a", 0, "a2"), Rrenameat.class);
        c.rpc(new Twalk(0, 1, List.of("a2")), Rwalk.class);
        c.rpc(new Tlink(0, 1, "a3"), Rlink.class);
        c.rpc(new Tremove(1), Rremove.class);
        c.rpc(new Tunlinkat(0, "a3", 0), Runlinkat.class);
        assertEquals(Set.of("m", "b", "u", "ro", "sub"), list(c));
        c.rpc(new Tclunk(0), Rclunk.class);
    }

    @Test
    void mountsMadeLaterAreSeen() throws Exception {
        TestClient c = session();
        assertEquals(Set.of("deep"), list(c, "sub"));
        TmpFs later = new TmpFs(4, clock::get, 1 << 20, 0755);
        try (Chan d = Vfs.lookup(ctx, null, "/x/sub", true)) {
            ns.mount(d, later, "tmpfs");
        }
        assertEquals(Set.of(), list(c, "sub"));                                // the namespace is live
        c.rpc(new Tclunk(0), Rclunk.class);
        NamespaceOps.umount(ctx, "/x/sub", 0);
        assertEquals(0, later.liveFids());
    }

    @Test
    void overTcp() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (TcpExport x = TcpExport.start(ctx::fork, "/x", InetAddress.getLoopbackAddress(), 0, log::add)) {
            assertEquals(List.of("export: serving /x on 127.0.0.1:" + x.port()), log);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), x.port())) {
                TestClient c = new TestClient(new StreamTransport(new DataInputStream(s.getInputStream()), s.getOutputStream(), s, "test"));
                c.dotL();
                c.rpc(new Tattach(0, NOFID, "", "/sub", 0), Rattach.class);   // an aname is a directory below the top
                assertEquals("deep", read(c, 0, "deep"));
                c.rpc(new Tattach(1, NOFID, "", "/sub/../m", 0), Rattach.class);
                assertEquals("in the mount", read(c, 1, "inmount"));
                c.error(Errno.ENOENT, new Tattach(2, NOFID, "", "nowhere", 0));
                c.error(Errno.ENOTDIR, new Tattach(2, NOFID, "", "a", 0));
                assertEquals(2, x.server().liveFids());
            }
            // the client hung up without clunking: the server clunks for it
            while (x.server().connections() > 0) Thread.sleep(10);
            assertEquals(0, x.server().liveFids());
        }
    }
}
