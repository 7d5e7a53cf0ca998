package fornax.kernel.dev.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A booted kernel finds the machine's virtio-rng and takes its randomness from it. */
class VirtioRngKernelTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Kernel kernel;

    @AfterEach
    void shutdown() {
        if (kernel != null) kernel.close();
    }

    private Kernel boot() {
        kernel = Kernel.boot(new KernelConfig(1, 64L << 20, InputStream.nullInputStream(), out, err));
        return kernel;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    @Test
    void bootAttachesTheRngAndItsBytesAreRandom() throws Exception {
        boot();
        VirtioRandom random = assertInstanceOf(VirtioRandom.class, kernel.random(), "random() is backed by the device");
        VirtioRngDriver rng = random.driver();
        assertEquals(fornax.machine.Machine.virtioBase(0), rng.transport().base());
        byte[] a = new byte[64], b = new byte[64];
        rng.read(a);
        rng.read(b);
        assertFalse(allZero(a), "first read is not all zero");
        assertFalse(allZero(b), "second read is not all zero");
        assertFalse(Arrays.equals(a, b), "two reads differ");
        assertTrue(random.usingDevice());
        kernel.close();
        assertEquals("", err.toString(StandardCharsets.UTF_8), "no kernel log for a healthy device");
    }

    @Test
    void readsLargerThanTheBounceFrameAreFilledThroughout() throws Exception {
        boot();
        VirtioRngDriver rng = ((VirtioRandom) kernel.random()).driver();
        byte[] big = new byte[3 * 4096 + 123];
        rng.read(big);
        // Each 4 KiB piece came from its own request; none may be left unfilled.
        for (int at = 0; at < big.length; at += 4096) {
            byte[] piece = Arrays.copyOfRange(big, at, Math.min(big.length, at + 4096));
            assertFalse(allZero(piece), "piece at " + at);
        }
        byte[] tail = Arrays.copyOfRange(big, big.length - 64, big.length);
        assertFalse(allZero(tail));
    }

    @Test
    void concurrentReadersAllGetBytes() throws Exception {
        boot();
        VirtioRandom random = (VirtioRandom) kernel.random();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    byte[] b = new byte[777];
                    random.nextBytes(b);
                    return b;
                }));
            }
            for (Future<byte[]> f : results) assertFalse(allZero(f.get()));
        } finally {
            pool.shutdown();
        }
        assertTrue(random.usingDevice(), "no request failed");
    }

    @Test
    void sysinfoStillPasses() throws Exception {
        boot();
        int status = kernel.exec(TestSupport.requireBinary("sysinfo"), List.of("sysinfo"), List.of());
        kernel.close();
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, () -> "stdout: " + o + "\nstderr: " + err);
        assertTrue(o.contains("getrandom(4096) = 4096"), o);
        assertTrue(o.contains("getrandom(64, GRND_NONBLOCK) = 64, not all zero: yes"), o);
        assertTrue(((VirtioRandom) kernel.random()).usingDevice());
    }
}
