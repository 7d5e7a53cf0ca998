package fornax.cli;

import fornax.kernel.ExecException;
import fornax.kernel.KernelConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fornax run -- CMD [ARGS...]}: boots a kernel on the root image (Debian's busybox) and
 * runs CMD in it as the first process; a single CMD with spaces runs through {@code /bin/sh -c}.
 * Builds the root image on first use.
 *
 * <p>{@code fornax run --container DIR [--memory SIZE] [--pids N] -- CMD}: no root image; CMD runs
 * in a container whose root is host folder DIR (see docs/containers.md), and {@code --memory} is
 * then the container's memory limit (the machine gets enough RAM for it), as docker's is.
 */
@Command(name = "run", description = "Boot the root image and run CMD in it (a CMD with spaces runs via /bin/sh -c).")
class RunCommand implements Callable<Integer> {
    @Option(names = "--cpus", paramLabel = "N", description = "Harts (default: host cores).")
    int cpus = Runtime.getRuntime().availableProcessors();

    @Option(names = "--memory", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Physical memory, e.g. 512M, 4G (default 1G); with --container, the container's memory limit.")
    Long memory;

    @Option(names = "--container", paramLabel = "DIR",
            description = "Run CMD in a container whose root is host folder DIR only, with its own /dev, /proc and pids.")
    Path container;

    @Option(names = "--pids", paramLabel = "N", description = "With --container: at most N processes and threads in it.")
    Long pids;

    @Option(names = "--image", paramLabel = "CPIO", description = "Root image (default: the one `fornax image` builds).")
    Path image;

    @Mixin VolumeOptions volumes;

    @Mixin ExportOptions exports;

    @Parameters(paramLabel = "CMD", description = "Command and arguments, after --.")
    List<String> command = new ArrayList<>();

    static final List<String> ENV = List.of("PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "USER=root",
            "LOGNAME=root", "SHELL=/bin/sh");

    @Override public Integer call() {
        if (command.isEmpty()) {
            Main.stderr.println("fornax: run needs a command, e.g. ./fornax run -- ls -l /bin");
            return 2;
        }
        List<String> argv = command.size() == 1 && command.getFirst().contains(" ")
                ? List.of("sh", "-c", command.getFirst()) : command;
        String path = argv.getFirst().contains("/") ? argv.getFirst()
                : argv.getFirst().equals("sh") && argv.size() > 1 && argv.get(1).equals("-c") ? "/bin/sh"
                : "/bin/" + argv.getFirst();
        List<VolumeOptions.Volume> vols = volumes.volumes();
        if (vols == null) return 2;
        List<ExportOptions.Export> exp = exports.exports();
        if (exp == null) return 2;
        if (container != null) {
            if (!exp.isEmpty()) {
                Main.stderr.println("fornax: --export does not apply to --container");
                return 2;
            }
            return container(vols, path, argv);
        }
        if (pids != null) {
            Main.stderr.println("fornax: --pids needs --container");
            return 2;
        }
        return boot(cpus, memory == null ? KernelConfig.DEFAULT_MEMORY : memory, image, vols, exp, path, argv, false);
    }

    /** Machine memory beyond a container's limit: page tables, kernel buffers, processes outside it. */
    private static final long CONTAINER_SLACK = 256L << 20;

    /** {@code --container DIR}: checks the options and the folder, boots, runs CMD in the container. */
    private int container(List<VolumeOptions.Volume> vols, String path, List<String> argv) {
        if (!vols.isEmpty() || image != null) {
            Main.stderr.println("fornax: --container runs without the root image: -v and --image do not apply");
            return 2;
        }
        if (pids != null && pids <= 0) {
            Main.stderr.println("fornax: --pids must be positive");
            return 2;
        }
        Path dir = container.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            Main.stderr.println("fornax: --container " + container + ": no such directory");
            return 2;
        }
        long limit = memory == null ? -1 : memory;
        long ram = memory == null ? KernelConfig.DEFAULT_MEMORY : Math.max(KernelConfig.DEFAULT_MEMORY, memory + CONTAINER_SLACK);
        List<String> env = new ArrayList<>(ENV);
        env.add("TERM=" + Main.hostTerm());
        try {
            return Main.withConsole(cpus, ram,
                    kernel -> kernel.runContainer(dir, path, argv, env, limit, pids == null ? -1 : pids));
        } catch (IllegalArgumentException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 2;
        } catch (ExecException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 127;
        }
    }

    /**
     * Boots on the root image (building it if needed), mounts the host volumes and runs
     * {@code path}; returns its status (2 if a volume cannot be mounted).
     */
    static int boot(int cpus, long memory, Path image, List<VolumeOptions.Volume> volumes, String path, List<String> argv) {
        return boot(cpus, memory, image, volumes, path, argv, false);
    }

    /** {@link #boot}, with pid 1 as the system's init ({@code fornax boot}) if {@code asInit}. */
    static int boot(int cpus, long memory, Path image, List<VolumeOptions.Volume> volumes, String path, List<String> argv,
                    boolean asInit) {
        return boot(cpus, memory, image, volumes, List.of(), path, argv, asInit);
    }

    /** {@link #boot}, serving {@code exports} over 9P while the guest runs. */
    static int boot(int cpus, long memory, Path image, List<VolumeOptions.Volume> volumes,
                    List<ExportOptions.Export> exports, String path, List<String> argv, boolean asInit) {
        Path root = image != null ? image : ImageCommand.defaultCache().resolve("rootfs.cpio");
        if (image == null && !Files.isRegularFile(root)) {
            Main.stderr.println("fornax: no root image yet; building it (./fornax image)...");
            PrintStream out = Main.stdout;
            Main.stdout = Main.stderr;           // the image command prints its path on stdout
            try {
                int rc = new CommandLine(new ImageCommand()).execute();
                if (rc != 0) return rc;
            } finally {
                Main.stdout = out;
            }
        }
        List<String> env = new ArrayList<>(ENV);
        env.add("TERM=" + Main.hostTerm());
        try {
            return Main.withConsole(cpus, memory, kernel -> {
                kernel.loadRootImage(root);
                if (asInit) kernel.treatFirstProcessAsInit();
                try {
                    VolumeOptions.mountAll(kernel, volumes);
                } catch (ExecException e) {
                    Main.stderr.println("fornax: " + e.getMessage());
                    return 2;
                }
                List<fornax.kernel.ninep.server.TcpExport> served = ExportOptions.startAll(kernel, exports);
                if (served == null) return 2;
                try {
                    return kernel.run(path, argv, env);
                } finally {
                    ExportOptions.closeAll(served);
                }
            });
        } catch (IllegalArgumentException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 2;
        } catch (ExecException e) {
            Main.stderr.println("fornax: " + e.getMessage());
            return 127;
        }
    }

}
