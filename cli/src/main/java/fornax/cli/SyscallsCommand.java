package fornax.cli;

import fornax.kernel.sys.SyscallTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fornax syscalls}: the compatibility table, generated from the kernel's syscall table. */
@Command(name = "syscalls", description = "Print (or write) the syscall compatibility table as Markdown.")
final class SyscallsCommand implements Callable<Integer> {
    @Option(names = "--write", paramLabel = "FILE", description = "Write to FILE (e.g. docs/syscalls.md) instead of stdout.")
    Path out;

    @Override public Integer call() {
        String md = new SyscallTable().markdown();
        if (out == null) {
            Main.stdout.print(md);
            return 0;
        }
        try {
            Files.writeString(out, md, StandardCharsets.UTF_8);
            return 0;
        } catch (IOException e) {
            Main.stderr.println("fornax: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
    }
}
