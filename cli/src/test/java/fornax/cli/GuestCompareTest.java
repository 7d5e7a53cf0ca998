package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.cli.GuestHarness.Result;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each userland comparison program under qemu-riscv64 and under Fornax/J (in process, one
 * hart) and requires byte-identical stdout and equal exit status. Programs that die by a signal
 * (sigill, segv) must give 128+signal on both sides. Skipped when qemu-riscv64 or the userland
 * binaries are missing.
 */
class GuestCompareTest {

    /**
     * One program run: binary name in userland/build, its arguments, and the exit status it must have
     * (checked against qemu too, so a broken reference set-up shows as such).
     */
    record Case(String binary, int status, List<String> args) {
        Case(String binary, String... args) { this(binary, 0, List.of(args)); }
        Case(String binary, int status, String... args) { this(binary, status, List.of(args)); }
        @Override public String toString() {
            StringBuilder sb = new StringBuilder(binary);
            for (String a : args) sb.append(' ').append(a.isEmpty() || a.contains(" ") ? "'" + a + "'" : a);
            return sb.toString();
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("hello"),
                new Case("hello", "one", "two words", ""),
                new Case("hello-pie"),
                new Case("hello-pie", "pie", "x y"),
                new Case("args"),
                new Case("args", "PATH", "HOME", "TERM", "NOT_SET_ANYWHERE", "two words", "", "-x=1"),
                new Case("intops"),
                new Case("atomics"),
                new Case("floats"),
                new Case("compressed"),
                new Case("misaligned"),
                new Case("memory"),
                new Case("sysinfo"),
                new Case("files"),
                new Case("locks"),
                new Case("pipes"),
                new Case("limits"),
                new Case("execerr"),
                new Case("badargs"),
                new Case("forkwait"),
                new Case("threads", 3),
                new Case("jobctl"),
                new Case("sched"),
                new Case("stopcont"),
                new Case("altstack"),
                new Case("orphan"),
                new Case("signals", 128 + 15),
                new Case("timers"),
                new Case("exitcode", "0"),
                new Case("exitcode", 42, "42"),
                new Case("exitcode", 255, "255"),
                new Case("exitcode", 0, "256"),
                new Case("sigill", 128 + 4),
                new Case("sigill", 128 + 4, "unimp"),
                new Case("sigill", 128 + 4, "csr"),
                new Case("sigill", 128 + 4, "sret"),
                new Case("sigill", 128 + 4, "frm"),
                new Case("sigill", 128 + 4, "rm"),
                new Case("segv", 128 + 11),
                new Case("segv", 128 + 11, "store"),
                new Case("segv", 128 + 11, "jump"),
                new Case("segv", 128 + 11, "nx"),
                new Case("segv", 128 + 11, "readonly"),
                new Case("segv", 128 + 11, "text"),
                // The benchmarks at small sizes: the same code paths, checked for identical results.
                new Case("bench_sha256", "2"),
                new Case("bench_sort", "50000"),
                new Case("bench_sieve", "2000000"),
                new Case("bench_fp", "40"),
                new Case("mmap_file"),
                new Case("mremap"),
                new Case("mem_churn"),
                new Case("bench_mmap", "2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameAsQemu(Case c, @TempDir Path work) throws Exception {
        Path bin = GuestHarness.binary(c.binary());
        GuestHarness.require(GuestHarness.exists(bin), "userland binary " + bin + " is missing: build it with "
                + "'make -C userland' (needs riscv64-linux-gnu-gcc: run scripts/setup-toolchain.sh)");
        GuestHarness.require(GuestHarness.qemuAvailable(), "qemu-riscv64 is not installed (run scripts/setup-toolchain.sh); "
                + "the guest comparison tests need it as the reference");

        Result ref = GuestHarness.runQemu(bin, c.args(), work);
        assertEquals(c.status(), ref.status(), () -> "the reference run under qemu-riscv64 exited with "
                + ref.status() + ", expected " + c.status() + "; its stderr:\n" + GuestHarness.tail(ref.err(), 10));
        Result got = GuestHarness.runFornax(bin, c.args());

        if (!Arrays.equals(ref.stdout(), got.stdout())) {
            fail(GuestHarness.diff(ref.out(), got.out(), "qemu-riscv64", "fornax") + stderrNote(got));
        }
        assertEquals(ref.status(), got.status(), () -> "exit status differs (qemu-riscv64 " + ref.status()
                + ", fornax " + got.status() + ")" + stderrNote(got));
    }

    private static String stderrNote(Result got) {
        String e = got.err();
        return e.isEmpty() ? "" : "\nfornax stderr:\n" + GuestHarness.tail(e, 15);
    }
}
