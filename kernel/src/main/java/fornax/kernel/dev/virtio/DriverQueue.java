package fornax.kernel.dev.virtio;

import fornax.kernel.mm.FrameAllocator;
import fornax.machine.mem.PhysicalMemory;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver's half of one split virtqueue (virtio 1.2 §2.7): it owns the descriptor table and
 * the available ring, the device owns the used ring. For a queue of N entries the three areas are
 * packed into one zeroed frame when they fit (N ≤ 128), otherwise each gets its own frame:
 *
 * <pre>
 *   +0                 descriptor table  N × { le64 addr; le32 len; le16 flags; le16 next }
 *   +16N               available ring    le16 flags, le16 idx, le16 ring[N], le16 used_event
 *   +16N + pad4(6+2N)  used ring         le16 flags, le16 idx, { le32 id; le32 len } ring[N], le16 avail_event
 * </pre>
 *
 * A request is a chain of physical buffers, device-readable first, then device-writable. Free
 * descriptors form a list threaded through {@code next} (like Linux's virtio_ring); a chain's id is
 * its head descriptor. The driver keeps its own copy of each chain's links and lengths, so a device
 * scribbling on the descriptor table cannot make the driver free the wrong descriptors or trust a
 * bad length.
 *
 * <p>{@link #transfer} submits one chain and waits, bounded, for it; {@link #submit} and
 * {@link #poll} are for drivers that keep buffers posted (a network receive queue). A queue is used
 * one way or the other: {@code poll} would take completions {@code transfer} is waiting for.
 *
 * <p>Ordering: ring entries are written plainly, the avail index with release; the used index is
 * read with acquire. The device in this JVM pairs them, as a memory barrier pairs them on hardware.
 *
 * <p>Thread safety: all ring and bookkeeping state is guarded by {@code this}; waiting happens
 * outside the lock so other requests can be submitted and reaped meanwhile.
 */
public final class DriverQueue {
    /** Largest queue the driver sets up: the descriptor table must fit in one frame. */
    public static final int MAX_SIZE = FrameAllocator.PAGE / 16;
    static final int DESC_F_NEXT = 1, DESC_F_WRITE = 2;
    static final int USED_F_NO_NOTIFY = 1;
    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** A buffer in a chain: {@code len} bytes of RAM at physical address {@code pa}. */
    public record Buffer(long pa, int len, boolean deviceWritable) {
        public static Buffer readable(long pa, int len) { return new Buffer(pa, len, false); }
        public static Buffer writable(long pa, int len) { return new Buffer(pa, len, true); }
    }

    /** A used chain: the token {@link #submit} returned and the bytes the device wrote. */
    public record Completion(int token, int length) { }

    private final VirtioMmioTransport transport;
    private final PhysicalMemory ram;
    private final int index;
    private final int size;
    private final long[] frames;
    private final long desc, avail, used;

    // guarded by this
    private final int[] next;            // driver's copy of each descriptor's next link
    private final int[] chainLength;     // descriptors in the chain headed here; 0 = not in flight
    private final long[] chainWritable;  // device-writable bytes of the chain headed here
    private int freeHead, free;
    private int availIdx;                // next available slot (free-running, 16 bits)
    private int lastUsed;                // used entries consumed (free-running, 16 bits)
    private final Map<Integer, Integer> finished = new LinkedHashMap<>();   // reaped, in used order: token → length

    private DriverQueue(VirtioMmioTransport transport, int index, int size, long[] frames, long desc, long avail, long used) {
        this.transport = transport;
        this.ram = transport.ram();
        this.index = index;
        this.size = size;
        this.frames = frames;
        this.desc = desc;
        this.avail = avail;
        this.used = used;
        this.next = new int[size];
        this.chainLength = new int[size];
        this.chainWritable = new long[size];
        for (int i = 0; i < size; i++) next[i] = i + 1;
        free = size;
    }

    /** Allocates zeroed frames for a queue of {@code size} (a power of two up to {@link #MAX_SIZE}). */
    static DriverQueue allocate(VirtioMmioTransport transport, int index, int size, FrameAllocator frames) {
        if (size < 1 || size > MAX_SIZE || Integer.bitCount(size) != 1)
            throw new IllegalArgumentException("queue size " + size);
        long availOff = 16L * size, usedOff = availOff + ((6 + 2L * size + 3) & ~3L);
        if (usedOff + 6 + 8L * size <= FrameAllocator.PAGE) {
            long f = frames.allocZeroed();
            return new DriverQueue(transport, index, size, new long[] {f}, f, f + availOff, f + usedOff);
        }
        long d = frames.allocZeroed(), a = frames.allocZeroed(), u = frames.allocZeroed();
        return new DriverQueue(transport, index, size, new long[] {d, a, u}, d, a, u);
    }

    /** Frees the rings' frames; the device must have been reset first. */
    void release(FrameAllocator allocator) {
        for (long f : frames) allocator.free(f);
    }

    public int index() { return index; }
    public int size() { return size; }
    long descAddr() { return desc; }
    long availAddr() { return avail; }
    long usedAddr() { return used; }
    public synchronized int freeDescriptors() { return free; }

    /**
     * Makes {@code chain} available to the device and notifies it; returns the chain's token. The
     * buffers belong to the device until the chain completes.
     */
    public int submit(Buffer... chain) throws VirtioException {
        int head;
        synchronized (this) {
            head = enqueue(chain);
        }
        if ((read16Acquire(used) & USED_F_NO_NOTIFY) == 0) transport.notifyQueue(index);
        return head;
    }

    private int enqueue(Buffer[] chain) throws VirtioException {
        if (chain.length == 0) throw new IllegalArgumentException("empty chain");
        boolean sawWritable = false;
        long writable = 0;
        for (Buffer b : chain) {
            if (b.len() < 0 || !ram.contains(b.pa(), b.len()))
                throw new IllegalArgumentException(String.format("buffer [%#x,+%d) is not in RAM", b.pa(), b.len()));
            if (!b.deviceWritable() && sawWritable)
                throw new IllegalArgumentException("device-readable buffer after a device-writable one");
            sawWritable |= b.deviceWritable();
            if (b.deviceWritable()) writable += b.len();
        }
        if (chain.length > free)
            throw new VirtioException(transport.name() + ": queue " + index + " has " + free + " free descriptors, chain needs " + chain.length);
        int head = freeHead, d = head;
        for (int k = 0; k < chain.length; k++) {
            Buffer b = chain[k];
            boolean last = k == chain.length - 1;
            int flags = (b.deviceWritable() ? DESC_F_WRITE : 0) | (last ? 0 : DESC_F_NEXT);
            long at = desc + 16L * d;
            ram.write64(at, b.pa());
            ram.write64(at + 8, (b.len() & 0xFFFFFFFFL) | (long) flags << 32 | (long) (last ? 0 : next[d]) << 48);
            if (!last) d = next[d];
        }
        freeHead = next[d];
        free -= chain.length;
        chainLength[head] = chain.length;
        chainWritable[head] = writable;
        write16(avail + 4 + 2L * (availIdx & (size - 1)), head);
        availIdx = (availIdx + 1) & 0xFFFF;
        write16Release(avail + 2, availIdx);
        return head;
    }

    /** Takes the next completion, or returns null if the device has used nothing new. */
    public Completion poll() throws VirtioException {
        transport.acknowledgeInterrupt();
        synchronized (this) {
            reap();
            Iterator<Map.Entry<Integer, Integer>> it = finished.entrySet().iterator();
            if (!it.hasNext()) return null;
            Map.Entry<Integer, Integer> e = it.next();
            it.remove();
            return new Completion(e.getKey(), e.getValue());
        }
    }

    /**
     * Submits {@code chain} and waits until the device has used it; returns the number of bytes
     * the device wrote. Throws if the device needs a reset or takes longer than {@code timeoutNanos};
     * after a timeout the buffers still belong to the device until it is reset.
     */
    public int transfer(long timeoutNanos, Buffer... chain) throws VirtioException {
        int token = submit(chain);
        long deadline = System.nanoTime() + timeoutNanos;
        for (;;) {
            // Acknowledge before looking, so a completion that lands after the look raises the line again.
            transport.acknowledgeInterrupt();
            synchronized (this) {
                reap();
                Integer len = finished.remove(token);
                if (len != null) return len;
            }
            if (transport.needsReset()) throw new VirtioException(transport.name() + ": device needs reset");
            long left = deadline - System.nanoTime();
            if (left <= 0)
                throw new VirtioException(String.format("%s: queue %d: request not completed within %d ms",
                        transport.name(), index, timeoutNanos / 1_000_000));
            transport.awaitInterrupt(left);
        }
    }

    /** Moves everything new in the used ring into {@link #finished}, freeing the chains' descriptors. */
    private void reap() throws VirtioException {
        int usedIdx = read16Acquire(used + 2);
        if (((usedIdx - lastUsed) & 0xFFFF) > size)
            throw new VirtioException(transport.name() + ": used index " + usedIdx + " runs ahead of " + lastUsed);
        while (lastUsed != usedIdx) {
            long elem = ram.read64(used + 4 + 8L * (lastUsed & (size - 1)));
            lastUsed = (lastUsed + 1) & 0xFFFF;
            long id = elem & 0xFFFFFFFFL, len = elem >>> 32;
            if (id >= size || chainLength[(int) id] == 0)
                throw new VirtioException(transport.name() + ": device used chain " + id + ", which is not in flight");
            int head = (int) id;
            if (len > chainWritable[head])
                throw new VirtioException(transport.name() + ": device wrote " + len + " bytes into " + chainWritable[head]);
            int tail = head;
            for (int k = 1; k < chainLength[head]; k++) tail = next[tail];
            next[tail] = freeHead;
            freeHead = head;
            free += chainLength[head];
            chainLength[head] = 0;
            finished.put(head, (int) len);
        }
    }

    private void write16(long pa, int v) {
        U16.set(ram.chunk(pa), (long) PhysicalMemory.offset(pa), (short) v);
    }

    private void write16Release(long pa, int v) {
        U16.setRelease(ram.chunk(pa), (long) PhysicalMemory.offset(pa), (short) v);
    }

    private int read16Acquire(long pa) {
        return (short) U16.getAcquire(ram.chunk(pa), (long) PhysicalMemory.offset(pa)) & 0xFFFF;
    }
}
