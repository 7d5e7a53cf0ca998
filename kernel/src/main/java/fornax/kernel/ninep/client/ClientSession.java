package fornax.kernel.ninep.client;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.IdPool;
import fornax.kernel.ninep.Message.Reply;
import fornax.kernel.ninep.Message.Request;
import fornax.kernel.ninep.Message.Rflush;
import fornax.kernel.ninep.Message.Rversion;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The RPC half of the 9P client: one session over one {@link Transport}, in 9P2000.L. Any number
 * of kernel threads call {@link #call} at once; each request gets a tag, and one reader thread
 * pairs replies with their tags (Plan 9's mountmux without the "reader is whoever waits" trick:
 * a virtual thread is cheap, and a dedicated reader keeps the wait simple and interruptible).
 *
 * <p>Interrupts: a caller whose thread is interrupted by something that ends the call (a fatal
 * signal for its task, see {@link #setInterruptPolicy}) sends Tflush for its
 * tag and waits for Rflush, as flush(5) requires, before the tag can be used again; if the reply
 * came first it is returned (the request took effect), else the call ends with EINTR. A second
 * interrupt while waiting for Rflush abandons the tag: the reader drops whatever arrives for it
 * and frees it then. So a task in a 9P call can always be killed, even if the server never
 * answers.
 *
 * <p>Death: the end of the transport, a reply that does not decode, a reply with a tag nobody
 * sent, or {@link #close} kill the session. Every waiting call and every later one fails with EIO
 * (the connection is gone: what the fault supervisor turns into a restart), and {@code onDeath}
 * hears the reason once.
 *
 * <p>Locking: {@code pending} is a concurrent map (tag → the caller's future); tags come from
 * {@link IdPool}, which guards itself; {@code deathReason} is written once under {@code this}
 * and read without it (volatile). No lock is held while sending or waiting.
 */
final class ClientSession {
    private final Transport transport;
    private final NinePCodec codec;
    private final String name;
    private final Consumer<String> onDeath;
    private final IdPool tags = IdPool.tags();
    private final ConcurrentHashMap<Integer, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    /** Why the session died, or null while it lives. Set once, under this. */
    private volatile String deathReason;

    private ClientSession(Transport transport, NinePCodec codec, String name, Consumer<String> onDeath) {
        this.transport = transport;
        this.codec = codec;
        this.name = name;
        this.onDeath = onDeath;
    }

    /**
     * Negotiates version(5) on {@code t} (9P2000.L, at most {@code msize}) and starts the reader.
     * EIO if the server does not answer properly (the transport is closed then); EINTR if the
     * calling thread is interrupted while waiting.
     */
    static ClientSession open(Transport t, int msize, String name, Consumer<String> onDeath) {
        NinePCodec hello = new NinePCodec(Dialect.P9P2000L, msize);
        Tversion tv = new Tversion(msize, Dialect.P9P2000L.version());
        try {
            t.send(hello.encode(tv, NineP.NOTAG));
            Frame f = hello.decode(t.receive(msize));
            if (!(f.message() instanceof Rversion rv)) {
                SysError e = f.message() instanceof Reply r ? NinePErrors.toSysError(r) : null;
                throw new NinePException("Tversion answered with " + f.message().getClass().getSimpleName()
                        + (e != null ? " (" + Errno.name(e.errno()) + ")" : ""));
            }
            Dialect d = Dialect.accept(tv, rv);
            if (d != Dialect.P9P2000L) throw new NinePException("server speaks " + d.version() + ", not 9P2000.L");
            ClientSession s = new ClientSession(t, new NinePCodec(d, rv.msize()), name, onDeath);
            Thread.ofVirtual().name("9p-client " + name).start(s::readReplies);
            return s;
        } catch (NinePException | IOException e) {
            t.close();
            if (Thread.currentThread().isInterrupted()) throw new SysError(Errno.EINTR);
            throw new SysError(Errno.EIO, name + ": version negotiation failed: " + describe(e));
        }
    }

    /** The negotiated codec (msize bounds read and write sizes). */
    NinePCodec codec() { return codec; }

    boolean alive() { return deathReason == null; }

    /** Why the session died, or null. */
    String deathReason() { return deathReason; }

    /** Requests sent and not yet answered (for status files). */
    int inFlight() { return pending.size(); }

    /**
     * Sends {@code request} and returns its reply, which is never an error: an Rlerror becomes a
     * SysError with its errno. EIO once the session is dead; EINTR as described above.
     */
    Reply call(Request request) {
        Reply r = await(send(request), true);
        int errno = NinePErrors.errno(r);
        if (errno != 0) throw new SysError(errno, NineP.typeName(request.type()));
        return r;
    }

    /**
     * Like {@link #call}, but gives up after {@code timeoutMillis} and kills the session (a
     * server that does not answer a ping is hung). For the supervisor's heartbeat.
     */
    void ping(Request request, long timeoutMillis) {
        Sent s = send(request);
        try {
            Reply r = s.future.get(timeoutMillis, TimeUnit.MILLISECONDS);
            SysError e = NinePErrors.toSysError(r);
            if (e != null) throw e;
        } catch (TimeoutException e) {
            die("no answer to " + NineP.typeName(request.type()) + " in " + timeoutMillis + " ms");
            throw new SysError(Errno.EIO, name + ": server hung");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } finally {
            if (s.future.isDone()) release(s.tag);
        }
    }

    private record Sent(int tag, CompletableFuture<Reply> future) { }

    private Sent send(Request request) {
        if (!alive()) throw dead();
        int tag;
        try {
            tag = tags.allocate();
        } catch (NinePException e) {
            throw new SysError(Errno.EAGAIN, name + ": all tags in use");
        }
        CompletableFuture<Reply> f = new CompletableFuture<>();
        pending.put(tag, f);
        if (!alive()) f.completeExceptionally(dead());   // died between the check and the put
        try {
            transport.send(codec.encode(request, tag));
        } catch (NinePException e) {
            release(tag);
            throw new SysError(Errno.EINVAL, name + ": cannot encode " + NineP.typeName(request.type()) + ": " + e.reason());
        } catch (IOException e) {
            die("send failed: " + describe(e));
        }
        return new Sent(tag, f);
    }

    /**
     * Whether an interrupt of the calling thread should end its call (Linux's v9fs waits killably:
     * only a fatal signal interrupts a 9P request, so an open or read of a 9P file does not fail
     * with EINTR because a SIGCHLD arrived). The kernel installs its own test; the default ends
     * the call on any interrupt.
     */
    private static volatile BooleanSupplier interruptEndsCall = () -> true;

    static void setInterruptPolicy(BooleanSupplier policy) { interruptEndsCall = policy; }

    static boolean interruptEndsCall() { return interruptEndsCall.getAsBoolean(); }

    /** Waits for a sent request's reply; flushes it when interrupted by something that ends the call. */
    private Reply await(Sent s, boolean flushable) {
        boolean deferred = false;
        try {
            while (true) {
                try {
                    Reply r = s.future.get();
                    release(s.tag);
                    return r;
                } catch (ExecutionException e) {
                    release(s.tag);
                    throw unwrap(e);
                } catch (InterruptedException e) {
                    if (!interruptEndsCall.getAsBoolean()) {
                        deferred = true;   // not fatal: keep waiting, and leave the wake-up for later
                        continue;
                    }
                    deferred = false;
                    if (!flushable) throw new SysError(Errno.EINTR);
                    return flush(s);
                }
            }
        } finally {
            if (deferred) Thread.currentThread().interrupt();
        }
    }

    /** flush(5): the caller was interrupted while {@code s} was in flight. */
    private Reply flush(Sent s) {
        Sent f;
        try {
            f = send(new Tflush(s.tag));
        } catch (SysError e) {
            // cannot even send the flush: the session is dead or out of tags; abandon the tag
            abandon(s);
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        }
        try {
            f.future.get();
        } catch (InterruptedException again) {
            abandon(f);   // the Rflush will be dropped when it comes
            abandon(s);
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        } catch (ExecutionException dead) {
            // the session died: the original request fails with it below
        }
        release(f.tag);
        Thread.currentThread().interrupt();   // the signal is still to be delivered
        if (s.future.isDone() && !s.future.isCompletedExceptionally()) {
            Reply r = s.future.join();
            release(s.tag);
            return r;
        }
        release(s.tag);
        throw new SysError(Errno.EINTR);
    }

    /** Leaves {@code s}'s tag to the reader: it is freed when its reply (or the session's death) comes. */
    private void abandon(Sent s) {
        s.future.whenComplete((r, e) -> release(s.tag));
    }

    private void release(int tag) {
        if (pending.remove(tag) != null) tags.release(tag);
    }

    private SysError unwrap(ExecutionException e) {
        return e.getCause() instanceof SysError se ? se : new SysError(Errno.EIO, name + ": " + e.getCause());
    }

    private SysError dead() { return new SysError(Errno.EIO, name + ": connection lost: " + deathReason); }

    /** The reader: pairs every reply with its caller until the session dies. */
    private void readReplies() {
        try {
            while (alive()) {
                Frame f = codec.decode(transport.receive(codec.msize()));
                if (!(f.message() instanceof Reply r)) {
                    die("server sent a request, " + NineP.typeName(f.message().type()));
                    return;
                }
                CompletableFuture<Reply> waiter = pending.get(f.tag());
                if (waiter == null) {
                    die("reply " + NineP.typeName(r.type()) + " with tag " + f.tag() + " that is not in flight");
                    return;
                }
                if (r instanceof Rflush || !waiter.isDone()) waiter.complete(r);
            }
        } catch (EOFException e) {
            die("server closed the connection");
        } catch (NinePException | IOException e) {
            die("bad reply: " + describe(e));
        }
    }

    /** Kills the session (idempotent): closes the transport, fails every waiting call. */
    void die(String reason) {
        synchronized (this) {
            if (deathReason != null) return;
            deathReason = reason;
        }
        transport.close();
        if (onDeath != null) onDeath.accept(reason);   // before the waiters wake: they may ask why
        List<CompletableFuture<Reply>> waiting = new ArrayList<>(pending.values());
        for (CompletableFuture<Reply> f : waiting) f.completeExceptionally(dead());
    }

    /** Ends the session on purpose (unmount, shutdown). */
    void close() { die("closed by the client"); }

    private static String describe(Exception e) {
        return e instanceof NinePException n ? n.reason() : e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
