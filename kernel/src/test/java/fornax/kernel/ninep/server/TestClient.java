package fornax.kernel.ninep.server;

import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NineP;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.NinePErrors;
import fornax.kernel.ninep.transport.Channel;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.sys.Errno;
import java.io.EOFException;
import java.io.IOException;

/**
 * A bare 9P client for the server tests, built only on the codec: it sends requests with chosen
 * tags and reads replies one by one, so tests can have several requests in flight. The server end
 * of its channel is served on a virtual thread; {@link #close} hangs up and waits for
 * {@link NinePServer#serve} to return.
 */
final class TestClient implements AutoCloseable {
    final Transport end;
    final Thread serving;
    NinePCodec codec = new NinePCodec(Dialect.P9P2000L, NineP.MAX_MSIZE);
    private int nextTag = 1;

    TestClient(NinePServer server) {
        Transport[] pair = Channel.pair("test");
        end = pair[0];
        serving = Thread.ofVirtual().name("serve test").start(() -> server.serve(pair[1]));
    }

    /** A client on {@code end}, whose server is served elsewhere (a socket). */
    TestClient(Transport end) {
        this.end = end;
        this.serving = null;
    }

    /** Negotiates {@code version} at {@code msize}; returns the server's answer. */
    Rversion version(String version, int msize) throws Exception {
        send(new Tversion(msize, version), NineP.NOTAG);
        Frame f = receive();
        assertEquals(NineP.NOTAG, f.tag());
        Rversion rv = (Rversion) f.message();
        Dialect d = Dialect.of(rv.version());
        if (d != null) codec = new NinePCodec(d, rv.msize());
        return rv;
    }

    TestClient dotL() throws Exception {
        assertEquals("9P2000.L", version("9P2000.L", 8192).version());
        return this;
    }

    void send(Message m, int tag) throws IOException, fornax.kernel.ninep.NinePException {
        end.send(codec.encode(m, tag));
    }

    /** The next reply (any tag). */
    Frame receive() throws Exception {
        return codec.decode(end.receive(codec.msize()));
    }

    /** True when the server has hung up (the next receive is EOF). */
    boolean hungUp() throws Exception {
        try {
            Frame f = receive();
            fail("expected the connection to be dropped, got " + f);
            return false;
        } catch (EOFException e) {
            return true;
        }
    }

    /** Sends {@code t} with a fresh tag and returns its reply, Rlerror/Rerror included. */
    Reply attempt(Request t) throws Exception {
        int tag = nextTag++ & 0x7FFF;
        send(t, tag);
        Frame f = receive();
        assertEquals(tag, f.tag(), "reply tag for " + t);
        return (Reply) f.message();
    }

    /** A request that must succeed with a reply of type {@code type}. */
    <R extends Reply> R rpc(Request t, Class<R> type) throws Exception {
        Reply r = attempt(t);
        if (NinePErrors.errno(r) != 0) fail(t + " failed: " + Errno.name(NinePErrors.errno(r)) + " " + r);
        return type.cast(r);
    }

    /** A request that must fail with {@code errno}. */
    void error(int errno, Request t) throws Exception {
        Reply r = attempt(t);
        assertEquals(Errno.name(errno), Errno.name(NinePErrors.errno(r)), t + " answered " + r);
    }

    @Override public void close() throws InterruptedException {
        end.close();
        if (serving != null) serving.join();
    }
}
