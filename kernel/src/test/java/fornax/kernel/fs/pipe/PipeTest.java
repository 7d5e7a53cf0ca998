package fornax.kernel.fs.pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.TestFs;
import fornax.kernel.vfs.Vfs;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Pipes through the VFS as pipe2 makes them: a read end and a write end over one {@link Pipe}.
 * Blocking cases run a second thread, as a second guest thread would.
 */
@Timeout(30)
class PipeTest {
    private final FsContext ctx = new TestFs().context("/tmp");
    private ChanFile r, w;

    private void open(int flags) {
        ChanFile[] ends = Vfs.pipe(ctx, flags);
        r = ends[0];
        w = ends[1];
    }

    @AfterEach
    void close() {
        if (r != null) r.close();
        if (w != null) w.close();
        ctx.release();
    }

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    /** Waits until {@code t} is blocked (WAITING) so the test knows a call is parked. */
    private static void awaitBlocked(Thread t) throws InterruptedException {
        for (int i = 0; i < 2000 && t.getState() != Thread.State.WAITING; i++) Thread.sleep(1);
        assertEquals(Thread.State.WAITING, t.getState());
    }

    @Test
    void bytesGoThroughInOrder() {
        open(0);
        assertFalse(r.seekable());
        assertEquals(5, w.write("hello".getBytes(), 0, 5));
        assertEquals(3, w.write("abc".getBytes(), 0, 3));
        byte[] b = new byte[4];
        assertEquals(4, r.read(b, 0, 4));
        assertArrayEquals("hell".getBytes(), b);
        byte[] rest = new byte[100];
        assertEquals(4, r.read(rest, 0, 100), "a read returns what is there");
        assertArrayEquals("oabc".getBytes(), Arrays.copyOf(rest, 4));
        assertEquals(0, w.write(new byte[0], 0, 0));
        assertErrno(Errno.ESPIPE, () -> r.pread(0, b, 0, 1));
        assertErrno(Errno.EBADF, () -> r.write(b, 0, 1));
        assertErrno(Errno.EBADF, () -> w.read(b, 0, 1));
    }

    @Test
    void endOfFileWhenEveryWriterIsGone() {
        open(0);
        w.write("x".getBytes(), 0, 1);
        w.close();
        w = null;
        byte[] b = new byte[4];
        assertEquals(1, r.read(b, 0, 4), "data first");
        assertEquals(0, r.read(b, 0, 4), "then end of file");
    }

    @Test
    void epipeWhenEveryReaderIsGone() {
        open(0);
        r.close();
        r = null;
        assertErrno(Errno.EPIPE, () -> w.write("x".getBytes(), 0, 1));
    }

    @Test
    void nonBlockingEndsSayEagain() {
        open(OpenFlags.O_NONBLOCK);
        assertErrno(Errno.EAGAIN, () -> r.read(new byte[1], 0, 1));
        byte[] big = new byte[Pipe.CAPACITY + 1000];
        assertEquals(Pipe.CAPACITY, w.write(big, 0, big.length), "a big write fills what room there is");
        assertErrno(Errno.EAGAIN, () -> w.write(big, 0, 1));
        byte[] b = new byte[100];
        assertEquals(100, r.read(b, 0, 100));
        assertErrno(Errno.EAGAIN, () -> w.write(big, 0, 200));   // an atomic write that does not fit writes nothing
        assertEquals(100, w.write(big, 0, 100));
    }

    @Test
    void fcntlCanTurnNonBlockingOnAndOff() {
        open(0);
        r.setStatusFlags(OpenFlags.O_NONBLOCK);
        assertErrno(Errno.EAGAIN, () -> r.read(new byte[1], 0, 1));
        r.setStatusFlags(0);
        w.write("y".getBytes(), 0, 1);
        assertEquals(1, r.read(new byte[1], 0, 1));
    }

    @Test
    void aBlockedReaderWakesForDataAndForEndOfFile() throws Exception {
        open(0);
        byte[] b = new byte[10];
        CompletableFuture<Integer> first = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> first.complete(r.read(b, 0, 10)));
        awaitBlocked(t);
        w.write("wake".getBytes(), 0, 4);
        assertEquals(4, first.get(5, TimeUnit.SECONDS));
        CompletableFuture<Integer> second = new CompletableFuture<>();
        Thread t2 = Thread.ofPlatform().start(() -> second.complete(r.read(b, 0, 10)));
        awaitBlocked(t2);
        w.close();
        w = null;
        assertEquals(0, second.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aBlockedWriterWaitsForRoomAndSeesTheReaderGo() throws Exception {
        open(0);
        byte[] fill = new byte[Pipe.CAPACITY - 10];
        assertEquals(fill.length, w.write(fill, 0, fill.length));
        // 100 bytes <= PIPE_BUF: atomic, so it waits for room for all of them.
        CompletableFuture<Integer> atomic = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> atomic.complete(w.write(new byte[100], 0, 100)));
        awaitBlocked(t);
        assertEquals(50, r.read(new byte[50], 0, 50));
        awaitBlocked(t);
        assertFalse(atomic.isDone(), "60 bytes of room is not enough for 100");
        assertEquals(200, r.read(new byte[200], 0, 200));
        assertEquals(100, atomic.get(5, TimeUnit.SECONDS));

        AtomicReference<Throwable> failure = new AtomicReference<>();
        byte[] more = new byte[Pipe.CAPACITY];
        Thread t2 = Thread.ofPlatform().start(() -> {
            try {
                w.write(more, 0, more.length);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        awaitBlocked(t2);
        r.close();
        r = null;
        t2.join(5000);
        // The big write had put some bytes in before blocking, so it returns its count instead of EPIPE.
        assertEquals(null, failure.get());
        assertErrno(Errno.EPIPE, () -> w.write(more, 0, 1));
    }

    @Test
    void anInterruptedWaitIsEintr() throws Exception {
        open(0);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                r.read(new byte[1], 0, 1);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        awaitBlocked(t);
        t.interrupt();
        t.join(5000);
        assertTrue(failure.get() instanceof SysError e && e.errno() == Errno.EINTR, String.valueOf(failure.get()));
    }

    @Test
    void megabytesBetweenTwoThreadsArriveIntact() throws Exception {
        open(0);
        byte[] data = new byte[8 << 20];
        new Random(7).nextBytes(data);
        Thread writer = Thread.ofPlatform().start(() -> {
            Random sizes = new Random(3);
            for (int off = 0; off < data.length; ) {
                int n = Math.min(1 + sizes.nextInt(100_000), data.length - off);
                off += w.write(data, off, n);
            }
            w.close();
        });
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[30_000];
        long total = 0;
        for (int n; (n = r.read(buf, 0, buf.length)) > 0; ) {
            got.update(buf, 0, n);
            total += n;
        }
        writer.join();
        w = null;
        assertEquals(data.length, total);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got.digest());
    }

    @Test
    void fionreadCountsWaitingBytes() {
        open(0);
        w.write(new byte[1234], 0, 1234);
        byte[] out = new byte[4];
        r.ioctl(PipeFs.FIONREAD, 0x1000, new fornax.kernel.vfs.OpenFile.UserMemory() {
            @Override public void copyIn(long va, byte[] dst, int off, int len) { }
            @Override public void copyOut(long va, byte[] src, int off, int len) { System.arraycopy(src, off, out, 0, len); }
        });
        assertEquals(1234, java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        assertErrno(Errno.ENOTTY, () -> r.ioctl(0x5401, 0, null));
    }
}
