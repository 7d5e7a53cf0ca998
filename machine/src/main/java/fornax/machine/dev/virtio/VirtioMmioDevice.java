package fornax.machine.dev.virtio;

import fornax.machine.dev.MmioDevice;
import fornax.machine.dev.Plic;
import fornax.machine.mem.PhysicalMemory;

/**
 * A virtio device behind the virtio-mmio transport, version 2 ("modern", virtio 1.2 §4.2.2).
 * Subclasses supply the device type: its ID, feature bits, queues, config space and what happens
 * when the driver notifies a queue; this class does the register file, status and feature
 * negotiation, queue configuration and the interrupt line.
 *
 * <pre>
 *   0x000 R  MagicValue        0x74726976 ("virt")      0x064 W  InterruptACK
 *   0x004 R  Version           2                        0x070 RW Status (write 0 = reset)
 *   0x008 R  DeviceID          0 = placeholder slot     0x080 W  QueueDescLow     0x084 High
 *   0x00c R  VendorID                                   0x090 W  QueueDriverLow   0x094 High (avail)
 *   0x010 R  DeviceFeatures    32 bits at Sel*32        0x0a0 W  QueueDeviceLow   0x0a4 High (used)
 *   0x014 W  DeviceFeaturesSel                          0x0ac W  SHMSel
 *   0x020 W  DriverFeatures    32 bits at Sel*32        0x0b0 R  SHMLenLow/High   (-1: no regions)
 *   0x024 W  DriverFeaturesSel                          0x0b8 R  SHMBaseLow/High
 *   0x030 W  QueueSel                                   0x0c0 RW QueueReset       (not offered: 0)
 *   0x034 R  QueueNumMax       0 = no such queue        0x0fc R  ConfigGeneration
 *   0x038 W  QueueNum                                   0x100 RW device-specific config space
 *   0x044 RW QueueReady
 *   0x050 W  QueueNotify       queue index
 *   0x060 R  InterruptStatus   bit 0 used buffer, bit 1 config change
 *
 *   Status bits: 1 ACKNOWLEDGE, 2 DRIVER, 4 DRIVER_OK, 8 FEATURES_OK, 0x40 DEVICE_NEEDS_RESET, 0x80 FAILED
 * </pre>
 *
 * Registers below 0x100 are 32 bits wide; other widths read 0 and writes are ignored. The device
 * offers {@link #F_VERSION_1} always (there is no legacy interface) and refuses FEATURES_OK unless
 * the driver accepted it, accepted nothing that was not offered, and {@link #acceptFeatures} agrees.
 * Queues run only between DRIVER_OK and reset.
 *
 * <p>Errors by the driver never escape a register access: a bad queue configuration or ring
 * ({@link Virtqueue.Malformed}) or a buffer the device cannot reach sets DEVICE_NEEDS_RESET, stops
 * the device and, once DRIVER_OK was set, raises a configuration-change interrupt (§2.1.2). The
 * reason is kept for {@link #fault()}; nothing is printed, because guest mistakes are not host
 * events. A fault during setup is signalled the same way when the driver then sets DRIVER_OK.
 *
 * <p>The interrupt line is level-triggered: it is high while InterruptStatus is non-zero.
 *
 * <p>Thread safety: every register, every queue and the subclass's device state are guarded by
 * {@code this}. Subclass hooks run with the monitor held; a device with its own worker threads
 * must synchronize on the device before touching a queue. Lock order: device → PLIC.
 */
public abstract class VirtioMmioDevice implements MmioDevice {
    public static final int MAGIC = 0x74726976, VERSION = 2;
    /** "FNXJ": the vendor ID is free-form; drivers match on the device ID. */
    public static final int VENDOR_ID = 0x4A584E46;
    public static final long WINDOW = 0x1000;

    // register offsets
    public static final int MAGIC_VALUE = 0x000, VERSION_REG = 0x004, DEVICE_ID = 0x008, VENDOR_ID_REG = 0x00c,
            DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014, DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024,
            QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
            INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070,
            QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094,
            QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4, SHM_SEL = 0x0ac, SHM_LEN_LOW = 0x0b0,
            SHM_LEN_HIGH = 0x0b4, SHM_BASE_LOW = 0x0b8, SHM_BASE_HIGH = 0x0bc, QUEUE_RESET = 0x0c0,
            CONFIG_GENERATION = 0x0fc, CONFIG = 0x100;

    // device status bits (§2.1)
    public static final int ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8,
            DEVICE_NEEDS_RESET = 0x40, FAILED = 0x80;
    // InterruptStatus bits
    public static final int INT_USED_BUFFER = 1, INT_CONFIG_CHANGE = 2;

    // transport / ring feature bits (§6)
    public static final long F_INDIRECT_DESC = 1L << 28, F_EVENT_IDX = 1L << 29, F_VERSION_1 = 1L << 32;

    private final String name;
    private final int deviceId;
    private final long deviceFeatures;
    private final Plic plic;
    private final int irq;
    private final Virtqueue[] queues;

    // guarded by this
    private int status;
    private int deviceFeaturesSel, driverFeaturesSel, queueSel;
    private long driverFeatures;
    private int interruptStatus;
    private int configGeneration;
    private String fault;

    /**
     * @param deviceId       virtio device type (§5); 0 for an empty slot
     * @param deviceFeatures device-specific and ring feature bits; VERSION_1 is added
     * @param queueSizes     maximum size of each queue (powers of two)
     */
    protected VirtioMmioDevice(String name, int deviceId, long deviceFeatures, PhysicalMemory ram, Plic plic, int irq,
                               int... queueSizes) {
        this.name = name;
        this.deviceId = deviceId;
        this.deviceFeatures = deviceFeatures | F_VERSION_1;
        this.plic = plic;
        this.irq = irq;
        this.queues = new Virtqueue[queueSizes.length];
        for (int i = 0; i < queueSizes.length; i++) queues[i] = new Virtqueue(ram, i, queueSizes[i]);
    }

    @Override public final String name() { return name; }
    @Override public final long size() { return WINDOW; }
    public final int deviceId() { return deviceId; }
    public final int irq() { return irq; }

    // ---------------------------------------------------------------- subclass hooks (monitor held)

    /** The driver notified queue {@code q} (the device is live and the queue ready). */
    protected abstract void queueNotified(Virtqueue q) throws Virtqueue.Malformed;

    /** Size of the device-specific config space at 0x100. */
    protected int configSize() { return 0; }
    /** Reads {@code width} bytes at {@code off} (inside {@link #configSize()}) of the config space. */
    protected long readConfig(int off, int width) { return 0; }
    /** A driver write into the config space; read-only by default. */
    protected void writeConfig(int off, int width, long value) { }
    /** Device-specific check of the features the driver accepted (already a subset of the offer). */
    protected boolean acceptFeatures(long features) { return true; }
    /** Device-specific part of a reset; the transport state is already cleared. */
    protected void onReset() { }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Features the driver accepted; meaningful once FEATURES_OK is set. */
    protected final synchronized long negotiatedFeatures() { return driverFeatures; }

    /** Interrupts the driver for chains pushed to {@code q}, unless it asked not to be (devices with worker threads). */
    protected final synchronized void signalUsed(Virtqueue q) {
        if (q.takeInterrupt()) raise(INT_USED_BUFFER);
    }

    /** The config space changed: new generation, and an interrupt once the driver is running. */
    protected final synchronized void configChanged() {
        configGeneration++;
        if ((status & DRIVER_OK) != 0) raise(INT_CONFIG_CHANGE);
    }

    /** Stops the device until the driver resets it (§2.1.2). */
    protected final synchronized void needsReset(String why) {
        if ((status & DEVICE_NEEDS_RESET) != 0) return;
        fault = why;
        status |= DEVICE_NEEDS_RESET;
        for (Virtqueue q : queues) q.disable();
        if ((status & DRIVER_OK) != 0) raise(INT_CONFIG_CHANGE);
    }

    /** Why the device last entered DEVICE_NEEDS_RESET, or null. Survives reset, for diagnosis. */
    public final synchronized String fault() { return fault; }

    private void raise(int bits) {
        interruptStatus |= bits;
        plic.setLine(irq, true);
    }

    private boolean live() { return (status & (DRIVER_OK | DEVICE_NEEDS_RESET)) == DRIVER_OK; }

    private Virtqueue selected() { return queueSel < queues.length ? queues[queueSel] : null; }

    // ---------------------------------------------------------------- registers

    @Override public final synchronized long read(long off, int width) {
        if (off >= CONFIG) {
            int c = (int) (off - CONFIG);
            return c + width <= configSize() ? readConfig(c, width) : 0;
        }
        if (width != 4) return 0;
        Virtqueue q = selected();
        return switch ((int) off) {
            case MAGIC_VALUE -> MAGIC;
            case VERSION_REG -> VERSION;
            case DEVICE_ID -> deviceId;
            case VENDOR_ID_REG -> VENDOR_ID & 0xFFFFFFFFL;
            case DEVICE_FEATURES -> deviceFeaturesSel < 2 ? deviceFeatures >>> (32 * deviceFeaturesSel) & 0xFFFFFFFFL : 0;
            case QUEUE_NUM_MAX -> q == null ? 0 : q.maxSize();
            case QUEUE_READY -> q != null && q.ready() ? 1 : 0;
            case INTERRUPT_STATUS -> interruptStatus;
            case STATUS -> status;
            case QUEUE_DESC_LOW -> q == null ? 0 : q.descAddr() & 0xFFFFFFFFL;
            case QUEUE_DESC_HIGH -> q == null ? 0 : q.descAddr() >>> 32;
            case QUEUE_DRIVER_LOW -> q == null ? 0 : q.driverAddr() & 0xFFFFFFFFL;
            case QUEUE_DRIVER_HIGH -> q == null ? 0 : q.driverAddr() >>> 32;
            case QUEUE_DEVICE_LOW -> q == null ? 0 : q.deviceAddr() & 0xFFFFFFFFL;
            case QUEUE_DEVICE_HIGH -> q == null ? 0 : q.deviceAddr() >>> 32;
            case SHM_LEN_LOW, SHM_LEN_HIGH -> 0xFFFFFFFFL;   // no shared memory regions
            case CONFIG_GENERATION -> configGeneration & 0xFFFFFFFFL;
            default -> 0;
        };
    }

    @Override public final synchronized void write(long off, int width, long value) {
        try {
            if (off >= CONFIG) {
                int c = (int) (off - CONFIG);
                if (c + width <= configSize()) writeConfig(c, width, value);
                return;
            }
            if (width == 4) writeRegister((int) off, (int) value);
        } catch (Virtqueue.Malformed e) {
            needsReset(e.getMessage());
        } catch (IllegalArgumentException e) {
            // PhysicalMemory's bounds check: a DMA the validation should have refused. Treat it as
            // the driver's fault rather than let it unwind into the guest's store instruction.
            needsReset("bus error: " + e.getMessage());
        }
    }

    private void writeRegister(int off, int v) throws Virtqueue.Malformed {
        Virtqueue q = selected();
        switch (off) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
            case DRIVER_FEATURES -> {
                // Features are fixed once FEATURES_OK is set (§3.1.1).
                if ((status & FEATURES_OK) == 0 && driverFeaturesSel < 2) {
                    int shift = 32 * driverFeaturesSel;
                    driverFeatures = driverFeatures & ~(0xFFFFFFFFL << shift) | (v & 0xFFFFFFFFL) << shift;
                }
            }
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
            case QUEUE_SEL -> queueSel = v;
            case QUEUE_NUM -> { if (q != null && !q.ready()) q.setSize(v); }
            case QUEUE_READY -> {
                if (q == null) return;
                if ((v & 1) == 0) q.disable();
                else if (!q.ready()) q.enable();
            }
            case QUEUE_DESC_LOW -> { if (q != null && !q.ready()) q.setDescAddr(low(q.descAddr(), v)); }
            case QUEUE_DESC_HIGH -> { if (q != null && !q.ready()) q.setDescAddr(high(q.descAddr(), v)); }
            case QUEUE_DRIVER_LOW -> { if (q != null && !q.ready()) q.setDriverAddr(low(q.driverAddr(), v)); }
            case QUEUE_DRIVER_HIGH -> { if (q != null && !q.ready()) q.setDriverAddr(high(q.driverAddr(), v)); }
            case QUEUE_DEVICE_LOW -> { if (q != null && !q.ready()) q.setDeviceAddr(low(q.deviceAddr(), v)); }
            case QUEUE_DEVICE_HIGH -> { if (q != null && !q.ready()) q.setDeviceAddr(high(q.deviceAddr(), v)); }
            case QUEUE_NOTIFY -> {
                int n = v & 0xFFFF;   // without NOTIFICATION_DATA the value is just the queue index
                if (live() && n < queues.length && queues[n].ready()) {
                    queueNotified(queues[n]);
                    if (queues[n].takeInterrupt()) raise(INT_USED_BUFFER);
                }
            }
            case INTERRUPT_ACK -> {
                interruptStatus &= ~v;
                if (interruptStatus == 0) plic.setLine(irq, false);
            }
            case STATUS -> writeStatus(v & 0xFF);
            default -> { }   // read-only registers, SHMSel, QueueReset (RING_RESET is not offered)
        }
    }

    private static long low(long old, int v) { return old & 0xFFFFFFFF00000000L | (v & 0xFFFFFFFFL); }
    private static long high(long old, int v) { return old & 0xFFFFFFFFL | (long) v << 32; }

    /**
     * The driver only ever adds status bits (§2.1.1); 0 resets. FEATURES_OK is kept only if the
     * negotiated set is acceptable, so the driver's read-back tells it whether negotiation
     * failed (§3.1.1 step 6). DRIVER_OK without FEATURES_OK is ignored.
     */
    private void writeStatus(int v) {
        if (v == 0) { reset(); return; }
        int add = v & ~status & (ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK | FAILED);
        if ((add & FEATURES_OK) != 0) {
            if (featuresAcceptable()) {
                for (Virtqueue q : queues) q.allowIndirect((driverFeatures & F_INDIRECT_DESC) != 0);
            } else {
                add &= ~FEATURES_OK;
            }
        }
        if ((add & DRIVER_OK) != 0 && ((status | add) & FEATURES_OK) == 0) add &= ~DRIVER_OK;
        status |= add;
        // A fault during setup (say, a bad queue) is reported as soon as the driver goes live, as a
        // fault after DRIVER_OK would be: drivers do not re-read Status after every register.
        if ((add & DRIVER_OK) != 0 && (status & DEVICE_NEEDS_RESET) != 0) raise(INT_CONFIG_CHANGE);
    }

    private boolean featuresAcceptable() {
        return (driverFeatures & ~deviceFeatures) == 0 && (driverFeatures & F_VERSION_1) != 0
                && acceptFeatures(driverFeatures);
    }

    /** Device reset (§2.4): back to the state at power-on, interrupt line low. */
    private void reset() {
        status = 0;
        deviceFeaturesSel = driverFeaturesSel = queueSel = 0;
        driverFeatures = 0;
        for (Virtqueue q : queues) q.reset();
        if (interruptStatus != 0) {
            interruptStatus = 0;
            plic.setLine(irq, false);
        }
        onReset();
    }
}
