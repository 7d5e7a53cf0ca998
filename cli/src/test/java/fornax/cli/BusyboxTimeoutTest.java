package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * busybox {@code timeout} under {@code fornax run}: the watcher (fork, setsid, sleep, kill) ends
 * the command with SIGTERM and the shell reports 128 + 15. Not compared with qemu-riscv64, whose
 * user mode cannot exec the riscv64 busybox again (timeout execs the command through
 * /proc/self/exe or PATH); the answers are Linux's. Skipped when the root image has not been built.
 */
class BusyboxTimeoutTest {
    @BeforeAll
    static void needImage() {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    private static GuestHarness.Result sh(String script) throws Exception {
        return GuestHarness.runCli(List.of("run", "--cpus", "1", "--", "sh", "-c", script), script);
    }

    @Test
    void timeoutEndsSleepWithSigterm() throws Exception {
        var r = sh("timeout 1 sleep 5; echo status $?; timeout -s INT 1 sleep 5; echo status $?; timeout 5 true; echo status $?");
        assertEquals("status 143\nstatus 130\nstatus 0\n", r.out(), r.err());
        assertEquals(0, r.status());
    }
}
