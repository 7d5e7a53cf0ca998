package fornax.cli;

import fornax.kernel.ExecException;
import fornax.kernel.KernelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fornax exec HOST_ELF [ARGS...]}: boot a kernel and run one host ELF as the first process. */
@Command(name = "exec", description = "Boot a kernel and run HOST_ELF as the first user process.")
final class ExecCommand implements Callable<Integer> {
    @Option(names = "--cpus", paramLabel = "N", description = "Harts (default: host cores).")
    int cpus = Runtime.getRuntime().availableProcessors();

    @Option(names = "--memory", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Physical memory, e.g. 512M, 4G (default 1G).")
    long memory = KernelConfig.DEFAULT_MEMORY;

    @Option(names = "--stats", description = "Print guest instructions, wall time and MIPS on stderr at exit.")
    boolean stats;

    @Mixin VolumeOptions volumes;

    @Parameters(index = "0", paramLabel = "HOST_ELF", description = "A static riscv64 Linux ELF on the host.")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments passed to the program.")
    List<String> args = new ArrayList<>();

    @Override public Integer call() {
        List<VolumeOptions.Volume> vols = volumes.volumes();
        if (vols == null) return 2;
        List<String> argv = new ArrayList<>();
        argv.add(program.toString());
        argv.addAll(args);
        List<String> envp = List.of("PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/tmp", "TERM=" + Main.hostTerm());
        try {
            return Main.withConsole(cpus, memory, kernel -> {
                try {
                    VolumeOptions.mountAll(kernel, vols);
                } catch (ExecException e) {
                    Main.stderr.println("fornax: " + e.getMessage());
                    return 2;
                }
                long start = System.nanoTime();
                int status = kernel.exec(program, argv, envp);
                if (stats) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    long insns = kernel.instructionsRetired();
                    Main.stderr.printf("fornax: %d instructions in %.3f s = %.1f MIPS%n", insns, secs, insns / secs / 1e6);
                    for (long[] call : kernel.syscalls().unimplementedCalls())
                        Main.stderr.printf("fornax: unimplemented syscall %d called %d times (ENOSYS)%n", call[0], call[1]);
                }
                return status;
            });
        } catch (IllegalArgumentException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 2;
        } catch (ExecException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 126;
        }
    }

}
