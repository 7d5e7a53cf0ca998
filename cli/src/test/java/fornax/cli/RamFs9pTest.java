package fornax.cli;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Dirent;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.NinePException;
import fornax.kernel.ninep.transport.StreamTransport;
import fornax.kernel.sys.Errno;
import fornax.kernel.vfs.Qid;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guest 9P server userland/src/ramfs9p.c, run under qemu-riscv64 as a host process and driven
 * over its stdin/stdout with the kernel's codec: what a 9P2000.L client (Linux's v9fs, diod's
 * tools) sees of it, message by message, its limits, and its refusal of malformed input (exit 1
 * with one line on stderr, never a signal). The last tests put diod's own clients in front of it.
 *
 * <p>System property {@code ramfs9p.exec} runs another build of the server instead (a host build
 * with sanitizers, say); the default is {@code qemu-riscv64 userland/build/ramfs9p}. The fuzzing
 * test takes {@code ramfs9p.fuzz.seed} and {@code ramfs9p.fuzz.count} (default 2000 messages).
 */
class RamFs9pTest {
    static final Path BIN = GuestHarness.binary("ramfs9p");
    static final int EPROTO = 71, EMSGSIZE = 90;
    /** Tlopen flags (9P2000.L's P9_DOTL_*, the asm-generic open(2) values). */
    static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_TRUNC = 01000, O_APPEND = 02000,
            O_DIRECTORY = 0200000;
    static final int AT_REMOVEDIR = 0x200;

    @BeforeEach
    void prerequisites() {
        if (System.getProperty("ramfs9p.exec") != null) return;
        GuestHarness.require(GuestHarness.qemuAvailable(), "qemu-riscv64 is not installed: skipped");
        GuestHarness.require(GuestHarness.exists(BIN), BIN + " is not built (mvn -pl userland package): skipped");
    }

    /** One server process and this test's connection to it over the process's stdin/stdout. */
    static final class Server implements AutoCloseable {
        final Process process;
        final StreamTransport transport;
        final CompletableFuture<byte[]> stderr;
        NinePCodec codec = new NinePCodec(Dialect.P9P2000L, MAX_MSIZE);
        int tag;

        Server(String... args) throws Exception {
            List<String> cmd = new ArrayList<>();
            String exec = System.getProperty("ramfs9p.exec");
            if (exec != null) cmd.add(exec);
            else cmd.addAll(List.of(GuestHarness.qemuPath(), BIN.toString()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).start();
            InputStream err = process.getErrorStream();
            stderr = new CompletableFuture<>();
            // Its own thread (not the common pool, which may have one thread on this machine), so
            // a chatty -v server never blocks on a full stderr pipe.
            Thread.ofPlatform().daemon().start(() -> {
                try (err) { stderr.complete(err.readAllBytes()); } catch (IOException e) { stderr.complete(new byte[0]); }
            });
            transport = new StreamTransport(process.getInputStream(), process.getOutputStream(), null, "ramfs9p");
            // A guard against a hung server, not a timing assertion: nothing here takes minutes.
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    if (!process.waitFor(5, TimeUnit.MINUTES)) process.destroyForcibly();
                } catch (InterruptedException ignored) { }
            });
        }

        /** Tversion and Tattach of fid 0 to the root: a session ready to use. */
        static Server session(int msize, String... args) throws Exception {
            Server s = new Server(args);
            Rversion v = s.ok(new Tversion(msize, "9P2000.L"), Rversion.class);
            assertEquals(new Rversion(msize, "9P2000.L"), v);
            Rattach a = s.ok(new Tattach(0, NOFID, "root", "", 0), Rattach.class);
            assertTrue(a.qid().isDir(), a.toString());
            return s;
        }

        Reply rpc(Request m) throws Exception {
            int t = m instanceof Tversion ? NOTAG : (tag++ & 0x7FFF);
            transport.send(codec.encode(m, t));
            Frame f = codec.decode(transport.receive(codec.msize()));
            assertEquals(t, f.tag(), "tag of the reply to " + m);
            if (f.message() instanceof Rversion v && v.version().equals("9P2000.L"))
                codec = new NinePCodec(Dialect.P9P2000L, v.msize());
            return (Reply) f.message();
        }

        <R extends Reply> R ok(Request m, Class<R> type) throws Exception {
            Reply r = rpc(m);
            if (r instanceof Rlerror e) fail(m + " failed with errno " + e.ecode());
            return type.cast(r);
        }

        /** The errno of a request that must fail. */
        int err(Request m) throws Exception {
            Reply r = rpc(m);
            assertInstanceOf(Rlerror.class, r, m + " should have failed");
            return ((Rlerror) r).ecode();
        }

        void sendRaw(byte[] b) throws Exception {
            OutputStream o = process.getOutputStream();
            o.write(b);
            o.flush();
        }

        /** Closes the server's input and returns its exit status (signal deaths show as 128+sig). */
        int finish() throws Exception {
            try { process.getOutputStream().close(); } catch (IOException ignored) { }
            int st = process.waitFor();
            transport.close();
            return st;
        }

        String err() throws Exception { return new String(stderr.get(), StandardCharsets.UTF_8); }

        // -------- conveniences over the 9P calls a client makes

        Qid walk(int fid, int newfid, String... names) throws Exception {
            Rwalk w = ok(new Twalk(fid, newfid, List.of(names)), Rwalk.class);
            assertEquals(names.length, w.qids().size(), "walk " + List.of(names));
            return names.length == 0 ? null : w.qids().getLast();
        }

        Qid create(int dirfid, String name, int flags, byte[] content) throws Exception {
            Qid q = ok(new Tlcreate(dirfid, name, flags, 0644, 0), Rlcreate.class).qid();
            if (content.length > 0) write(dirfid, 0, content);
            return q;
        }

        void write(int fid, long offset, byte[] data) throws Exception {
            int chunk = codec.maxWriteData();
            for (int off = 0; off < data.length; off += chunk) {
                byte[] part = Arrays.copyOfRange(data, off, Math.min(data.length, off + chunk));
                assertEquals(part.length, ok(new Twrite(fid, offset + off, part), Rwrite.class).count());
            }
        }

        byte[] readAll(int fid) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                byte[] d = ok(new Tread(fid, out.size(), codec.maxReadData()), Rread.class).data();
                if (d.length == 0) return out.toByteArray();
                out.write(d);
            }
        }

        Rgetattr stat(int fid) throws Exception { return ok(new Tgetattr(fid, GETATTR_ALL), Rgetattr.class); }

        /** The whole directory fid (opened here) as entries, read count bytes at a time. */
        List<Dirent> list(int fid, int count) throws Exception {
            List<Dirent> all = new ArrayList<>();
            long off = 0;
            while (true) {
                List<Dirent> part = ok(new Treaddir(fid, off, count), Rreaddir.class).entries();
                if (part.isEmpty()) return all;
                all.addAll(part);
                off = part.getLast().offset();
            }
        }

        List<String> names(int dirfid) throws Exception {
            int f = 9000 + (tag & 0xFF);
            walk(dirfid, f);
            ok(new Tlopen(f, O_RDONLY), Rlopen.class);
            List<String> n = list(f, 4096).stream().map(Dirent::name).toList();
            ok(new Tclunk(f), Rclunk.class);
            return n;
        }

        @Override public void close() {
            transport.close();
            process.destroyForcibly();
        }
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    // ================================================================== the protocol

    @Test
    void versionNegotiatesMsizeAndDialectAndResetsFids() throws Exception {
        try (Server s = new Server("-s", "65536")) {
            assertEquals(EPROTO, s.err(new Tattach(0, NOFID, "u", "", 0)), "attach before version");
            assertEquals(new Rversion(65536, "9P2000.L"), s.rpc(new Tversion(1 << 20, "9P2000.L")));
            assertEquals(new Rversion(8192, "9P2000.L"), s.rpc(new Tversion(8192, "9P2000.L")));
            assertEquals("unknown", ((Rversion) s.rpc(new Tversion(8192, "9P2000.u"))).version());
            assertEquals("unknown", ((Rversion) s.rpc(new Tversion(8192, "9P2000"))).version());
            assertEquals("unknown", ((Rversion) s.rpc(new Tversion(200, "9P2000.L"))).version(), "msize below 256");
            assertEquals(new Rversion(8192, "9P2000.L"), s.rpc(new Tversion(8192, "9P2000.L")));
            s.ok(new Tattach(1, NOFID, "u", "", 1000), Rattach.class);
            s.ok(new Tmkdir(1, "kept", 0755, 0), Rmkdir.class);
            assertEquals(Errno.EBADF, s.err(new Tattach(1, NOFID, "u", "", 0)), "fid 1 in use");
            assertEquals(Errno.ENOENT, s.err(new Tauth(5, "u", "", 0)), "no authentication");
            assertEquals(Errno.EBADF, s.err(new Tattach(2, 7, "u", "", 0)), "no auth fids exist");
            // A second Tversion clunks every fid, but the tree stays.
            s.rpc(new Tversion(8192, "9P2000.L"));
            assertEquals(Errno.EBADF, s.err(new Tclunk(1)));
            s.ok(new Tattach(1, NOFID, "u", "", 0), Rattach.class);
            assertTrue(s.walk(1, 2, "kept").isDir());
            assertEquals(1000, s.stat(2).uid(), "owner from the first attach's n_uname");
            assertEquals(0, s.finish());
            assertEquals("", s.err());
        }
    }

    @Test
    void filesAndDirectories() throws Exception {
        try (Server s = Server.session(8192)) {
            Qid d = s.ok(new Tmkdir(0, "dir", 0750, 5), Rmkdir.class).qid();
            assertTrue(d.isDir());
            assertEquals(Errno.EEXIST, s.err(new Tmkdir(0, "dir", 0755, 0)));
            assertEquals(d, s.walk(0, 1, "dir"));
            s.walk(1, 2);                                   // clone: fid 2 becomes the new file
            Qid f = s.create(2, "file", O_RDWR, bytes("hello, world"));
            assertEquals(Qid.QTFILE, f.type());
            assertNotEquals(d.path(), f.path());
            assertArrayEquals(bytes("hello, world"), s.readAll(2));
            Rgetattr a = s.stat(2);
            assertEquals(12, a.size());
            assertEquals(0100644, a.mode());
            assertEquals(1, a.nlink());
            assertEquals(f.path(), a.qid().path());
            assertTrue(a.qid().version() > f.version(), "qid.version bumps on write");
            Rgetattr da = s.stat(1);
            assertEquals(040750, da.mode());
            assertEquals(5, da.gid());
            assertEquals(2, da.nlink());
            assertEquals(3, s.stat(0).nlink(), "the root counts dir's ..");

            // readdir: "." and ".." first, then the entries, with their types and qids.
            s.ok(new Tmkdir(1, "sub", 0755, 0), Rmkdir.class);
            s.walk(0, 3, "dir");
            s.ok(new Tlopen(3, O_RDONLY | O_DIRECTORY), Rlopen.class);
            List<Dirent> ents = s.list(3, 8000);
            assertEquals(List.of(".", "..", "file", "sub"), ents.stream().map(Dirent::name).toList());
            assertEquals(List.of(4, 4, 8, 4), ents.stream().map(Dirent::type).toList());
            assertEquals(d.path(), ents.get(0).qid().path());
            assertEquals(s.stat(0).qid().path(), ents.get(1).qid().path());
            assertEquals(f.path(), ents.get(2).qid().path());
            assertEquals(3, s.stat(1).nlink());
            s.ok(new Tclunk(3), Rclunk.class);

            // setattr: truncate, extend with zeros, mode, explicit and "now" times.
            s.ok(new Tsetattr(2, SETATTR_SIZE, 0, 0, 0, 5, 0, 0, 0, 0), Rsetattr.class);
            assertArrayEquals(bytes("hello"), s.readAll(2));
            s.ok(new Tsetattr(2, SETATTR_SIZE, 0, 0, 0, 8, 0, 0, 0, 0), Rsetattr.class);
            assertArrayEquals(bytes("hello\0\0\0"), s.readAll(2));
            s.ok(new Tsetattr(2, SETATTR_MODE | SETATTR_UID | SETATTR_GID, 0100600, 7, 8, 0, 0, 0, 0, 0), Rsetattr.class);
            a = s.stat(2);
            assertEquals(0100600, a.mode(), "the type bits stay");
            assertEquals(List.of(7, 8), List.of(a.uid(), a.gid()));
            s.ok(new Tsetattr(2, SETATTR_ATIME | SETATTR_ATIME_SET | SETATTR_MTIME | SETATTR_MTIME_SET,
                    0, 0, 0, 0, 1_000_000_000L, 5, 1_234_567_890L, 999_999_999), Rsetattr.class);
            a = s.stat(2);
            assertEquals(List.of(1_000_000_000L, 5L, 1_234_567_890L, 999_999_999L),
                    List.of(a.atimeSec(), a.atimeNsec(), a.mtimeSec(), a.mtimeNsec()));
            long before = System.currentTimeMillis() / 1000;
            s.ok(new Tsetattr(2, SETATTR_MTIME, 0, 0, 0, 0, 0, 0, 7, 7), Rsetattr.class);
            long after = System.currentTimeMillis() / 1000;
            a = s.stat(2);
            assertTrue(a.mtimeSec() >= before - 1 && a.mtimeSec() <= after + 1, "MTIME without _SET is now: " + a.mtimeSec());
            assertEquals(1_000_000_000L, a.atimeSec(), "atime untouched");
            assertEquals(Errno.EINVAL, s.err(new Tsetattr(2, SETATTR_MTIME | SETATTR_MTIME_SET, 0, 0, 0, 0, 0, 0, 1, 1_000_000_000)));
            assertEquals(Errno.EISDIR, s.err(new Tsetattr(1, SETATTR_SIZE, 0, 0, 0, 0, 0, 0, 0, 0)));

            // statfs, fsync, lock and getlock, flush.
            Rstatfs st = s.ok(new Tstatfs(0), Rstatfs.class);
            assertEquals(4096, st.bsize());
            assertTrue(st.bfree() > 0 && st.bfree() <= st.blocks(), st.toString());
            assertEquals(255, st.namelen());
            s.ok(new Tfsync(2, 0), Rfsync.class);
            assertEquals(new Rlock(LOCK_SUCCESS), s.rpc(new Tlock(2, LOCK_TYPE_WRLCK, 0, 0, 10, 42, "host")));
            assertEquals(new Rgetlock(LOCK_TYPE_UNLCK, 3, 10, 42, "host"), s.rpc(new Tgetlock(2, LOCK_TYPE_RDLCK, 3, 10, 42, "host")));
            assertEquals(new Rflush(), s.rpc(new Tflush(3)));
            assertEquals(Errno.EOPNOTSUPP, s.err(new Txattrwalk(2, 50, "user.x")));
            assertEquals(Errno.EOPNOTSUPP, s.err(new Txattrcreate(2, "user.x", 1, 0)));
            s.ok(new Tclunk(2), Rclunk.class);
            assertEquals(Errno.EBADF, s.err(new Tclunk(2)), "clunked twice");
            assertEquals(Errno.EBADF, s.err(new Tgetattr(77, GETATTR_BASIC)), "unknown fid");
            assertEquals(0, s.finish());
            assertEquals("", s.err());
        }
    }

    @Test
    void walkRules() throws Exception {
        try (Server s = Server.session(8192)) {
            s.ok(new Tmkdir(0, "a", 0755, 0), Rmkdir.class);
            s.walk(0, 1, "a");
            s.ok(new Tmkdir(1, "b", 0755, 0), Rmkdir.class);
            s.walk(0, 2);
            Qid b = s.walk(0, 3, "a", "b");
            s.walk(3, 3);
            assertEquals(b, s.stat(3).qid(), "newfid == fid with no names");
            assertEquals(s.stat(1).qid(), s.walk(3, 3, ".."), "newfid == fid, ..");
            assertEquals(s.stat(0).qid(), s.walk(0, 4, ".."), "the root's .. is the root");
            // A walk that fails after its first name is a short Rwalk and does not make newfid.
            Rwalk w = s.ok(new Twalk(0, 5, List.of("a", "nope", "x")), Rwalk.class);
            assertEquals(1, w.qids().size());
            assertEquals(Errno.EBADF, s.err(new Tclunk(5)), "newfid after a partial walk");
            assertEquals(Errno.ENOENT, s.err(new Twalk(0, 5, List.of("nope"))));
            assertEquals(Errno.EBADF, s.err(new Twalk(0, 2, List.of("a"))), "newfid in use");
            assertEquals(Errno.EBADF, s.err(new Twalk(99, 6, List.of())), "unknown fid");
            s.create(2, "f", O_RDWR, new byte[0]);
            assertEquals(Errno.EBADF, s.err(new Twalk(2, 6, List.of())), "an open fid is not walked");
            assertEquals(1, s.ok(new Twalk(0, 6, List.of("f", "x")), Rwalk.class).qids().size());
            s.walk(0, 6, "f");
            assertEquals(Errno.ENOTDIR, s.err(new Twalk(6, 7, List.of("x"))), "a walk from a file");
            s.ok(new Tclunk(6), Rclunk.class);
            assertEquals(5, s.ok(new Twalk(0, 6, List.of("a", "b", "..", "..", "f", "g")), Rwalk.class).qids().size(),
                    "stops at the name after a file");
            List<String> sixteen = new ArrayList<>();
            for (int i = 0; i < 16; i++) sixteen.add(i % 2 == 0 ? "a" : "..");
            assertEquals(16, s.ok(new Twalk(0, 7, sixteen), Rwalk.class).qids().size());
            assertEquals(0, s.finish());
        }
    }

    @Test
    void openModes() throws Exception {
        try (Server s = Server.session(8192)) {
            s.walk(0, 1);
            s.create(1, "f", O_WRONLY, bytes("0123456789"));
            assertEquals(Errno.EBADF, s.err(new Tread(1, 0, 10)), "read on a write-only fid");
            assertEquals(Errno.EBADF, s.err(new Tlopen(1, O_RDONLY)), "opened twice");
            s.walk(0, 2, "f");
            assertEquals(Errno.EBADF, s.err(new Tread(2, 0, 10)), "read on an unopened fid");
            s.ok(new Tlopen(2, O_RDONLY | O_TRUNC), Rlopen.class);
            assertArrayEquals(bytes("0123456789"), s.readAll(2), "O_TRUNC with O_RDONLY truncates nothing");
            assertEquals(Errno.EBADF, s.err(new Twrite(2, 0, bytes("x"))), "write on a read-only fid");
            assertEquals(Errno.ENOTDIR, s.err(new Treaddir(2, 0, 100)));
            s.walk(0, 3, "f");
            s.ok(new Tlopen(3, O_WRONLY | O_APPEND), Rlopen.class);
            s.ok(new Twrite(3, 0, bytes("ab")), Rwrite.class);
            s.ok(new Twrite(3, 3, bytes("cd")), Rwrite.class);
            assertArrayEquals(bytes("0123456789abcd"), s.readAll(2), "O_APPEND writes at the end whatever the offset");
            assertEquals(Errno.EINVAL, s.err(new Treadlink(2)));
            s.walk(0, 4, "f");
            Qid q = s.ok(new Tlopen(4, O_RDWR | O_TRUNC), Rlopen.class).qid();
            assertEquals(0, s.stat(4).size(), "O_TRUNC");
            assertEquals(q.version(), s.stat(4).qid().version());
            s.walk(0, 5, "f");
            assertEquals(Errno.ENOTDIR, s.err(new Tlopen(5, O_RDONLY | O_DIRECTORY)));
            s.walk(0, 6);
            assertEquals(Errno.EISDIR, s.err(new Tlopen(6, O_WRONLY)));
            assertEquals(Errno.EISDIR, s.err(new Tlopen(6, O_RDWR)));
            s.ok(new Tlopen(6, O_RDONLY), Rlopen.class);
            assertEquals(Errno.EISDIR, s.err(new Tread(6, 0, 10)));
            s.walk(0, 7);
            assertEquals(Errno.EEXIST, s.err(new Tlcreate(7, "f", O_RDWR, 0644, 0)));
            assertEquals(Errno.EEXIST, s.err(new Tlcreate(7, "..", O_RDWR, 0644, 0)));
            assertEquals(Errno.EINVAL, s.err(new Tlcreate(7, "a/b", O_RDWR, 0644, 0)));
            assertEquals(Errno.ENAMETOOLONG, s.err(new Tlcreate(7, "n".repeat(256), O_RDWR, 0644, 0)));
            s.create(7, "n".repeat(255), O_RDWR, new byte[0]);
            assertEquals(Errno.EBADF, s.err(new Tlcreate(7, "g", O_RDWR, 0644, 0)), "fid 7 is now the open file");
            s.walk(0, 8, "f");
            assertEquals(Errno.ENOTDIR, s.err(new Tlcreate(8, "g", O_RDWR, 0644, 0)));
            assertEquals(0, s.finish());
        }
    }

    @Test
    void removalAndRename() throws Exception {
        try (Server s = Server.session(8192)) {
            s.ok(new Tmkdir(0, "d", 0755, 0), Rmkdir.class);
            s.walk(0, 1, "d");
            s.walk(1, 2);
            s.create(2, "f", O_RDWR, bytes("data"));
            s.ok(new Tmkdir(1, "e", 0755, 0), Rmkdir.class);
            assertEquals(Errno.ENOTEMPTY, s.err(new Tunlinkat(0, "d", AT_REMOVEDIR)));
            assertEquals(Errno.ENOTDIR, s.err(new Tunlinkat(1, "f", AT_REMOVEDIR)));
            assertEquals(Errno.EISDIR, s.err(new Tunlinkat(1, "e", 0)));
            assertEquals(Errno.ENOENT, s.err(new Tunlinkat(1, "nope", 0)));
            assertEquals(Errno.EINVAL, s.err(new Tunlinkat(1, "f", 1)), "unknown flag");
            assertEquals(Errno.ENOTDIR, s.err(new Tunlinkat(2, "x", 0)), "dirfid is a file");

            // Hard and symbolic links.
            s.ok(new Tlink(0, 2, "hard"), Rlink.class);
            assertEquals(2, s.stat(2).nlink());
            assertEquals(Errno.EPERM, s.err(new Tlink(0, 1, "dirlink")));
            assertEquals(Errno.EEXIST, s.err(new Tlink(0, 2, "d")));
            Qid l = s.ok(new Tsymlink(1, "ln", "../hard", 0), Rsymlink.class).qid();
            assertEquals(Qid.QTSYMLINK, l.type());
            s.walk(1, 3, "ln");
            assertEquals("../hard", s.ok(new Treadlink(3), Rreadlink.class).target());
            assertEquals(0120777, s.stat(3).mode());
            assertEquals(7, s.stat(3).size());
            assertEquals(Errno.ELOOP, s.err(new Tlopen(3, O_RDONLY)));
            assertEquals(Errno.ENOENT, s.err(new Tsymlink(1, "empty", "", 0)));
            Qid fifo = s.ok(new Tmknod(1, "fifo", 0010644, 0, 0, 0), Rmknod.class).qid();
            Qid chr = s.ok(new Tmknod(1, "null", 0020666, 1, 3, 0), Rmknod.class).qid();
            assertNotEquals(fifo.path(), chr.path());
            s.walk(1, 4, "null");
            assertEquals(0x103, s.stat(4).rdev(), "makedev(1, 3)");
            assertEquals(0020666, s.stat(4).mode());
            assertEquals(Errno.EPERM, s.err(new Tmknod(1, "dd", 0040755, 0, 0, 0)));

            // renameat: within and across directories, over files, and the POSIX refusals.
            s.ok(new Trenameat(1, "f", 1, "g"), Rrenameat.class);
            assertEquals(List.of(".", "..", "e", "ln", "fifo", "null", "g"), s.names(1));
            assertArrayEquals(bytes("data"), s.readAll(2), "the open fid follows its file");
            s.ok(new Trenameat(1, "g", 0, "hard"), Rrenameat.class);  // same file: nothing happens
            assertEquals(2, s.stat(2).nlink());
            s.ok(new Trenameat(1, "fifo", 0, "hard"), Rrenameat.class); // replaces a link of the file
            assertEquals(1, s.stat(2).nlink());
            assertEquals(Errno.EISDIR, s.err(new Trenameat(1, "g", 1, "e")));
            assertEquals(Errno.ENOTDIR, s.err(new Trenameat(1, "e", 1, "g")));
            assertEquals(Errno.EINVAL, s.err(new Trenameat(0, "d", 1, "x")), "into itself");
            s.walk(1, 5, "e");
            assertEquals(Errno.EINVAL, s.err(new Trenameat(0, "d", 5, "x")), "into its own child");
            s.ok(new Tmkdir(0, "full", 0755, 0), Rmkdir.class);
            s.ok(new Tmkdir(0, "empty", 0755, 0), Rmkdir.class);
            s.walk(0, 6, "full");
            s.ok(new Tmkdir(6, "x", 0755, 0), Rmkdir.class);
            assertEquals(Errno.ENOTEMPTY, s.err(new Trenameat(1, "e", 0, "full")));
            assertEquals(Errno.ENOENT, s.err(new Trenameat(1, "zz", 0, "y")));
            long rootLinks = s.stat(0).nlink();
            s.ok(new Trenameat(1, "e", 0, "empty"), Rrenameat.class);  // a dir over an empty dir
            assertEquals(rootLinks, s.stat(0).nlink());
            assertEquals(2, s.stat(1).nlink(), "d lost e");
            assertEquals(s.stat(5).qid(), s.walk(0, 7, "empty"));
            s.ok(new Trename(5, 6, "moved"), Rrename.class);            // Trename: fid's file into dfid
            assertEquals(List.of(".", "..", "x", "moved"), s.names(6));
            assertEquals(4, s.stat(6).nlink());
            assertEquals(Errno.EBUSY, s.err(new Trename(0, 1, "root")));

            // Tremove clunks the fid, even when it fails; an unlinked open file stays readable.
            assertEquals(Errno.ENOTEMPTY, s.err(new Tremove(6)));
            assertEquals(Errno.EBADF, s.err(new Tclunk(6)));
            s.ok(new Tunlinkat(0, "hard", 0), Runlinkat.class);
            s.ok(new Tunlinkat(1, "g", 0), Runlinkat.class);
            assertEquals(0, s.stat(2).nlink());
            assertArrayEquals(bytes("data"), s.readAll(2), "unlinked but open");
            assertEquals(Errno.ENOENT, s.err(new Tlink(0, 2, "back")));
            s.walk(0, 8, "full", "moved");
            s.ok(new Tremove(8), Rremove.class);
            s.walk(0, 11, "full");
            assertEquals(List.of(".", "..", "x"), s.names(11));
            s.ok(new Tunlinkat(1, "ln", 0), Runlinkat.class);
            s.ok(new Tunlinkat(1, "null", 0), Runlinkat.class);
            s.walk(1, 9);
            s.ok(new Tunlinkat(0, "d", AT_REMOVEDIR), Runlinkat.class);
            assertEquals(Errno.ENOENT, s.err(new Tmkdir(9, "x", 0755, 0)), "a removed directory");
            assertEquals(List.of(".", ".."), s.names(9));
            assertEquals(Errno.ENOENT, s.err(new Twalk(9, 10, List.of(".."))), "a removed directory has no parent");
            assertEquals(0, s.stat(9).nlink());
            assertEquals(0, s.finish());
            assertEquals("", s.err());
        }
    }

    @Test
    void readdirOffsetsAreStableWhileEntriesGo() throws Exception {
        try (Server s = Server.session(8192)) {
            s.walk(0, 1);
            Set<Long> paths = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                s.walk(0, 2);
                paths.add(s.create(2, String.format("file%02d", i), O_RDWR, new byte[0]).path());
                s.ok(new Tclunk(2), Rclunk.class);
            }
            assertEquals(60, paths.size(), "qid paths are unique");
            s.ok(new Tlopen(1, O_RDONLY), Rlopen.class);
            // Read a few entries at a time; after each batch remove one entry already listed and
            // one not yet listed: nothing listed twice, every survivor listed once, in order.
            List<String> seen = new ArrayList<>();
            Set<String> removed = new HashSet<>();
            long off = 0;
            int victim = 59;
            while (true) {
                List<Dirent> part = s.ok(new Treaddir(1, off, 120), Rreaddir.class).entries();
                if (part.isEmpty()) break;
                assertTrue(part.size() <= 120 / 30, "count is honoured: " + part.size());
                for (Dirent e : part) seen.add(e.name());
                off = part.getLast().offset();
                String back = seen.getLast();
                if (back.startsWith("file") && removed.add(back)) s.ok(new Tunlinkat(0, back, 0), Runlinkat.class);
                String ahead = String.format("file%02d", victim--);
                if (!seen.contains(ahead) && removed.add(ahead)) s.ok(new Tunlinkat(0, ahead, 0), Runlinkat.class);
            }
            assertEquals(seen.size(), new HashSet<>(seen).size(), "no entry twice: " + seen);
            List<String> expected = new ArrayList<>(List.of(".", ".."));
            for (int i = 0; i < 60; i++) {
                String n = String.format("file%02d", i);
                if (!removed.contains(n) || seen.contains(n)) expected.add(n);
            }
            assertEquals(expected, seen);
            assertEquals(List.of(), s.ok(new Treaddir(1, off, 8000), Rreaddir.class).entries(), "the end stays the end");
        }
    }

    @Test
    void oneMebibyteThrough8KiBMessages() throws Exception {
        try (Server s = Server.session(8192)) {
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            s.walk(0, 1);
            s.create(1, "big", O_RDWR, new byte[0]);
            s.write(1, 0, data);                         // 129 Twrites of at most 8169 bytes
            assertEquals(data.length, s.stat(1).size());
            s.walk(0, 2, "big");
            s.ok(new Tlopen(2, O_RDONLY), Rlopen.class);
            byte[] got = s.readAll(2);
            assertArrayEquals(data, got);
            assertEquals(8192 - 11, s.ok(new Tread(2, 0, 1 << 20), Rread.class).data().length, "count is clamped to msize");
            byte[] tail = s.ok(new Tread(2, data.length - 100, 4096), Rread.class).data();
            assertArrayEquals(Arrays.copyOfRange(data, data.length - 100, data.length), tail);
            assertEquals(0, s.ok(new Tread(2, Long.MAX_VALUE, 10), Rread.class).data().length);
            // A write far past the end leaves a hole of zeros.
            s.ok(new Twrite(1, (1 << 20) + 5000, bytes("end")), Rwrite.class);
            byte[] hole = s.ok(new Tread(2, 1 << 20, 5003), Rread.class).data();
            assertEquals(5003, hole.length);
            for (int i = 0; i < 5000; i++) assertEquals(0, hole[i]);
            assertEquals(0, s.finish());
        }
    }

    @Test
    void memoryAndFidLimits() throws Exception {
        try (Server s = Server.session(65536, "-M", "1048576")) {
            s.walk(0, 1);
            s.create(1, "fill", O_RDWR, new byte[0]);
            byte[] chunk = new byte[s.codec.maxWriteData()];
            long off = 0;
            int e;
            while (true) {
                Reply r = s.rpc(new Twrite(1, off, chunk));
                if (r instanceof Rlerror le) { e = le.ecode(); break; }
                off += ((Rwrite) r).count();
                assertTrue(off <= 1 << 20, "wrote past the limit: " + off);
            }
            assertEquals(Errno.ENOSPC, e);
            assertTrue(off > 900_000, "most of the limit is usable: " + off);
            assertEquals(Errno.EFBIG, s.err(new Twrite(1, 1L << 40, bytes("x"))));
            assertEquals(Errno.EFBIG, s.err(new Tsetattr(1, SETATTR_SIZE, 0, 0, 0, 1L << 40, 0, 0, 0, 0)));
            assertEquals(Errno.ENOSPC, s.err(new Tsetattr(1, SETATTR_SIZE, 0, 0, 0, (1 << 20) - 1, 0, 0, 0, 0)));
            assertEquals(off, s.stat(1).size(), "a failed setattr changes nothing");
            s.ok(new Tsetattr(1, SETATTR_SIZE, 0, 0, 0, 0, 0, 0, 0, 0), Rsetattr.class);
            s.ok(new Twrite(1, 0, chunk), Rwrite.class);    // truncating gave the memory back
            Rstatfs st = s.ok(new Tstatfs(0), Rstatfs.class);
            assertEquals(256, st.blocks());
            s.ok(new Tunlinkat(0, "fill", 0), Runlinkat.class);
            s.ok(new Tclunk(1), Rclunk.class);
            int names = 0;
            while (s.rpc(new Tmkdir(0, "d" + names, 0755, 0)) instanceof Rmkdir) names++;
            assertTrue(names > 1000, "directories until the limit: " + names);
            assertEquals(Errno.ENOSPC, s.err(new Tmkdir(0, "one-more", 0755, 0)));
            for (int i = 0; i < names; i++) s.ok(new Tunlinkat(0, "d" + i, AT_REMOVEDIR), Runlinkat.class);
            s.walk(0, 1);
            s.create(1, "again", O_RDWR, chunk);           // everything was given back

            // 4096 fids (fid 0 and 1 included), then EMFILE; clunking one makes room for one.
            for (int f = 2; f < 4096; f++) s.walk(0, f);
            assertEquals(Errno.EMFILE, s.err(new Twalk(0, 4096, List.of())));
            assertEquals(Errno.EMFILE, s.err(new Tattach(4096, NOFID, "u", "", 0)));
            s.ok(new Tclunk(17), Rclunk.class);
            s.walk(0, 4096);
            assertEquals(0, s.finish());
            assertEquals("", s.err());
        }
    }

    @Test
    void unsupportedMessagesAndOversizedReplies() throws Exception {
        try (Server s = Server.session(256)) {
            NinePCodec plain = new NinePCodec(Dialect.P9P2000, 256);
            s.transport.send(plain.encode(new Topen(0, OREAD), 1));
            assertEquals(new Rlerror(Errno.EOPNOTSUPP), s.codec.decode(s.transport.receive(256)).message());
            s.transport.send(plain.encode(new Tstat(0), 2));
            assertEquals(new Rlerror(Errno.EOPNOTSUPP), s.codec.decode(s.transport.receive(256)).message());
            // A link target longer than an Rreadlink of msize 256 can carry: made at a larger msize.
            s.rpc(new Tversion(8192, "9P2000.L"));
            s.ok(new Tattach(0, NOFID, "u", "", 0), Rattach.class);
            assertEquals(Errno.ENAMETOOLONG, s.err(new Tsymlink(0, "m", "t".repeat(4096), 0)));
            s.ok(new Tsymlink(0, "l", "t".repeat(4095), 0), Rsymlink.class);
            s.ok(new Tsymlink(0, "k", "t".repeat(230), 0), Rsymlink.class);
            s.rpc(new Tversion(256, "9P2000.L"));
            s.ok(new Tattach(0, NOFID, "u", "", 0), Rattach.class);
            s.walk(0, 1, "l");
            assertEquals(EMSGSIZE, s.err(new Treadlink(1)));
            assertEquals(4095, s.stat(1).size());
            s.walk(0, 2, "k");
            assertEquals("t".repeat(230), s.ok(new Treadlink(2), Rreadlink.class).target());
            assertEquals(0, s.finish());
        }
    }

    /**
     * Thousands of well-formed requests picked at random over a few names and fids: whatever
     * they do to each other (renames under open fids, unlinks of open files, links, truncates,
     * ENOSPC under a 2 MiB limit), every reply is well-formed and of the right type, and at the
     * end of input the server's own audit (exit 0) finds every charged byte in the tree and every
     * link count right.
     */
    @Test
    void randomOperationsKeepTheBooks() throws Exception {
        Random rnd = new Random(Long.getLong("ramfs9p.fuzz.seed", 77));
        String[] names = {"a", "b", "c", "d"};
        java.util.Map<String, Integer> ok = new java.util.TreeMap<>();
        try (Server s = Server.session(8192, "-M", "2097152")) {
            List<Integer> live = new ArrayList<>(List.of(0));   // fids the server should know
            List<Integer> files = new ArrayList<>();             // of those, opened regular files
            for (int i = 0; i < 20_000; i++) {
                int fid = live.isEmpty() || rnd.nextInt(10) == 0 ? rnd.nextInt(10) : live.get(rnd.nextInt(live.size()));
                int other = rnd.nextBoolean() || live.isEmpty() ? rnd.nextInt(10) : live.get(rnd.nextInt(live.size()));
                int file = files.isEmpty() || rnd.nextInt(5) == 0 ? fid : files.get(rnd.nextInt(files.size()));
                int fresh = rnd.nextInt(10);
                for (int k = 0; k < 10 && live.contains(fresh) && rnd.nextInt(8) != 0; k++) fresh = rnd.nextInt(10);
                String n = names[rnd.nextInt(names.length)], n2 = names[rnd.nextInt(names.length)];
                List<String> path = new ArrayList<>();
                for (int k = rnd.nextInt(4); k > 0; k--) path.add(rnd.nextInt(5) == 0 ? ".." : names[rnd.nextInt(names.length)]);
                int flags = rnd.nextInt(3) | (rnd.nextInt(4) == 0 ? O_TRUNC : 0) | (rnd.nextInt(4) == 0 ? O_APPEND : 0);
                Request m = switch (rnd.nextInt(21)) {
                    case 0 -> new Tattach(fresh, NOFID, "u", "", 0);
                    case 1, 2, 3 -> new Twalk(fid, rnd.nextInt(5) == 0 ? fid : fresh, path);
                    case 4 -> new Tlopen(fid, flags);
                    case 5 -> new Tlcreate(fid, n, flags, 0644, 0);
                    case 6 -> new Tmkdir(fid, n, 0755, 0);
                    case 7 -> new Twrite(file, rnd.nextInt(200_000), new byte[rnd.nextInt(s.codec.maxWriteData())]);
                    case 8 -> new Tread(file, rnd.nextInt(200_000), rnd.nextInt(9000));
                    case 9 -> new Treaddir(fid, rnd.nextInt(8), 50 + rnd.nextInt(1000));
                    case 10 -> new Tsetattr(file, SETATTR_SIZE, 0, 0, 0, rnd.nextInt(400_000), 0, 0, 0, 0);
                    case 11 -> new Tunlinkat(fid, n, rnd.nextBoolean() ? AT_REMOVEDIR : 0);
                    case 12 -> new Trenameat(fid, n, other, n2);
                    case 13 -> new Trename(fid, other, n);
                    case 14 -> new Tlink(fid, file, n);
                    case 15 -> new Tremove(fid);
                    case 16 -> new Tclunk(fid);
                    case 17 -> new Tsymlink(fid, n, "target", 0);
                    case 18 -> new Tmknod(fid, n, 0010644, 0, 0, 0);
                    case 19 -> new Tgetattr(fid, GETATTR_ALL);
                    default -> new Tstatfs(fid);
                };
                Reply r = s.rpc(m);
                switch (m) {
                    case Tattach a when r instanceof Rattach -> live.add(a.fid());
                    case Twalk w when r instanceof Rwalk rw && rw.qids().size() == w.wnames().size() && !live.contains(w.newfid()) ->
                            live.add(w.newfid());
                    case Tclunk c when r instanceof Rclunk -> {
                        live.remove(Integer.valueOf(c.fid()));
                        files.remove(Integer.valueOf(c.fid()));
                    }
                    case Tremove c -> {
                        live.remove(Integer.valueOf(c.fid()));
                        files.remove(Integer.valueOf(c.fid()));
                    }
                    case Tlcreate c when r instanceof Rlcreate -> files.add(c.fid());
                    case Tlopen o when r instanceof Rlopen ro && !ro.qid().isDir() -> files.add(o.fid());
                    default -> { }
                }
                String key = r instanceof Rlerror e ? typeName(m.type()) + " errno " + e.ecode() : typeName(r.type());
                if (!(r instanceof Rlerror)) assertEquals(m.type() + 1, r.type(), m + " answered " + r);
                ok.merge(key, 1, Integer::sum);
            }
            assertEquals(0, s.finish(), "the audit at the end of input: " + s.err());
            assertEquals("", s.err());
        }
        for (String t : List.of("Rwalk", "Rlopen", "Rlcreate", "Rmkdir", "Rwrite", "Rread", "Rreaddir", "Rsetattr",
                "Runlinkat", "Rrenameat", "Rrename", "Rlink", "Rremove", "Rclunk", "Rsymlink", "Rmknod"))
            assertTrue(ok.getOrDefault(t, 0) >= 5, t + " happened too rarely to mean much: " + ok);
    }

    // ================================================================== malformed input

    /** A raw message: size[4] type[1] tag[2] body, with the size field saying its true length. */
    static byte[] raw(int type, int tag, byte[] body) {
        byte[] m = new byte[7 + body.length];
        le32(m, 0, m.length);
        m[4] = (byte) type;
        m[5] = (byte) tag;
        m[6] = (byte) (tag >> 8);
        System.arraycopy(body, 0, m, 7, body.length);
        return m;
    }

    static void le32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) b[off + i] = (byte) (v >> (8 * i));
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    static byte[] u32(int v) { byte[] b = new byte[4]; le32(b, 0, v); return b; }
    static byte[] u16(int v) { return new byte[] {(byte) v, (byte) (v >> 8)}; }
    static byte[] str(String s) { return cat(u16(s.length()), bytes(s)); }

    /** Sends input to a fresh session (msize 8192) and expects exit 1 with one log line naming why. */
    private static void refused(String why, byte[] input, boolean session) throws Exception {
        try (Server s = session ? Server.session(8192) : new Server()) {
            try {
                s.sendRaw(input);
            } catch (IOException ignored) {
                // The server may already have gone: what it said is checked below.
            }
            int st = s.finish();
            String err = s.err();
            assertEquals(1, st, why + ": exit status (stderr: " + err + ")");
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), why + ": one line on stderr: " + err);
            assertTrue(lines.getFirst().startsWith("ramfs9p: "), lines.getFirst());
            assertTrue(lines.getFirst().contains(why), "'" + why + "' in: " + lines.getFirst());
        }
    }

    @Test
    void malformedMessagesEndTheServerWithStatusOne() throws Exception {
        refused("size 3 is less than the 7-byte header", new byte[] {3, 0, 0, 0, 100, 0, 0}, false);
        refused("size 0 is less", new byte[] {0, 0, 0, 0}, true);
        refused("size 9000 exceeds msize 8192", cat(u32(9000), new byte[9000 - 4]), true);
        refused("size 4294967295 exceeds msize", new byte[] {-1, -1, -1, -1}, false);
        refused("wname runs past the end", raw(TWALK, 1, cat(u32(0), u32(1), u16(1), u16(50), bytes("abc"))), true);
        refused("nwname 17 > 16", raw(TWALK, 1, cat(u32(0), u32(1), u16(17))), true);
        refused("2 bytes left over", raw(TCLUNK, 1, cat(u32(0), u16(0))), true);
        refused("fid runs past the end", raw(TCLUNK, 1, new byte[] {0, 0}), true);
        refused("name holds a NUL byte", raw(TMKDIR, 1, cat(u32(0), str("a\0b"), u32(0755), u32(0))), true);
        refused("data runs past the end", raw(TWRITE, 1, cat(u32(0), new byte[8], u32(100), bytes("short"))), true);
        refused("version runs past the end", raw(TVERSION, NOTAG, cat(u32(8192), u16(9))), false);
        refused("end of input inside a 20-byte message", cat(u32(20), new byte[6]), true);
        refused("end of input inside a message's size field", new byte[] {20, 0}, true);
    }

    @Test
    void cleanEndOfInputIsStatusZero() throws Exception {
        try (Server s = new Server()) {
            assertEquals(0, s.finish());
            assertEquals("", s.err());
        }
        try (Server s = new Server("-v")) {
            s.rpc(new Tversion(8192, "9P2000.L"));
            assertEquals(0, s.finish());
            assertEquals(List.of("ramfs9p: <- Tversion tag 65535 size 21", "ramfs9p: -> Rversion tag 65535 size 21"),
                    s.err().lines().toList(), "-v logs each message");
        }
    }

    /**
     * Mutated requests (bytes flipped, bodies cut or grown, types changed; the size field always
     * true) against a running session: every reply must decode strictly under 9P2000.L and carry
     * its request's tag, and a server that stops must have exited 1 with one line, never by a
     * signal. Deterministic: a fixed seed and a fixed number of messages.
     */
    @Test
    void mutatedRequestsNeverCrashTheServer() throws Exception {
        NinePCodec c = new NinePCodec(Dialect.P9P2000L, 8192);
        List<byte[]> corpus = new ArrayList<>();
        for (Request m : List.of(new Twalk(0, 1, List.of("d")), new Twalk(0, 2, List.of()), new Tmkdir(0, "d", 0755, 0),
                new Tlcreate(2, "f", O_RDWR, 0644, 0), new Twrite(2, 0, bytes("hello there")), new Tread(2, 0, 100),
                new Tlopen(1, O_RDONLY), new Treaddir(1, 0, 500), new Tgetattr(2, GETATTR_ALL),
                new Tsetattr(2, SETATTR_SIZE | SETATTR_MTIME, 0, 0, 0, 3, 0, 0, 0, 0), new Tstatfs(0),
                new Tsymlink(0, "l", "target", 0), new Treadlink(3), new Trenameat(0, "d", 0, "e"),
                new Trename(1, 0, "g"), new Tunlinkat(0, "f", 0), new Tlink(0, 2, "h"), new Tremove(3),
                new Tclunk(1), new Tflush(4), new Tlock(2, 1, 0, 0, 1, 1, "c"), new Tgetlock(2, 1, 0, 1, 1, "c"),
                new Txattrwalk(2, 5, ""), new Tfsync(2, 1), new Tmknod(0, "p", 0010600, 0, 0, 0),
                new Tattach(6, NOFID, "u", "", 0), new Tauth(7, "u", "", 0)))
            corpus.add(c.encode(m, 1));
        Random rnd = new Random(Long.getLong("ramfs9p.fuzz.seed", 20250114));
        int count = Integer.getInteger("ramfs9p.fuzz.count", 2000);
        int sent = 0, deaths = 0, replies = 0;
        while (sent < count) {
            try (Server s = Server.session(8192)) {
                boolean died = false;
                while (sent < count && !died) {
                    byte[] m = mutate(corpus.get(rnd.nextInt(corpus.size())), rnd);
                    sent++;
                    int tag = m[5] & 0xFF | (m[6] & 0xFF) << 8;
                    try {
                        s.sendRaw(m);
                        byte[] r = s.transport.receive(8192);
                        Frame f = s.codec.decode(r);    // strict: a malformed reply fails the test here
                        assertEquals(tag, f.tag(), "tag of the reply to " + Arrays.toString(m));
                        assertEquals(f.message() instanceof Rlerror ? RLERROR : m[4] + 1, f.message().type());
                        replies++;
                    } catch (EOFException | NinePException e) {
                        if (e instanceof NinePException) throw e;
                        died = true;
                    } catch (IOException e) {
                        died = true;                    // the pipe broke under our write
                    }
                }
                int st = s.finish();
                if (died) {
                    deaths++;
                    assertEquals(1, st, "exit status after a mutated message; stderr: " + s.err());
                    assertEquals(1, s.err().lines().count(), s.err());
                } else {
                    assertEquals(0, st, s.err());
                }
            }
        }
        assertTrue(replies > count / 2 && deaths > count / 100, "both kinds of outcome were exercised: replies " + replies + ", deaths " + deaths);
    }

    private static byte[] mutate(byte[] m, Random rnd) {
        byte[] b = m.clone();
        int k = rnd.nextInt(10);
        if (k < 4) {                                    // a few bytes changed: fids, offsets, lengths
            for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) b[7 + rnd.nextInt(b.length - 7)] = (byte) rnd.nextInt(256);
        } else if (k == 4) {
            b = Arrays.copyOf(b, 7 + rnd.nextInt(b.length - 6));                            // cut short
        } else if (k == 5) {
            b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(8));                            // grown with zeros
        } else if (k == 6) {
            b[4] = (byte) rnd.nextInt(256);                                                 // any type
        }                                                                                   // else as it was
        b[5] = (byte) rnd.nextInt(256);
        b[6] = (byte) rnd.nextInt(0x7F);                 // never NOTAG, never the session's tags
        le32(b, 0, b.length);
        if (b[4] == (byte) TVERSION) b[4] = (byte) TFLUSH;   // keep msize fixed: replies then fit
        return b;
    }

    // ================================================================== diod's clients

    static final Path DIODLS = Path.of("/usr/sbin/diodls"), DIODCAT = Path.of("/usr/sbin/diodcat");

    /**
     * diod's diodls and diodcat (libnpclient, 9P2000.L over TCP) against the server: this test
     * fills the tree over the process's pipes, then relays each tool's TCP connection to the same
     * process frame by frame. Each tool starts with its own Tversion, which clunks this test's
     * fids but keeps the tree: what the tools print is what was made here.
     */
    @Test
    void diodClientsListAndReadTheTree() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DIODLS) && Files.isExecutable(DIODCAT),
                "diodls/diodcat are not installed (Debian package diod): skipped");
        byte[] big = new byte[300_000];
        new Random(3).nextBytes(big);
        try (Server s = Server.session(65536)) {
            s.walk(0, 1);
            s.create(1, "hello.txt", O_RDWR, bytes("hello from ramfs9p\n"));
            s.ok(new Tmkdir(0, "sub", 0755, 0), Rmkdir.class);
            s.walk(0, 2, "sub");
            s.create(2, "big", O_RDWR, big);
            s.ok(new Tsymlink(0, "link", "hello.txt", 0), Rsymlink.class);

            String ls = new String(relay(s, DIODLS.toString(), "-a", "/"), StandardCharsets.UTF_8);
            assertEquals(Set.of("hello.txt", "sub", "link"),
                    Set.copyOf(ls.lines().filter(l -> !l.isBlank()).toList()), ls);
            assertEquals("hello from ramfs9p\n",
                    new String(relay(s, DIODCAT.toString(), "-a", "/", "-m", "8192", "hello.txt"), StandardCharsets.UTF_8));
            assertArrayEquals(big, relay(s, DIODCAT.toString(), "-a", "/", "sub/big"));

            // The tools clunked what they used; this test's own fids went with their Tversion.
            s.rpc(new Tversion(65536, "9P2000.L"));
            assertEquals(Errno.EBADF, s.err(new Tclunk(1)));
            assertEquals(0, s.finish());
            assertEquals("", s.err());
        }
    }

    /** Runs tool -s 127.0.0.1:PORT ARGS, relays its one connection to s, and returns its stdout. */
    private static byte[] relay(Server s, String tool, String... args) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setSoTimeout(60_000);                    // guards against a tool that never connects
            List<String> cmd = new ArrayList<>(List.of(tool, "-s", "127.0.0.1:" + ss.getLocalPort()));
            cmd.addAll(List.of(args));
            Path out = Files.createTempFile("ramfs9p-diod", ".out");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (Socket sock = ss.accept()) {
                InputStream in = sock.getInputStream();
                OutputStream o = sock.getOutputStream();
                byte[] head = new byte[4];
                // One reply per request, in order: the server answers each before reading the next.
                while (in.readNBytes(head, 0, 4) == 4) {
                    int size = (head[0] & 0xFF) | (head[1] & 0xFF) << 8 | (head[2] & 0xFF) << 16 | (head[3] & 0xFF) << 24;
                    assertTrue(size >= 7 && size <= MAX_MSIZE, "frame size from " + tool + ": " + size);
                    byte[] msg = new byte[size];
                    System.arraycopy(head, 0, msg, 0, 4);
                    assertEquals(size - 4, in.readNBytes(msg, 4, size - 4), "a whole frame from " + tool);
                    s.transport.send(msg);
                    o.write(s.transport.receive(MAX_MSIZE));
                    o.flush();
                }
            } finally {
                if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), tool + " exit status");
            byte[] b = Files.readAllBytes(out);
            Files.delete(out);
            return b;
        }
    }
}
