package fornax.kernel.ninep.server;

import fornax.kernel.ninep.transport.StreamTransport;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.NamespaceView;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A subtree of the guest's namespace served over host TCP as 9P (what {@code fornax run --export
 * PORT[:PATH]} starts): Linux's v9fs ({@code mount -t 9p -o trans=tcp,port=PORT}), diod's tools
 * and Plan 9 clients can then use the running system's files, mounts and binds included.
 *
 * <p>Each attach takes a fresh file-system context from {@code contexts} (the first process's
 * namespace, as it is at that moment) and a {@link NamespaceView} of PATH in it. The aname
 * selects a directory below PATH ("" and "/" are PATH itself; ".." cannot climb out). One virtual
 * thread accepts, one serves each connection (and one each request in flight, inside the
 * server). There is no authentication: the socket is bound to the address given (loopback).
 *
 * <p>Thread-safe; {@link #close} stops accepting, ends every connection (clunking its fids) and
 * waits for the connection threads.
 */
public final class TcpExport implements AutoCloseable {
    /** What clients are offered: Linux asks for 512 KiB by default and takes less. */
    public static final int MSIZE = 512 << 10;

    private final ServerSocket socket;
    private final NinePServer server;
    private final String path;
    private final Supplier<FsContext> contexts;
    private final Consumer<String> log;
    private final Thread acceptor;
    private final Set<Thread> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private TcpExport(ServerSocket socket, Supplier<FsContext> contexts, String path, Consumer<String> log) {
        this.socket = socket;
        this.contexts = contexts;
        this.path = path;
        this.log = log;
        this.server = new NinePServer("export", this::attach, MSIZE, null, log);
        this.acceptor = Thread.ofVirtual().name("9p export accept").unstarted(this::accept);
    }

    /**
     * Listens on {@code address}:{@code port} (0: any free port) and serves directory {@code path}
     * (absolute) of the namespace each context from {@code contexts} (taken by the view) sees.
     * Logs "export: serving PATH on ADDRESS:PORT" to {@code log}.
     *
     * @throws IOException if the port cannot be bound
     */
    public static TcpExport start(Supplier<FsContext> contexts, String path, InetAddress address, int port,
                                  Consumer<String> log) throws IOException {
        if (!path.startsWith("/")) throw new IllegalArgumentException("export path must be absolute: " + path);
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        TcpExport x = new TcpExport(s, contexts, path, log);
        log.accept("export: serving " + path + " on " + address.getHostAddress() + ":" + s.getLocalPort());
        x.acceptor.start();
        return x;
    }

    /** The port listened on. */
    public int port() { return socket.getLocalPort(); }

    /** The server (for its counters). */
    public NinePServer server() { return server; }

    /** A root fid: a view of PATH, walked down to {@code aname}'s directory. */
    private Fid attach(String aname) {
        Fid f = NamespaceView.root(contexts.get(), path);
        try {
            for (String name : aname.split("/")) {
                if (name.isEmpty() || name.equals(".")) continue;
                Fid next = f.server().walk(f, name);
                f.server().clunk(f);
                f = next;
            }
            if (!f.qid().isDir()) throw new SysError(fornax.kernel.sys.Errno.ENOTDIR, aname);
            Fid root = f;
            f = null;
            return root;
        } finally {
            if (f != null) f.server().clunk(f);
        }
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) log.accept("export: accept failed: " + e.getMessage());
                return;
            }
            String who = "tcp " + s.getRemoteSocketAddress();
            Thread t = Thread.ofVirtual().name("9p export " + who).unstarted(() -> {
                try {
                    s.setTcpNoDelay(true);
                    server.serve(new StreamTransport(new BufferedInputStream(s.getInputStream(), 65536),
                            new BufferedOutputStream(s.getOutputStream(), 65536), s, who));
                } catch (IOException e) {
                    log.accept("export: " + who + ": " + e.getMessage());
                } finally {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing a socket that failed
                    }
                    connections.remove(Thread.currentThread());
                }
            });
            connections.add(t);
            t.start();
        }
    }

    /** Stops listening, ends every connection and waits for them. */
    @Override public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        server.shutdown();
        boolean interrupted = false;
        try {
            acceptor.join();                    // then no connection is added any more
        } catch (InterruptedException e) {
            interrupted = true;
        }
        server.shutdown();                      // one accepted meanwhile
        for (Thread t : new java.util.ArrayList<>(connections)) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
