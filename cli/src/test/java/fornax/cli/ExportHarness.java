package fornax.cli;

import static org.junit.jupiter.api.Assertions.fail;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NineP;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.NinePErrors;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * For the export tests: a guest run in the background ({@code fornax run --export ...} in this
 * JVM, as {@link GuestHarness#runCli} runs one, but without waiting), and a tiny synchronous 9P
 * client over TCP to see when the guest is ready and to tell it to stop. Waits are bounded in
 * count, never asserted on time.
 */
final class ExportHarness {
    private ExportHarness() { }

    /** A port nobody listens on now (it may be taken meanwhile, which the test would report). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A fornax command line running in the background. */
    static final class Guest {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> status = new CompletableFuture<>();

        Guest(List<String> cli) {
            Thread.ofPlatform().daemon().name("fornax-export-test").stackSize(16L << 20).start(() -> {
                try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                     PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                    status.complete(Main.run(cli.toArray(String[]::new), InputStream.nullInputStream(), o, e));
                } catch (Throwable x) {
                    status.completeExceptionally(x);
                }
            });
        }

        String out() { synchronized (out) { return out.toString(StandardCharsets.UTF_8); } }
        String err() { synchronized (err) { return err.toString(StandardCharsets.UTF_8); } }

        /** The guest's exit status, waiting (bounded by the guest tests' guard). */
        GuestHarness.Result finish() throws Exception {
            int s = status.get(GuestHarness.FORNAX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new GuestHarness.Result(s, out.toByteArray(), err.toByteArray());
        }

        /**
         * Waits until the export on {@code port} shows {@code marker} (a file the guest makes when
         * it is set up); fails if the guest ends first.
         */
        void awaitFile(int port, String marker) throws Exception {
            for (int i = 0; i < 6000; i++) {
                if (status.isDone()) fail("the guest ended before " + marker + " appeared: " + finish().err() + finish().out());
                try (Client c = Client.connect(port, "")) {
                    if (c.exists(marker)) return;
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            fail(marker + " never appeared in the export; guest stderr: " + err());
        }
    }

    /** Just enough of a 9P2000.L client: attach, walk, create and write a file. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private NinePCodec codec = new NinePCodec(Dialect.P9P2000L, 65536);
        private int tag;

        private Client(Socket s) throws IOException {
            socket = s;
            in = new DataInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        static Client connect(int port, String aname) throws Exception {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                s.setSoTimeout(60_000);
                Client c = new Client(s);
                Rversion rv = (Rversion) c.rpc(new Tversion(65536, "9P2000.L"), NineP.NOTAG);
                c.codec = new NinePCodec(Dialect.accept(new Tversion(65536, "9P2000.L"), rv), rv.msize());
                Reply r = c.rpc(new Tattach(0, NineP.NOFID, "", aname, 0));
                if (NinePErrors.errno(r) != 0) throw new IOException("attach of '" + aname + "' failed: " + r);
                return c;
            } catch (Exception e) {
                s.close();
                throw e;
            }
        }

        boolean exists(String path) throws Exception {
            List<String> names = Arrays.stream(path.split("/")).filter(n -> !n.isEmpty()).toList();
            Reply r = rpc(new Twalk(0, 1, names));
            if (r instanceof Rwalk w && w.qids().size() == names.size()) {
                check(rpc(new Tclunk(1)));
                return true;
            }
            return false;
        }

        /** Creates (or truncates) file {@code name} in the top directory with {@code text} in it. */
        void write(String name, String text) throws Exception {
            check(rpc(new Twalk(0, 2, List.of())));
            Reply r = rpc(new Tlcreate(2, name, 01 | 01000, 0644, 0));
            if (r instanceof Rlerror) {            // it exists: open it instead
                check(rpc(new Twalk(0, 2, List.of(name))));
                check(rpc(new Tlopen(2, 01 | 01000)));
            }
            check(rpc(new Twrite(2, 0, text.getBytes(StandardCharsets.UTF_8))));
            check(rpc(new Tclunk(2)));
        }

        private Reply check(Reply r) {
            if (NinePErrors.errno(r) != 0) fail("9P request failed: " + r);
            return r;
        }

        private Reply rpc(Request t) throws Exception { return rpc(t, tag++ & 0x7FFF); }

        private Reply rpc(Request t, int tag) throws Exception {
            out.write(codec.encode(t, tag));
            out.flush();
            byte[] head = new byte[4];
            in.readFully(head);
            int size = codec.frameLength(head, 0);
            byte[] msg = Arrays.copyOf(head, size);
            in.readFully(msg, 4, size - 4);
            Frame f = codec.decode(msg);
            if (f.tag() != tag) fail("reply tag " + f.tag() + " for " + tag);
            return (Reply) f.message();
        }

        @Override public void close() throws IOException {
            try {
                rpc(new Tclunk(0));
            } catch (Exception e) {
                // hanging up anyway
            }
            socket.close();
        }
    }

    /** Runs a host command to completion (bounded), returning its status and output. */
    static GuestHarness.Result host(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<byte[]> o = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> e = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(GuestHarness.QEMU_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            fail(cmd + " did not finish; output so far: " + new String(o.getNow(new byte[0]), StandardCharsets.UTF_8));
        }
        return new GuestHarness.Result(p.exitValue(), o.get(), e.get());
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return ("<read error: " + e + ">").getBytes(StandardCharsets.UTF_8);
        }
    }
}
