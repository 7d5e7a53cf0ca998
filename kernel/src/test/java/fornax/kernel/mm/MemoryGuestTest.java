package fornax.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guest programs for what qemu-riscv64 cannot serve as a reference for: it ignores setrlimit of
 * RLIMIT_AS/DATA/STACK (it needs the host's memory itself) and runs on the host's memory, so
 * limits and out-of-memory are checked here against the output Linux gives.
 */
class MemoryGuestTest {
    private record Run(int status, String out, Kernel kernel) { }

    private static Run run(long memory, String program, String... args) throws Exception {
        Path bin = TestSupport.requireBinary(program);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Kernel k = Kernel.boot(new KernelConfig(1, memory, InputStream.nullInputStream(), out, err));
        List<String> argv = new ArrayList<>(List.of(program));
        argv.addAll(List.of(args));
        int status = k.exec(bin, argv, List.of());
        k.close();
        return new Run(status, out.toString(StandardCharsets.UTF_8), k);
    }

    @Test
    void limitsOvercommitAndStackGrowthAsLinux() throws Exception {
        Run r = run(64L << 20, "memlimits", "64");
        assertEquals("""
                AS 64M: mmap 128M: ENOMEM
                AS 64M: mmap 1M: ok
                AS 64M: mremap 1M to 100M: ENOMEM
                AS 64M: malloc 100M: NULL
                AS 64M: sbrk 100M: ENOMEM
                DATA 32M: private writable 64M: ENOMEM
                DATA 32M: shared writable 64M: ok
                DATA 32M: private read-only 64M: ok
                DATA 32M: mprotect it writable: ENOMEM
                DATA 32M: sbrk 40M: ENOMEM
                more than RAM: ENOMEM
                more than RAM, MAP_NORESERVE: ok
                MAP_NORESERVE pages touched: 3
                more than RAM, read-only: ok
                4 MiB of stack: 522241
                child with RLIMIT_STACK 1M and 8 MiB of stack: Segmentation fault
                done
                """, r.out());
        assertEquals(0, r.status());
    }

    @Test
    void outOfMemoryKillsTheLargestProcessNotTheFaultingOne() throws Exception {
        Run r = run(32L << 20, "oom", "20", "16");
        assertEquals("""
                hog holds 20 MiB
                worker touched 16 MiB, sum 522240
                worker: exited
                hog: Killed
                """, r.out());
        assertEquals(0, r.status());
        List<String> log = r.kernel().messages();
        assertTrue(log.stream().anyMatch(l -> l.matches(".*out of memory: killed pid 2 \\(\\d+ KiB resident\\) for a page fault of pid 3")),
                () -> "the choice is logged with pid and size: " + log);
    }
}
