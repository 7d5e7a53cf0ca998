package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debian's riscv64 busybox from the root image, running shell scripts under {@code fornax run}
 * and under qemu-riscv64 on the host: same stdout, same exit status. Scripts work in a fresh
 * mktemp directory so the host's files never show. Skipped when the root image has not been built
 * (it needs the Debian archive: {@code ./fornax image}; {@code .ci/run} builds it).
 */
class BusyboxCompareTest {
    private static Path busybox;

    @TempDir static Path work;

    @BeforeAll
    static void extractBusybox() throws Exception {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        GuestHarness.require(GuestHarness.qemuAvailable(), "qemu-riscv64 is not installed (run scripts/setup-toolchain.sh)");
        CpioEntry bin = CpioArchive.read(image).get("/bin/busybox");
        busybox = work.resolve("busybox");
        Files.write(busybox, bin.data());
        busybox.toFile().setExecutable(true);
    }

    static Stream<String> scripts() {
        String tmp = "d=$(mktemp -d /tmp/bbtest.XXXXXX) && cd $d && ";
        return Stream.of(
                "echo hello; echo $((3 * 7 + 1)); x=abc; echo ${#x} ${x%c} ${x#a}",
                "f() { echo \"args: $# first: $1\"; return 4; }; f a b c; echo status $?",
                "i=0; while [ $i -lt 5 ]; do i=$((i + 1)); case $i in 2|4) echo even $i;; *) echo odd $i;; esac; done",
                "(echo sub; exit 7); echo sub status $?; trap 'echo trapped' EXIT; echo body",
                "cat <<EOF\nline one\n  indented $((1+1))\nEOF",
                "seq 1 20 | sort -rn | head -5 | tr '\\n' ' '; echo; seq 3 3 30 | awk '{s += $1} END {print s, NR}'",
                "printf 'b\\na\\nc\\na\\n' | sort | uniq -c; echo 'one two three' | cut -d' ' -f2; echo abcabc | sed 's/b/X/g'",
                "echo 'x y z' | wc -w; expr 6 \\* 7; expr length hello; echo foo | grep -c o; echo bar | grep -q foo; echo grep $?",
                tmp + "mkdir -p a/b && echo data > a/b/f && cp a/b/f g && mv g h && ln -s h s && cat s && ls a/b && rm -r a && ls",
                tmp + "seq 1 1000 > n && md5sum n | cut -c1-32 && sha256sum n | cut -c1-64 && wc -c < n && stat -c '%s %F' n",
                tmp + "seq 1 200 > f && gzip f && ls && gunzip f.gz && tail -1 f && tar cf t.tar f && rm f && tar xf t.tar && wc -l f",
                tmp + "dd if=/dev/zero of=z bs=1024 count=64 2>/dev/null && wc -c < z && find . -type f | sort",
                "sleep 0.1 & wait $!; echo waited $?; (sleep 5; echo late) & kill $!; wait $! ; echo killed $?",
                "exit 42");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void sameAsQemu(String script) throws Exception {
        var qemu = GuestHarness.runQemu(busybox, List.of("sh", "-c", script), work);
        var fornax = GuestHarness.runCli(List.of("run", "--cpus", "1", "--", "sh", "-c", script), "busybox sh -c");
        String expected = new String(qemu.stdout(), StandardCharsets.UTF_8);
        String actual = new String(fornax.stdout(), StandardCharsets.UTF_8);
        assertEquals(expected, actual, () -> "stdout differs for: " + script + "\nstderr: "
                + new String(fornax.stderr(), StandardCharsets.UTF_8));
        assertEquals(qemu.status(), fornax.status(), () -> "exit status differs for: " + script);
    }
}
