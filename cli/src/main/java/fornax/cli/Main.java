package fornax.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fornax} command line. {@link #run} is the in-process entry the guest tests use; it
 * never calls {@link System#exit}.
 */
@Command(name = "fornax", mixinStandardHelpOptions = true, version = "Fornax/J 0.1",
        description = "A Plan 9-style OS with a Java kernel on an emulated RV64GC machine.",
        subcommands = {ExecCommand.class, RunCommand.class, BootCommand.class, BenchCommand.class, SyscallsCommand.class, ImageCommand.class})
public final class Main implements Runnable {
    /** Streams the subcommands use; set by {@link #run} so tests can capture them. */
    static InputStream stdin = System.in;
    static PrintStream stdout = System.out;
    static PrintStream stderr = System.err;

    @Override public void run() {
        new CommandLine(this).usage(stderr);
    }

    /**
     * A kernel configuration wired to the CLI's streams, a terminal or not as told: true only with
     * the host terminal in raw mode (see {@link #withConsole}). IllegalArgumentException for an
     * impossible machine size.
     */
    static fornax.kernel.KernelConfig consoleConfig(int cpus, long memory, boolean terminal) {
        return new fornax.kernel.KernelConfig(cpus, memory, stdin, stdout, stderr, terminal);
    }

    /** Whether the CLI's streams are this JVM's own and the host's are a terminal. */
    static boolean onTerminal() {
        return stdout == System.out && stdin == System.in && fornax.kernel.KernelConfig.hostIsTerminal();
    }

    /** Newlines become CR LF (what ONLCR does on a terminal in cooked mode). */
    private static final class CrLf extends java.io.FilterOutputStream {
        CrLf(java.io.OutputStream out) { super(out); }
        @Override public void write(int b) throws java.io.IOException {
            if (b == '\n') out.write('\r');
            out.write(b);
        }
        @Override public void write(byte[] b, int off, int len) throws java.io.IOException {
            for (int i = 0; i < len; i++) write(b[off + i]);
        }
    }

    /**
     * Boots a kernel on the console and runs {@code body} in it. When the CLI's streams are a
     * terminal, the host terminal is in raw mode meanwhile (the guest's console is then a
     * terminal, with the host's window size), and is restored however this ends; lines written
     * to {@link #stderr} meanwhile (the kernel's log, the CLI's messages: the guest's stderr goes
     * to its terminal) end in CR LF, since the raw terminal does no output processing.
     * IllegalArgumentException for an impossible machine size.
     */
    static int withConsole(int cpus, long memory, KernelBody body) throws fornax.kernel.ExecException {
        HostTerminal host = onTerminal() ? HostTerminal.raw() : null;
        PrintStream saved = stderr;
        if (host != null) stderr = new PrintStream(new CrLf(saved), true);
        try {
            fornax.kernel.KernelConfig config = consoleConfig(cpus, memory, host != null);
            try (fornax.kernel.Kernel kernel = fornax.kernel.Kernel.boot(config)) {
                if (host != null) host.forwardWindowSize(kernel::resizeConsole);
                return body.run(kernel);
            }
        } finally {
            stderr = saved;
            if (host != null) host.close();
        }
    }

    /** What runs in a kernel booted by {@link #withConsole}. */
    interface KernelBody {
        int run(fornax.kernel.Kernel kernel) throws fornax.kernel.ExecException;
    }

    /** The host's TERM for the guest environment, or "dumb". */
    static String hostTerm() {
        String t = System.getenv("TERM");
        return t == null || t.isEmpty() ? "dumb" : t;
    }

    /** Runs the CLI with the given streams and returns the process exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        stdin = in; stdout = out; stderr = err;
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setStopAtPositional(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println("fornax: internal error: " + ex);
            if (System.getenv("FORNAX_DEBUG") != null) ex.printStackTrace(err);
            return 70;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        int status = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }
}
