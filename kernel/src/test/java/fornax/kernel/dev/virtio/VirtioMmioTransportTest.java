package fornax.kernel.dev.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.mm.FrameAllocator;
import fornax.machine.Machine;
import fornax.machine.dev.Plic;
import fornax.machine.dev.virtio.VirtioMmioDevice;
import fornax.machine.dev.virtio.Virtqueue;
import fornax.machine.mem.PhysicalMemory;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver-side transport and queues on a machine without a kernel: probing, negotiation
 * outcomes, multi-buffer chains against a loopback test device, bounded waits, failure fallback.
 * Test devices are mapped at {@link #TEST_BASE}, outside the machine's own slots.
 */
class VirtioMmioTransportTest {
    private static final long TEST_BASE = 0x2000_0000L;
    private static final int TEST_IRQ = 20;

    private final Machine machine = new Machine(new Machine.Config(1, 16L << 20, InputStream.nullInputStream(),
            new ByteArrayOutputStream(), new ByteArrayOutputStream()));
    private final FrameAllocator frames = new FrameAllocator(machine.ram());

    @AfterEach
    void close() { machine.close(); }

    private VirtioMmioTransport mapTestDevice(VirtioMmioDevice device) {
        machine.bus().map(TEST_BASE, device);
        return VirtioMmioTransport.probe(machine.bus(), machine.ram(), machine.plic(), Machine.PLIC_BASE, TEST_BASE, TEST_IRQ);
    }

    /** Copies each chain's readable bytes, reversed, into its writable part: shows order and lengths. */
    static final class Loopback extends VirtioMmioDevice {
        Loopback(PhysicalMemory ram, Plic plic) { super("loopback", 42, F_INDIRECT_DESC, ram, plic, TEST_IRQ, 16, 4); }

        @Override protected void queueNotified(Virtqueue q) throws Virtqueue.Malformed {
            for (Virtqueue.Chain c; (c = q.pop()) != null; ) {
                byte[] in = new byte[(int) c.readableLength()];
                c.read(0, in, 0, in.length);
                for (int i = 0, j = in.length - 1; i < j; i++, j--) { byte t = in[i]; in[i] = in[j]; in[j] = t; }
                q.push(c, c.write(0, in, 0, (int) Math.min(in.length, c.writableLength())));
            }
        }
    }

    /** Accepts requests and never completes them. */
    static final class Silent extends VirtioMmioDevice {
        Silent(int id, PhysicalMemory ram, Plic plic) { super("silent", id, 0, ram, plic, TEST_IRQ, 8); }
        @Override protected void queueNotified(Virtqueue q) { }
    }

    /** Fails the first request: DEVICE_NEEDS_RESET, as after an internal error. */
    static final class Broken extends VirtioMmioDevice {
        Broken(PhysicalMemory ram, Plic plic) { super("broken", VirtioRngDriver.DEVICE_ID, 0, ram, plic, TEST_IRQ, 8); }
        @Override protected void queueNotified(Virtqueue q) { needsReset("simulated failure"); }
    }

    /** Refuses every feature set at FEATURES_OK. */
    static final class Picky extends VirtioMmioDevice {
        Picky(PhysicalMemory ram, Plic plic) { super("picky", 42, 0, ram, plic, TEST_IRQ, 8); }
        @Override protected void queueNotified(Virtqueue q) { }
        @Override protected boolean acceptFeatures(long features) { return false; }
    }

    @Test
    void probeFindsTheRngInSlot0AndEmptySlotsElsewhere() {
        VirtioMmioTransport t = VirtioMmioTransport.probe(machine, 0);
        assertNotNull(t);
        assertEquals(VirtioRngDriver.DEVICE_ID, t.deviceId());
        assertEquals(Machine.virtioIrq(0), t.irq());
        for (int slot = 1; slot < Machine.VIRTIO_SLOTS; slot++) assertNull(VirtioMmioTransport.probe(machine, slot), "slot " + slot);
        assertNull(VirtioMmioTransport.probe(machine.bus(), machine.ram(), machine.plic(), Machine.PLIC_BASE, 0x3000_0000L, 30),
                "nothing mapped: no device, no exception");
        assertNull(VirtioMmioTransport.probe(machine.bus(), machine.ram(), machine.plic(), Machine.PLIC_BASE, Machine.RTC_BASE, 30),
                "another kind of device: wrong magic");
    }

    @Test
    void negotiationAcceptsVersion1AndOnlyWhatWasAskedFor() throws Exception {
        VirtioMmioTransport t = mapTestDevice(new Loopback(machine.ram(), machine.plic()));
        assertEquals(VirtioMmioTransport.F_VERSION_1, t.negotiate(0), "indirect is offered but was not asked for");
        assertEquals(VirtioMmioTransport.F_VERSION_1 | VirtioMmioTransport.F_INDIRECT_DESC,
                t.negotiate(VirtioMmioTransport.F_INDIRECT_DESC | VirtioMmioTransport.F_EVENT_IDX),
                "EVENT_IDX is not offered, so not accepted");
        int s = t.status();
        assertEquals(VirtioMmioTransport.ACKNOWLEDGE | VirtioMmioTransport.DRIVER | VirtioMmioTransport.FEATURES_OK, s);
    }

    @Test
    void refusedFeaturesAreAClearErrorAndMarkTheDeviceFailed() {
        VirtioMmioTransport t = mapTestDevice(new Picky(machine.ram(), machine.plic()));
        VirtioException e = assertThrows(VirtioException.class, () -> t.negotiate(0));
        assertTrue(e.getMessage().contains("refused features"), e.getMessage());
        assertTrue(e.getMessage().contains("0x20000000"), e.getMessage());
        assertEquals(VirtioMmioTransport.FAILED, t.status() & VirtioMmioTransport.FAILED);
        assertEquals(0, t.status() & VirtioMmioTransport.FEATURES_OK);
    }

    @Test
    void chainsOfSeveralBuffersRoundTripAndDescriptorsAreRecycled() throws Exception {
        VirtioMmioTransport t = mapTestDevice(new Loopback(machine.ram(), machine.plic()));
        t.negotiate(0);
        DriverQueue q = t.setupQueue(0, 64, frames);
        assertEquals(16, q.size(), "the device offers 16; the driver asked for 64");
        t.driverOk();
        PhysicalMemory ram = machine.ram();
        long page = frames.allocZeroed();
        Random rnd = new Random(1);
        // 200 requests of 2..6 buffers through 16 descriptors: the free list must recycle correctly.
        for (int k = 0; k < 200; k++) {
            int nIn = 1 + rnd.nextInt(3), nOut = 1 + rnd.nextInt(3);
            List<DriverQueue.Buffer> chain = new ArrayList<>();
            List<byte[]> inputs = new ArrayList<>();
            long at = page;
            for (int i = 0; i < nIn; i++) {
                byte[] data = new byte[1 + rnd.nextInt(40)];
                rnd.nextBytes(data);
                ram.write(at, data, 0, data.length);
                chain.add(DriverQueue.Buffer.readable(at, data.length));
                inputs.add(data);
                at += 64;
            }
            int total = inputs.stream().mapToInt(b -> b.length).sum();
            int[] outLens = new int[nOut];
            int room = 0;
            for (int i = 0; i < nOut; i++) {
                outLens[i] = 1 + rnd.nextInt(60);
                room += outLens[i];
                chain.add(DriverQueue.Buffer.writable(at + 64L * i, outLens[i]));
            }
            int got = q.transfer(1_000_000_000L, chain.toArray(DriverQueue.Buffer[]::new));
            assertEquals(Math.min(total, room), got, "request " + k);

            byte[] expected = new byte[total];
            int p = total;
            for (byte[] in : inputs) for (byte x : in) expected[--p] = x;
            byte[] actual = new byte[got];
            int filled = 0;
            for (int i = 0; i < nOut && filled < got; i++) {
                int n = Math.min(outLens[i], got - filled);
                ram.read(at + 64L * i, actual, filled, n);
                filled += n;
            }
            assertArrayEquals(java.util.Arrays.copyOf(expected, got), actual, "request " + k);
            assertEquals(16, q.freeDescriptors(), "all descriptors back after request " + k);
        }
    }

    @Test
    void submitAndPollWithSeveralChainsInFlight() throws Exception {
        VirtioMmioTransport t = mapTestDevice(new Loopback(machine.ram(), machine.plic()));
        t.negotiate(0);
        DriverQueue q = t.setupQueue(1, 4, frames);
        t.driverOk();
        long page = frames.allocZeroed();
        machine.ram().write(page, new byte[] {1, 2, 3}, 0, 3);
        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < 2; i++)
            tokens.add(q.submit(DriverQueue.Buffer.readable(page, 3), DriverQueue.Buffer.writable(page + 512 + 64L * i, 8)));
        assertEquals(0, q.freeDescriptors());
        VirtioException full = assertThrows(VirtioException.class, () -> q.submit(DriverQueue.Buffer.writable(page, 1)));
        assertTrue(full.getMessage().contains("free descriptors"), full.getMessage());
        List<Integer> done = new ArrayList<>();
        for (DriverQueue.Completion c; (c = q.poll()) != null; ) {
            assertEquals(3, c.length());
            done.add(c.token());
        }
        assertEquals(tokens, done, "completions come back in used-ring order");
        assertEquals(4, q.freeDescriptors());
    }

    @Test
    void aDeviceThatNeverAnswersTimesOutWithAClearError() throws Exception {
        VirtioMmioTransport t = mapTestDevice(new Silent(42, machine.ram(), machine.plic()));
        t.negotiate(0);
        DriverQueue q = t.setupQueue(0, 8, frames);
        t.driverOk();
        long buf = frames.allocZeroed();
        long start = System.nanoTime();
        VirtioException e = assertThrows(VirtioException.class, () -> q.transfer(100_000_000L, DriverQueue.Buffer.writable(buf, 16)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("not completed within 100 ms"), e.getMessage());
        assertTrue(ms >= 100 && ms < 2000, "waited " + ms + " ms");
    }

    @Test
    void aDeviceNeedingResetFailsTheRequestAndVirtioRandomFallsBack() throws Exception {
        int before = frames.freeFrames();
        VirtioMmioTransport t = mapTestDevice(new Broken(machine.ram(), machine.plic()));
        VirtioRngDriver rng = VirtioRngDriver.attach(t, frames);
        assertTrue(frames.freeFrames() < before, "queue and bounce frames taken");
        List<String> log = new ArrayList<>();
        VirtioRandom random = new VirtioRandom(rng, log::add);
        byte[] b = new byte[32];
        random.nextBytes(b);
        assertFalse(random.usingDevice());
        assertEquals(1, log.size(), () -> "log: " + log);
        assertTrue(log.getFirst().contains("needs reset"), log.getFirst());
        assertTrue(log.getFirst().contains("0x20000000"), "the message names the device: " + log.getFirst());
        assertEquals(0, t.status(), "the failed device was reset");
        assertEquals(before, frames.freeFrames(), "its frames were returned");
        boolean nonZero = false;
        for (byte x : b) nonZero |= x != 0;
        assertTrue(nonZero, "bytes still come, from the host");
        random.nextBytes(b);
        assertEquals(1, log.size(), "the failure is logged once");
    }

    @Test
    void attachAndCloseLeaveNoFramesBehind() throws Exception {
        int before = frames.freeFrames();
        VirtioRngDriver rng = VirtioRngDriver.attach(VirtioMmioTransport.probe(machine, 0), frames);
        byte[] b = new byte[100];
        rng.read(b);
        rng.close();
        assertEquals(before, frames.freeFrames());
        assertThrows(VirtioException.class, () -> rng.read(b), "closed");
    }

    @Test
    void attachRefusesADeviceOfAnotherType() {
        VirtioMmioTransport t = mapTestDevice(new Silent(42, machine.ram(), machine.plic()));
        assertThrows(IllegalArgumentException.class, () -> VirtioRngDriver.attach(t, frames));
    }
}
