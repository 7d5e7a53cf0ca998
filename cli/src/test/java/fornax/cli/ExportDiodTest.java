package fornax.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fornax run --export PORT:PATH} against real 9P2000.L clients: diod's diodls and diodcat
 * (Debian package diod) list and read the files of a running guest, its mounts and binds inside
 * PATH included, and cannot climb out of PATH; a file written over 9P reaches the guest, which
 * prints it. Skipped when diod or the root image is missing.
 */
class ExportDiodTest {
    static final Path DIODLS = Path.of("/usr/sbin/diodls"), DIODCAT = Path.of("/usr/sbin/diodcat");

    @BeforeAll
    static void prerequisites() {
        assumeTrue(Files.isExecutable(DIODLS) && Files.isExecutable(DIODCAT),
                "diodls/diodcat are not installed (Debian package diod: apt-get install diod): skipped");
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    static final String GUEST = """
            mkdir -p /tmp/x/sub /tmp/x/m /tmp/x/etc
            echo hello-from-fornax > /tmp/x/hello
            seq 1 20000 > /tmp/x/numbers
            echo inner > /tmp/x/sub/inner
            echo not-exported > /tmp/outside
            mount -t tmpfs none /tmp/x/m && echo in-a-mount > /tmp/x/m/mounted
            mount --bind /etc /tmp/x/etc
            touch /tmp/x/ready
            i=0; while [ ! -e /tmp/x/stop ] && [ $i -lt 600 ]; do sleep 1; i=$((i+1)); done
            echo "guest read: $(cat /tmp/x/stop)"
            """;

    private static GuestHarness.Result tool(Path tool, int port, String aname, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(tool.toString(), "-s", "127.0.0.1:" + port, "-a", aname));
        cmd.addAll(Arrays.asList(args));
        return ExportHarness.host(cmd);
    }

    private static List<String> lines(GuestHarness.Result r) {
        return r.out().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    @Test
    void diodToolsListAndReadARunningGuest() throws Exception {
        int port = ExportHarness.freePort();
        ExportHarness.Guest g = new ExportHarness.Guest(List.of("run", "--cpus", "1", "--export", port + ":/tmp/x",
                "--", "sh", "-c", GUEST));
        g.awaitFile(port, "ready");

        GuestHarness.Result ls = tool(DIODLS, port, "/");
        assertEquals(0, ls.status(), ls.err());
        assertEquals(List.of("etc", "hello", "m", "numbers", "ready", "sub"), lines(ls));
        assertEquals(List.of("inner"), lines(tool(DIODLS, port, "/", "sub")));
        assertEquals(List.of("mounted"), lines(tool(DIODLS, port, "/", "m")));        // a mount inside the export
        assertTrue(lines(tool(DIODLS, port, "/", "etc")).contains("passwd"));         // a bind inside it

        GuestHarness.Result cat = tool(DIODCAT, port, "/", "hello");
        assertEquals(0, cat.status(), cat.err());
        assertEquals("hello-from-fornax\n", cat.out());
        String numbers = IntStream.rangeClosed(1, 20000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        assertEquals(numbers, tool(DIODCAT, port, "/", "numbers").out());             // 108 KiB: many reads
        assertEquals("inner\n", tool(DIODCAT, port, "/sub", "inner").out());          // an aname below the top
        assertEquals("in-a-mount\n", tool(DIODCAT, port, "/", "m/mounted").out());
        assertTrue(tool(DIODCAT, port, "/", "etc/passwd").out().startsWith("root:"));
        // ".." stops at the top of the export
        GuestHarness.Result out = tool(DIODCAT, port, "/", "../outside");
        assertNotEquals(0, out.status(), "read a file outside the export: " + out.out());
        assertFalse(out.out().contains("not-exported"));

        try (ExportHarness.Client c = ExportHarness.Client.connect(port, "")) {
            c.write("stop", "written over 9P");
        }
        GuestHarness.Result r = g.finish();
        assertEquals(0, r.status(), r.err());
        assertEquals("guest read: written over 9P\n", r.out());
        assertTrue(r.err().contains("fornax: export: serving /tmp/x on 127.0.0.1:" + port), r.err());
        System.out.println("export: diodls and diodcat against a running guest on port " + port + ": ok ("
                + new String(r.stderr(), StandardCharsets.UTF_8).lines().count() + " log lines)");
    }
}
