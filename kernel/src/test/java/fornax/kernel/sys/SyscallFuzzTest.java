package fornax.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.TestSupport;
import fornax.kernel.mm.FrameAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The random syscall fuzzer (userland/src/sysfuzz.c) against the kernel: workers issue random
 * calls with random arguments from the whole riscv64 table, from one or three threads, on tmpfs,
 * procfs, devfs, pipes, timerfds and a hostfs folder, and die of signals as they will. Afterwards the kernel must show no trace of it:
 *
 * <ul>
 *   <li>no Java exception other than SysError reached the syscall boundary ("internal error",
 *       logged by {@link SyscallTable#dispatch}) and none escaped a task ("kernel error");
 *   <li>the run ended: a deadlock hangs it, and the bound below (far above the run's length) turns
 *       the hang into a failure with a thread dump of the kernel's (virtual) threads;
 *   <li>no worker stalled: the fuzzer defuses every legitimate way for a worker to block for good
 *       (its watchdog timer, masks that would block it), so one that stops making progress is
 *       waiting for a wake-up the kernel lost (as a stop report once was);
 *   <li>every frame is free again, no process or address space is left, no timer is armed and no
 *       one waits on a futex.
 * </ul>
 *
 * The calls are random but the seeds are fixed, so a failure names the seed that found it; for a
 * longer soak set {@code -Dfornax.sysfuzz.calls=N} (and {@code -Dfornax.sysfuzz.seeds=a,b,...}).
 */
class SyscallFuzzTest {
    /** Calls per seed: enough for every implemented call to see every argument class many times. */
    private static final long CALLS = Long.getLong("fornax.sysfuzz.calls", 60_000);
    /** A hang detector, not a speed limit: a run takes a small fraction of this. */
    private static final long HANG_MINUTES = 10;

    @TempDir Path host;

    /** Seeds 1 and 2, or those of {@code -Dfornax.sysfuzz.seeds=a,b,...}. */
    static LongStream seeds() {
        String s = System.getProperty("fornax.sysfuzz.seeds", "1,2");
        return Stream.of(s.split(",")).map(String::strip).mapToLong(Long::parseLong);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSyscallsLeaveNoKernelErrorHangOrLeak(long seed) throws Exception {
        Path bin = TestSupport.requireBinary("sysfuzz");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Kernel kernel = Kernel.boot(new KernelConfig(2, 128L << 20, InputStream.nullInputStream(), out, err));
        try {
            kernel.mountHost(host, "/mnt/fuzzhost", false);   // hostfs is fuzzed too
            FrameAllocator.Stats before = kernel.frames().stats();
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return kernel.exec(bin, List.of("sysfuzz", Long.toString(seed), Long.toString(CALLS)), List.of());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int status;
            try {
                status = run.get(HANG_MINUTES, TimeUnit.MINUTES);
            } catch (TimeoutException e) {
                fail("sysfuzz seed " + seed + " did not finish in " + HANG_MINUTES + " minutes (a deadlock?); threads: "
                        + dumpThreads(seed) + "; kernel log: " + err.toString(StandardCharsets.UTF_8));
                return;
            } catch (ExecutionException e) {
                throw new AssertionError("exec failed", e.getCause());
            }
            kernel.close();   // flushes the consoles
            String stdout = out.toString(StandardCharsets.UTF_8), log = err.toString(StandardCharsets.UTF_8);
            System.out.println("sysfuzz seed " + seed + ":\n" + stdout.strip());

            List<String> bad = log.lines().filter(l -> l.contains("internal error") || l.contains("kernel error")).toList();
            assertEquals(List.of(), bad, "Java exceptions at the syscall boundary or in a task");
            List<String> dmesg = kernel.messages().stream()
                    .filter(l -> l.contains("internal error") || l.contains("kernel error")).toList();
            assertEquals(List.of(), dmesg, "dmesg");
            assertEquals(0, status, () -> "sysfuzz exit status; stdout: " + stdout + "\nlog: " + log);
            Matcher m = Pattern.compile("(\\d+) calls in (\\d+) workers").matcher(stdout);
            assertTrue(m.find() && Long.parseLong(m.group(1)) >= CALLS, () -> "the run made its calls: " + stdout);
            assertTrue(stdout.endsWith("done\n"), stdout);
            // A worker that made no progress for seconds, with every legitimate way of blocking
            // defused by the fuzzer: a lost wake-up (the fuzzer printed its state and last calls).
            Matcher stalls = Pattern.compile("(\\d+) stalled").matcher(stdout);
            assertTrue(stalls.find() && stalls.group(1).equals("0"), () -> "stalled workers: " + stdout);

            assertEquals(0, kernel.processCount(), "processes left running");
            assertEquals(List.of(), kernel.processes().all().stream().map(p -> p.pid()).toList(), "process table");
            assertEquals(0, kernel.addressSpaces(), "address spaces (ASIDs) left");
            FrameAllocator.Stats after = kernel.frames().stats();
            assertEquals(before.used(), after.used(), () -> "frames leaked: before " + before + ", after " + after);
            assertEquals(0, kernel.timers().timers(), "timers left");
            assertEquals(0, kernel.timers().armed(), "timers still scheduled");
            assertEquals(0, kernel.futexes().waiting(), "futex waiters left");
        } finally {
            kernel.close();
        }
    }

    /** All threads, virtual ones included (where a deadlocked task sits), into a file under target/. */
    private static String dumpThreads(long seed) {
        try {
            Path f = Path.of("target", "sysfuzz-hang-seed" + seed + "-threads.txt").toAbsolutePath();
            Files.createDirectories(f.getParent());
            Files.deleteIfExists(f);
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(f.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return "dumped to " + f;
        } catch (IOException | RuntimeException e) {
            return "no dump: " + e;
        }
    }
}
