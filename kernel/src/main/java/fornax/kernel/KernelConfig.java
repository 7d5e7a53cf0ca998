package fornax.kernel;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * What a kernel is booted with: machine size and the host streams its consoles are wired to.
 *
 * @param cpus        number of harts (execution slots); at least 1
 * @param memoryBytes size of physical memory in bytes; a multiple of 4 KiB, at least 16 MiB
 * @param consoleIn   host stream the console UART receives from (guest stdin)
 * @param consoleOut  host stream the console UART transmits to (guest stdout)
 * @param debugOut    host stream the second UART transmits to (guest stderr, kernel log)
 * @param terminal    whether the host streams are a terminal: if so the guest's stdio are ttys,
 *                    otherwise they behave as pipes (no termios, S_IFIFO), as the host's are; this
 *                    keeps a program's stdio buffering the same as on the host
 */
public record KernelConfig(int cpus, long memoryBytes, InputStream consoleIn, OutputStream consoleOut,
                           OutputStream debugOut, boolean terminal) {
    public static final long DEFAULT_MEMORY = 1L << 30;

    public KernelConfig {
        if (cpus < 1 || cpus > 256) throw new IllegalArgumentException("cpus must be 1..256, got " + cpus);
        if (memoryBytes < (16L << 20) || (memoryBytes & 0xFFF) != 0)
            throw new IllegalArgumentException("memory must be a multiple of 4 KiB and at least 16 MiB");
    }

    /** A configuration whose streams are not a terminal. */
    public KernelConfig(int cpus, long memoryBytes, InputStream consoleIn, OutputStream consoleOut, OutputStream debugOut) {
        this(cpus, memoryBytes, consoleIn, consoleOut, debugOut, false);
    }

    /** Default machine: one hart per host core, 1 GiB, wired to this JVM's standard streams. */
    public static KernelConfig defaults() {
        return new KernelConfig(Runtime.getRuntime().availableProcessors(), DEFAULT_MEMORY,
                System.in, System.out, System.err, hostIsTerminal());
    }

    /** True when this JVM's standard streams are attached to a terminal. */
    public static boolean hostIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    public KernelConfig withCpus(int n) { return new KernelConfig(n, memoryBytes, consoleIn, consoleOut, debugOut, terminal); }
    public KernelConfig withMemory(long bytes) { return new KernelConfig(cpus, bytes, consoleIn, consoleOut, debugOut, terminal); }
}
