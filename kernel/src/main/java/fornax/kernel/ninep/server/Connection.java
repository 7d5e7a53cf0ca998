package fornax.kernel.ninep.server;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message;
import fornax.kernel.ninep.Message.Request;
import fornax.kernel.ninep.Message.Reply;
import fornax.kernel.ninep.Message.Rflush;
import fornax.kernel.ninep.Message.Tflush;
import fornax.kernel.ninep.Message.Tversion;
import fornax.kernel.ninep.NineP;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.NinePErrors;
import fornax.kernel.ninep.NinePException;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * One client connection of a {@link NinePServer}: the reader loop, the fid table, and the
 * requests in flight. The reader decodes each message and starts a virtual thread for it, so a
 * read that blocks (a pipe, a console) holds up nothing else; Tversion alone is handled by the
 * reader itself, since it resets the whole session.
 *
 * <pre>
 *   reader: receive ─ decode ─┬─ Tversion: abort everything in flight, clunk every fid, Rversion
 *                             ├─ Tflush:   thread: mark the old request flushed, interrupt it,
 *                             │            await its end, then Rflush
 *                             └─ other:    thread: Requests.handle ─► reply (unless flushed)
 *   end (EOF, close, protocol error): close the transport, abort everything, clunk every fid
 * </pre>
 *
 * <p>Flush (flush(5)): a request's reply is sent under its {@link Pending}'s monitor and only if
 * it is not flushed, and the request leaves the in-flight table only after that; Tflush sets the
 * flag under the same monitor before it interrupts the request (file servers turn the interrupt
 * into EINTR) and waits for it to end. So no reply for the old tag can follow the Rflush, and the
 * old request's thread is never interrupted while it sends (which would close a socket under a
 * virtual thread).
 *
 * <p>Locking: {@code fidsLock} guards {@code fids} (a leaf: nothing is called while holding it);
 * each Pending's monitor guards its flag and the sending of its reply. {@code inflight} is a
 * concurrent map: the reader adds, each request removes itself when it ends.
 */
final class Connection {
    /** The most fids one connection may hold: a client cannot make the kernel keep more. */
    static final int MAX_FIDS = 1 << 20;

    final NinePServer server;
    final Transport transport;
    private final Requests requests;
    private final Object fidsLock = new Object();
    private final Map<Integer, ServerFid> fids = new HashMap<>();          // guarded by fidsLock
    private final ConcurrentHashMap<Integer, Pending> inflight = new ConcurrentHashMap<>();
    /** The session's codec, null until a Tversion succeeded. Written only by the reader. */
    private volatile NinePCodec codec;

    /** A request in flight. */
    static final class Pending {
        final int tag;
        final NinePCodec codec;
        Thread thread;
        private boolean flushed;        // guarded by this: no reply may be sent
        private boolean answered;       // guarded by this: its reply is out (or will never be)
        final Latch done = new Latch();

        Pending(int tag, NinePCodec codec) {
            this.tag = tag;
            this.codec = codec;
        }

        /** From now on no reply is sent for this request. */
        synchronized void flush() { flushed = true; }

        synchronized boolean answered() { return answered; }
    }

    /** A one-shot latch whose uninterruptible wait suits the reader (which must not give up). */
    static final class Latch {
        private final CountDownLatch latch = new CountDownLatch(1);
        void countDown() { latch.countDown(); }
        void await() throws InterruptedException { latch.await(); }
        void awaitUninterruptibly() {
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    Connection(NinePServer server, Transport transport) {
        this.server = server;
        this.transport = transport;
        this.requests = new Requests(this);
    }

    Dialect dialect() { return codec.dialect(); }

    // ------------------------------------------------------------------ the reader

    /** Serves until the end of the connection; every fid is clunked when this returns. */
    void serve() {
        String why = null;
        try {
            while (true) {
                NinePCodec c = codec;
                int limit = c == null ? server.maxMsize : c.msize();
                byte[] bytes = transport.receive(limit);
                Frame f = (c == null ? new NinePCodec(Dialect.P9P2000L, server.maxMsize) : c).decode(bytes);
                if (!(f.message() instanceof Request r)) throw new NinePException(NineP.typeName(f.message().type()) + " sent to a server");
                if (r instanceof Tversion tv) {
                    version(tv, f.tag());
                } else if (c == null) {
                    throw new NinePException(NineP.typeName(r.type()) + " before Tversion");
                } else {
                    start(r, f.tag(), c);
                }
            }
        } catch (EOFException e) {
            // the client went away, or shutdown closed the transport: a normal end
        } catch (NinePException e) {
            why = "protocol error: " + e.reason();
        } catch (Transport.FramingException e) {
            why = "protocol error: " + e.getMessage();
        } catch (IOException e) {
            why = "transport error: " + e.getMessage();
        } finally {
            transport.close();
            abortAll();
            clunkAll();
        }
        if (why != null) server.log(transport.describe() + ": " + why + "; connection dropped");
    }

    /** Tversion: aborts what is in flight, clunks every fid, negotiates (version(5)). */
    private void version(Tversion tv, int tag) throws IOException, NinePException {
        abortAll();
        clunkAll();
        Message.Rversion rv = Dialect.answer(tv, server.maxMsize, NinePServer.DIALECTS);
        Dialect d = Dialect.of(rv.version());
        // Rversion's layout is the same in every dialect: encode with the old codec or any
        NinePCodec reply = new NinePCodec(d == null ? Dialect.P9P2000L : d, Math.max(rv.msize(), NineP.MIN_MSIZE));
        codec = d == null ? null : new NinePCodec(d, rv.msize());
        transport.send(reply.encode(rv, tag));
    }

    /**
     * Starts a thread for request {@code r}. A tag still in flight is a protocol error, unless
     * that request has already sent its reply and is only leaving the table: the client may
     * reuse a tag as soon as the reply is out.
     */
    private void start(Request r, int tag, NinePCodec c) throws NinePException {
        Pending p = new Pending(tag, c);
        for (Pending prev; (prev = inflight.putIfAbsent(tag, p)) != null; ) {
            if (!prev.answered()) throw new NinePException("tag " + tag + " is already in flight");
            prev.done.awaitUninterruptibly();
        }
        p.thread = Thread.ofVirtual().name("9p " + server.name + " tag " + tag).unstarted(() -> run(p, r));
        p.thread.start();
    }

    private void run(Pending p, Request r) {
        Reply reply;
        try {
            reply = r instanceof Tflush tf ? flush(p, tf.oldtag()) : requests.handle(r, p.codec);
        } catch (SysError e) {
            reply = NinePErrors.reply(p.codec.dialect(), e);
        } catch (Throwable e) {
            server.fault(e, NineP.typeName(r.type()));
            reply = NinePErrors.reply(p.codec.dialect(), Errno.EIO);
        }
        finish(p, reply);
    }

    /**
     * Sends the reply unless the request was flushed, then ends the request: it leaves the table
     * only after its reply is out, so a Tflush naming it meanwhile waits for it (and its Rflush
     * follows the reply) rather than answering at once and racing it.
     */
    private void finish(Pending p, Reply reply) {
        try {
            synchronized (p) {
                p.answered = true;
                if (p.flushed || reply == null) return;
                byte[] bytes;
                try {
                    bytes = p.codec.encode(reply, p.tag);
                } catch (NinePException e) {
                    // a reply this dialect cannot carry (a name that is not UTF-8 in 9P2000...)
                    server.log(transport.describe() + ": cannot encode " + NineP.typeName(reply.type()) + ": " + e.reason());
                    bytes = encodeError(p.codec, p.tag, Errno.EIO);
                }
                try {
                    transport.send(bytes);
                } catch (IOException e) {
                    // the connection is ending; the reader sees it too
                }
            }
        } finally {
            inflight.remove(p.tag, p);
            p.done.countDown();
        }
    }

    private static byte[] encodeError(NinePCodec c, int tag, int errno) {
        try {
            return c.encode(NinePErrors.reply(c.dialect(), errno), tag);
        } catch (NinePException e) {
            throw new IllegalStateException("an error reply does not encode", e);
        }
    }

    /**
     * Tflush of {@code oldtag}: marks the old request flushed, interrupts it and waits for it to
     * end; then Rflush. Null (no reply) if this Tflush was itself flushed while waiting.
     */
    private Reply flush(Pending self, int oldtag) {
        Pending old = inflight.get(oldtag);
        if (old == null || old == self) return new Rflush();
        old.flush();
        old.thread.interrupt();
        try {
            old.done.await();
        } catch (InterruptedException e) {
            return null;        // flushed in turn: the client does not want this Rflush either
        }
        return new Rflush();
    }

    /** Flushes every request in flight and waits until all have ended; none sends its reply. */
    private void abortAll() {
        List<Pending> all = new ArrayList<>(inflight.values());
        for (Pending p : all) {
            p.flush();
            p.thread.interrupt();
        }
        for (Pending p : all) p.done.awaitUninterruptibly();
    }

    // ------------------------------------------------------------------ the fid table

    /** The fid {@code num} with a reference for the caller, who releases it. EBADF if unknown. */
    ServerFid use(int num) {
        synchronized (fidsLock) {
            ServerFid f = fids.get(num);
            if (f != null && f.retain()) return f;
        }
        throw new SysError(Errno.EBADF, "unknown fid " + Integer.toUnsignedString(num));
    }

    /** EBADF if {@code num} is in use (a newfid must be new). */
    void checkFree(int num) {
        if (num == NineP.NOFID) throw new SysError(Errno.EBADF, "NOFID");
        synchronized (fidsLock) {
            if (fids.containsKey(num)) throw new SysError(Errno.EBADF, "fid " + Integer.toUnsignedString(num) + " in use");
            if (fids.size() >= MAX_FIDS) throw new SysError(Errno.EMFILE, "too many fids");
        }
    }

    /** Installs {@code f} (taken) as fid {@code num}; if that is in use meanwhile, releases f and fails EBADF. */
    void install(int num, ServerFid f) {
        boolean ok;
        synchronized (fidsLock) {
            ok = num != NineP.NOFID && !fids.containsKey(num) && fids.size() < MAX_FIDS;
            if (ok) fids.put(num, f);
        }
        if (!ok) {
            f.release();
            throw new SysError(Errno.EBADF, "fid " + Integer.toUnsignedString(num) + " in use");
        }
    }

    /**
     * Fid {@code num} stands for {@code now} (taken) instead of {@code was} from here on; the table's
     * reference to {@code was} is dropped. If {@code num} no longer stands for {@code was} (a
     * concurrent clunk), {@code now} is released and EBADF thrown.
     */
    void replace(int num, ServerFid was, ServerFid now) {
        boolean ok;
        synchronized (fidsLock) {
            ok = fids.get(num) == was;
            if (ok) fids.put(num, now);
        }
        if (!ok) {
            now.release();
            throw new SysError(Errno.EBADF, "fid " + Integer.toUnsignedString(num) + " changed meanwhile");
        }
        was.release();
    }

    /** Takes fid {@code num} out of the table; the caller gets the table's reference. EBADF if unknown. */
    ServerFid remove(int num) {
        synchronized (fidsLock) {
            ServerFid f = fids.remove(num);
            if (f != null) return f;
        }
        throw new SysError(Errno.EBADF, "unknown fid " + Integer.toUnsignedString(num));
    }

    /** Clunks every fid (the references of requests still running are theirs to drop). */
    private void clunkAll() {
        List<ServerFid> all;
        synchronized (fidsLock) {
            all = new ArrayList<>(fids.values());
            fids.clear();
        }
        for (ServerFid f : all) {
            try {
                f.release();
            } catch (SysError e) {
                // a server that cannot clunk still forgets the fid
            } catch (RuntimeException e) {
                server.fault(e, "clunk");
            }
        }
    }

    /** Fids this connection holds (for tests). */
    int fidCount() {
        synchronized (fidsLock) {
            return fids.size();
        }
    }
}
