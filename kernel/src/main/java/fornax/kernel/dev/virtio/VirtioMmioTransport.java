package fornax.kernel.dev.virtio;

import fornax.kernel.mm.FrameAllocator;
import fornax.machine.Machine;
import fornax.machine.dev.MmioBus;
import fornax.machine.dev.Plic;
import fornax.machine.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The driver side of the virtio-mmio transport, version 2 (virtio 1.2 §4.2.3): one device slot,
 * reached only through its registers on the MMIO bus.
 *
 * <pre>
 *   0x000 MagicValue "virt"   0x030 QueueSel        0x064 InterruptACK     0x0a0 QueueDeviceLow/High
 *   0x004 Version = 2         0x034 QueueNumMax     0x070 Status           0x0fc ConfigGeneration
 *   0x008 DeviceID            0x038 QueueNum        0x080 QueueDescLow/High 0x100 config space
 *   0x010 DeviceFeatures      0x044 QueueReady      0x090 QueueDriverLow/High
 *   0x014 DeviceFeaturesSel   0x050 QueueNotify
 *   0x020 DriverFeatures      0x060 InterruptStatus
 *   0x024 DriverFeaturesSel
 * </pre>
 *
 * Initialisation follows §3.1.1: {@link #negotiate} (reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK and its read-back), {@link #setupQueue} per queue, {@link #driverOk}. A legacy
 * (version 1) device is not driven: there is no legacy path here.
 *
 * <p>Interrupts: the device's PLIC source is enabled on context 0 (hart 0's S-mode context, which
 * the console driver uses too). Waiters block in {@link Plic#awaitPending} for at most a slice at a
 * time and then look at the used ring themselves, so whoever claims a source at the PLIC, no
 * completion is missed; the interrupt only saves polling.
 *
 * <p>Thread safety: setup ({@link #negotiate} to {@link #driverOk}) runs on one thread before the
 * transport is shared. Afterwards the registers are used for notify, interrupt acknowledge and
 * status reads, each a single access that the device serialises; {@code queues} is guarded by
 * {@code this}.
 */
public final class VirtioMmioTransport {
    static final int MAGIC = 0x74726976, VERSION = 2;
    static final int MAGIC_VALUE = 0x000, VERSION_REG = 0x004, DEVICE_ID = 0x008, DEVICE_FEATURES = 0x010,
            DEVICE_FEATURES_SEL = 0x014, DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030,
            QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
            INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070, QUEUE_DESC_LOW = 0x080,
            QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094, QUEUE_DEVICE_LOW = 0x0a0,
            QUEUE_DEVICE_HIGH = 0x0a4, CONFIG_GENERATION = 0x0fc, CONFIG = 0x100;
    public static final int ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8,
            DEVICE_NEEDS_RESET = 0x40, FAILED = 0x80;
    public static final long F_INDIRECT_DESC = 1L << 28, F_EVENT_IDX = 1L << 29, F_VERSION_1 = 1L << 32;

    /** The PLIC context drivers wait on (hart 0, S-mode). */
    private static final int PLIC_CONTEXT = 0;
    private static final long WAIT_SLICE_NANOS = 10_000_000L;
    /** Pause when the PLIC woke us for another device's source, so a line held high elsewhere is no spin. */
    private static final long OTHER_SOURCE_PAUSE_NANOS = 200_000L;
    /** How long a reset may take to read back as 0 (§4.2.3.1: the driver waits for it). */
    private static final long RESET_TIMEOUT_NANOS = 100_000_000L;

    private final MmioBus bus;
    private final PhysicalMemory ram;
    private final Plic plic;
    private final long plicBase;
    private final long base;
    private final int irq;
    private final int deviceId;
    private final String name;
    private final List<DriverQueue> queues = new ArrayList<>();   // guarded by this

    private VirtioMmioTransport(MmioBus bus, PhysicalMemory ram, Plic plic, long plicBase, long base, int irq, int deviceId) {
        this.bus = bus;
        this.ram = ram;
        this.plic = plic;
        this.plicBase = plicBase;
        this.base = base;
        this.irq = irq;
        this.deviceId = deviceId;
        this.name = String.format("virtio-mmio@%#x (device %d)", base, deviceId);
    }

    /**
     * Looks at the slot at {@code base}: returns a transport if a version 2 virtio-mmio device with a
     * non-zero device ID answers there, null for an empty slot, no device, or a legacy device.
     */
    public static VirtioMmioTransport probe(MmioBus bus, PhysicalMemory ram, Plic plic, long plicBase, long base, int irq) {
        try {
            if (bus.read32(base + MAGIC_VALUE) != MAGIC || bus.read32(base + VERSION_REG) != VERSION) return null;
            int id = bus.read32(base + DEVICE_ID);
            return id == 0 ? null : new VirtioMmioTransport(bus, ram, plic, plicBase, base, irq, id);
        } catch (MmioBus.BusError e) {
            return null;
        }
    }

    /** Probes virtio-mmio slot {@code slot} of {@code machine}. */
    public static VirtioMmioTransport probe(Machine machine, int slot) {
        return probe(machine.bus(), machine.ram(), machine.plic(), Machine.PLIC_BASE, Machine.virtioBase(slot),
                Machine.virtioIrq(slot));
    }

    public int deviceId() { return deviceId; }
    public long base() { return base; }
    public int irq() { return irq; }
    PhysicalMemory ram() { return ram; }
    @Override public String toString() { return name; }

    int read(int off) { return bus.read32(base + off); }
    void write(int off, long v) { bus.write32(base + off, (int) v); }

    public int status() { return read(STATUS); }
    public boolean needsReset() { return (status() & DEVICE_NEEDS_RESET) != 0; }
    private void addStatus(int bits) { write(STATUS, status() | bits); }

    /**
     * Resets the device and brings it to FEATURES_OK having accepted VERSION_1 plus whatever of
     * {@code wanted} the device offers. Returns the accepted set. On refusal the device is marked
     * FAILED and a VirtioException says why.
     */
    public long negotiate(long wanted) throws VirtioException {
        reset();
        addStatus(ACKNOWLEDGE);
        addStatus(DRIVER);
        write(DEVICE_FEATURES_SEL, 0);
        long offered = read(DEVICE_FEATURES) & 0xFFFFFFFFL;
        write(DEVICE_FEATURES_SEL, 1);
        offered |= (long) read(DEVICE_FEATURES) << 32;
        if ((offered & F_VERSION_1) == 0) throw fail("does not offer VERSION_1");
        long accepted = offered & (wanted | F_VERSION_1);
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, accepted);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, accepted >>> 32);
        addStatus(FEATURES_OK);
        if ((status() & FEATURES_OK) == 0) throw fail(String.format("refused features %#x", accepted));
        return accepted;
    }

    /**
     * Sets up queue {@code index} with at most {@code wantedSize} entries (the device may offer
     * fewer), its rings in frames from {@code frames}, and marks it ready.
     */
    public DriverQueue setupQueue(int index, int wantedSize, FrameAllocator frames) throws VirtioException {
        write(QUEUE_SEL, index);
        if (read(QUEUE_READY) != 0) throw fail("queue " + index + " is already in use");
        int max = read(QUEUE_NUM_MAX);
        if (max == 0) throw fail("has no queue " + index);
        int size = Integer.highestOneBit(Math.min(Math.min(max, wantedSize), DriverQueue.MAX_SIZE));
        DriverQueue q = DriverQueue.allocate(this, index, size, frames);
        write(QUEUE_NUM, size);
        write(QUEUE_DESC_LOW, q.descAddr());
        write(QUEUE_DESC_HIGH, q.descAddr() >>> 32);
        write(QUEUE_DRIVER_LOW, q.availAddr());
        write(QUEUE_DRIVER_HIGH, q.availAddr() >>> 32);
        write(QUEUE_DEVICE_LOW, q.usedAddr());
        write(QUEUE_DEVICE_HIGH, q.usedAddr() >>> 32);
        write(QUEUE_READY, 1);
        if (read(QUEUE_READY) != 1 || needsReset()) {
            q.release(frames);
            throw fail("did not accept queue " + index);
        }
        synchronized (this) { queues.add(q); }
        return q;
    }

    /** Sets DRIVER_OK: the device is live. Enables its interrupt source on the PLIC. */
    public void driverOk() throws VirtioException {
        bus.write32(plicBase + 4L * irq, 1);                                       // priority 1
        long enable = plicBase + 0x2000 + 0x80L * PLIC_CONTEXT + (irq / 32) * 4L;
        bus.write32(enable, bus.read32(enable) | 1 << (irq % 32));
        addStatus(DRIVER_OK);
        int s = status();
        if ((s & DEVICE_NEEDS_RESET) != 0 || (s & DRIVER_OK) == 0) throw fail("did not go live (status " + s + ")");
    }

    /**
     * Resets the device: it forgets its queues and stops using their memory, and the interrupt
     * line drops. Only then may the queues' frames be reused ({@link #shutdown}).
     */
    public void reset() throws VirtioException {
        write(STATUS, 0);
        long deadline = System.nanoTime() + RESET_TIMEOUT_NANOS;
        while (read(STATUS) != 0) {
            if (System.nanoTime() - deadline > 0) throw new VirtioException(name + ": reset did not complete");
            Thread.onSpinWait();
        }
    }

    /** Resets the device and returns every queue's frames to {@code frames}. */
    public void shutdown(FrameAllocator frames) {
        try {
            reset();
        } catch (VirtioException e) {
            // A device that will not reset may still write to its rings: keep their frames.
            return;
        }
        synchronized (this) {
            for (DriverQueue q : queues) q.release(frames);
            queues.clear();
        }
    }

    /** Reads {@code width} (1, 2, 4 or 8) bytes of device config space at {@code off}. */
    public long readConfig(int off, int width) { return bus.read(base + CONFIG + off, width); }
    public int configGeneration() { return read(CONFIG_GENERATION); }

    private VirtioException fail(String why) {
        write(STATUS, status() | FAILED);
        return new VirtioException(name + ": " + why);
    }

    // ---------------------------------------------------------------- used by DriverQueue

    void notifyQueue(int index) { write(QUEUE_NOTIFY, index); }

    /** Acknowledges whatever the device has signalled, lowering its line; returns the bits. */
    int acknowledgeInterrupt() {
        int bits = read(INTERRUPT_STATUS);
        if (bits != 0) write(INTERRUPT_ACK, bits);
        return bits;
    }

    /**
     * Blocks until this device may have signalled or {@code nanos} (at most one slice) pass. The
     * caller re-checks its ring either way, so returning early is harmless; returning late is
     * bounded by the slice.
     */
    void awaitInterrupt(long nanos) throws VirtioException {
        long slice = Math.min(nanos, WAIT_SLICE_NANOS);
        try {
            if (!plic.awaitPending(PLIC_CONTEXT, Math.max(1, slice / 1_000_000))) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VirtioException(name + ": interrupted while waiting for the device");
        }
        int pending = bus.read32(plicBase + 0x1000 + 4L * (irq / 32));
        if ((pending & 1 << (irq % 32)) == 0) LockSupport.parkNanos(Math.min(slice, OTHER_SOURCE_PAUSE_NANOS));
    }

    String name() { return name; }
}
