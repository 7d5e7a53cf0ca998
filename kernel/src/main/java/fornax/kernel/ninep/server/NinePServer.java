package fornax.kernel.ninep.server;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.NineP;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.vfs.Fid;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A 9P server: serves any {@link fornax.kernel.vfs.FileServer} (or several, one per aname) to
 * clients over {@link Transport}s, in 9P2000.L (what Linux's v9fs and diod's tools speak),
 * 9P2000.u and plain 9P2000 (what Plan 9's tools speak). Each {@link #serve} call is one
 * connection; any number may run at once, each on its caller's thread, with one virtual thread per
 * request in flight.
 *
 * <p>What a connection owns it gives back: when {@link #serve} returns, every fid the client held
 * has been clunked on the file server, and {@link #liveFids()} counts only other connections'.
 * A connection ends at the client's EOF, at {@link #shutdown}, or at a protocol error (a message
 * that does not decode, a bad frame, a request before Tversion, a tag reused while in flight),
 * which is logged with its reason and disturbs no other connection.
 *
 * <p>Errors: a file server's {@link fornax.kernel.sys.SysError} is the request's Rlerror (Rerror
 * in 9P2000, with the errno in .u). Anything else a file server throws is a bug in it: the
 * request is answered EIO and {@code onFault} hears of it (the fault supervisor's hook).
 *
 * <p>Thread-safe. Locking: {@code connections} is a concurrent set; the counters are atomic.
 */
public final class NinePServer {
    /** The dialects served: .L first in preference (a client asking for it gets it). */
    static final Set<Dialect> DIALECTS = Set.of(Dialect.P9P2000L, Dialect.P9P2000U, Dialect.P9P2000);

    final String name;
    final int maxMsize;
    private final Function<String, Fid> attach;
    private final Consumer<Throwable> onFault;
    private final Consumer<String> log;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveFids = new AtomicInteger();
    private volatile boolean shutDown;

    /**
     * @param name     for thread names and logs ("export", "ramfs")
     * @param attach   aname → a new WALKED root fid; throws SysError for an unknown aname
     * @param maxMsize the largest msize agreed to, in [{@link NineP#MIN_MSIZE}, {@link NineP#MAX_MSIZE}]
     * @param onFault  told of every non-SysError a file server throws; null: logged only
     */
    public NinePServer(String name, Function<String, Fid> attach, int maxMsize, Consumer<Throwable> onFault) {
        this(name, attach, maxMsize, onFault, null);
    }

    /** As above, with the log lines (protocol errors, faults) going to {@code log} (null: System.Logger). */
    public NinePServer(String name, Function<String, Fid> attach, int maxMsize, Consumer<Throwable> onFault,
                       Consumer<String> log) {
        if (maxMsize < NineP.MIN_MSIZE || maxMsize > NineP.MAX_MSIZE) throw new IllegalArgumentException("msize " + maxMsize);
        this.name = Objects.requireNonNull(name);
        this.attach = Objects.requireNonNull(attach);
        this.maxMsize = maxMsize;
        this.onFault = onFault;
        this.log = log != null ? log : line -> System.getLogger(NinePServer.class.getName()).log(System.Logger.Level.WARNING, line);
    }

    /**
     * Serves one connection until the client closes it, {@link #shutdown} is called, or it commits
     * a protocol error; blocks meanwhile. Every fid of the connection is clunked before it returns,
     * and the transport is closed.
     */
    public void serve(Transport t) {
        Connection c = new Connection(this, t);
        connections.add(c);
        try {
            if (shutDown) t.close();
            c.serve();
        } finally {
            connections.remove(c);
        }
    }

    /** Fids currently held by clients, over all connections (each one server fid or two). */
    public int liveFids() { return liveFids.get(); }

    /** Connections being served now. */
    public int connections() { return connections.size(); }

    /** Closes every connection being served (their {@link #serve} calls return) and any served later. */
    public void shutdown() {
        shutDown = true;
        for (Connection c : connections) c.transport.close();
    }

    // ------------------------------------------------------------------ for the connections

    /** A new root fid for {@code aname}. */
    Fid attachFid(String aname) {
        Fid f = attach.apply(aname);
        if (f == null) throw new IllegalStateException("attach of '" + aname + "' returned no fid");
        return f;
    }

    void fidCreated() { liveFids.incrementAndGet(); }
    void fidClunked() { liveFids.decrementAndGet(); }

    void log(String line) { log.accept("9p " + name + ": " + line); }

    /** A file server threw something other than SysError while serving {@code what}. */
    void fault(Throwable e, String what) {
        StackTraceElement[] at = e.getStackTrace();
        log(what + ": file server fault: " + e + (at.length > 0 ? " at " + at[0] : ""));
        if (onFault == null) return;
        try {
            onFault.accept(e);
        } catch (RuntimeException again) {
            log("fault handler failed: " + again);
        }
    }
}
