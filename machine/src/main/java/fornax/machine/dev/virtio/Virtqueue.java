package fornax.machine.dev.virtio;

import fornax.machine.mem.PhysicalMemory;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The device side of one split virtqueue (virtio 1.2 §2.7): three areas in guest RAM that the
 * driver owns and the device reads (descriptor table, available ring) or writes (used ring).
 *
 * <pre>
 *   descriptor table (16-aligned), size entries        available ring (2-aligned, driver → device)
 *   +0  le64 addr   buffer physical address            +0  le16 flags    1 = NO_INTERRUPT
 *   +8  le32 len    buffer length                      +2  le16 idx      next slot the driver fills
 *   +12 le16 flags  1 NEXT, 2 WRITE, 4 INDIRECT        +4  le16 ring[size]   chain heads
 *   +14 le16 next   next descriptor if NEXT            +4+2*size  le16 used_event (EVENT_IDX only)
 *
 *   used ring (4-aligned, device → driver)
 *   +0  le16 flags  1 = NO_NOTIFY (we never set it)
 *   +2  le16 idx    next slot the device fills
 *   +4  struct { le32 id; le32 len; } ring[size]   id = chain head, len = bytes written
 *   +4+8*size  le16 avail_event (EVENT_IDX only)
 * </pre>
 *
 * A chain is a list of descriptors linked by NEXT: device-readable buffers first, then
 * device-writable ones (WRITE). A descriptor with INDIRECT points at a table of descriptors that
 * continues the chain (only when {@link VirtioMmioDevice#F_INDIRECT_DESC} was negotiated).
 * Indices are free-running 16-bit counters; slot = idx mod size.
 *
 * <p>Everything here comes from the driver and is checked before use: areas and buffers must lie in
 * RAM, queue size must be a power of two, heads and next indices in range, chains no longer than the
 * queue (which also catches loops), readable before writable, no nested indirect tables. A check
 * that fails throws {@link Malformed}; the owning device then sets DEVICE_NEEDS_RESET, as the spec
 * asks (§2.1.2), instead of touching memory it was not given.
 *
 * <p>Ordering: the ring indices are read with acquire and the used index written with release, so
 * a driver in this JVM that publishes with release (as a real driver does with a write barrier)
 * hands over its descriptors with a happens-before edge.
 *
 * <p>Thread safety: not thread-safe; guarded by the owning device's monitor.
 */
public final class Virtqueue {
    public static final int DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** Largest queue size a device may offer (the spec's limit for split queues). */
    public static final int MAX_SIZE = 32768;
    /** Largest indirect table accepted (descriptors); Linux sizes them by scatterlist length. */
    public static final int MAX_INDIRECT = 1024;

    /** 16-bit little-endian access with memory ordering; ring fields are naturally aligned. */
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** The driver supplied something the device must not act on. */
    public static final class Malformed extends Exception {
        Malformed(String message) { super(message, null, false, false); }
    }

    private final PhysicalMemory ram;
    private final int index;
    private final int maxSize;
    // guarded by the owning device's monitor
    private int size;
    private boolean ready;
    private long descAddr, driverAddr, deviceAddr;
    private int lastAvail;      // the device's shadow of how far it has consumed the available ring
    private int usedIdx;        // the device's shadow of the used index it last published
    private boolean usedPending;  // used elements published since the last interrupt decision
    private boolean indirectAllowed;  // VIRTIO_RING_F_INDIRECT_DESC negotiated
    private int epoch;          // bumped by reset and enable, so chains popped before are recognised as stale

    Virtqueue(PhysicalMemory ram, int index, int maxSize) {
        if (maxSize < 1 || maxSize > MAX_SIZE || Integer.bitCount(maxSize) != 1)
            throw new IllegalArgumentException("queue size must be a power of two up to " + MAX_SIZE);
        this.ram = ram;
        this.index = index;
        this.maxSize = maxSize;
        reset();
    }

    public int index() { return index; }
    public int maxSize() { return maxSize; }
    public int size() { return size; }
    public boolean ready() { return ready; }

    // ---------------------------------------------------------------- configuration (transport)

    void reset() {
        size = maxSize;
        ready = false;
        descAddr = driverAddr = deviceAddr = 0;
        lastAvail = usedIdx = 0;
        usedPending = indirectAllowed = false;
        epoch++;
    }

    void setSize(int n) { size = n; }
    long descAddr() { return descAddr; }
    long driverAddr() { return driverAddr; }
    long deviceAddr() { return deviceAddr; }
    void setDescAddr(long a) { descAddr = a; }
    void setDriverAddr(long a) { driverAddr = a; }
    void setDeviceAddr(long a) { deviceAddr = a; }

    /** QueueReady = 1: checks the configuration the driver wrote, then starts from index 0. */
    void enable() throws Malformed {
        if (size < 1 || size > maxSize || Integer.bitCount(size) != 1)
            throw new Malformed("queue " + index + ": size " + size + " is not a power of two in 1.." + maxSize);
        checkArea("descriptor table", descAddr, 16L * size, 16);
        checkArea("available ring", driverAddr, 6L + 2L * size, 2);
        checkArea("used ring", deviceAddr, 6L + 8L * size, 4);
        lastAvail = usedIdx = 0;
        usedPending = false;
        epoch++;
        ready = true;
    }

    void disable() { ready = false; }

    private void checkArea(String what, long pa, long len, int align) throws Malformed {
        if ((pa & (align - 1)) != 0)
            throw new Malformed(String.format("queue %d: %s at %#x is not %d-byte aligned", index, what, pa, align));
        if (!ram.contains(pa, len))
            throw new Malformed(String.format("queue %d: %s [%#x,+%d) is not in RAM", index, what, pa, len));
    }

    // ---------------------------------------------------------------- processing (device)

    /**
     * Takes the next available chain, validated, or returns null when the driver has made none
     * available. The device must eventually {@link #push} it back.
     */
    public Chain pop() throws Malformed {
        if (!ready) return null;
        int availIdx = read16Acquire(driverAddr + 2);
        if (availIdx == lastAvail) return null;
        if (((availIdx - lastAvail) & 0xFFFF) > size)
            throw new Malformed(String.format("queue %d: available index %d is more than %d ahead of %d",
                    index, availIdx, size, lastAvail));
        int head = read16(driverAddr + 4 + 2L * (lastAvail & (size - 1)));
        if (head >= size) throw new Malformed("queue " + index + ": chain head " + head + " out of range 0.." + (size - 1));
        Chain chain = walk(head);
        lastAvail = (lastAvail + 1) & 0xFFFF;
        return chain;
    }

    /** Follows the chain starting at {@code head}, checking every descriptor before it is used. */
    private Chain walk(int head) throws Malformed {
        Chain c = new Chain(head);
        long table = descAddr;
        int tableLen = size, i = head, steps = 0;
        boolean indirect = false, sawWritable = false;
        for (;;) {
            // A chain longer than its table must revisit a descriptor: this bound is the loop check.
            if (++steps > tableLen)
                throw new Malformed(String.format("queue %d: chain from head %d is longer than %d descriptors (a loop?)",
                        index, head, tableLen));
            long d = table + 16L * i;
            long addr = ram.read64(d);
            long len = ram.read32(d + 8) & 0xFFFFFFFFL;
            int word = ram.read32(d + 12);
            int flags = word & 0xFFFF, next = word >>> 16;
            if ((flags & DESC_F_INDIRECT) != 0) {
                if (!indirectAllowed)
                    throw new Malformed("queue " + index + ": INDIRECT descriptor but the feature was not negotiated");
                if (indirect) throw new Malformed("queue " + index + ": nested indirect table");
                if ((flags & DESC_F_NEXT) != 0) throw new Malformed("queue " + index + ": descriptor has both INDIRECT and NEXT");
                if (len == 0 || len % 16 != 0 || len / 16 > MAX_INDIRECT)
                    throw new Malformed("queue " + index + ": indirect table length " + len + " is not 16..16*" + MAX_INDIRECT);
                checkArea("indirect table", addr, len, 16);
                // The WRITE flag of the descriptor naming the table is ignored (§2.7.5.3.2).
                table = addr;
                tableLen = (int) (len / 16);
                i = 0;
                steps = 0;
                indirect = true;
                continue;
            }
            if (!ram.contains(addr, len))
                throw new Malformed(String.format("queue %d: buffer [%#x,+%d) is not in RAM", index, addr, len));
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && sawWritable)
                throw new Malformed("queue " + index + ": device-readable buffer after a device-writable one");
            sawWritable |= writable;
            c.add(addr, len, writable);
            if ((flags & DESC_F_NEXT) == 0) return c;
            if (next >= tableLen) throw new Malformed("queue " + index + ": next index " + next + " out of range");
            i = next;
        }
    }

    void allowIndirect(boolean allowed) { indirectAllowed = allowed; }

    /** Returns {@code chain} to the driver, telling it {@code written} bytes were written into it. */
    public void push(Chain chain, long written) {
        if (!ready || chain.epoch != epoch) return;   // the queue was reset while the device held the chain
        if (written < 0 || written > chain.writableLength())
            throw new IllegalStateException("device bug: wrote " + written + " of " + chain.writableLength() + " bytes");
        long elem = deviceAddr + 4 + 8L * (usedIdx & (size - 1));
        ram.write64(elem, (written << 32) | chain.head());
        usedIdx = (usedIdx + 1) & 0xFFFF;
        write16Release(deviceAddr + 2, usedIdx);
        usedPending = true;
    }

    /**
     * Whether the driver should be interrupted for the chains pushed since the last call: some
     * were, and the driver has not asked for quiet (VIRTQ_AVAIL_F_NO_INTERRUPT).
     */
    boolean takeInterrupt() {
        if (!usedPending) return false;
        usedPending = false;
        return (read16Acquire(driverAddr) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    private int read16(long pa) {
        return (short) U16.get(ram.chunk(pa), (long) PhysicalMemory.offset(pa)) & 0xFFFF;
    }

    private int read16Acquire(long pa) {
        return (short) U16.getAcquire(ram.chunk(pa), (long) PhysicalMemory.offset(pa)) & 0xFFFF;
    }

    private void write16Release(long pa, int v) {
        U16.setRelease(ram.chunk(pa), (long) PhysicalMemory.offset(pa), (short) v);
    }

    /**
     * One popped descriptor chain: its head (the id the driver gets back) and its buffers, split
     * into the device-readable part and the device-writable part. Each part reads as one
     * contiguous byte stream; all addresses were checked to lie in RAM.
     */
    public final class Chain {
        private final int head;
        private final int epoch = Virtqueue.this.epoch;
        private long[] addr = new long[4];
        private long[] len = new long[4];
        private int count, firstWritable = -1;
        private long readable, writable;

        private Chain(int head) { this.head = head; }

        private void add(long a, long l, boolean w) {
            if (count == addr.length) {
                addr = Arrays.copyOf(addr, count * 2);
                len = Arrays.copyOf(len, count * 2);
            }
            if (w && firstWritable < 0) firstWritable = count;
            addr[count] = a;
            len[count++] = l;
            if (w) writable += l;
            else readable += l;
        }

        public int head() { return head; }
        public long readableLength() { return readable; }
        public long writableLength() { return writable; }

        /** Copies up to {@code n} bytes at {@code pos} of the readable part into {@code dst}; returns the count. */
        public int read(long pos, byte[] dst, int off, int n) {
            return transfer(0, firstWritable < 0 ? count : firstWritable, pos, dst, off, n, false);
        }

        /** Copies up to {@code n} bytes into the writable part at {@code pos}; returns the count. */
        public int write(long pos, byte[] src, int off, int n) {
            return firstWritable < 0 ? 0 : transfer(firstWritable, count, pos, src, off, n, true);
        }

        private int transfer(int from, int to, long pos, byte[] buf, int off, int n, boolean toGuest) {
            int done = 0;
            for (int k = from; k < to && done < n; k++) {
                if (pos >= len[k]) { pos -= len[k]; continue; }
                int m = (int) Math.min(n - done, len[k] - pos);
                if (toGuest) ram.write(addr[k] + pos, buf, off + done, m);
                else ram.read(addr[k] + pos, buf, off + done, m);
                done += m;
                pos = 0;
            }
            return done;
        }
    }
}
