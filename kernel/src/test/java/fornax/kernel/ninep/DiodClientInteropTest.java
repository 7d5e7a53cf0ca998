package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Message.*;
import fornax.kernel.sys.Errno;
import fornax.kernel.vfs.Qid;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The codec on the server side against real 9P2000.L clients: diod's diodcat and diodls connect to
 * a scripted responder built on this package, which serves one directory holding one file. Every
 * request the tools send must decode strictly and re-encode to exactly their bytes, and the tools
 * must print what the replies said. Skips where diod is not installed.
 */
class DiodClientInteropTest {
    static final Path DIODCAT = Path.of("/usr/sbin/diodcat"), DIODLS = Path.of("/usr/sbin/diodls");
    static final Qid ROOT = new Qid(Qid.QTDIR, 0, 1), FILE = new Qid(Qid.QTFILE, 3, 2);
    static final byte[] CONTENT = "hello from a fornax codec\n".repeat(300).getBytes(StandardCharsets.UTF_8);

    private final Set<String> seen = new TreeSet<>();

    @Test
    void diodcatReadsAFileThroughTheCodec() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DIODCAT), "diodcat is not installed (Debian package diod): skipped");
        byte[] out = serve(DIODCAT, "-m", "8192", "file");
        assertArrayEquals(CONTENT, out, "diodcat output");
        assertTrue(seen.containsAll(Set.of("Tversion", "Tattach", "Twalk", "Tlopen", "Tread", "Tclunk")), seen.toString());
    }

    @Test
    void diodlsListsTheDirectoryThroughTheCodec() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DIODLS), "diodls is not installed (Debian package diod): skipped");
        String out = new String(serve(DIODLS), StandardCharsets.UTF_8);
        assertEquals(List.of("file"), Arrays.stream(out.split("\n")).filter(s -> !s.isBlank()).toList(), out);
        assertTrue(seen.contains("Treaddir"), seen.toString());
    }

    /** Runs the tool against a one-connection responder and returns what it printed. */
    private byte[] serve(Path tool, String... args) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setSoTimeout(30_000);
            List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-s", "127.0.0.1:" + ss.getLocalPort(),
                    "-a", "/export"));
            cmd.addAll(List.of(args));
            Path stdout = Files.createTempFile("diod-client", ".out");
            Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (Socket s = ss.accept()) {
                s.setSoTimeout(30_000);
                respond(new DataInputStream(s.getInputStream()), s.getOutputStream());
            } finally {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
            }
            assertEquals(0, p.exitValue(), tool + " exit status");
            byte[] out = Files.readAllBytes(stdout);
            Files.delete(stdout);
            return out;
        }
    }

    /** Answers requests until the client hangs up; every request is checked byte for byte. */
    private void respond(DataInputStream in, OutputStream out) throws Exception {
        NinePCodec codec = new NinePCodec(Dialect.P9P2000L, 65536);
        java.util.Map<Integer, Qid> fids = new java.util.HashMap<>();
        while (true) {
            byte[] head = new byte[4];
            try {
                in.readFully(head);
            } catch (EOFException e) {
                return;
            }
            byte[] msg = new byte[codec.frameLength(head, 0)];
            System.arraycopy(head, 0, msg, 0, 4);
            in.readFully(msg, 4, msg.length - 4);
            Frame f = codec.decode(msg);
            assertArrayEquals(msg, codec.encode(f.message(), f.tag()), "re-encoding of " + f.message());
            seen.add(NineP.typeName(f.message().type()));
            Reply r = switch ((Request) f.message()) {
                case Tversion t -> Dialect.answer(t, 65536, Set.of(Dialect.P9P2000L));
                case Tauth t -> new Rlerror(Errno.ENOENT);      // diod's clients read ENOENT as "no auth needed"
                case Tattach t -> {
                    fids.put(t.fid(), ROOT);
                    yield new Rattach(ROOT);
                }
                case Twalk t -> {
                    Qid q = fids.get(t.fid());
                    if (t.wnames().isEmpty()) {
                        fids.put(t.newfid(), q);
                        yield new Rwalk(List.of());
                    }
                    if (q == ROOT && t.wnames().equals(List.of("file"))) {
                        fids.put(t.newfid(), FILE);
                        yield new Rwalk(List.of(FILE));
                    }
                    yield new Rlerror(Errno.ENOENT);
                }
                case Tlopen t -> new Rlopen(fids.get(t.fid()), 0);
                case Tgetattr t -> new Rgetattr(GETATTR_BASIC, fids.get(t.fid()), fids.get(t.fid()) == ROOT ? 040755 : 0100644,
                        0, 0, 1, 0, CONTENT.length, 4096, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                case Tread t -> {
                    int from = (int) Math.min(t.offset(), CONTENT.length);
                    int n = Math.min(Math.min(t.count(), codec.maxReadData()), CONTENT.length - from);
                    yield new Rread(Arrays.copyOfRange(CONTENT, from, from + n));
                }
                case Treaddir t -> new Rreaddir(t.offset() == 0 ? List.of(new Dirent(FILE, 1, 8, "file")) : List.of());
                case Tclunk t -> {
                    assertNotNull(fids.remove(t.fid()), "clunk of an unknown fid");
                    yield new Rclunk();
                }
                default -> new Rlerror(Errno.EOPNOTSUPP);
            };
            if (r instanceof Rversion v) codec = new NinePCodec(Dialect.P9P2000L, v.msize());
            out.write(codec.encode(r, f.tag()));
            out.flush();
        }
    }
}
