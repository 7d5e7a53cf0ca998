package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fornax run --container DIR}: Debian's busybox root image unpacked into a host folder is
 * the container's whole world. Next to the folder lies a marker file; every way out (.., links
 * pointing out of the folder, /proc/PID/root and cwd, the marker's host path) is tried, and the
 * marker's text must never appear, while the same links do reach it from the host (so the
 * attempts are real). /proc lists only the container's processes, numbered from 1; --pids stops
 * a fork bomb and --memory a memory hog inside, the shell carrying on. Not compared with
 * qemu-riscv64: qemu-user has no containers. Skipped when the root image has not been built.
 */
class ContainerRunTest {
    private static Path image;
    @TempDir Path tmp;
    private Path root, marker;

    @BeforeAll
    static void needImage() {
        image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    @BeforeEach
    void folder() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        unpack(image, root);
        marker = Files.writeString(tmp.resolve("marker"), "HOST-SECRET\n");
        Files.writeString(root.resolve("inside"), "INSIDE\n");
        Files.createSymbolicLink(root.resolve("esc-rel"), Path.of("../marker"));
        Files.createSymbolicLink(root.resolve("esc-up"), Path.of("bin/../../marker"));
        Files.createSymbolicLink(root.resolve("esc-abs"), marker);
        // The links really lead out of the folder on the host: the container must stop them.
        for (String l : List.of("esc-rel", "esc-up", "esc-abs")) assertEquals("HOST-SECRET\n", Files.readString(root.resolve(l)));
    }

    /** Unpacks a cpio root image into {@code dir}: directories, files, symlinks, hard links, modes. */
    static void unpack(Path cpio, Path dir) throws IOException {
        for (CpioEntry e : CpioArchive.read(cpio).entries()) {
            String rel = e.path().replaceFirst("^/+", "");   // the archive names members "/bin/sh"
            if (rel.isEmpty() || rel.equals(".")) continue;
            Path p = dir.resolve(rel).normalize();
            if (!p.startsWith(dir) || p.equals(dir)) throw new IOException(e.path() + ": outside the folder");
            if (e.isDirectory()) Files.createDirectories(p);
            else if (e.isSymlink()) Files.createSymbolicLink(p, Path.of(e.linkTarget()));
            else if (e.hardLinkOf() != null) Files.createLink(p, dir.resolve(e.hardLinkOf().replaceFirst("^/+", "")));
            else if (e.isRegular()) Files.write(p, e.data());
            else continue;
            if (!e.isSymlink()) Files.setPosixFilePermissions(p, permissions(e.permissions()));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();   // OWNER_READ ... OTHERS_EXECUTE, bit 8 down to 0
        for (int i = 0; i < 9; i++) if ((mode & (0400 >> i)) != 0) s.add(all[i]);
        return s;
    }

    private GuestHarness.Result run(List<String> options, String script) throws Exception {
        List<String> cli = new ArrayList<>(List.of("run", "--cpus", "1", "--container", root.toString()));
        cli.addAll(options);
        cli.addAll(List.of("--", "sh", "-c", script));
        return GuestHarness.runCli(cli, "run --container " + options + " sh -c " + script);
    }

    @Test
    void theRootIsTheFolderAndNothingElse() throws Exception {
        List<String> expected;
        try (Stream<Path> s = Files.list(root)) {
            expected = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        var r = run(List.of(), "ls -1 /; echo ---; ls -1 /..; echo ---; cat /inside");
        assertEquals(0, r.status(), r.err());
        String listing = String.join("\n", expected) + "\n";
        assertEquals(listing + "---\n" + listing + "---\nINSIDE\n", r.out());
    }

    @Test
    void noPathLeadsOutOfTheFolder() throws Exception {
        String tries = String.join(" ", "/../marker", "../../../../marker", "/esc-rel", "/esc-up", "/esc-abs",
                marker.toString(), "/proc/1/root/../marker", "/proc/self/root/../../marker",
                "/proc/1/cwd/../../../marker", "/dev/../../marker", "/proc/../../marker");
        var r = run(List.of(), "for p in " + tries + "; do cat $p 2>/dev/null && echo \"LEAK $p\"; done; "
                + "cd /proc/1/root/../../..; pwd; cd /bin/../../..; pwd; readlink /proc/1/root; "
                + "cat /esc-rel 2>&1; cat /inside");
        assertFalse(r.out().contains("HOST-SECRET"), r.out());
        assertFalse(r.out().contains("LEAK"), r.out());
        assertEquals("/\n/\n/\ncat: can't open '/esc-rel': No such file or directory\nINSIDE\n", r.out());
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void procShowsOnlyTheContainerNumberedFromOne() throws Exception {
        var r = run(List.of(), "sleep 60 & echo \"sleep $! shell $$ parent $PPID\"; ls /proc > /tmp/l; grep '^[0-9]' /tmp/l | tr '\\n' ' '; "
                + "echo; cd -P /proc/self && pwd && cd /; tr '\\0' ' ' < /proc/1/cmdline | cut -c1-5; cut -d' ' -f1,4 /proc/$!/stat; "
                + "grep -E '^(Pid|PPid|NSpid):' /proc/1/status; kill $!; wait $!; rm /tmp/l");
        assertEquals(0, r.status(), r.err());
        assertEquals("""
                sleep 2 shell 1 parent 0
                1 2 3\s
                /proc/1
                sh -c
                2 1
                Pid:\t1
                PPid:\t0
                NSpid:\t1
                """, r.out());
    }

    @Test
    void aMissingCommandIsAClearError() throws Exception {
        List<String> cli = List.of("run", "--cpus", "1", "--container", root.toString(), "--", "/bin/no-such-program");
        var r = GuestHarness.runCli(cli, "run --container " + root + " /bin/no-such-program");
        assertEquals(127, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("/bin/no-such-program: no such file in the container's root " + root), r.err());
        var missing = GuestHarness.runCli(List.of("run", "--container", tmp.resolve("nope").toString(), "--", "sh"), "run --container nope");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("no such directory"), missing.err());
    }

    @Test
    void thePidLimitStopsAForkBombAndTheShellCarriesOn() throws Exception {
        Path bin = GuestHarness.binary("forkbomb");
        GuestHarness.require(GuestHarness.exists(bin), "userland binary " + bin + " is missing: make -C userland");
        Files.copy(bin, root.resolve("bin/forkbomb"));
        // forkbomb's own RLIMIT_NPROC is far away: only the container's 30 tasks stop it. In the
        // container: the shell, forkbomb, and 28 bomb processes.
        var r = run(List.of("--pids", "30"), "/bin/forkbomb 100000; echo \"forkbomb exited $?\"; echo \"shell survived\"; "
                + "(echo subshell) & wait");
        assertEquals("""
                bomb hit RLIMIT_NPROC: yes
                bomb processes at the limit: 28 (limit 100000)
                bomb processes still running after SIGKILL: 0
                fork after the bomb: ok
                forkbomb exited 0
                shell survived
                subshell
                """, r.out(), r.err());
        assertEquals(0, r.status());
    }

    @Test
    void theMemoryLimitStopsAHogAndTheShellCarriesOn() throws Exception {
        // The machine gets 1 GiB; only the container's 32 MiB can stop awk this early, and the
        // kernel says so. The shell, the container's pid 1, is never the victim.
        var r = run(List.of("--memory", "32M"),
                "awk 'BEGIN { s = \"0123456789abcdef\"; while (1) s = s s }' 2>/dev/null; st=$?; "
                        + "[ $st -ne 0 ] && echo \"hog stopped\"; echo \"shell survived\"; seq 1000 | sort -rn | head -1");
        assertEquals("hog stopped\nshell survived\n1000\n", r.out(), r.err());
        assertEquals(0, r.status());
        assertTrue(r.err().contains("container memory limit (32768 KiB) reached: killed pid"), r.err());
    }
}
