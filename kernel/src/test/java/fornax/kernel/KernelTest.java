package fornax.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The kernel end to end, in-process: boot a machine, exec a userland binary, check status and output. */
class KernelTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Kernel kernel;

    @TempDir Path tmp;

    private Kernel boot(long memory) {
        kernel = Kernel.boot(new KernelConfig(1, memory, InputStream.nullInputStream(), out, err));
        return kernel;
    }

    private Kernel boot() { return boot(64L << 20); }

    @AfterEach
    void shutdown() {
        if (kernel != null) kernel.close();
    }

    /** Closes the kernel (flushing the UARTs) and returns what the guest wrote to stdout. */
    private String stdout() {
        kernel.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        kernel.close();
        return err.toString(StandardCharsets.UTF_8);
    }

    private int run(String program, String... args) throws ExecException {
        Path bin = TestSupport.requireBinary(program);
        List<String> argv = new java.util.ArrayList<>();
        argv.add(program);
        argv.addAll(Arrays.asList(args));
        return kernel.exec(bin, argv, List.of());
    }

    @Test
    void helloRunsAndReturnsZero() throws Exception {
        boot();
        assertEquals(0, run("hello"));
        assertTrue(stdout().contains("Hello world from Ring 3"), () -> "stdout was: " + out);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no kernel log for a clean run");
    }

    @Test
    void helloEchoesItsArguments() throws Exception {
        boot();
        assertEquals(0, run("hello", "one", "two words", "\u00fcml\u00e4ut"));
        assertEquals("Hello world from Ring 3\nargv[1] = one\nargv[2] = two words\nargv[3] = \u00fcml\u00e4ut\n", stdout());
    }

    @Test
    void staticPieRuns() throws Exception {
        boot();
        assertEquals(0, run("hello-pie"));
        assertTrue(stdout().contains("Hello world from Ring 3"), () -> "stdout was: " + out);
    }

    @Test
    void exitcodeReturnsItsStatus() throws Exception {
        boot();
        assertEquals(42, run("exitcode"));
        assertEquals(7, run("exitcode", "7"));
        assertEquals(0, run("exitcode", "0"));
        assertEquals(255, run("exitcode", "255"));
        assertEquals(1, run("exitcode", "257"), "exit status is the low 8 bits");
        assertTrue(stdout().contains("exiting with status 42"));
    }

    @Test
    void segvReturns139AndLogsOneLine() throws Exception {
        boot();
        assertEquals(139, run("segv"));
        String o = stdout(), e = stderr();
        assertTrue(o.contains("segv mode load: about to fault"), () -> "stdout was: " + o);
        List<String> lines = e.lines().toList();
        assertEquals(1, lines.size(), () -> "expected exactly one kernel log line, got: " + e);
        assertTrue(lines.getFirst().startsWith("fornax: "), lines.getFirst());
        assertTrue(lines.getFirst().contains("SIGSEGV"), lines.getFirst());
    }

    @ParameterizedTest
    @ValueSource(strings = {"load", "store", "jump", "nx", "readonly", "text"})
    void everySegvModeDiesBySigsegv(String mode) throws Exception {
        boot();
        int free = kernel.frames().freeFrames();
        assertEquals(139, run("segv", mode), () -> "segv " + mode + "; stdout: " + out + " stderr: " + err);
        assertEquals(free, kernel.frames().freeFrames(), "frames leaked by a process killed by SIGSEGV");
        String e = stderr();
        assertEquals(1, e.lines().count(), () -> "stderr: " + e);
        assertTrue(e.startsWith("fornax: ") && e.contains("SIGSEGV"), e);
        assertFalse(stdout().contains("(wrong)"), () -> "stdout: " + out);
    }

    @Test
    void sigillReturns132() throws Exception {
        boot();
        assertEquals(132, run("sigill"));
        String e = stderr();
        assertEquals(1, e.lines().count(), () -> "stderr: " + e);
        assertTrue(e.startsWith("fornax: ") && e.contains("SIGILL"), e);
    }

    @Test
    void execLeavesNoFramesBehind() throws Exception {
        boot();
        int before = kernel.frames().freeFrames();
        // Boot-time drivers (virtio rings, bounce buffers) own a few frames; no process does yet.
        assertTrue(kernel.frames().totalFrames() - before < 16, "boot took more frames than its drivers need");
        assertEquals(0, run("hello"));
        assertEquals(before, kernel.frames().freeFrames(), "frames leaked by one exec of hello");
    }

    @Test
    void twentyExecsInOneKernelLeaveNoFramesBehind() throws Exception {
        boot();
        int before = kernel.frames().freeFrames();
        for (int i = 0; i < 20; i++) {
            assertEquals(0, run("hello", Integer.toString(i)), "run " + i);
            assertEquals(before, kernel.frames().freeFrames(), "frames leaked after run " + i);
        }
        String o = stdout();
        assertEquals(20, o.lines().filter(l -> l.equals("Hello world from Ring 3")).count(), o);
        assertTrue(o.contains("argv[1] = 19"));
    }

    @Test
    void mixedProgramsLeaveNoFramesBehind() throws Exception {
        boot();
        int before = kernel.frames().freeFrames();
        assertEquals(42, run("exitcode"));
        assertEquals(139, run("segv"));
        assertEquals(132, run("sigill"));
        assertEquals(0, run("hello-pie"));
        assertEquals(before, kernel.frames().freeFrames());
    }

    @Test
    void memoryProgramRunsAndLeavesNoFramesBehind() throws Exception {
        boot(192L << 20);
        int before = kernel.frames().freeFrames();
        assertEquals(0, run("memory"), () -> "stderr: " + err);
        assertEquals(before, kernel.frames().freeFrames(), "frames leaked by brk/mmap/mprotect/munmap");
    }

    // ------------------------------------------------------------------ refusals

    private ExecException refused(Path p) {
        int free = kernel.frames().freeFrames();
        ExecException e = assertThrows(ExecException.class, () -> kernel.exec(p, List.of("x"), List.of()));
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank(), "ExecException needs a message");
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "message must be one line: " + m);
        assertEquals(free, kernel.frames().freeFrames(), "a refused exec must not leak frames");
        return e;
    }

    @Test
    void missingFileIsRefused() {
        boot();
        Path p = tmp.resolve("no-such-program");
        String m = refused(p).getMessage();
        assertTrue(m.contains("no-such-program") && m.contains("no such file"), m);
    }

    @Test
    void nonElfFileIsRefused() throws IOException {
        boot();
        Path p = tmp.resolve("script.sh");
        Files.writeString(p, "#!/bin/sh\necho hello\n");
        String m = refused(p).getMessage();
        assertTrue(m.contains("script.sh") && m.contains("not an ELF"), m);
    }

    @Test
    void emptyFileAndDirectoryAreRefused() throws IOException {
        boot();
        Path empty = tmp.resolve("empty");
        Files.write(empty, new byte[0]);
        assertTrue(refused(empty).getMessage().contains("empty"));
        assertTrue(refused(tmp).getMessage().contains("directory"));
    }

    @Test
    void truncatedBinaryIsRefused() throws IOException {
        boot();
        byte[] hello = Files.readAllBytes(TestSupport.requireBinary("hello"));
        Path p = tmp.resolve("half");
        Files.write(p, Arrays.copyOf(hello, hello.length / 2));
        refused(p);
    }

    @Test
    void dynamicallyLinkedBinaryIsRefused() throws Exception {
        Path gcc = Path.of("/usr/bin/riscv64-linux-gnu-gcc");
        assumeTrue(Files.isExecutable(gcc), "riscv64-linux-gnu-gcc not installed");
        Path src = tmp.resolve("dyn.c"), bin = tmp.resolve("dyn");
        Files.writeString(src, "#include <stdio.h>\nint main(void) { puts(\"dynamic\"); return 0; }\n");
        Process p = new ProcessBuilder(gcc.toString(), "-O1", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.isRegularFile(bin),
                () -> "could not build a dynamic riscv64 program: " + log);

        boot();
        String m = refused(bin).getMessage();
        assertTrue(m.contains("dynamically linked"), m);
    }
}
