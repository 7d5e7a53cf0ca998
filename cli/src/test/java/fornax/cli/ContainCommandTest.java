package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * userland/src/contain.c, the guest's own container command, run from Debian's busybox shell in
 * a booted Fornax/J: a container made from a directory of the running system (busybox and its
 * applet links) sees only that directory, its own /proc numbered from 1, and cannot signal the
 * host's processes, whose pids it is given; the host sees the container's processes by global
 * pid and can signal them; -m stops a memory hog inside and -p a fork bomb, and the host shell
 * carries on. A marker file sits next to the container's directory: the tests fail if it can be
 * read from inside. Not compared with qemu-riscv64 (it has no /proc/PID/ctl or nsctl).
 */
class ContainCommandTest {
    /** Makes /tmp/c from the running system and pushes the host's pid counter past 30. */
    private static final String SETUP = """
            mkdir -p /tmp/c/bin /tmp/c/proc /tmp/c/dev /tmp/c/tmp
            cp /bin/busybox /t/forkbomb /tmp/c/bin/ && /bin/busybox --install -s /tmp/c/bin
            echo HOST-SECRET > /tmp/marker
            for i in $(seq 30); do /bin/true; done
            """;

    @BeforeAll
    static void needImageAndBinaries() {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        for (String b : List.of("contain", "forkbomb"))
            GuestHarness.require(GuestHarness.exists(GuestHarness.binary(b)), "userland binary " + b + " is missing: make -C userland");
    }

    private static GuestHarness.Result run(String script) throws Exception {
        return GuestHarness.runCli(List.of("run", "--cpus", "1", "-v", GuestHarness.buildDir() + ":/t:ro", "--", "sh", "-c",
                SETUP + script), "run sh -c " + script);
    }

    @Test
    void theContainerSeesOnlyItsDirectoryAndItsOwnProcesses() throws Exception {
        var r = run("""
                sleep 300 & HOST=$!
                echo "host pid above 30: $([ $HOST -gt 30 ] && echo yes)"
                WHO=container /t/contain /tmp/c sh -c "echo \\"in: \\$\\$ parent \\$PPID\\"; tr '\\0' '\\n' < /proc/1/environ | grep WHO=; ls /; ls /proc > /tmp/l; grep '^[0-9]' /tmp/l | tr '\\n' ' '; echo;
                    for p in /../marker /tmp/marker /tmp/../../marker /proc/1/root/../marker /proc/1/cwd/../../marker; do
                        cat \\$p 2>/dev/null && echo LEAK \\$p; done
                    kill -0 $HOST 2>/dev/null || echo \\"kill -0 host: refused\\"
                    kill -9 $HOST 2>/dev/null || echo \\"kill -9 host: refused\\"
                    kill -9 -1; echo \\"survived kill -1\\"
                    sh -c 'echo \\"nested: parent \\$PPID, above 1: \\$([ \\$\\$ -gt 1 ] && echo yes)\\"'; echo end"
                echo "contain: $?"
                kill -0 $HOST && echo "host sleep alive"
                kill $HOST
                cat /tmp/marker
                """);
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("LEAK"), r.out());
        assertEquals("""
                host pid above 30: yes
                in: 1 parent 0
                WHO=container
                bin
                dev
                proc
                tmp
                1 5\s
                kill -0 host: refused
                kill -9 host: refused
                survived kill -1
                nested: parent 1, above 1: yes
                end
                contain: 0
                host sleep alive
                HOST-SECRET
                """, r.out());
    }

    @Test
    void theHostSeesTheContainerByGlobalPids() throws Exception {
        var r = run("""
                /t/contain /tmp/c sh -c 'touch /tmp/ready; exec sleep 300' & C=$!
                while [ ! -e /tmp/c/tmp/ready ]; do sleep 0.05; done
                for s in /proc/[0-9]*/status; do
                    [ "$(awk '/^PPid:/ { print $2 }' $s)" = "$C" ] || continue
                    P=$(awk '/^Pid:/ { print $2 }' $s)
                    awk '/^NSpid:/ { print "NSpid", $2, $3 }' $s
                done
                echo "global pid above contain's: $([ "$P" -gt "$C" ] && echo yes)"
                until tr '\\0' ' ' < /proc/$P/cmdline | grep -q '^sleep'; do sleep 0.05; done   # past its exec
                tr '\\0' ' ' < /proc/$P/cmdline; echo
                kill -9 $P
                wait $C; echo "contain: $?"
                """);
        assertEquals(0, r.status(), r.err());
        Matcher m = Pattern.compile("NSpid (\\d+) 1\n").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Integer.parseInt(m.group(1)) > 30, r.out());
        assertEquals("NSpid " + m.group(1) + " 1\nglobal pid above contain's: yes\nsleep 300 \ncontain: 137\n", r.out());
    }

    @Test
    void limitsStopAHogAndAForkBombInsideAndTheHostCarriesOn() throws Exception {
        // 12 tasks: the container's shell, forkbomb, and 10 bomb processes (forkbomb's own
        // RLIMIT_NPROC is far away). 24 MiB: awk is killed inside; the machine has 1 GiB.
        var r = run("""
                /t/contain -m 24M -p 12 /tmp/c sh -c "awk 'BEGIN { s = \\"0123456789abcdef\\"; while (1) s = s s }' 2>/dev/null
                    echo \\"hog: \\$?\\"; /bin/forkbomb 100000; echo \\"container shell survived\\""
                echo "contain: $?"
                echo "host survived"; (echo "host can fork") & wait
                """);
        assertEquals("""
                hog: 137
                bomb hit RLIMIT_NPROC: yes
                bomb processes at the limit: 10 (limit 100000)
                bomb processes still running after SIGKILL: 0
                fork after the bomb: ok
                container shell survived
                contain: 0
                host survived
                host can fork
                """, r.out(), r.err());
        assertEquals(0, r.status());
        assertTrue(r.err().contains("container memory limit (24576 KiB) reached: killed pid"), r.err());
    }

    @Test
    void badUsesAreClearErrors() throws Exception {
        var r = run("""
                /t/contain /tmp/c no-such-command; echo "missing command: $?"
                /t/contain /tmp/no-such-dir sh; echo "missing dir: $?"
                /t/contain -m lots /tmp/c sh; echo "bad size: $?"
                /t/contain /tmp/c; echo "usage: $?"
                """);
        assertEquals(0, r.status(), r.err());
        assertEquals("missing command: 127\nmissing dir: 125\nbad size: 125\nusage: 125\n", r.out());
        assertTrue(r.err().contains("contain: no-such-command: No such file or directory"), r.err());
        assertTrue(r.err().contains("contain: /tmp/no-such-dir: No such file or directory"), r.err());
    }
}
