package fornax.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Shared helpers for kernel tests: where the repository and the userland binaries are. */
public final class TestSupport {
    private TestSupport() { }

    /**
     * Repository root: system property {@code fornax.root} if set, else the parent of the kernel
     * module's basedir (surefire's {@code basedir} property, or the working directory).
     */
    public static Path root() {
        String r = System.getProperty("fornax.root");
        if (r != null && !r.isEmpty()) return Path.of(r).toAbsolutePath().normalize();
        String basedir = System.getProperty("basedir");
        Path start = Path.of(basedir != null && !basedir.isEmpty() ? basedir : "").toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("kernel").resolve("pom.xml")) && Files.isDirectory(p.resolve("userland")))
                return p;
        }
        return start.getParent() != null ? start.getParent() : start;
    }

    public static Path userlandBinary(String name) {
        return root().resolve("userland").resolve("build").resolve(name);
    }

    /**
     * The userland binary {@code name}. When it has not been built the test is skipped, except in
     * CI (environment CI set), where a missing binary is a failure: a green run must have run.
     */
    public static Path requireBinary(String name) {
        Path p = userlandBinary(name);
        String why = "userland binary " + p + " is missing: build it with 'make -C userland'";
        if (System.getenv("CI") != null) org.junit.jupiter.api.Assertions.assertTrue(Files.isRegularFile(p), why);
        assumeTrue(Files.isRegularFile(p), why);
        return p;
    }
}
