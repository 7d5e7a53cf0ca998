package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fornax boot} in a real terminal, driven as a person would: tmux runs the launcher in a
 * pseudo-terminal, {@code send-keys} types and {@code capture-pane} reads the screen. One boot
 * for the whole class; the steps run in order on the same shell and end with {@code poweroff},
 * after which the host terminal's settings must be what they were before.
 *
 * <p>Skipped without the root image (like {@link BusyboxCompareTest}) or without tmux. Waits for
 * what should appear on the screen; the deadline only keeps a broken run from hanging.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InteractiveBootTest {
    /** Longest wait for something to show (boot included); only a hang reaches it. */
    private static final long DEADLINE_MILLIS = 180_000;
    private static final String PROMPT = "root@fornax:~# ";

    @TempDir static Path work;
    private final String socket = "fornax-test-" + ProcessHandle.current().pid();
    private final String session = "boot";
    private boolean started;

    @BeforeAll
    void boot() throws Exception {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        assumeTrue(run(List.of("tmux", "-V")) == 0, "tmux is not installed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        String launcher = quote(java) + " -Xss16m -XX:+UseParallelGC -cp " + quote(cp)
                + " fornax.cli.Main boot --cpus 2 --memory 512M";
        String script = "cd " + quote(work.toString()) + " && stty -g > before && " + launcher
                + "; echo \"fornax-exit=$?\"; stty -g > after; sleep 3600";
        assertEquals(0, tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "sh", "-c", script));
        started = true;
        waitForLine(l -> l.equals(PROMPT.strip()) || l.startsWith(PROMPT), "the shell's prompt");
        assertFalse(screen().contains("job control turned off"), screen());
    }

    @AfterAll
    void shutDown() throws Exception {
        if (started) tmux("kill-server");
    }

    // ------------------------------------------------------------------ the steps

    @Test
    @Order(1)
    void commandsRun() throws Exception {
        type("echo hi-$((40+2))");
        enter();
        waitForLine(l -> l.equals("hi-42"), "the output of echo");
    }

    @Test
    @Order(2)
    void lineEditingWithBackspace() throws Exception {
        clear();
        type("echo edit-xyz");
        keys("BSpace", "BSpace", "BSpace");
        type("abc");
        enter();
        waitForLine(l -> l.equals("edit-abc"), "the edited line's output");
        assertFalse(lines().contains("edit-xyz"), screen());
    }

    @Test
    @Order(3)
    void historyUpArrow() throws Exception {
        keys("Up");
        enter();
        waitFor(s -> lines(s).stream().filter("edit-abc"::equals).count() == 2, "the recalled command's output");
    }

    @Test
    @Order(4)
    void interruptKillsTheForegroundJobAndTheShellLives() throws Exception {
        clear();
        // The child prints its marker once it runs in the foreground group; ^C then reaches it.
        type("sh -c 'echo sleeping-$((2*3)); exec sleep 30'; echo not-after-interrupt");
        enter();
        waitForLine(l -> l.equals("sleeping-6"), "the job's marker");
        keys("C-c");
        waitForLine(l -> l.equals("^C"), "the echo of ^C");
        waitForLine(l -> l.equals(PROMPT.strip()), "the prompt back");
        type("echo st=$?");
        enter();
        waitForLine(l -> l.equals("st=130"), "the shell, with the job killed by SIGINT");
        assertFalse(lines().contains("not-after-interrupt"), "^C ends the whole command line, as in any shell");
    }

    @Test
    @Order(5)
    void viWritesAFile() throws Exception {
        clear();
        type("vi /tmp/x");
        enter();
        waitFor(s -> lines(s).stream().filter("~"::equals).count() >= 10, "vi's empty buffer");
        keys("i");
        type("written in vi");
        waitForLine(l -> l.startsWith("I /tmp/x"), "vi in insert mode");
        keys("Escape");
        // busybox vi takes ESC followed within 50 ms by more bytes for an escape sequence (and
        // drops it when unknown), so type on only once it shows command mode, as a person would.
        waitForLine(l -> l.startsWith("- /tmp/x"), "vi back in command mode");
        type(":wq");
        enter();
        waitForLine(l -> l.startsWith(PROMPT.strip()), "the prompt after vi");
        clear();
        type("cat /tmp/x");
        enter();
        waitForLine(l -> l.equals("written in vi"), "the file vi wrote");
    }

    @Test
    @Order(6)
    void lessPagesAndQuits() throws Exception {
        clear();
        type("less /etc/profile");
        enter();
        waitForLine(l -> l.contains("/etc/profile: read by login shells"), "less showing the file");
        keys("q");
        type("echo paged-$((3+4))");
        enter();
        waitForLine(l -> l.equals("paged-7"), "the shell after less");
    }

    @Test
    @Order(7)
    void topShowsAndQuits() throws Exception {
        clear();
        type("[ -r /proc/self/stat ] && echo proc-yes || echo proc-no");
        enter();
        waitForLine(l -> l.equals("proc-yes") || l.equals("proc-no"), "whether /proc is there");
        assumeTrue(lines().contains("proc-yes"), "top reads /proc, which this kernel does not serve yet");
        clear();
        type("top");
        enter();
        waitForLine(l -> l.contains("PID") && l.contains("COMMAND"), "top's process list");
        keys("q");
        type("echo topped-$((5+5))");
        enter();
        waitForLine(l -> l.equals("topped-10"), "the shell after top");
    }

    @Test
    @Order(8)
    void suspendBackgroundAndForeground() throws Exception {
        clear();
        // The job says when it is continued (its SIGCONT trap runs), so ^C is sent only once fg
        // has handed it the terminal: fg prints the job's name before it does that.
        type("sh -c 'trap \"echo continued-$((2*5))\" CONT; echo napping-$((3*3)); while :; do sleep 1; done'");
        enter();
        waitForLine(l -> l.equals("napping-9"), "the job's marker");
        keys("C-z");
        waitForLine(l -> l.contains("Stopped") && l.contains("while :"), "the job stopped by ^Z");
        type("bg; jobs");
        enter();
        waitForLine(l -> l.contains("Running") && l.contains("while :"), "the job running in the background");
        waitForLine(l -> l.endsWith("continued-10"), "the job continued by bg (its output may follow the prompt)");
        clear();
        type("fg");
        enter();
        waitForLine(l -> l.equals("continued-10"), "the job continued by fg, in the foreground");
        keys("C-c");
        waitForLine(l -> l.equals(PROMPT.strip()), "the prompt back");
        type("echo st=$?");
        enter();
        waitForLine(l -> l.equals("st=130"), "the job killed by ^C once back in the foreground");
        clear();
        // jobs shows the stop once the shell has reaped it; the loop waits for that in the guest.
        type("cat & until jobs > /tmp/j; grep -q Stopped /tmp/j; do sleep 0.1; done; cat /tmp/j");
        enter();
        waitForLine(l -> l.contains("Stopped (tty input)") && l.contains("cat"), "a background read stopped by SIGTTIN");
        type("fg");
        enter();
        waitForLine(l -> l.equals("cat"), "fg naming cat");
        type("read after fg");
        enter();
        waitFor(s -> lines(s).stream().filter("read after fg"::equals).count() == 2, "the echo and cat's copy of a line");
        keys("C-d");
        type("echo st=$?");
        enter();
        waitForLine(l -> l.equals("st=0"), "cat ended by ^D");
    }

    @Test
    @Order(9)
    void poweroffEndsTheJvmAndRestoresTheTerminal() throws Exception {
        type("poweroff");
        enter();
        waitForLine(l -> l.contains("fornax-exit="), "the launcher's end");
        waitForLine(l -> l.contains("reboot: Power down"), "the kernel's power-down line");
        waitForLine(l -> l.contains("fornax-exit=0"), "a clean exit status");
        Path before = work.resolve("before"), after = work.resolve("after");
        waitFor(s -> Files.exists(after), "the terminal settings after the run");
        waitFor(s -> {
            try {
                return !Files.readString(after).isBlank();
            } catch (IOException e) {
                return false;
            }
        }, "the terminal settings written");
        assertEquals(Files.readString(before).strip(), Files.readString(after).strip(),
                "the host terminal's settings after fornax boot");
    }

    // ------------------------------------------------------------------ driving tmux

    private void type(String text) throws Exception { tmux("send-keys", "-t", session, "-l", text); }

    private void enter() throws Exception { keys("Enter"); }

    private void keys(String... names) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("send-keys", "-t", session));
        cmd.addAll(Arrays.asList(names));
        tmux(cmd.toArray(String[]::new));
    }

    /** Clears the screen with the shell's clear, so later matches only see what comes after. */
    private void clear() throws Exception {
        type("clear");
        enter();
        waitFor(s -> lines(s).size() == 1 && lines(s).getFirst().startsWith(PROMPT.strip()), "a clear screen");
    }

    private String screen() throws Exception {
        Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-J", "-t", session)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private List<String> lines() throws Exception { return lines(screen()); }

    /** The screen's non-blank lines (wrapped lines joined: capture-pane -J), trailing spaces dropped. */
    private static List<String> lines(String screen) {
        return screen.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
    }

    private void waitForLine(Predicate<String> line, String what) throws Exception {
        waitFor(s -> lines(s).stream().anyMatch(line), what);
    }

    private void waitFor(Predicate<String> ready, String what) throws Exception {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        String s = screen();
        while (!ready.test(s)) {
            if (System.currentTimeMillis() > end) fail("never saw " + what + "; the screen:\n" + s);
            Thread.sleep(200);
            s = screen();
        }
        assertTrue(ready.test(s));
    }

    private int tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    private static int run(List<String> cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String quote(String s) { return "'" + s.replace("'", "'\\''") + "'"; }
}
