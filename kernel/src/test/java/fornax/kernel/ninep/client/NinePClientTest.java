package fornax.kernel.ninep.client;

import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.DiodServer;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NineP;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.transport.Channel;
import fornax.kernel.ninep.transport.StreamTransport;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount driver against a real 9P2000.L server (diod exporting a temporary directory: skips
 * where diod is missing) and against scripted servers on a {@link Channel} for the failure paths:
 * a server that dies, one that sends garbage, and a caller interrupted while its request is in
 * flight (flush(5)).
 */
class NinePClientTest {
    @TempDir Path dir;
    @TempDir Path logs;
    private DiodServer diod;

    @AfterEach
    void stop() throws Exception {
        if (diod != null) diod.close();
    }

    @Test
    void everyFileServerCallWorksAgainstDiod() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello from the host\n");
        NinePClient c = NinePClient.connect(connectDiod(), dir.toString(), 65536 + 24, 77, "diod", null);

        Fid root = c.attach();
        assertTrue(root.qid().isDir());
        Fid hello = c.walk(root, "hello.txt");
        assertEquals(20, c.stat(hello).size());
        assertEquals(77, c.stat(hello).dev());
        c.open(hello, OpenFlags.O_RDONLY);
        byte[] buf = new byte[100];
        int n = c.read(hello, 6, buf, 0, 100);
        assertEquals("from the host\n", new String(buf, 0, n, StandardCharsets.UTF_8));
        c.clunk(hello);
        assertThrows(SysError.class, () -> c.read(hello, 0, buf, 0, 1), "clunked fid");

        Fid sub = c.create(root, "sub", Dir.S_IFDIR | 0755, null);
        assertTrue(sub.qid().isDir());
        assertTrue(Files.isDirectory(dir.resolve("sub")));
        Fid f = c.create(sub, "data", Dir.S_IFREG | 0644, null);
        assertEquals(SysError.class, assertThrows(SysError.class, () -> c.create(sub, "data", 0644, null)).getClass());
        c.open(f, OpenFlags.O_RDWR);
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + 7);
        assertEquals(big.length, c.write(f, 0, big, 0, big.length));
        byte[] back = new byte[big.length + 10];
        assertEquals(big.length, c.read(f, 0, back, 0, back.length));
        assertArrayEquals(big, java.util.Arrays.copyOf(back, big.length));
        assertArrayEquals(big, Files.readAllBytes(dir.resolve("sub/data")));
        c.wstat(f, Dir.truncate(10));
        assertEquals(10, c.stat(f).size());
        c.wstat(f, Dir.chmod(0600));
        assertEquals(0600, c.stat(f).mode() & 07777);
        c.clunk(f);

        Fid link = c.create(sub, "ln", Dir.S_IFLNK | 0777, "data");
        assertEquals("data", c.readlink(link));
        c.clunk(link);

        c.rename(sub, "data", root, "moved", false);
        assertTrue(Files.exists(dir.resolve("moved")));
        assertEquals(Errno.EEXIST, assertThrows(SysError.class,
                () -> c.rename(root, "moved", root, "hello.txt", true)).errno());

        Fid subDir = c.clone(sub);
        c.open(subDir, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        List<String> names = new ArrayList<>();
        long off = 0;
        for (List<DirEntry> page; !(page = c.readdir(subDir, off, 1)).isEmpty(); off = page.getLast().next())
            names.add(page.getFirst().name());
        assertEquals(List.of(".", "..", "ln"), names.stream().sorted().toList());
        c.clunk(subDir);

        assertEquals(Errno.ENOTEMPTY, assertThrows(SysError.class, () -> c.remove(root, "sub", true)).errno());
        assertEquals(Errno.EISDIR, assertThrows(SysError.class, () -> c.remove(root, "sub", false)).errno());
        c.remove(sub, "ln", false);
        c.remove(root, "sub", true);
        c.remove(root, "moved", false);
        assertFalse(Files.exists(dir.resolve("sub")));
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> c.walk(root, "sub")).errno());
        c.clunk(sub);

        assertTrue(c.statfs().bsize() > 0);
        c.ping(10_000);
        c.clunk(root);
        assertEquals(0, c.liveFids(), "every remote fid was clunked");
        c.close();
        assertEquals(Errno.EIO, assertThrows(SysError.class, c::attach).errno());
    }

    private Transport connectDiod() throws Exception {
        diod = DiodServer.start(dir, logs);
        Socket socket = diod.connect();
        return new StreamTransport(socket.getInputStream(), socket.getOutputStream(), socket, "diod");
    }

    // ------------------------------------------------------------------ scripted servers

    /** A server on the other end of a channel that runs {@code script} after answering Tversion. */
    private static Transport scripted(ServerScript script) {
        Transport[] ends = Channel.pair("test");
        Thread.ofVirtual().start(() -> {
            NinePCodec codec = new NinePCodec(Dialect.P9P2000L, 8192);
            try {
                Frame v = codec.decode(ends[1].receive(8192));
                ends[1].send(codec.encode(new Rversion(8192, "9P2000.L"), v.tag()));
                script.run(ends[1], codec);
            } catch (Exception e) {
                ends[1].close();
            }
        });
        return ends[0];
    }

    interface ServerScript { void run(Transport t, NinePCodec codec) throws Exception; }

    private static void answerAttach(Transport t, NinePCodec codec) throws Exception {
        Frame a = codec.decode(t.receive(8192));
        assertInstanceOf(Tattach.class, a.message());
        t.send(codec.encode(new Rattach(new Qid(Qid.QTDIR, 0, 1)), a.tag()));
    }

    @Test
    void aServerThatHangsUpFailsEveryCallWithEioAndSaysWhy() {
        AtomicReference<String> why = new AtomicReference<>();
        NinePClient c = NinePClient.connect(scripted((t, codec) -> {
            answerAttach(t, codec);
            codec.decode(t.receive(8192));   // the walk: never answered
            t.close();
        }), "", 8192, 1, "dying", why::set);
        Fid root = c.attach();
        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> c.walk(root, "x")).errno());
        assertFalse(c.alive());
        assertEquals("server closed the connection", why.get());
        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> c.stat(root)).errno(), "old fids: EIO");
        assertEquals(Errno.EIO, assertThrows(SysError.class, c::attach).errno(), "new attaches: EIO");
        c.clunk(root);   // clunking on a dead connection only frees the number
        assertEquals(0, c.liveFids());
    }

    @Test
    void aGarbageReplyKillsTheSession() {
        AtomicReference<String> why = new AtomicReference<>();
        NinePClient c = NinePClient.connect(scripted((t, codec) -> {
            Frame a = codec.decode(t.receive(8192));
            byte[] reply = codec.encode(new Rattach(new Qid(Qid.QTDIR, 0, 1)), a.tag());
            reply[4] = 99;   // no such message type
            t.send(reply);
        }), "", 8192, 1, "garbage", why::set);
        assertEquals(Errno.EIO, assertThrows(SysError.class, c::attach).errno());
        assertTrue(why.get().startsWith("bad reply"), why.get());
    }

    @Test
    void aServerThatRefusesVersionIsEio() {
        Transport[] ends = Channel.pair("refuse");
        Thread.ofVirtual().start(() -> {
            try {
                NinePCodec codec = new NinePCodec(Dialect.P9P2000L, 8192);
                Frame v = codec.decode(ends[1].receive(8192));
                ends[1].send(codec.encode(new Rversion(8192, "unknown"), v.tag()));
            } catch (Exception e) {
                ends[1].close();
            }
        });
        SysError e = assertThrows(SysError.class, () -> NinePClient.connect(ends[0], "", 8192, 1, "refuse", null));
        assertEquals(Errno.EIO, e.errno());
    }

    @Test
    void anInterruptedReadIsFlushedAndEndsWithEintr() throws Exception {
        CompletableFuture<Integer> flushedTag = new CompletableFuture<>();
        CompletableFuture<Integer> readTag = new CompletableFuture<>();
        NinePClient c = NinePClient.connect(scripted((t, codec) -> {
            answerAttach(t, codec);
            Frame w = codec.decode(t.receive(8192));
            t.send(codec.encode(new Rwalk(List.of()), w.tag()));
            Frame o = codec.decode(t.receive(8192));
            t.send(codec.encode(new Rlopen(new Qid(0, 0, 1), 0), o.tag()));
            Frame r = codec.decode(t.receive(8192));   // a read the server sits on, like a console
            readTag.complete(r.tag());
            Frame f = codec.decode(t.receive(8192));
            flushedTag.complete(((Tflush) f.message()).oldtag());
            t.send(codec.encode(new Rflush(), f.tag()));
            // flush(5): no reply to the flushed tag is ever sent; the connection stays usable
            Frame s = codec.decode(t.receive(8192));
            t.send(codec.encode(new Rclunk(), s.tag()));
        }), "", 8192, 1, "flush", null);
        Fid root = c.attach();
        Fid f = c.clone(root);
        c.open(f, OpenFlags.O_RDONLY);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                c.read(f, 0, new byte[10], 0, 10);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        int tag = readTag.get();
        reader.interrupt();
        reader.join();
        assertEquals(tag, flushedTag.get(), "Tflush names the read's tag");
        assertInstanceOf(SysError.class, outcome.get());
        assertEquals(Errno.EINTR, ((SysError) outcome.get()).errno());
        c.clunk(f);
        assertTrue(c.alive());
        assertEquals(NineP.NOTAG, NineP.NOTAG);   // (the tag pool is checked through liveFids below)
        assertEquals(1, c.liveFids(), "the root is still held");
    }
}
