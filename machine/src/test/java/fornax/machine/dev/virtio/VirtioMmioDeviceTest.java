package fornax.machine.dev.virtio;

import static fornax.machine.dev.virtio.VirtioMmioDevice.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.Machine;
import fornax.machine.dev.MmioBus;
import fornax.machine.dev.Plic;
import fornax.machine.mem.PhysicalMemory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The virtio-mmio transport and split virtqueues, driven the way a driver would: 32-bit register
 * accesses and rings written into emulated RAM. Most tests use a bare device, RAM and PLIC; the
 * round trip goes through a whole {@link Machine} and its bus at slot 0.
 */
class VirtioMmioDeviceTest {
    private static final long RAM = 0x8000_0000L;
    private static final int IRQ = 1;
    // Where the tests put the rings and buffers (all inside the 1 MiB of test RAM).
    private static final long DESC = RAM + 0x1000, AVAIL = RAM + 0x2000, USED = RAM + 0x3000,
            INDIRECT = RAM + 0x4000, BUF = RAM + 0x10000;

    private final PhysicalMemory ram = new PhysicalMemory(RAM, 1 << 20);
    private final Plic plic = new Plic(1, ctx -> { });
    private VirtioRng dev = new VirtioRng("virtio-rng", ram, plic, IRQ);
    private Machine machine;

    /** 32-bit register access to the device under test: the bare device, or a machine's bus. */
    private interface Registers {
        long read(int off);
        void write(int off, long value);
    }

    private Registers regs = new Registers() {
        @Override public long read(int off) { return dev.read(off, 4); }
        @Override public void write(int off, long v) { dev.write(off, 4, v & 0xFFFFFFFFL); }
    };

    @AfterEach
    void close() {
        if (machine != null) machine.close();
    }

    private int r(int off) { return (int) regs.read(off); }
    private void w(int off, long v) { regs.write(off, v); }

    private boolean lineHigh() { return (plic.read(0x1000, 4) & (1L << IRQ)) != 0; }

    /** Status handshake up to FEATURES_OK with {@code features}; returns the status read back. */
    private int negotiate(long features) {
        w(STATUS, 0);
        w(STATUS, ACKNOWLEDGE);
        w(STATUS, ACKNOWLEDGE | DRIVER);
        w(DRIVER_FEATURES_SEL, 0);
        w(DRIVER_FEATURES, features);
        w(DRIVER_FEATURES_SEL, 1);
        w(DRIVER_FEATURES, features >>> 32);
        w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        return r(STATUS);
    }

    /** Configures queue 0 with {@code size} entries at the test's ring addresses and sets it ready. */
    private void setupQueue(int size) {
        w(QUEUE_SEL, 0);
        w(QUEUE_NUM, size);
        w(QUEUE_DESC_LOW, DESC);
        w(QUEUE_DESC_HIGH, DESC >>> 32);
        w(QUEUE_DRIVER_LOW, AVAIL);
        w(QUEUE_DRIVER_HIGH, AVAIL >>> 32);
        w(QUEUE_DEVICE_LOW, USED);
        w(QUEUE_DEVICE_HIGH, USED >>> 32);
        w(QUEUE_READY, 1);
    }

    /** A live device: VERSION_1 (+ extra) negotiated, queue 0 of 8 ready, DRIVER_OK. */
    private void start(long extraFeatures) {
        assertTrue((negotiate(F_VERSION_1 | extraFeatures) & FEATURES_OK) != 0);
        setupQueue(8);
        w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK, r(STATUS));
    }

    private void desc(long table, int i, long addr, int len, int flags, int next) {
        ram.write64(table + 16L * i, addr);
        ram.write64(table + 16L * i + 8, (len & 0xFFFFFFFFL) | (long) flags << 32 | (long) next << 48);
    }

    private void write16(long pa, int v) {
        ram.write8(pa, (byte) v);
        ram.write8(pa + 1, (byte) (v >>> 8));
    }

    private int read16(long pa) { return ram.read8(pa) & 0xFF | (ram.read8(pa + 1) & 0xFF) << 8; }

    /** Makes {@code heads} available after the ones already published ({@code from} of them). */
    private void publish(int from, int size, int... heads) {
        for (int k = 0; k < heads.length; k++) write16(AVAIL + 4 + 2L * ((from + k) % size), heads[k]);
        write16(AVAIL + 2, from + heads.length);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private byte[] bytes(long pa, int n) {
        byte[] b = new byte[n];
        ram.read(pa, b, 0, n);
        return b;
    }

    // ---------------------------------------------------------------- registers

    @Test
    void identifiesAsVirtioMmioVersion2Rng() {
        assertEquals(0x74726976, r(MAGIC_VALUE));
        assertEquals(2, r(VERSION_REG));
        assertEquals(4, r(DEVICE_ID));
        assertEquals(VENDOR_ID, r(VENDOR_ID_REG));
        w(QUEUE_SEL, 0);
        assertEquals(VirtioRng.QUEUE_SIZE, r(QUEUE_NUM_MAX));
        w(QUEUE_SEL, 1);
        assertEquals(0, r(QUEUE_NUM_MAX), "the rng has one queue");
        assertEquals(0, r(STATUS));
        assertEquals(0, r(QUEUE_READY));
        assertEquals(-1, r(SHM_LEN_LOW), "no shared memory regions");
        assertEquals(0, dev.read(DEVICE_ID, 1), "registers are 32 bits wide; other widths read 0");
    }

    @Test
    void placeholderSlotAnswersWithDeviceIdZero() {
        VirtioPlaceholder empty = new VirtioPlaceholder("virtio1", ram, plic, 2);
        assertEquals(MAGIC, (int) empty.read(MAGIC_VALUE, 4));
        assertEquals(VERSION, (int) empty.read(VERSION_REG, 4));
        assertEquals(0, (int) empty.read(DEVICE_ID, 4));
        assertEquals(0, (int) empty.read(QUEUE_NUM_MAX, 4));
    }

    @Test
    void offersVersion1AndIndirectDescriptors() {
        w(DEVICE_FEATURES_SEL, 0);
        assertEquals((int) F_INDIRECT_DESC, r(DEVICE_FEATURES), "low word: INDIRECT_DESC only (no EVENT_IDX)");
        w(DEVICE_FEATURES_SEL, 1);
        assertEquals(1, r(DEVICE_FEATURES), "high word: VERSION_1 (bit 32)");
        w(DEVICE_FEATURES_SEL, 2);
        assertEquals(0, r(DEVICE_FEATURES));
    }

    @Test
    void featuresOkIsRefusedWithoutVersion1() {
        int status = negotiate(0);
        assertEquals(ACKNOWLEDGE | DRIVER, status, "FEATURES_OK must not stick when VERSION_1 is not accepted");
        w(STATUS, status | DRIVER_OK);
        assertEquals(ACKNOWLEDGE | DRIVER, r(STATUS), "DRIVER_OK without FEATURES_OK is ignored");
    }

    @Test
    void featuresOkIsRefusedForFeaturesNotOffered() {
        assertEquals(ACKNOWLEDGE | DRIVER, negotiate(F_VERSION_1 | F_EVENT_IDX));
        assertEquals(ACKNOWLEDGE | DRIVER, negotiate(F_VERSION_1 | 1L << 40));
    }

    @Test
    void featuresOkIsAcceptedForASubsetWithVersion1() {
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK, negotiate(F_VERSION_1));
        assertEquals(F_VERSION_1, dev.negotiatedFeatures());
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK, negotiate(F_VERSION_1 | F_INDIRECT_DESC));
        // Once FEATURES_OK is set the accepted features are fixed.
        w(DRIVER_FEATURES_SEL, 1);
        w(DRIVER_FEATURES, 0);
        assertEquals(F_VERSION_1 | F_INDIRECT_DESC, dev.negotiatedFeatures());
    }

    @Test
    void resetClearsEverything() {
        start(0);
        desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE, 0);
        publish(0, 8, 0);
        w(QUEUE_NOTIFY, 0);
        assertEquals(INT_USED_BUFFER, r(INTERRUPT_STATUS));
        assertTrue(lineHigh());

        w(STATUS, 0);
        assertEquals(0, r(STATUS));
        assertEquals(0, r(INTERRUPT_STATUS));
        assertFalse(lineHigh(), "reset lowers the interrupt line");
        w(QUEUE_SEL, 0);
        assertEquals(0, r(QUEUE_READY));
        assertEquals(0, r(QUEUE_DESC_LOW));
        assertEquals(0, r(QUEUE_DRIVER_LOW));
        assertEquals(0, r(QUEUE_DEVICE_LOW));
        assertEquals(0, dev.negotiatedFeatures());

        // And the device works again from scratch, with its indices back at 0.
        ram.zero(USED, 0x1000);
        start(0);
        publish(0, 8, 0);
        w(QUEUE_NOTIFY, 0);
        assertEquals(1, read16(USED + 2));
    }

    @Test
    void queueRegistersAreFixedWhileReady() {
        start(0);
        w(QUEUE_DESC_LOW, RAM + 0x8000);
        assertEquals((int) DESC, r(QUEUE_DESC_LOW));
        w(QUEUE_READY, 0);
        assertEquals(0, r(QUEUE_READY));
        w(QUEUE_DESC_LOW, RAM + 0x8000);
        assertEquals((int) (RAM + 0x8000), r(QUEUE_DESC_LOW));
    }

    // ---------------------------------------------------------------- the virtqueue

    @Test
    void roundTripThroughTheMachineBus() {
        machine = new Machine(new Machine.Config(1, 4L << 20, InputStream.nullInputStream(),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        MmioBus bus = machine.bus();
        long base = Machine.virtioBase(0);
        PhysicalMemory mram = machine.ram();
        regs = new Registers() {
            @Override public long read(int off) { return bus.read32(base + off) & 0xFFFFFFFFL; }
            @Override public void write(int off, long v) { bus.write32(base + off, (int) v); }
        };
        assertEquals(VirtioRng.DEVICE_ID, r(DEVICE_ID));
        for (int slot = 1; slot < Machine.VIRTIO_SLOTS; slot++)
            assertEquals(0, bus.read32(Machine.virtioBase(slot) + DEVICE_ID), "slot " + slot + " is empty");

        // The rings, as a driver lays them out: two chains, the second one readable + 2 writable.
        desc2(mram, 0, BUF, 32, Virtqueue.DESC_F_WRITE, 0);
        desc2(mram, 1, BUF + 0x100, 8, Virtqueue.DESC_F_NEXT, 2);
        desc2(mram, 2, BUF + 0x200, 16, Virtqueue.DESC_F_NEXT | Virtqueue.DESC_F_WRITE, 3);
        desc2(mram, 3, BUF + 0x300, 48, Virtqueue.DESC_F_WRITE, 0);
        mram.write64(AVAIL, 0);
        mram.write(AVAIL + 4, new byte[] {0, 0, 1, 0}, 0, 4);       // ring[0] = 0, ring[1] = 1
        mram.write(AVAIL + 2, new byte[] {2, 0}, 0, 2);             // idx = 2

        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK, negotiate(F_VERSION_1));
        setupQueue(8);
        w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        // Enable the source on context 0 so the PLIC shows it pending.
        bus.write32(Machine.PLIC_BASE + 4L * Machine.virtioIrq(0), 1);
        bus.write32(Machine.PLIC_BASE + 0x2000, 1 << Machine.virtioIrq(0));
        w(QUEUE_NOTIFY, 0);

        int usedIdx = mram.read32(USED) >>> 16;
        assertEquals(2, usedIdx);
        assertEquals(0, mram.read32(USED + 4), "used[0].id");
        assertEquals(32, mram.read32(USED + 8), "used[0].len");
        assertEquals(1, mram.read32(USED + 12), "used[1].id");
        assertEquals(64, mram.read32(USED + 16), "used[1].len: both writable buffers, not the readable one");
        byte[] a = new byte[32], b = new byte[16], c = new byte[48], header = new byte[8];
        mram.read(BUF, a, 0, 32);
        mram.read(BUF + 0x200, b, 0, 16);
        mram.read(BUF + 0x300, c, 0, 48);
        mram.read(BUF + 0x100, header, 0, 8);
        assertFalse(allZero(a) || allZero(b) || allZero(c), "device-writable buffers are filled");
        assertTrue(allZero(header), "the device-readable buffer is left alone");

        assertEquals(INT_USED_BUFFER, r(INTERRUPT_STATUS));
        assertTrue((bus.read32(Machine.PLIC_BASE + 0x1000) & 1 << Machine.virtioIrq(0)) != 0, "PLIC source 1 pending");
        assertEquals(Machine.virtioIrq(0), bus.read32(Machine.PLIC_BASE + 0x200004), "claim");
        w(INTERRUPT_ACK, INT_USED_BUFFER);
        bus.write32(Machine.PLIC_BASE + 0x200004, Machine.virtioIrq(0));
        assertEquals(0, r(INTERRUPT_STATUS));
        assertEquals(0, bus.read32(Machine.PLIC_BASE + 0x1000) & 1 << Machine.virtioIrq(0), "acked: line low");
    }

    private static void desc2(PhysicalMemory m, int i, long addr, int len, int flags, int next) {
        m.write64(DESC + 16L * i, addr);
        m.write64(DESC + 16L * i + 8, (len & 0xFFFFFFFFL) | (long) flags << 32 | (long) next << 48);
    }

    @Test
    void ringSlotsAreReusedAndEachBufferGetsFreshBytes() {
        start(0);
        // 20 requests through a queue of 8 reuse every ring slot twice (the 16-bit wrap is tested below).
        byte[] previous = null;
        for (int k = 0; k < 20; k++) {
            int d = k % 8;
            desc(DESC, d, BUF + 64L * d, 64, Virtqueue.DESC_F_WRITE, 0);
            publish(k, 8, d);
            w(QUEUE_NOTIFY, 0);
            assertEquals(k + 1, read16(USED + 2));
            assertEquals(d, ram.read32(USED + 4 + 8L * (k % 8)));
            byte[] now = bytes(BUF + 64L * d, 64);
            assertFalse(allZero(now));
            if (previous != null) assertFalse(java.util.Arrays.equals(previous, now));
            previous = now;
        }
    }

    @Test
    void availableIndexWrapsAt16Bits() {
        start(0);
        // One chain at a time, 65539 times: both free-running indices cross 65535 → 0.
        for (int k = 0; k < 65536 + 3; k++) {
            desc(DESC, 0, BUF, 4, Virtqueue.DESC_F_WRITE, 0);
            write16(AVAIL + 4 + 2L * (k % 8), 0);
            write16(AVAIL + 2, (k + 1) & 0xFFFF);
            w(QUEUE_NOTIFY, 0);
        }
        assertEquals(3, read16(USED + 2), "used index wrapped past 65535");
        assertEquals(0, r(STATUS) & DEVICE_NEEDS_RESET);
    }

    @Test
    void noInterruptFlagSuppressesTheInterrupt() {
        start(0);
        write16(AVAIL, Virtqueue.AVAIL_F_NO_INTERRUPT);
        desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE, 0);
        publish(0, 8, 0);
        w(QUEUE_NOTIFY, 0);
        assertEquals(1, read16(USED + 2), "the buffer is still used");
        assertEquals(0, r(INTERRUPT_STATUS));
        assertFalse(lineHigh());
    }

    @Test
    void indirectTableContinuesTheChain() {
        start(F_INDIRECT_DESC);
        desc(INDIRECT, 0, BUF, 4, Virtqueue.DESC_F_NEXT, 1);                          // readable
        desc(INDIRECT, 1, BUF + 0x100, 100, Virtqueue.DESC_F_NEXT | Virtqueue.DESC_F_WRITE, 2);
        desc(INDIRECT, 2, BUF + 0x200, 28, Virtqueue.DESC_F_WRITE, 0);
        desc(DESC, 5, INDIRECT, 3 * 16, Virtqueue.DESC_F_INDIRECT, 0);
        publish(0, 8, 5);
        w(QUEUE_NOTIFY, 0);
        assertEquals(0, r(STATUS) & DEVICE_NEEDS_RESET, () -> dev.fault());
        assertEquals(1, read16(USED + 2));
        assertEquals(5, ram.read32(USED + 4), "the id is the head in the main table");
        assertEquals(128, ram.read32(USED + 8));
        assertTrue(allZero(bytes(BUF, 4)));
        assertFalse(allZero(bytes(BUF + 0x100, 100)));
        assertFalse(allZero(bytes(BUF + 0x200, 28)));
    }

    @Test
    void notificationsBeforeDriverOkAreIgnored() {
        assertTrue((negotiate(F_VERSION_1) & FEATURES_OK) != 0);
        setupQueue(8);
        desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE, 0);
        publish(0, 8, 0);
        w(QUEUE_NOTIFY, 0);
        assertEquals(0, read16(USED + 2));
        w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        w(QUEUE_NOTIFY, 0);
        assertEquals(1, read16(USED + 2));
    }

    // ---------------------------------------------------------------- malformed rings

    /**
     * Runs {@code breakIt} on a live device with host stdout and stderr captured, and checks the
     * result: no exception, DEVICE_NEEDS_RESET set, a config-change interrupt, no used element,
     * nothing printed. Then a reset brings the device back.
     */
    private void expectNeedsReset(long features, Runnable breakIt, String faultContains) {
        start(features);
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(printed, true)) {
            System.setOut(capture);
            System.setErr(capture);
            breakIt.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", printed.toString(), "a malformed ring prints nothing");
        assertEquals(DEVICE_NEEDS_RESET, r(STATUS) & DEVICE_NEEDS_RESET, "status " + r(STATUS));
        assertNotNull(dev.fault());
        assertTrue(dev.fault().contains(faultContains), dev.fault());
        assertEquals(0, read16(USED + 2), "nothing was used");
        assertEquals(INT_CONFIG_CHANGE, r(INTERRUPT_STATUS) & INT_CONFIG_CHANGE, "the driver is told");
        assertTrue(lineHigh());

        // The device stays stopped until reset; a further notify does nothing and throws nothing.
        w(QUEUE_NOTIFY, 0);
        assertEquals(0, read16(USED + 2));
        w(STATUS, 0);
        assertEquals(0, r(STATUS));
        assertFalse(lineHigh());
        ram.zero(RAM + 0x1000, 0x4000);
        start(0);
        desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE, 0);
        publish(0, 8, 0);
        w(QUEUE_NOTIFY, 0);
        assertEquals(1, read16(USED + 2), "works again after reset");
    }

    @Test
    void descriptorOutsideRamNeedsReset() {
        expectNeedsReset(0, () -> {
            desc(DESC, 0, RAM + (1 << 20) - 8, 16, Virtqueue.DESC_F_WRITE, 0);   // runs past the end
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "not in RAM");
    }

    @Test
    void descriptorBelowRamNeedsReset() {
        expectNeedsReset(0, () -> {
            desc(DESC, 0, 0x1000_0000L, 16, Virtqueue.DESC_F_WRITE, 0);        // a device window
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "not in RAM");
    }

    @Test
    void chainLoopNeedsReset() {
        expectNeedsReset(0, () -> {
            desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE | Virtqueue.DESC_F_NEXT, 1);
            desc(DESC, 1, BUF + 16, 16, Virtqueue.DESC_F_WRITE | Virtqueue.DESC_F_NEXT, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "loop");
    }

    @Test
    void indirectTableLoopNeedsReset() {
        expectNeedsReset(F_INDIRECT_DESC, () -> {
            desc(INDIRECT, 0, BUF, 16, Virtqueue.DESC_F_WRITE | Virtqueue.DESC_F_NEXT, 0);   // points at itself
            desc(DESC, 0, INDIRECT, 16, Virtqueue.DESC_F_INDIRECT, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "loop");
    }

    @Test
    void queueSizeNotAPowerOfTwoNeedsReset() {
        expectNeedsReset(0, () -> {
            w(STATUS, 0);
            negotiate(F_VERSION_1);
            setupQueue(6);
            w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
            assertEquals(0, r(QUEUE_READY), "the queue did not start");
        }, "power of two");
    }

    @Test
    void queueSizeAboveMaximumNeedsReset() {
        expectNeedsReset(0, () -> {
            w(STATUS, 0);
            negotiate(F_VERSION_1);
            setupQueue(2 * VirtioRng.QUEUE_SIZE);
            w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        }, "power of two");
    }

    @Test
    void ringOutsideRamNeedsReset() {
        expectNeedsReset(0, () -> {
            w(STATUS, 0);
            negotiate(F_VERSION_1);
            w(QUEUE_SEL, 0);
            w(QUEUE_NUM, 8);
            w(QUEUE_DESC_LOW, 0x1000);    // below RAM
            w(QUEUE_DRIVER_LOW, AVAIL);
            w(QUEUE_DEVICE_LOW, USED);
            w(QUEUE_READY, 1);
            w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        }, "descriptor table");
    }

    @Test
    void misalignedUsedRingNeedsReset() {
        expectNeedsReset(0, () -> {
            w(STATUS, 0);
            negotiate(F_VERSION_1);
            setupQueue(8);
            w(QUEUE_READY, 0);
            w(QUEUE_DEVICE_LOW, USED + 2);
            w(QUEUE_READY, 1);
            w(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        }, "aligned");
    }

    @Test
    void headOutOfRangeNeedsReset() {
        expectNeedsReset(0, () -> {
            publish(0, 8, 8);
            w(QUEUE_NOTIFY, 0);
        }, "head");
    }

    @Test
    void nextOutOfRangeNeedsReset() {
        expectNeedsReset(0, () -> {
            desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE | Virtqueue.DESC_F_NEXT, 9);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "next");
    }

    @Test
    void availableIndexTooFarAheadNeedsReset() {
        expectNeedsReset(0, () -> {
            write16(AVAIL + 2, 9);
            w(QUEUE_NOTIFY, 0);
        }, "available index");
    }

    @Test
    void readableAfterWritableNeedsReset() {
        expectNeedsReset(0, () -> {
            desc(DESC, 0, BUF, 16, Virtqueue.DESC_F_WRITE | Virtqueue.DESC_F_NEXT, 1);
            desc(DESC, 1, BUF + 16, 16, 0, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "readable");
    }

    @Test
    void indirectWithoutTheFeatureNeedsReset() {
        expectNeedsReset(0, () -> {
            desc(INDIRECT, 0, BUF, 16, Virtqueue.DESC_F_WRITE, 0);
            desc(DESC, 0, INDIRECT, 16, Virtqueue.DESC_F_INDIRECT, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "not negotiated");
    }

    @Test
    void nestedIndirectNeedsReset() {
        expectNeedsReset(F_INDIRECT_DESC, () -> {
            desc(INDIRECT, 0, INDIRECT, 16, Virtqueue.DESC_F_INDIRECT, 0);
            desc(DESC, 0, INDIRECT, 16, Virtqueue.DESC_F_INDIRECT, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "nested");
    }

    @Test
    void indirectTableOutsideRamNeedsReset() {
        expectNeedsReset(F_INDIRECT_DESC, () -> {
            desc(DESC, 0, RAM + (1 << 20) - 16, 32, Virtqueue.DESC_F_INDIRECT, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "indirect table");
    }

    @Test
    void indirectTableWithOddLengthNeedsReset() {
        expectNeedsReset(F_INDIRECT_DESC, () -> {
            desc(DESC, 0, INDIRECT, 24, Virtqueue.DESC_F_INDIRECT, 0);
            publish(0, 8, 0);
            w(QUEUE_NOTIFY, 0);
        }, "indirect table length");
    }

    @Test
    void malformedRingBeforeDriverOkRaisesNoInterrupt() {
        negotiate(F_VERSION_1);
        setupQueue(5);
        assertEquals(DEVICE_NEEDS_RESET, r(STATUS) & DEVICE_NEEDS_RESET);
        assertEquals(0, r(INTERRUPT_STATUS), "the driver has not finished setup: it will read the status");
        assertFalse(lineHigh());
        assertNotEquals(0, r(STATUS) & FEATURES_OK, "negotiation itself succeeded");
    }
}
