package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /proc as Debian's busybox uses it, under {@code fornax run}: ps, top, free, uptime, status and
 * meminfo, fd links, and the acceptance check that a hundred processes created and destroyed leave
 * the frame and descriptor counts where they were. Not compared with qemu-riscv64 (under qemu-user
 * /proc is the host's): each check is against what the kernel must be showing. Skipped when the
 * root image has not been built ({@code ./fornax image}).
 */
class ProcfsGuestTest {
    private static final String MEMORY = "256M";
    private static final long MEMORY_KB = 256 * 1024;

    @BeforeAll
    static void needImage() {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    /** Runs {@code script} with busybox sh as pid 1 on one hart and 256 MiB; returns stdout (status 0 required). */
    private static String run(String script) throws Exception {
        var r = GuestHarness.runCli(List.of("run", "--cpus", "1", "--memory", MEMORY, "--", "sh", "-c", script),
                "busybox sh -c");
        assertEquals(0, r.status(), () -> "exit status of: " + script + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err());
        return r.out();
    }

    private static Map<String, String> fields(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return m;
    }

    @Test
    void psListsEveryProcessWithItsPidAndCommand() throws Exception {
        String out = run("sleep 60 & s=$!\n"
                + "until tr '\\0' ' ' < /proc/$s/cmdline | grep -q '^sleep 60'; do :; done\n"   // until it has exec'd
                + "echo \"sh=$$ sleep=$s\"\n"
                + "ps\n"
                + "kill $s; wait $s; true");
        String[] lines = out.split("\n");
        Map<String, String> ids = new HashMap<>();
        for (String kv : lines[0].split(" ")) ids.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        assertEquals("1", ids.get("sh"), out);
        assertTrue(lines[1].matches("\\s*PID\\s+USER\\s+COMMAND\\s*"), out);
        Map<String, String> rows = new HashMap<>();
        for (int i = 2; i < lines.length; i++) {
            String[] cols = lines[i].strip().split("\\s+", 3);
            assertEquals("root", cols[1], lines[i]);
            rows.put(cols[0], cols[2]);
        }
        assertEquals(3, rows.size(), "sh, sleep and ps itself:\n" + out);
        assertTrue(rows.get("1").startsWith("sh -c sleep 60 &"), out);
        assertTrue(rows.get(ids.get("sleep")).endsWith("sleep 60"), out);
        rows.remove("1");
        rows.remove(ids.get("sleep"));
        assertTrue(rows.values().iterator().next().startsWith("{ps} sh -c"), "ps runs in a forked shell, as an applet:\n" + out);
    }

    @Test
    void statusOfSelfDescribesTheReader() throws Exception {
        String out = run("sh -c 'echo $$ $PPID; exec cat /proc/self/status'; true");
        String[] ids = out.substring(0, out.indexOf('\n')).split(" ");
        Map<String, String> s = fields(out.substring(out.indexOf('\n') + 1));
        assertEquals("cat", s.get("Name"), out);
        assertEquals(ids[0], s.get("Pid"), out);
        assertEquals(ids[0], s.get("Tgid"), out);
        assertEquals(ids[1], s.get("PPid"), out);
        assertEquals("1", s.get("PPid"), out);
        assertEquals("R (running)", s.get("State"), out);
        assertEquals("1", s.get("Threads"), out);
        assertEquals("0022", s.get("Umask"), out);
        assertEquals("0\t0\t0\t0", s.get("Uid"), out);
        long rss = Long.parseLong(s.get("VmRSS").replace(" kB", ""));
        long size = Long.parseLong(s.get("VmSize").replace(" kB", ""));
        assertTrue(rss > 0 && rss < size, out);
    }

    @Test
    void meminfoAndFreeShowTheConfiguredMemory() throws Exception {
        String out = run("cat /proc/meminfo; echo ---; free");
        Map<String, String> m = fields(out.substring(0, out.indexOf("---")));
        assertEquals(MEMORY_KB + " kB", m.get("MemTotal"), out);
        long free = Long.parseLong(m.get("MemFree").replace(" kB", ""));
        assertTrue(free > MEMORY_KB / 2 && free < MEMORY_KB, out);
        assertEquals(m.get("MemFree"), m.get("MemAvailable"), out);
        String freeOut = out.substring(out.indexOf("---") + 4);
        String memLine = freeOut.lines().filter(l -> l.startsWith("Mem:")).findFirst().orElseThrow();
        assertEquals(Long.toString(MEMORY_KB), memLine.split("\\s+")[1], freeOut);
    }

    /**
     * The acceptance test: rounds of a hundred processes (a shell running /bin/true a hundred times)
     * each leave free memory, the system's open descriptions, the shell's descriptors and the number
     * of processes exactly where the previous round left them, while the pids show they ran. The
     * shell measures with builtins only (read, globs), so nothing else is alive while it reads
     * /proc; one round and one measurement first let the shell's own heap settle.
     */
    @Test
    void aHundredProcessesCreatedAndDestroyedLeaveFramesAndDescriptorsAsTheyWere() throws Exception {
        String out = run("""
                m() {
                  { read -r _ _; read -r _ free _; } < /proc/meminfo
                  read -r files _ < /proc/sys/fs/file-nr
                  set -- /proc/$$/fd/*; fds=$#
                  set -- /proc/[0-9]*; procs=$#
                  read -r _ _ _ _ last < /proc/loadavg
                  echo "$free $files $fds $procs $last"
                }
                run() { sh -c 'for i in $(seq 100); do /bin/true; done'; }
                run; m >/dev/null; run; m; run; m; run; m
                """);
        List<long[]> rounds = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            long[] v = new long[f.length];
            for (int i = 0; i < f.length; i++) v[i] = Long.parseLong(f[i]);
            rounds.add(v);
        }
        assertEquals(3, rounds.size(), out);
        for (int r = 1; r < rounds.size(); r++) {
            long[] a = rounds.get(r - 1), b = rounds.get(r);
            assertEquals(a[0], b[0], "MemFree (kB) after round " + r + ":\n" + out);
            assertEquals(a[1], b[1], "open file descriptions after round " + r + ":\n" + out);
            assertEquals(a[2], b[2], "the shell's descriptors after round " + r + ":\n" + out);
            assertEquals(a[3], b[3], "processes after round " + r + ":\n" + out);
            assertTrue(b[4] - a[4] >= 102, "a hundred and two processes or more were made in round " + r + ":\n" + out);
        }
        long[] first = rounds.getFirst();
        assertEquals(3, first[1], "stdin, stdout and stderr are the only open descriptions:\n" + out);
        assertEquals(4, first[2], "the shell's 0, 1, 2 and the directory it is globbing:\n" + out);
        assertEquals(1, first[3], "the shell is the only process left:\n" + out);
    }

    @Test
    void topUptimeAndTheLinks() throws Exception {
        String out = run("top -b -n 1; echo ---; uptime; echo ---; readlink /proc/self/exe; echo ---;"
                + " ls -l /proc/self/fd 3>/tmp/probe; echo ---; cat /proc/mounts; echo ---; grep -c ^processor /proc/cpuinfo");
        String[] parts = out.split("---\n");
        String top = parts[0];
        assertTrue(top.startsWith("Mem: "), top);
        assertTrue(top.contains("\nCPU: ") && top.contains("% idle"), top);
        assertTrue(top.contains("\nLoad average: "), top);
        assertTrue(top.matches("(?s).*\\n\\s*PID\\s+PPID\\s+USER\\s+STAT\\s+VSZ\\s+%VSZ\\s+%CPU\\s+COMMAND\\n.*"), top);
        assertTrue(top.matches("(?s).*\\n\\s*1\\s+0\\s+root\\s+S\\s+\\d+\\s+\\d+%\\s+\\d+%\\s+sh -c top.*"), top);
        assertTrue(top.matches("(?s).*\\n\\s*\\d+\\s+1\\s+root\\s+R\\s+\\d+\\s+\\d+%\\s+\\d+%\\s+top -b -n 1\\n.*"), top);
        assertTrue(parts[1].contains(" up ") && parts[1].contains("load average: "), parts[1]);
        assertEquals("/bin/busybox\n", parts[2], "the applet's file with the /bin/readlink symlink resolved");
        String fds = parts[3];
        assertTrue(fds.matches("(?s).* 1 -> pipe:\\[\\d+\\]\\n.*"), "stdout is the console, a pipe when not a terminal:\n" + fds);
        assertTrue(fds.matches("(?s).*l-wx------ .* 3 -> /tmp/probe\\n.*"), fds);
        // the console server (through 9P) and the supervisor's tree are unioned after devfs on /dev:
        // stacked mounts on one directory, each its own line, as Linux lists them
        assertEquals("rootfs / rootfs rw,relatime 0 0\ndevtmpfs /dev devtmpfs rw,nosuid,relatime 0 0\n"
                + "9p /dev 9p rw 0 0\nsup /dev sup rw 0 0\n"
                + "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n", parts[4]);
        assertEquals("1\n", parts[5], "one hart");
    }
}
