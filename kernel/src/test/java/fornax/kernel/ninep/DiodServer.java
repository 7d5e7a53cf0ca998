package fornax.kernel.ninep;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real diod (Debian package diod) exporting a directory on a loopback port, without
 * authentication, for the tests that check this kernel's 9P code against it. Tests that get one
 * skip where diod is not installed.
 */
public final class DiodServer implements AutoCloseable {
    public static final Path DIOD = Path.of("/usr/sbin/diod");
    private final Process process;
    private final int port;
    private final Path log;

    private DiodServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts diod exporting {@code exportDir}; it runs in {@code workDir}, where its log goes (diod
     * enables core dumps itself, and it has dumped one, once, when a failed test hung up
     * mid-session: that must not land in the work tree). Skips the test if diod is missing.
     */
    public static DiodServer start(Path exportDir, Path workDir) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(DIOD), "diod is not installed (Debian package diod): skipped");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(DIOD.toString(), "-f", "-n", "-N", "-e", exportDir.toString(),
                "-l", "127.0.0.1:" + port, "-L", "stderr", "-c", "/dev/null"));
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        if (uid != 0) cmd.addAll(List.of("-u", Long.toString(uid)));
        Path log = workDir.resolve("diod.log");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new DiodServer(p, port, log);
    }

    /**
     * A connection to it. diod listens a moment after it starts: the connection is retried (no
     * assumption on how long that takes), and fails with diod's log if it never comes.
     */
    public Socket connect() throws IOException, InterruptedException {
        IOException last = null;
        for (int i = 0; i < 200 && process.isAlive(); i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
                Thread.sleep(50);
            }
        }
        throw new IOException("could not reach diod on port " + port + " (alive: " + process.isAlive() + "): "
                + Files.readString(log), last);
    }

    @Override public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
