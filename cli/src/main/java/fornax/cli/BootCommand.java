package fornax.cli;

import fornax.kernel.KernelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fornax boot}: boots the root image into an interactive busybox shell on the console.
 * The shell's exit (or {@code exit}) ends the JVM with its status.
 *
 * <p>The first process is a minimal init, {@code sh -c "setsid -c /bin/sh -l; exit $?"}: it starts
 * the login shell in a session of its own with the console as controlling terminal, and ends with
 * it. The shell is not itself pid 1 because Linux treats the children of init specially: a process
 * group whose only outside parent is init is orphaned, so ^Z would not stop a job and a background
 * read would fail with EIO instead of stopping; under a shell that is init's child, job control
 * behaves as on any Linux system.
 */
@Command(name = "boot", description = "Boot the root image into an interactive busybox shell.")
final class BootCommand implements Callable<Integer> {
    @Option(names = "--cpus", paramLabel = "N", description = "Harts (default: host cores).")
    int cpus = Runtime.getRuntime().availableProcessors();

    @Option(names = "--memory", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Physical memory, e.g. 512M, 4G (default 1G).")
    long memory = KernelConfig.DEFAULT_MEMORY;

    @Option(names = "--image", paramLabel = "CPIO", description = "Root image (default: the one `fornax image` builds).")
    Path image;

    @Mixin VolumeOptions volumes;

    @Mixin ExportOptions exports;

    /** The first process's script; {@code exit} keeps ash from exec'ing setsid in place of pid 1. */
    static final String INIT = "setsid -c /bin/sh -l; exit $?";

    @Override public Integer call() {
        List<VolumeOptions.Volume> vols = volumes.volumes();
        if (vols == null) return 2;
        List<ExportOptions.Export> exp = exports.exports();
        if (exp == null) return 2;
        return RunCommand.boot(cpus, memory, image, vols, exp, "/bin/sh", List.of("sh", "-c", INIT), true);
    }
}
