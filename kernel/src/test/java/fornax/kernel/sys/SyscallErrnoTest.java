package fornax.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad arguments get Linux's errno: userland/src/badargs2.c makes one bad argument at a time for
 * the implemented syscalls (NULL, kernel-half and unmapped pointers, closed and wrong descriptors,
 * unknown flags, negative lengths) and prints the errno of each; the expected output is what the
 * same program printed built natively on Linux 6.18 (see the program's header). Not qemu-riscv64:
 * it checks many pointers itself and answers differently from Linux.
 */
class SyscallErrnoTest {
    @Test
    void badArgumentsGetLinuxErrnos() throws Exception {
        Path bin = TestSupport.requireBinary("badargs2");
        String expected;
        try (InputStream in = SyscallErrnoTest.class.getResourceAsStream("badargs.expected")) {
            assertNotNull(in, "badargs.expected");
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Kernel kernel = Kernel.boot(new KernelConfig(1, 64L << 20, InputStream.nullInputStream(), out, err));
        int status;
        try {
            status = kernel.exec(bin, List.of("badargs2"), List.of());
        } finally {
            kernel.close();
        }
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
        assertEquals(0, status, () -> "stderr: " + err);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no kernel log line (an internal error would show here)");
    }
}
