package fornax.kernel.dev.virtio;

import fornax.kernel.mm.FrameAllocator;
import fornax.machine.mem.PhysicalMemory;

/**
 * Driver for virtio-rng (device ID 4, virtio 1.2 §5.4): one queue; each request is a single
 * device-writable buffer the device fills with entropy, reporting how much in the used length.
 *
 * <p>Requests go through one bounce frame owned by the driver: the caller's array lives in the
 * JVM heap, not in guest RAM, so the device writes the frame and the driver copies out. A read
 * larger than a frame is a series of requests. Each waits at most {@link #TIMEOUT_NANOS}.
 *
 * <p>Thread safety: {@link #read} and {@link #close} are serialised on {@code this}, which guards
 * the bounce frame and {@code closed}. After any failure the driver is closed (device reset,
 * frames freed) and reads fail; {@link VirtioRandom} then falls back to the host.
 */
public final class VirtioRngDriver {
    public static final int DEVICE_ID = 4;
    static final int QUEUE_SIZE = 8;
    static final long TIMEOUT_NANOS = 5_000_000_000L;
    /** Empty completions tolerated in a row before the device is declared broken. */
    private static final int MAX_EMPTY = 16;

    private final VirtioMmioTransport transport;
    private final FrameAllocator frames;
    private final PhysicalMemory ram;
    private final DriverQueue queue;
    private final long bounce;
    private boolean closed;   // guarded by this

    private VirtioRngDriver(VirtioMmioTransport transport, FrameAllocator frames, DriverQueue queue, long bounce) {
        this.transport = transport;
        this.frames = frames;
        this.ram = transport.ram();
        this.queue = queue;
        this.bounce = bounce;
    }

    /**
     * Initialises the entropy device behind {@code transport}: VERSION_1 only (no indirect
     * descriptors: a request is one buffer), queue 0, DRIVER_OK. On failure the device is left
     * reset and nothing is allocated.
     */
    public static VirtioRngDriver attach(VirtioMmioTransport transport, FrameAllocator frames) throws VirtioException {
        if (transport.deviceId() != DEVICE_ID)
            throw new IllegalArgumentException(transport + " is not an entropy device");
        long bounce = -1;
        try {
            transport.negotiate(0);
            DriverQueue q = transport.setupQueue(0, QUEUE_SIZE, frames);
            bounce = frames.allocZeroed();
            transport.driverOk();
            return new VirtioRngDriver(transport, frames, q, bounce);
        } catch (VirtioException | RuntimeException e) {
            transport.shutdown(frames);
            if (bounce != -1) frames.free(bounce);
            throw e;
        }
    }

    public VirtioMmioTransport transport() { return transport; }

    /** Fills {@code dst} with bytes from the device. */
    public void read(byte[] dst) throws VirtioException { read(dst, 0, dst.length); }

    /**
     * Fills {@code dst[off, off+len)} with bytes from the device. A failure closes the driver: a
     * request that timed out may still be in flight, and its bounce frame must not be reused.
     */
    public synchronized void read(byte[] dst, int off, int len) throws VirtioException {
        if (closed) throw new VirtioException(transport + ": driver closed");
        try {
            fill(dst, off, len);
        } catch (VirtioException e) {
            close();
            throw e;
        }
    }

    private void fill(byte[] dst, int off, int len) throws VirtioException {
        int empty = 0;
        while (len > 0) {
            int n = Math.min(len, FrameAllocator.PAGE);
            int got = queue.transfer(TIMEOUT_NANOS, DriverQueue.Buffer.writable(bounce, n));
            if (got == 0) {
                if (++empty > MAX_EMPTY) throw new VirtioException(transport + ": device returns no entropy");
                continue;
            }
            empty = 0;
            ram.read(bounce, dst, off, got);
            off += got;
            len -= got;
        }
    }

    /** Resets the device and frees the driver's frames; further reads fail. */
    public synchronized void close() {
        if (closed) return;
        closed = true;
        transport.shutdown(frames);
        frames.free(bounce);
    }
}
