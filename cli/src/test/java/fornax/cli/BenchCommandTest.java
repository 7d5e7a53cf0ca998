package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.cli.GuestHarness.Result;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code fornax bench --kernel}: bad options are one line and status 2; a short run prints the table
 * with a figure (no assertion on its value: timings are not tested) and the seeds' target.
 */
class BenchCommandTest {

    private static void assertRefused(Result r, String message) {
        assertEquals(2, r.status(), r.err());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("fornax: ") && lines[0].contains(message), r.err());
    }

    @Test
    void badKernelOptionsAreOneLine() throws Exception {
        assertRefused(GuestHarness.runCli(List.of("bench", "--kernel", "--only", "bogus"), "bench"),
                "unknown benchmark 'bogus' (known: getpid, fork, exec, pipe, pipebw, thread, futex, mmap, boot)");
        assertRefused(GuestHarness.runCli(List.of("bench", "--kernel", "--runs", "0"), "bench"), "--runs must be at least 1");
        assertRefused(GuestHarness.runCli(List.of("bench", "--kernel", "--size", "lots"), "bench"),
                "--size must be a positive integer");
        assertRefused(GuestHarness.runCli(List.of("bench", "--kernel", "--cpus", "0"), "bench"), "");
    }

    @Test
    void aShortKernelRunPrintsItsRowsWithTargets() throws Exception {
        GuestHarness.require(GuestHarness.exists(GuestHarness.binary("lat_kernel")), "userland/build/lat_kernel is missing");
        Result r = GuestHarness.runCli(List.of("bench", "--kernel", "--only", "getpid", "--only", "pipe", "--no-qemu",
                "--runs", "1", "--size", "200"), "bench --kernel");
        assertEquals(0, r.status(), r.out() + r.err());
        Matcher getpid = Pattern.compile("(?m)^getpid round trip +us +([0-9.]+) +- +- +- *$").matcher(r.out());
        assertTrue(getpid.find(), r.out());
        assertTrue(Double.parseDouble(getpid.group(1)) > 0, r.out());
        assertTrue(Pattern.compile("(?m)^pipe ping-pong between processes, per switch +us +[0-9.]+ +- +- +"
                + "context switch < 10 us +(yes|no)$").matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("qemu-riscv64: not run (--no-qemu)"), r.out());
    }
}
