package fornax.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs userland programs two ways for the guest tests: in-process through {@link Main#run} (Fornax/J)
 * and as a {@code qemu-riscv64} subprocess (the reference). Both get the same argv and environment.
 */
final class GuestHarness {
    private GuestHarness() {}

    /** Generous guards against hangs; the tests never depend on how long anything takes. */
    static final Duration FORNAX_TIMEOUT = Duration.ofMinutes(10);
    static final Duration QEMU_TIMEOUT = Duration.ofMinutes(5);

    /** What a run produced. Signal deaths are 128+signal on both sides. */
    record Result(int status, byte[] stdout, byte[] stderr) {
        String out() { return new String(stdout, StandardCharsets.UTF_8); }
        String err() { return new String(stderr, StandardCharsets.UTF_8); }
    }

    /** Repository root: system property {@code fornax.root} (set by surefire), else the current directory. */
    static Path root() {
        String r = System.getProperty("fornax.root");
        return Path.of(r == null || r.isEmpty() ? "." : r).toAbsolutePath().normalize();
    }

    static Path buildDir() { return root().resolve("userland").resolve("build"); }

    static Path binary(String name) { return buildDir().resolve(name); }

    /** The environment ExecCommand gives the first process; the qemu runs get exactly the same. */
    static List<String> guestEnv() {
        String t = System.getenv("TERM");
        return List.of("PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/tmp", "TERM=" + (t == null || t.isEmpty() ? "dumb" : t));
    }

    private static Boolean qemuOk;

    /** Whether {@code qemu-riscv64} can be started. */
    static synchronized boolean qemuAvailable() {
        if (qemuOk == null) {
            try {
                Process p = new ProcessBuilder("qemu-riscv64", "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                qemuOk = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                qemuOk = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                qemuOk = false;
            }
        }
        return qemuOk;
    }

    /**
     * {@code fornax exec --cpus 1 PROGRAM ARGS...} in this JVM. Main.run's streams are static, so
     * callers must not run these concurrently (JUnit runs tests sequentially by default).
     */
    static Result runFornax(Path program, List<String> args) throws Exception {
        List<String> cli = new ArrayList<>(List.of("exec", "--cpus", "1", program.toString()));
        cli.addAll(args);
        return runCli(cli, program.getFileName() + " " + args);
    }

    /** Any {@code fornax} command line, in this JVM, with no stdin; same rules as {@link #runFornax}. */
    static Result runCli(List<String> cli, String what) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> run = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("fornax-guest-test").stackSize(16L << 20).start(() -> {
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                run.complete(Main.run(cli.toArray(String[]::new), InputStream.nullInputStream(), o, e));
            } catch (Throwable x) {
                run.completeExceptionally(x);
            }
        });
        try {
            int status = run.get(FORNAX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(status, out.toByteArray(), err.toByteArray());
        } catch (TimeoutException e) {
            t.interrupt();
            throw new AssertionError("fornax " + what + " did not finish within "
                    + FORNAX_TIMEOUT + "; stdout so far:\n" + tail(out.toString(StandardCharsets.UTF_8), 20));
        } catch (ExecutionException e) {
            throw new AssertionError("fornax " + what + " threw (Main.run must not throw)", e.getCause());
        }
    }

    /**
     * {@code qemu-riscv64 PROGRAM ARGS...} with argv[0] set to the same string ExecCommand uses, an
     * environment equal to {@link #guestEnv()}, no stdin, and core dumps disabled (qemu writes a core
     * file for guests killed by SIGSEGV/SIGILL otherwise).
     */
    static Result runQemu(Path program, List<String> args, Path workDir) throws Exception {
        return runQemu(program, args, workDir, null);
    }

    /** {@link #runQemu(Path, List, Path)} with PATH set to {@code path} (null: the guest's). */
    static Result runQemu(Path program, List<String> args, Path workDir, String path) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -Sc 0; exec \"$@\"", "sh",
                qemuPath(), "-0", program.toString(), program.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().clear();
        for (String kv : guestEnv()) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (path != null) pb.environment().put("PATH", path);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(QEMU_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new AssertionError("qemu-riscv64 " + program.getFileName() + " " + args + " did not finish within " + QEMU_TIMEOUT);
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    /** qemu-riscv64 as an absolute path from the host's PATH (runs may replace PATH), or the bare name. */
    static String qemuPath() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "qemu-riscv64");
            if (Files.isExecutable(p)) return p.toAbsolutePath().toString();
        }
        return "qemu-riscv64";
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return ("<read error: " + e + ">").getBytes(StandardCharsets.UTF_8);
        }
    }

    static String tail(String s, int lines) {
        String[] l = s.split("\n", -1);
        int from = Math.max(0, l.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(l, from, l.length));
    }

    /** A readable account of where two outputs first differ: line numbers, context, and lengths. */
    static String diff(String expected, String actual, String expectedName, String actualName) {
        String[] e = expected.split("\n", -1), a = actual.split("\n", -1);
        int i = 0;
        while (i < e.length && i < a.length && e[i].equals(a[i])) i++;
        StringBuilder sb = new StringBuilder();
        sb.append("stdout differs at line ").append(i + 1).append(" (").append(expectedName).append(": ")
                .append(expected.length()).append(" chars/").append(e.length).append(" lines, ").append(actualName)
                .append(": ").append(actual.length()).append(" chars/").append(a.length).append(" lines)\n");
        int from = Math.max(0, i - 3);
        sb.append("--- ").append(expectedName).append('\n');
        for (int k = from; k < Math.min(e.length, i + 6); k++) sb.append(k == i ? "> " : "  ").append(k + 1).append(": ").append(show(e[k])).append('\n');
        sb.append("+++ ").append(actualName).append('\n');
        for (int k = from; k < Math.min(a.length, i + 6); k++) sb.append(k == i ? "> " : "  ").append(k + 1).append(": ").append(show(a[k])).append('\n');
        int more = 0;
        for (int k = i; k < Math.min(e.length, a.length); k++) if (!e[k].equals(a[k])) more++;
        sb.append(more).append(" of the compared lines from there on differ");
        return sb.toString();
    }

    private static String show(String line) {
        StringBuilder sb = new StringBuilder();
        for (char c : line.toCharArray()) {
            if (c < 0x20 && c != '\t') sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.length() > 300 ? sb.substring(0, 300) + "..." : sb.toString();
    }

    static boolean exists(Path p) { return Files.isRegularFile(p); }

    /**
     * Skips the test when a prerequisite (a built binary, qemu-riscv64) is missing, except in CI
     * (environment CI set), where it fails: a green CI run must have compared against the reference.
     */
    static void require(boolean present, String why) {
        if (System.getenv("CI") != null) org.junit.jupiter.api.Assertions.assertTrue(present, why);
        org.junit.jupiter.api.Assumptions.assumeTrue(present, why);
    }
}
