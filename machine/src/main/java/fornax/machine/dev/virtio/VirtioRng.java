package fornax.machine.dev.virtio;

import fornax.machine.dev.Plic;
import fornax.machine.mem.PhysicalMemory;
import java.security.SecureRandom;

/**
 * virtio-rng, the entropy device (virtio 1.2 §5.4): device ID 4, one queue ("requestq"), no
 * feature bits, no config space. Each chain the driver makes available gets its device-writable
 * buffers filled with bytes from the host's {@link SecureRandom}; the used length says how many.
 *
 * <p>The work is done in the notifying thread, inside the QueueNotify write, so a request is
 * complete (and the interrupt raised) by the time the driver's store returns. Per chain at most
 * {@link #MAX_PER_CHAIN} bytes are produced, so one notify costs bounded time whatever the driver
 * asks for; the spec lets the device fill less than the buffer.
 *
 * <p>Thread safety: guarded by {@code this}, like every {@link VirtioMmioDevice}.
 */
public final class VirtioRng extends VirtioMmioDevice {
    public static final int DEVICE_ID = 4;
    public static final int QUEUE_SIZE = 64;
    public static final int MAX_PER_CHAIN = 64 * 1024;

    private SecureRandom random;   // guarded by this; created on first use, seeding costs time at boot

    public VirtioRng(String name, PhysicalMemory ram, Plic plic, int irq) {
        super(name, DEVICE_ID, F_INDIRECT_DESC, ram, plic, irq, QUEUE_SIZE);
    }

    @Override protected void queueNotified(Virtqueue q) throws Virtqueue.Malformed {
        if (random == null) random = new SecureRandom();
        for (Virtqueue.Chain c; (c = q.pop()) != null; ) {
            int n = (int) Math.min(c.writableLength(), MAX_PER_CHAIN);
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            c.write(0, bytes, 0, n);
            q.push(c, n);
        }
    }
}
