package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The integration checks that have no qemu reference, run from Debian's busybox shell
 * under {@code fornax run}: a fork bomb is stopped by RLIMIT_NPROC and the shell carries on; a
 * program that allocates past the machine's memory gets ENOMEM or is killed, never init (the
 * shell, pid 1), which carries on.
 *
 * <p>Why not against qemu-riscv64: Linux exempts root from RLIMIT_NPROC and the host tests run as
 * root, so there the bomb would not be contained at all; and the host has far more memory than a
 * small guest. Fornax holds RLIMIT_NPROC for root too (every process is root here): the deviation
 * is documented in docs/syscalls.md. Skipped when the root image or the userland build is missing.
 */
class ContainmentTest {

    @BeforeAll
    static void needImage() {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    private static GuestHarness.Result run(List<String> options, String script) throws Exception {
        List<String> cli = new ArrayList<>(List.of("run", "--cpus", "1"));
        cli.addAll(options);
        cli.addAll(List.of("--", "sh", "-c", script));
        return GuestHarness.runCli(cli, "run " + options + " sh -c " + script);
    }

    @Test
    void aForkBombStopsAtRlimitNprocAndTheShellSurvives() throws Exception {
        Path bin = GuestHarness.binary("forkbomb");
        GuestHarness.require(GuestHarness.exists(bin), "userland binary " + bin + " is missing: make -C userland");
        // Processes outside the bomb: the shell (pid 1) and forkbomb itself, so 40 lets 38 in.
        var r = run(List.of("-v", GuestHarness.buildDir() + ":/t:ro"),
                "/t/forkbomb 40; echo \"forkbomb exited $?\"; echo \"shell survived\"; seq 3 | wc -l; "
                        + "(sleep 0.1; echo subshell) & wait");
        assertEquals("""
                bomb hit RLIMIT_NPROC: yes
                bomb processes at the limit: 38 (limit 40)
                bomb processes still running after SIGKILL: 0
                fork after the bomb: ok
                forkbomb exited 0
                shell survived
                3
                subshell
                """, r.out(), r.err());
        assertEquals(0, r.status());
    }

    @Test
    void aMemoryHogGetsEnomemOrIsKilledButNeverInit() throws Exception {
        // awk doubles a string until the 64 MiB machine cannot hold it: malloc fails (awk exits
        // with an error) or the out-of-memory killer takes awk, the largest process. Either way
        // the shell, pid 1, must be there to report it and go on.
        var r = run(List.of("--memory", "64M"),
                "awk 'BEGIN { s = \"0123456789abcdef\"; while (1) s = s s }' 2>/dev/null; st=$?; "
                        + "[ $st -ne 0 ] && echo \"hog stopped\"; echo \"shell survived\"; seq 1000 | sort -rn | head -1");
        assertEquals("hog stopped\nshell survived\n1000\n", r.out(), r.err());
        assertEquals(0, r.status());
        assertTrue(!r.err().contains("kernel error"), r.err());
    }
}
