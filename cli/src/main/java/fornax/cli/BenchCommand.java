package fornax.cli;

import fornax.kernel.ExecException;
import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fornax bench}: runs the userland benchmarks (userland/build/bench_*: CPU-bound ones, and
 * bench_mmap for page faults and unmapping) under Fornax/J
 * in this JVM and under qemu-riscv64, and prints guest instructions, wall times, MIPS and the speed
 * ratio. The guest instruction count comes from the Fornax run and is used for both MIPS figures.
 * Each program prints a checksum line; the two runs must print the same one. With {@code --kernel}
 * it times kernel primitives instead ({@link KernelBench}).
 */
@Command(name = "bench", description = "Guest MIPS under Fornax/J against qemu-riscv64; with --kernel, "
        + "kernel primitives (syscall, fork, exec, context switch, pipes, threads, mmap, boot).")
final class BenchCommand implements Callable<Integer> {

    /** A benchmark program and the smaller size used for the JIT warm-up run. */
    private record Program(String name, String warmupSize) {}

    private static final List<Program> PROGRAMS = List.of(
            new Program("bench_sha256", "8"),
            new Program("bench_sort", "200000"),
            new Program("bench_sieve", "60000000"),
            new Program("bench_fp", "150"),
            new Program("bench_mmap", "2"));

    @Option(names = "--cpus", paramLabel = "N", description = "Harts for the Fornax runs (default 1).")
    int cpus = 1;

    @Option(names = "--memory", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Physical memory for the Fornax runs (default 1G).")
    long memory = KernelConfig.DEFAULT_MEMORY;

    @Option(names = "--only", paramLabel = "NAME",
            description = "Run only this benchmark (repeatable): bench_sha256, bench_sort, bench_sieve, bench_fp, bench_mmap "
                    + "(the bench_ prefix may be left out).")
    List<String> only = new ArrayList<>();

    @Option(names = "--size", paramLabel = "SIZE",
            description = "Passed as argv[1] to every selected program (its own unit: MiB for sha256, elements "
                    + "for sort, limit for sieve, matrix order for fp). Default: each program's own default.")
    String size;

    @Option(names = "--no-warmup", description = "Skip the smaller JIT warm-up run before each measured Fornax run.")
    boolean noWarmup;

    @Option(names = "--no-qemu", description = "Do not run qemu-riscv64; print Fornax figures only.")
    boolean noQemu;

    @Option(names = "--kernel", description = "Time kernel primitives inside the guest (userland/build/lat_kernel: "
            + "getpid, fork, exec, pipe, pipebw, thread, futex, mmap) and the boot of './fornax run -- true' "
            + "(boot); --only picks among those names, --size is lat_kernel's N.")
    boolean kernel;

    @Option(names = "--runs", paramLabel = "N", description = "With --kernel: measured runs per figure, "
            + "the median is shown (default 3).")
    int runs = 3;

    /** One measured run: exit status, guest stdout, wall time, and (Fornax only) instructions. */
    private record Run(int status, String stdout, String stderr, long nanos, long instructions, String error) {
        boolean ok() { return error == null && status == 0; }
    }

    @Override public Integer call() {
        PrintStream out = Main.stdout;
        if (kernel) return kernelBench(out);
        Path root = root();
        Path build = root.resolve("userland").resolve("build");

        List<Program> selected = new ArrayList<>();
        for (String o : only) {
            String n = o.startsWith("bench_") ? o : "bench_" + o;
            Program p = PROGRAMS.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (p == null) {
                Main.stderr.println("fornax: bench: unknown benchmark '" + o + "' (known: "
                        + String.join(", ", PROGRAMS.stream().map(Program::name).toList()) + ")");
                return 2;
            }
            if (!selected.contains(p)) selected.add(p);
        }
        if (selected.isEmpty()) selected.addAll(PROGRAMS);
        try {
            new KernelConfig(cpus, memory, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                    OutputStream.nullOutputStream());
        } catch (IllegalArgumentException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 2;
        }

        String qemuVersion = noQemu ? null : qemuVersion();
        out.printf(Locale.ROOT, "fornax bench: %d hart(s), %d MiB guest memory, %s, host %d cores, Java %s%n", cpus,
                memory >> 20, noWarmup ? "no warm-up" : "JIT warm-up run first",
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        if (noQemu) out.println("qemu-riscv64: not run (--no-qemu)");
        else if (qemuVersion == null) out.println("qemu-riscv64: not found; install it (scripts/setup-toolchain.sh) "
                + "to compare. Fornax figures only.");
        else out.println("reference: " + qemuVersion);
        out.flush();

        List<String[]> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean allOk = true;
        for (Program p : selected) {
            Path bin = build.resolve(p.name());
            if (!Files.isRegularFile(bin)) {
                rows.add(new String[] {p.name(), "missing", "", "", "", "", "", ""});
                notes.add(p.name() + ": " + bin + " not found; build with 'make -C userland' or './fornax build'");
                allOk = false;
                continue;
            }
            List<String> args = size == null ? List.of() : List.of(size);
            out.printf(Locale.ROOT, "running %s%s ...%n", p.name(), size == null ? "" : " " + size);
            out.flush();
            if (!noWarmup) runFornax(bin, List.of(p.warmupSize()));
            Run f = runFornax(bin, args);
            Run q = qemuVersion == null ? null : runQemu(bin, args);

            String check;
            if (!f.ok()) {
                check = "FORNAX FAILED";
                notes.add(p.name() + " under Fornax: " + describe(f));
                allOk = false;
            } else if (q == null) {
                check = "-";
            } else if (!q.ok()) {
                check = "QEMU FAILED";
                notes.add(p.name() + " under qemu-riscv64: " + describe(q));
                allOk = false;
            } else if (!f.stdout().equals(q.stdout())) {
                check = "MISMATCH";
                notes.add(p.name() + ": checksums differ\n  fornax: " + firstLine(f.stdout()) + "\n  qemu:   "
                        + firstLine(q.stdout()));
                allOk = false;
            } else {
                check = "ok";
            }
            if (f.ok()) notes.add(p.name() + ": " + firstLine(f.stdout()));

            long instr = f.instructions();
            String fSecs = f.error() == null ? secs(f.nanos()) : "-";
            String fMips = f.error() == null ? mips(instr, f.nanos()) : "-";
            String qSecs = q == null || q.error() != null ? "-" : secs(q.nanos());
            String qMips = q == null || q.error() != null ? "-" : mips(instr, q.nanos());
            String ratio = "-";
            if (q != null && f.error() == null && q.error() == null && f.nanos() > 0)
                ratio = String.format(Locale.ROOT, "%.3f", (double) q.nanos() / f.nanos());
            rows.add(new String[] {p.name(), instr > 0 ? String.format(Locale.ROOT, "%,d", instr) : "n/a",
                    fSecs, fMips, qSecs, qMips, ratio, check});
        }

        out.println();
        printTable(out, new String[] {"program", "guest instr", "fornax s", "fornax MIPS", "qemu s", "qemu MIPS",
                "fornax/qemu", "checksum"}, rows);
        out.println("fornax/qemu: speed ratio (qemu time / fornax time; above 1 means Fornax is faster). "
                + "MIPS use the Fornax instruction count for both.");
        for (String n : notes) out.println(n);
        out.flush();
        return allOk ? 0 : 1;
    }

    /** --kernel: validates the options and runs {@link KernelBench}. */
    private int kernelBench(PrintStream out) {
        List<String> known = KernelBench.names();
        for (String o : only) {
            if (!known.contains(o)) {
                Main.stderr.println("fornax: bench --kernel: unknown benchmark '" + o + "' (known: " + String.join(", ", known) + ")");
                return 2;
            }
        }
        if (runs < 1) {
            Main.stderr.println("fornax: bench: --runs must be at least 1");
            return 2;
        }
        if (size != null && !size.matches("[1-9][0-9]{0,8}")) {
            Main.stderr.println("fornax: bench --kernel: --size must be a positive integer, got '" + size + "'");
            return 2;
        }
        try {
            new KernelConfig(cpus, memory, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                    OutputStream.nullOutputStream());
        } catch (IllegalArgumentException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 2;
        }
        return new KernelBench(cpus, memory, runs, !noWarmup, size).run(only, noQemu, out);
    }

    private Run runFornax(Path bin, List<String> args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        KernelConfig config = new KernelConfig(cpus, memory, InputStream.nullInputStream(), new Capped(stdout),
                new Capped(stderr));
        List<String> argv = new ArrayList<>();
        argv.add(bin.toString());
        argv.addAll(args);
        List<String> envp = List.of("PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/tmp", "TERM=dumb");
        try (Kernel kernel = Kernel.boot(config)) {
            long t0 = System.nanoTime();
            int status = kernel.exec(bin, argv, envp);
            long t1 = System.nanoTime();
            return new Run(status, text(stdout), text(stderr), t1 - t0, kernel.instructionsRetired(), null);
        } catch (ExecException e) {
            return new Run(126, text(stdout), text(stderr), 0, 0, "refused: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            return new Run(70, text(stdout), text(stderr), 0, 0, "internal error: " + e);
        }
    }

    private static Run runQemu(Path bin, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -c 0; exec \"$@\"", "sh", "qemu-riscv64",
                bin.toString()));
        cmd.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            long t0 = System.nanoTime();
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] o = readAll(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Run(124, "", "", 0, 0, "timed out after 30 minutes");
            }
            long t1 = System.nanoTime();
            return new Run(p.exitValue(), new String(o, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8), t1 - t0, 0, null);
        } catch (IOException e) {
            return new Run(127, "", "", 0, 0, "could not start qemu-riscv64: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(130, "", "", 0, 0, "interrupted");
        }
    }

    static String qemuVersion() {
        try {
            Process p = new ProcessBuilder("qemu-riscv64", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return firstLine(v);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static Path root() {
        String r = System.getProperty("fornax.root");
        return Path.of(r == null || r.isEmpty() ? "." : r).toAbsolutePath().normalize();
    }

    private static String describe(Run r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.error() != null ? r.error() : "exit status " + r.status());
        String e = r.stderr().strip();
        if (!e.isEmpty()) sb.append("; stderr: ").append(firstLine(e));
        return sb.toString();
    }

    private static String secs(long nanos) { return String.format(Locale.ROOT, "%.3f", nanos / 1e9); }

    private static String mips(long instr, long nanos) {
        if (instr <= 0 || nanos <= 0) return "n/a";
        return String.format(Locale.ROOT, "%.1f", instr / (nanos / 1e9) / 1e6);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static String text(ByteArrayOutputStream b) { return b.toString(StandardCharsets.UTF_8); }

    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Prints a table: the first and last columns left-aligned, the numbers between right-aligned. */
    static void printTable(PrintStream out, String[] head, List<String[]> rows) {
        boolean[] left = new boolean[head.length];
        left[0] = true;
        left[head.length - 1] = true;
        printTable(out, head, rows, left);
    }

    /** Prints a table with column {@code i} left-aligned where {@code left[i]}, right-aligned otherwise. */
    static void printTable(PrintStream out, String[] head, List<String[]> rows, boolean[] left) {
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) w[i] = head[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < w.length; i++) sep.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        out.println(row(head, w, left));
        out.println(sep);
        for (String[] r : rows) out.println(row(r, w, left));
    }

    private static String row(String[] cells, int[] w, boolean[] left) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append("  ");
            String c = cells[i];
            if (left[i]) sb.append(c).append(" ".repeat(w[i] - c.length()));
            else sb.append(" ".repeat(w[i] - c.length())).append(c);
        }
        return sb.toString().stripTrailing();
    }

    /** Keeps the first 64 KiB a guest writes (the checksum line) and discards the rest. */
    static final class Capped extends OutputStream {
        private static final int LIMIT = 64 * 1024;
        private final ByteArrayOutputStream sink;
        Capped(ByteArrayOutputStream sink) { this.sink = sink; }
        @Override public synchronized void write(int b) { if (sink.size() < LIMIT) sink.write(b); }
        @Override public synchronized void write(byte[] b, int off, int len) {
            int room = LIMIT - sink.size();
            if (room > 0) sink.write(b, off, Math.min(room, len));
        }
    }
}
