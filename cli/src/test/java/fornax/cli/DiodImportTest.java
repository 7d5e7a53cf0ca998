package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other direction of the export: the kernel's 9P client mounts a diod export from the host
 * ({@code -v tcp!127.0.0.1!PORT!/dir:/mnt/h}, over a host-side TCP transport until the guest has a
 * network), and busybox reads, writes, lists and removes through it; the host sees every change.
 * Skips where diod (Debian package diod) is not installed.
 */
class DiodImportTest {
    static final Path DIOD = Path.of("/usr/sbin/diod");
    @TempDir Path dir;
    @TempDir Path logs;
    private Process diod;

    @AfterEach
    void stop() throws Exception {
        if (diod != null) {
            diod.destroy();
            diod.waitFor();
        }
    }

    @Test
    void busyboxUsesADiodExportMountedByTheKernel() throws Exception {
        assumeTrue(Files.isExecutable(DIOD), "diod is not installed (Debian package diod): skipped");
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        Files.writeString(dir.resolve("hello.txt"), "hello from the host\n");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/old"), "remove me\n");
        int port = startDiod();
        var r = GuestHarness.runCli(List.of("run", "--cpus", "1", "-v", "tcp!127.0.0.1!" + port + "!" + dir + ":/mnt/h",
                "--", "sh", "-c", "cat /mnt/h/hello.txt; echo from the guest > /mnt/h/sub/new; rm /mnt/h/sub/old;"
                        + " mkdir /mnt/h/made; ls /mnt/h /mnt/h/sub; grep ' /mnt/h ' /proc/mounts | cut -d' ' -f1,3"),
                "busybox sh -c");
        assertEquals("""
                hello from the host
                /mnt/h:
                hello.txt
                made
                sub

                /mnt/h/sub:
                new
                9p 9p
                """, r.out(), () -> "stderr: " + new String(r.stderr()));
        assertEquals("from the guest\n", Files.readString(dir.resolve("sub/new")));
        assertTrue(Files.isDirectory(dir.resolve("made")));
        assertTrue(Files.notExists(dir.resolve("sub/old")));
    }

    @Test
    void anUnreachableServerIsAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var r = GuestHarness.runCli(List.of("run", "--cpus", "1", "-v", "tcp!127.0.0.1!" + port + ":/mnt/h", "--", "true"),
                "unreachable import");
        assertEquals(2, r.status());
        assertTrue(new String(r.stderr()).contains("tcp!127.0.0.1!" + port + ": cannot connect"), () -> new String(r.stderr()));
    }

    private int startDiod() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(DIOD.toString(), "-f", "-n", "-N", "-e", dir.toString(),
                "-l", "127.0.0.1:" + port, "-L", "stderr", "-c", "/dev/null"));
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        if (uid != 0) cmd.addAll(List.of("-u", Long.toString(uid)));
        diod = new ProcessBuilder(cmd).directory(logs.toFile()).redirectErrorStream(true)
                .redirectOutput(logs.resolve("diod.log").toFile()).start();
        for (int i = 0; i < 200 && diod.isAlive(); i++) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return port;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("diod did not start: " + Files.readString(logs.resolve("diod.log")));
    }
}
