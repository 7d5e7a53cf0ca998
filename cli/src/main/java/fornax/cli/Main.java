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
     * A kernel configuration wired to the CLI's streams. They count as a terminal only when they
     * are this JVM's own standard streams and the host's are a terminal. IllegalArgumentException
     * for an impossible machine size.
     */
    static fornax.kernel.KernelConfig consoleConfig(int cpus, long memory) {
        boolean terminal = stdout == System.out && fornax.kernel.KernelConfig.hostIsTerminal();
        return new fornax.kernel.KernelConfig(cpus, memory, stdin, stdout, stderr, terminal);
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
