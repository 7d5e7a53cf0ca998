package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Message.*;
import fornax.kernel.sys.Errno;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec against a real 9P2000.L server: diod (the Debian package diod) exports a temporary
 * directory on a loopback port, and a small synchronous client built only on this package drives
 * a whole session through it. Every reply diod sends must decode strictly and re-encode to exactly
 * the bytes diod sent, which checks the layouts against an independent implementation. Skips
 * where diod is not installed.
 */
class DiodInteropTest {
    static final int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0100, O_DIRECTORY = 0200000, AT_REMOVEDIR = 0x200;

    @TempDir Path dir;
    @TempDir Path logs;
    private DiodServer diod;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private NinePCodec codec = new NinePCodec(Dialect.P9P2000, MAX_MSIZE);  // until Rversion
    private int nextTag;
    private final Set<String> seen = new TreeSet<>();

    @AfterEach
    void stop() throws Exception {
        if (socket != null) socket.close();
        if (diod != null) diod.close();
    }

    @Test
    void aWholeSessionWithDiodDecodesStrictlyAndReencodesByteForByte() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello\n");
        start();

        Tversion tv = new Tversion(65536, "9P2000.L");
        Rversion rv = (Rversion) rpc(tv, NOTAG);
        Dialect d = Dialect.accept(tv, rv);
        assertEquals(Dialect.P9P2000L, d);
        codec = new NinePCodec(d, rv.msize());

        int uid = (int) new com.sun.security.auth.module.UnixSystem().getUid();
        // authentication is off (-n): diod answers Tauth ENOENT, which its clients read as "not required"
        assertEquals(new Rlerror(Errno.ENOENT), attempt(new Tauth(9, "", dir.toString(), uid)));
        Rattach root = (Rattach) rpc(new Tattach(0, NOFID, "", dir.toString(), uid));
        assertTrue(root.qid().isDir());
        Rgetattr ga = (Rgetattr) rpc(new Tgetattr(0, GETATTR_ALL));
        assertEquals(root.qid(), ga.qid());
        assertEquals(040000, ga.mode() & 0170000);
        assertEquals(GETATTR_BASIC, ga.valid() & GETATTR_BASIC);

        // read an existing file
        assertEquals(1, ((Rwalk) rpc(new Twalk(0, 1, List.of("hello.txt")))).qids().size());
        rpc(new Tlopen(1, O_RDONLY));
        assertEquals("hello\n", new String(((Rread) rpc(new Tread(1, 0, 100))).data(), StandardCharsets.UTF_8));
        assertEquals(0, ((Rread) rpc(new Tread(1, 6, 100))).data().length);
        rpc(new Tclunk(1));

        // create, write, sync
        assertEquals(0, ((Rwalk) rpc(new Twalk(0, 2, List.of()))).qids().size());
        Rlcreate created = (Rlcreate) rpc(new Tlcreate(2, "new", O_RDWR | O_CREAT, 0644, 0));
        assertFalse(created.qid().isDir());
        assertEquals(7, ((Rwrite) rpc(new Twrite(2, 0, "written".getBytes()))).count());
        rpc(new Tfsync(2, 0));
        rpc(new Tfsync(2, 1));
        rpc(new Tclunk(2));
        assertEquals("written", Files.readString(dir.resolve("new")));

        // directories, links, renames, removal
        assertTrue(((Rmkdir) rpc(new Tmkdir(0, "sub", 0755, 0))).qid().isDir());
        assertTrue(((Rsymlink) rpc(new Tsymlink(0, "link", "hello.txt", 0))).qid().isSymlink());
        rpc(new Tmknod(0, "fifo", 0010644, 0, 0, 0));
        assertTrue(Files.exists(dir.resolve("fifo")));
        rpc(new Twalk(0, 3, List.of("link")));
        assertEquals("hello.txt", ((Rreadlink) rpc(new Treadlink(3))).target());
        rpc(new Tremove(3));
        assertFalse(Files.exists(dir.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        rpc(new Twalk(0, 3, List.of("new")));
        rpc(new Tlink(0, 3, "hard"));
        rpc(new Tclunk(3));
        // diod answers renameat/unlinkat EOPNOTSUPP, and protocol.md says to fall back to rename/remove
        if (attempt(new Trenameat(0, "new", 0, "renamed")) instanceof Rlerror e) {
            assertEquals(Errno.EOPNOTSUPP, e.ecode());
            rpc(new Twalk(0, 3, List.of("new")));
            rpc(new Trename(3, 0, "renamed"));
            rpc(new Tclunk(3));
        }
        if (attempt(new Tunlinkat(0, "sub", AT_REMOVEDIR)) instanceof Rlerror e) {
            assertEquals(Errno.EOPNOTSUPP, e.ecode());
            rpc(new Twalk(0, 3, List.of("sub")));
            rpc(new Tremove(3));
        }
        assertEquals("written", Files.readString(dir.resolve("renamed")));
        assertEquals("written", Files.readString(dir.resolve("hard")));

        // attributes
        rpc(new Twalk(0, 5, List.of("renamed")));
        rpc(new Tsetattr(5, SETATTR_MODE, 0600, 0, 0, 0, 0, 0, 0, 0));
        assertEquals(0600, ((Rgetattr) rpc(new Tgetattr(5, GETATTR_BASIC))).mode() & 07777);
        rpc(new Tsetattr(5, SETATTR_SIZE | SETATTR_MTIME | SETATTR_MTIME_SET, 0, 0, 0, 3, 0, 0, 1_000_000, 5));
        Rgetattr after = (Rgetattr) rpc(new Tgetattr(5, GETATTR_ALL));
        assertEquals(3, after.size());
        assertEquals(1_000_000, after.mtimeSec());
        assertTrue(((Rstatfs) rpc(new Tstatfs(0))).namelen() > 0);

        // POSIX locks on an open file
        rpc(new Tlopen(5, O_RDWR));
        assertEquals(LOCK_SUCCESS, ((Rlock) rpc(new Tlock(5, LOCK_TYPE_WRLCK, 0, 0, 0, 4242, "fornax"))).status());
        rpc(new Tgetlock(5, LOCK_TYPE_RDLCK, 0, 0, 4243, "fornax"));
        assertEquals(LOCK_SUCCESS, ((Rlock) rpc(new Tlock(5, LOCK_TYPE_UNLCK, 0, 0, 0, 4242, "fornax"))).status());
        rpc(new Tclunk(5));

        // a directory listing through Treaddir, resumed from each batch's last offset
        rpc(new Twalk(0, 4, List.of()));
        rpc(new Tlopen(4, O_RDONLY | O_DIRECTORY));
        Set<String> names = new TreeSet<>();
        long offset = 0;
        for (int batch = 0; batch < 100; batch++) {
            List<Dirent> es = ((Rreaddir) rpc(new Treaddir(4, offset, 64))).entries();   // small: several batches
            if (es.isEmpty()) break;
            for (Dirent e : es) names.add(e.name());
            offset = es.getLast().offset();
        }
        assertTrue(names.containsAll(Set.of("hello.txt", "renamed", "hard", "fifo")), names.toString());
        assertFalse(names.contains("sub"));
        rpc(new Tclunk(4));

        // extended attributes: listing may be empty or unsupported, but either answer must decode
        Reply x = attempt(new Txattrwalk(0, 6, ""));
        if (x instanceof Rxattrwalk) rpc(new Tclunk(6));
        Reply xc = rpc(new Twalk(0, 7, List.of()));
        assertInstanceOf(Rwalk.class, xc);
        Reply c = attempt(new Txattrcreate(7, "user.fornax", 2, 0));
        if (c instanceof Rxattrcreate) rpc(new Twrite(7, 0, "ok".getBytes()));
        rpc(new Tclunk(7));

        // errors: Rlerror with Linux's errno
        assertEquals(Errno.ENOENT, NinePErrors.errno(attempt(new Twalk(0, 8, List.of("missing")))));
        // a walk that fails after its first name is a short Rwalk, not an error (walk(5))
        assertEquals(1, ((Rwalk) attempt(new Twalk(0, 8, List.of("hello.txt", "x")))).qids().size());
        assertInstanceOf(Rflush.class, rpc(new Tflush(99)));
        rpc(new Tclunk(0));

        System.out.println("diod interop: " + seen.size() + " message types exchanged: " + seen);
        assertTrue(seen.size() >= 50, seen.toString());
    }

    private void start() throws Exception {
        diod = DiodServer.start(dir, logs);
        socket = diod.connect();
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A request that must succeed. */
    private Reply rpc(Request t) throws Exception {
        Reply r = attempt(t);
        if (r instanceof Rlerror e) fail(t + " failed: " + Errno.name(e.ecode()));
        return r;
    }

    /** A request that may fail: the reply, Rlerror included. */
    private Reply attempt(Request t) throws Exception {
        return rpc(t, nextTag++ & 0x7FFF);
    }

    /** Sends t, reads one reply, checks it strictly: its tag, and that it re-encodes to diod's bytes. */
    private Reply rpc(Request t, int tag) throws Exception {
        out.write(codec.encode(t, tag));
        out.flush();
        byte[] head = new byte[4];
        in.readFully(head);
        int size = codec.frameLength(head, 0);
        byte[] msg = new byte[size];
        System.arraycopy(head, 0, msg, 0, 4);
        in.readFully(msg, 4, size - 4);
        Frame f = codec.decode(msg);
        assertEquals(tag, f.tag(), "reply tag");
        assertArrayEquals(msg, codec.encode(f.message(), f.tag()), "re-encoding of " + f.message());
        Reply r = (Reply) f.message();
        seen.add(NineP.typeName(t.type()));
        seen.add(NineP.typeName(r.type()));
        return r;
    }
}
