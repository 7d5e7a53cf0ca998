package fornax.cli;

import fornax.kernel.ExecException;
import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.initramfs.CpioArchive;
import fornax.kernel.initramfs.CpioEntry;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code fornax bench --kernel}: kernel primitives timed inside the guest by
 * userland/build/lat_kernel (getpid, fork, fork+execve, pipe and futex ping-pong, pipe
 * throughput, thread create+join, mmap of 64 MiB) under Fornax/J and under qemu-riscv64, plus the
 * host wall time of {@code ./fornax run -- true} (boot to the end of the first program) against
 * {@code qemu-riscv64 busybox true}; one table with the ratio and the seeds' targets (context
 * switch < 10 us, process creation < 100 us, page mapping < 2 us).
 *
 * <p>Every figure is the median of {@code runs} measured runs; each Fornax run boots a fresh
 * kernel in this JVM, after one smaller warm-up run that gives the JIT the same code paths.
 * lat_kernel's execve needs its own file inside the guest: the Fornax runs mount
 * userland/build read-only on /bench (hostfs), and lat_kernel copies the program into /tmp
 * before timing. qemu-riscv64 can only execve a riscv64 file through binfmt_misc; lat_kernel is
 * given the host's qemu-riscv64 to execute instead, which is what binfmt_misc would do.
 */
final class KernelBench {
    /** One lat_kernel test: its name, row label, unit, warm-up size, and the seeds' target if any. */
    record Test(String name, String label, String unit, String warmup, boolean higherIsBetter, String target,
                double limit) {
        Test(String name, String label, String unit, String warmup) {
            this(name, label, unit, warmup, false, "", 0);
        }
    }

    static final List<Test> TESTS = List.of(
            new Test("getpid", "getpid round trip", "us", "20000"),
            new Test("fork", "fork+exit+wait", "us", "100", false, "process creation < 100 us", 100),
            new Test("exec", "fork+execve+wait (static, from /tmp)", "us", "30"),
            new Test("pipe", "pipe ping-pong between processes, per switch", "us", "2000", false,
                    "context switch < 10 us", 10),
            new Test("pipebw", "pipe throughput, 64 KiB writes", "MB/s", "32", true, "", 0),
            new Test("thread", "thread create+join", "us", "200"),
            new Test("futex", "futex ping-pong between threads, per switch", "us", "2000", false,
                    "context switch < 10 us", 10),
            new Test("mmap", "mmap+touch+munmap 64 MiB", "ms", "1"));

    /** The boot row's name for --only. */
    static final String BOOT = "boot";

    private static final String GUEST_BUILD = "/bench";
    private static final List<String> ENV = List.of("PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/tmp", "TERM=dumb");

    private final int cpus;
    private final long memory;
    private final int runs;
    private final boolean warmup;
    private final String size;
    private final Path root;
    private final Path build;

    KernelBench(int cpus, long memory, int runs, boolean warmup, String size) {
        this.cpus = cpus;
        this.memory = memory;
        this.runs = runs;
        this.warmup = warmup;
        this.size = size;
        this.root = BenchCommand.root();
        this.build = root.resolve("userland").resolve("build");
    }

    /** Names --only accepts in kernel mode. */
    static List<String> names() {
        List<String> n = new ArrayList<>(TESTS.stream().map(Test::name).toList());
        n.add(BOOT);
        return n;
    }

    /** Runs the selected rows (all when {@code only} is empty) and prints the table; the exit status. */
    int run(List<String> only, boolean noQemu, PrintStream out) {
        String qemu = noQemu ? null : qemuPath();
        out.printf(Locale.ROOT, "fornax bench --kernel: %d hart(s), %d MiB guest memory, median of %d run(s)%s, "
                        + "host %d cores, Java %s%n", cpus, memory >> 20, runs, warmup ? " after a JIT warm-up run" : "",
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        if (noQemu) out.println("qemu-riscv64: not run (--no-qemu)");
        else if (qemu == null) out.println("qemu-riscv64: not found; Fornax figures only.");
        else out.println("reference: " + BenchCommand.qemuVersion() + " (" + qemu + ")");
        out.flush();

        Path bin = build.resolve("lat_kernel");
        List<String[]> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean ok = true;
        for (Test t : TESTS) {
            if (!only.isEmpty() && !only.contains(t.name())) continue;
            if (!Files.isRegularFile(bin)) {
                notes.add(bin + " not found; build with 'make -C userland' or './fornax build'");
                ok = false;
                break;
            }
            out.printf(Locale.ROOT, "running lat_kernel %s ...%n", t.name());
            out.flush();
            Figure f = fornax(bin, t);
            Figure q = qemu == null ? null : qemu(bin, t, qemu);
            if (f.error() != null) notes.add(t.name() + " under Fornax: " + f.error());
            if (q != null && q.error() != null) notes.add(t.name() + " under qemu-riscv64: " + q.error());
            ok &= f.error() == null && (q == null || q.error() == null);
            rows.add(row(t.label(), t.unit(), f, q, t.higherIsBetter(), t.target(), t.limit()));
            if (t.name().equals("mmap")) {
                // The seeds' "page mapping < 2 us": one round maps, faults in and unmaps 16384 pages.
                double pages = 64.0 * 256;
                rows.add(row("  the same per 4 KiB page", "us", f.scaled(1000 / pages), q == null ? null
                        : q.scaled(1000 / pages), false, "page mapping < 2 us", 2));
            }
        }
        if (only.isEmpty() || only.contains(BOOT)) {
            out.println("running ./fornax run -- true ...");
            out.flush();
            Boot b = boot(qemu);
            if (b.fornax().error() != null) notes.add("boot under Fornax: " + b.fornax().error());
            if (b.qemu() != null && b.qemu().error() != null) notes.add("busybox true under qemu-riscv64: " + b.qemu().error());
            ok &= b.fornax().error() == null;
            rows.add(row("boot to prompt: ./fornax run -- true (host wall)", "ms", b.fornax(), b.qemu(), false, "", 0));
            notes.add("boot row: host wall time of the launcher (JVM start, kernel boot, root image unpacked, "
                    + "busybox true run, exit); the qemu column is 'qemu-riscv64 busybox true'.");
        }

        out.println();
        BenchCommand.printTable(out, new String[] {"benchmark", "unit", "fornax", "qemu", "fornax/qemu", "seed target",
                "met"}, rows, new boolean[] {true, true, false, false, false, true, true});
        out.println("fornax/qemu: speed ratio (above 1 means Fornax is faster). Figures are measured inside the guest "
                + "(CLOCK_MONOTONIC) except the boot row.");
        if (qemu != null)
            notes.add("exec under qemu-riscv64: the host has no binfmt_misc entry for riscv64, so the child "
                    + "execve()s " + qemu + " with the program, as binfmt_misc would (a new qemu starts each time).");
        for (String n : notes) out.println(n);
        out.flush();
        return ok ? 0 : 1;
    }

    // ------------------------------------------------------------------ one figure

    /** The median of the measured values, or the reason there is none. */
    record Figure(double value, String error) {
        static Figure failed(String why) { return new Figure(Double.NaN, why); }
        Figure scaled(double by) { return error != null ? this : new Figure(value * by, null); }
    }

    private Figure fornax(Path bin, Test t) {
        if (warmup) {
            Figure w = measure(() -> runFornax(bin, args(t, t.warmup(), GUEST_BUILD + "/lat_kernel", null)), t, 1);
            if (w.error() != null) return w;
        }
        return measure(() -> runFornax(bin, args(t, size, GUEST_BUILD + "/lat_kernel", null)), t, runs);
    }

    private Figure qemu(Path bin, Test t, String qemu) {
        return measure(() -> runHost(List.of(qemu), bin, args(t, size, bin.toString(), qemu)), t, runs);
    }

    private static List<String> args(Test t, String n, String program, String interpreter) {
        List<String> a = new ArrayList<>(List.of(t.name()));
        if (n != null) a.add(n);
        else if (t.name().equals("exec")) a.add("300");
        if (t.name().equals("exec")) {
            a.add(program);
            if (interpreter != null) a.add(interpreter);
        }
        return a;
    }

    /** One run's outcome: lat_kernel's output, or the reason it has none. */
    private record Output(int status, String stdout, String error) { }

    private interface Runner { Output run(); }

    /** Runs {@code times} times and takes the median of lat_kernel's "TEST VALUE UNIT N" line. */
    private static Figure measure(Runner runner, Test t, int times) {
        double[] values = new double[times];
        for (int i = 0; i < times; i++) {
            Output o = runner.run();
            if (o.error() != null) return Figure.failed(o.error());
            String line = o.stdout().strip();
            String[] f = line.split("\\s+");
            if (o.status() != 0 || f.length != 4 || !f[0].equals(t.name()) || !f[2].equals(t.unit()))
                return Figure.failed("exit status " + o.status() + ", output: " + firstLine(line));
            try {
                values[i] = Double.parseDouble(f[1]);
            } catch (NumberFormatException e) {
                return Figure.failed("not a figure: " + firstLine(line));
            }
        }
        return new Figure(median(values), null);
    }

    private Output runFornax(Path bin, List<String> args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
        KernelConfig config = new KernelConfig(cpus, memory, InputStream.nullInputStream(),
                new BenchCommand.Capped(stdout), new BenchCommand.Capped(stderr));
        List<String> argv = new ArrayList<>(List.of(GUEST_BUILD + "/lat_kernel"));
        argv.addAll(args);
        try (Kernel kernel = Kernel.boot(config)) {
            kernel.mountHost(build, GUEST_BUILD, true);
            int status = kernel.exec(bin, argv, ENV);
            String err = stderr.toString(StandardCharsets.UTF_8).strip();
            return new Output(status, stdout.toString(StandardCharsets.UTF_8),
                    status == 0 || err.isEmpty() ? null : "exit status " + status + "; stderr: " + firstLine(err));
        } catch (ExecException e) {
            return new Output(126, "", "refused: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            return new Output(70, "", "internal error: " + e);
        }
    }

    /** Runs {@code prefix} + {@code bin} + {@code args} on the host (no core dumps). */
    private static Output runHost(List<String> prefix, Path bin, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -c 0; exec \"$@\"", "sh"));
        cmd.addAll(prefix);
        cmd.add(bin.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> BenchCommand.readAll(p.getErrorStream()));
            byte[] o = BenchCommand.readAll(p.getInputStream());
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Output(124, "", "timed out after 10 minutes");
            }
            String e = new String(err.join(), StandardCharsets.UTF_8).strip();
            return new Output(p.exitValue(), new String(o, StandardCharsets.UTF_8),
                    p.exitValue() == 0 || e.isEmpty() ? null : "exit status " + p.exitValue() + "; stderr: " + firstLine(e));
        } catch (IOException e) {
            return new Output(127, "", "could not start " + cmd.get(4) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(130, "", "interrupted");
        }
    }

    // ------------------------------------------------------------------ boot to prompt

    private record Boot(Figure fornax, Figure qemu) { }

    /** Boot runs: one untimed (it may build or write the class-data archive), then at least 5 timed. */
    private static final int BOOT_RUNS = 5;

    private Boot boot(String qemu) {
        Path launcher = root.resolve("fornax");
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        if (!Files.isExecutable(launcher)) return new Boot(Figure.failed(launcher + " not found"), null);
        if (!Files.isRegularFile(image))
            return new Boot(Figure.failed("no root image at " + image + ": run ./fornax image"), null);
        int times = Math.max(BOOT_RUNS, runs);
        Figure f = wallMillis(List.of(launcher.toString(), "run", "--", "true"), times);
        Figure q = null;
        if (qemu != null) {
            // Named "busybox": it picks the applet from its own name unless called so.
            Path dir = null, busybox = null;
            try {
                CpioEntry e = CpioArchive.read(image).get("/bin/busybox");
                dir = Files.createTempDirectory("fornax-bench");
                busybox = dir.resolve("busybox");
                Files.write(busybox, e.data());
                if (!busybox.toFile().setExecutable(true)) throw new IOException("cannot make " + busybox + " executable");
                q = wallMillis(List.of(qemu, busybox.toString(), "true"), times);
            } catch (IOException | RuntimeException e) {
                q = Figure.failed("cannot extract /bin/busybox from " + image + ": " + e.getMessage());
            } finally {
                if (busybox != null) busybox.toFile().delete();
                if (dir != null) dir.toFile().delete();
            }
        }
        return new Boot(f, q);
    }

    /** Median host wall time of {@code cmd} in ms, after one untimed run. */
    private static Figure wallMillis(List<String> cmd, int times) {
        double[] ms = new double[times];
        for (int i = -1; i < times; i++) {
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.PIPE);
                long t0 = System.nanoTime();
                Process p = pb.start();
                byte[] err = BenchCommand.readAll(p.getErrorStream());
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return Figure.failed("timed out");
                }
                long t1 = System.nanoTime();
                if (p.exitValue() != 0)
                    return Figure.failed("exit status " + p.exitValue() + ": " + firstLine(new String(err, StandardCharsets.UTF_8)));
                if (i >= 0) ms[i] = (t1 - t0) / 1e6;
            } catch (IOException e) {
                return Figure.failed("could not start " + cmd.getFirst() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Figure.failed("interrupted");
            }
        }
        return new Figure(median(ms), null);
    }

    // ------------------------------------------------------------------ table

    private static String[] row(String label, String unit, Figure f, Figure q, boolean higherIsBetter, String target,
                                double limit) {
        String fv = f.error() == null ? num(f.value()) : "failed";
        String qv = q == null ? "-" : q.error() == null ? num(q.value()) : "failed";
        String ratio = "-";
        if (q != null && f.error() == null && q.error() == null && f.value() > 0 && q.value() > 0)
            ratio = String.format(Locale.ROOT, "%.2f", higherIsBetter ? f.value() / q.value() : q.value() / f.value());
        String met = target.isEmpty() || f.error() != null ? "" : f.value() < limit ? "yes" : "no";
        return new String[] {label, unit, fv, qv, ratio, target.isEmpty() ? "-" : target, met};
    }

    private static String num(double v) {
        if (v >= 1000) return String.format(Locale.ROOT, "%.0f", v);
        if (v >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** The absolute path of qemu-riscv64 on the PATH (the guest's execve needs one), or null. */
    private static String qemuPath() {
        if (BenchCommand.qemuVersion() == null) return null;
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "qemu-riscv64");
            if (Files.isExecutable(p)) return p.toAbsolutePath().toString();
        }
        return null;
    }
}
