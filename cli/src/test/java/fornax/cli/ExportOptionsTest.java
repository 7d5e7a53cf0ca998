package fornax.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --export PORT[:PATH]}: what parses, and a bad spec or a taken port as one line and status 2. */
class ExportOptionsTest {
    @Test
    void specs() {
        assertEquals(new ExportOptions.Export(5640, "/"), ExportOptions.parse("5640"));
        assertEquals(new ExportOptions.Export(0, "/tmp/x"), ExportOptions.parse("0:/tmp/x"));
        for (String bad : new String[] {"", "x", "70000", "-1", "564:tmp", ":/tmp"})
            assertThrows(IllegalArgumentException.class, () -> ExportOptions.parse(bad), bad);
    }

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, InputStream.nullInputStream(), new PrintStream(out, true), new PrintStream(err, true));
        return new String[] {Integer.toString(status), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void aBadSpecIsOneLineAndStatus2() {
        String[] r = run("run", "--export", "nope", "--", "true");
        assertEquals("2", r[0]);
        assertEquals("fornax: --export nope: expected PORT[:PATH]\n", r[1]);
    }

    @Test
    void aTakenPortIsOneLineAndStatus2() throws Exception {
        java.nio.file.Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(image), "no root image: run ./fornax image");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String[] r = run("run", "--cpus", "1", "--export", Integer.toString(taken.getLocalPort()), "--", "true");
            assertEquals("2", r[0]);
            assertTrue(r[1].startsWith("fornax: --export " + taken.getLocalPort() + ": cannot listen: "), r[1]);
            assertEquals(1, r[1].lines().count(), r[1]);
        }
    }
}
