package fornax.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Timers end to end with the userland {@code timers} program: what a process leaves armed at exit
 * is cancelled (the kernel's timer count goes back to 0), and execve keeps ITIMER_REAL but ends
 * timer_create timers. The exec runs the program from the guest tree, where the userland build
 * directory is mounted read-only with hostfs.
 */
class TimersKernelTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Kernel kernel = Kernel.boot(new KernelConfig(1, 64L << 20, InputStream.nullInputStream(), out, err));

    @AfterEach
    void shutdown() { kernel.close(); }

    private String stdout() {
        kernel.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void timersLeftArmedAtExitAreCancelled() throws Exception {
        Path bin = TestSupport.requireBinary("timers");
        assertEquals(0, kernel.timers().timers());
        assertEquals(0, kernel.exec(bin, List.of("timers", "leave"), List.of()));
        assertEquals(0, kernel.timers().timers(), "every timer destroyed");
        assertEquals(0, kernel.timers().armed(), "nothing left scheduled");
        assertEquals(0, kernel.timers().processes(), "no timer table outlives its process");
        assertEquals("left armed\n", stdout());
    }

    @Test
    void execKeepsItimerRealAndEndsPosixTimers() throws Exception {
        Path bin = TestSupport.requireBinary("timers");
        kernel.mountHost(bin.getParent(), "/opt/userland", true);
        assertEquals(0, kernel.exec(bin, List.of("timers", "exec", "/opt/userland/timers"), List.of()));
        assertEquals("ITIMER_REAL survived exec: yes\ntimer_create timer after exec: EINVAL\n", stdout());
        assertEquals(0, kernel.timers().timers());
        assertEquals(0, kernel.timers().armed());
    }

    @Test
    void theComparisonRunLeavesNothingBehind() throws Exception {
        Path bin = TestSupport.requireBinary("timers");
        assertEquals(0, kernel.exec(bin, List.of("timers"), List.of()));
        assertEquals(0, kernel.timers().timers());
        assertEquals(0, kernel.timers().armed());
        assertTrue(stdout().contains("signal: si_code SI_TIMER, si_value 42\n"));
    }
}
