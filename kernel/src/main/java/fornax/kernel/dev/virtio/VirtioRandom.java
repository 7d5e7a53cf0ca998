package fornax.kernel.dev.virtio;

import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * The kernel's {@link SecureRandom} when the machine has a virtio-rng: every byte comes from the
 * device (getrandom(2), AT_RANDOM). If the device fails (a timeout, DEVICE_NEEDS_RESET, a bad used
 * element) the failure is logged once, the device is reset and released, and from then on bytes
 * come from the host's default SecureRandom, which is what this object is underneath.
 *
 * <p>Only {@link #nextBytes} is overridden: SecureRandom derives every other draw (nextInt, ints,
 * ...) from it.
 *
 * <p>Thread safety: the driver serialises reads; {@code failed} is volatile and only ever goes
 * from false to true.
 */
public final class VirtioRandom extends SecureRandom {
    private final transient VirtioRngDriver rng;
    private final transient Consumer<String> log;
    private volatile boolean failed;

    /** @param log where the one line about a failed device goes (the kernel log) */
    public VirtioRandom(VirtioRngDriver rng, Consumer<String> log) {
        this.rng = rng;
        this.log = log;
    }

    public VirtioRngDriver driver() { return rng; }

    /** False once the device failed and the host's SecureRandom took over. */
    public boolean usingDevice() { return !failed; }

    @Override public void nextBytes(byte[] bytes) {
        if (!failed) {
            try {
                rng.read(bytes);
                return;
            } catch (VirtioException e) {
                fallBack(e.getMessage());
            }
        }
        super.nextBytes(bytes);
    }

    @Override public byte[] generateSeed(int numBytes) {
        byte[] seed = new byte[numBytes];
        nextBytes(seed);
        return seed;
    }

    private synchronized void fallBack(String why) {
        if (failed) return;
        failed = true;
        log.accept(why + "; using the host's SecureRandom from now on");
        rng.close();
    }
}
