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
 */
public record KernelConfig(int cpus, long memoryBytes, InputStream consoleIn, OutputStream consoleOut,
                           OutputStream debugOut) {
    public static final long DEFAULT_MEMORY = 1L << 30;

    public KernelConfig {
        if (cpus < 1 || cpus > 256) throw new IllegalArgumentException("cpus must be 1..256, got " + cpus);
        if (memoryBytes < (16L << 20) || (memoryBytes & 0xFFF) != 0)
            throw new IllegalArgumentException("memory must be a multiple of 4 KiB and at least 16 MiB");
    }

    /** Default machine: one hart per host core, 1 GiB, wired to this JVM's standard streams. */
    public static KernelConfig defaults() {
        return new KernelConfig(Runtime.getRuntime().availableProcessors(), DEFAULT_MEMORY,
                System.in, System.out, System.err);
    }

    public KernelConfig withCpus(int n) { return new KernelConfig(n, memoryBytes, consoleIn, consoleOut, debugOut); }
    public KernelConfig withMemory(long bytes) { return new KernelConfig(cpus, bytes, consoleIn, consoleOut, debugOut); }
}
