package fornax.machine.mem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Emulated RAM: {@code size} bytes starting at physical address {@code base}.
 *
 * <p>Implementation notes. RAM is split into 1 MiB chunks allocated on first touch,
 * so a 1 GiB machine costs nothing until the kernel uses it and more than 2 GiB works (chunk index
 * is an int, offsets within a chunk are ints). A 4 KiB page never straddles a chunk, which is what
 * lets a TLB entry cache (chunk, offset) and let loads and stores index the array directly.
 * All multi-byte values are little-endian, as RISC-V is. A chunk is a {@link MemorySegment} over
 * a {@code long[]}: heap memory the GC manages, 8-byte aligned, so aligned 4- and 8-byte atomic
 * access modes work (byte-array views lost them in JDK 22) while unaligned plain accesses still
 * compile to single loads and stores.
 *
 * <p>Thread safety: any hart or kernel thread may access any byte; plain accesses follow the Java
 * memory model like unsynchronised hardware would, atomics use {@link VarHandle} atomic modes on
 * naturally aligned addresses. Chunk creation is published by CAS on the chunk table.
 */
public final class PhysicalMemory {
    public static final int CHUNK_SHIFT = 20;
    public static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;

    /** Plain little-endian accessors, any alignment. */
    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Atomic accessors (coordinates: segment, offset); the offset must be naturally aligned. */
    public static final VarHandle A32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    public static final VarHandle A64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(MemorySegment[].class);

    private final long base;
    private final long size;
    /** Lazily created chunks; an element goes from null to non-null exactly once (CAS). */
    private final MemorySegment[] chunks;
    /** Observers told when the kernel overwrites memory, so decoded-instruction caches stay true. */
    private volatile WriteObserver observer = (pa, len) -> { };

    /** Told about kernel-side writes (loading code, zeroing frames) that may hit cached code. */
    public interface WriteObserver { void written(long pa, long len); }

    public PhysicalMemory(long base, long size) {
        if ((base & CHUNK_MASK) != 0 || size <= 0 || (size & 0xFFF) != 0)
            throw new IllegalArgumentException("RAM base must be 1 MiB aligned and size a multiple of 4 KiB");
        long n = (size + CHUNK_MASK) >>> CHUNK_SHIFT;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("RAM too large");
        this.base = base;
        this.size = size;
        this.chunks = new MemorySegment[(int) n];
    }

    public long base() { return base; }
    public long size() { return size; }
    public long end() { return base + size; }

    public boolean contains(long pa, long len) {
        return pa - base >= 0 && len >= 0 && pa - base <= size - len;
    }

    public void setWriteObserver(WriteObserver o) { observer = o; }

    /** The chunk holding physical address {@code pa}, created if needed. Caller checked {@link #contains}. */
    public MemorySegment chunk(long pa) {
        int i = (int) ((pa - base) >>> CHUNK_SHIFT);
        MemorySegment c = chunks[i];
        if (c != null) return c;
        MemorySegment fresh = MemorySegment.ofArray(new long[CHUNK_SIZE / 8]);
        MemorySegment won = (MemorySegment) CHUNKS.compareAndExchange(chunks, i, (MemorySegment) null, fresh);
        return won == null ? fresh : won;
    }

    /** Offset of {@code pa} within its chunk. */
    public static int offset(long pa) { return (int) (pa & CHUNK_MASK); }

    private void check(long pa, long len) {
        if (!contains(pa, len))
            throw new IllegalArgumentException(String.format("physical access [%#x,+%d) outside RAM", pa, len));
    }

    // ---- kernel-side accessors (bounds-checked; may cross chunks) ----

    public byte read8(long pa) { check(pa, 1); return chunk(pa).get(U8, offset(pa)); }

    public long read64(long pa) {
        check(pa, 8);
        int off = offset(pa);
        if (off <= CHUNK_SIZE - 8) return chunk(pa).get(U64, off);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (read8(pa + i) & 0xFF);
        return v;
    }

    public int read32(long pa) {
        check(pa, 4);
        int off = offset(pa);
        if (off <= CHUNK_SIZE - 4) return chunk(pa).get(U32, off);
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | (read8(pa + i) & 0xFF);
        return v;
    }

    public void write8(long pa, byte v) { check(pa, 1); chunk(pa).set(U8, offset(pa), v); observer.written(pa, 1); }

    public void write64(long pa, long v) {
        check(pa, 8);
        int off = offset(pa);
        if (off <= CHUNK_SIZE - 8) chunk(pa).set(U64, off, v);
        else for (int i = 0; i < 8; i++) chunk(pa + i).set(U8, offset(pa + i), (byte) (v >>> (8 * i)));
        observer.written(pa, 8);
    }

    /** Atomic compare-and-set of an aligned 64-bit word (used by the MMU to set A/D bits). */
    public boolean cas64(long pa, long expect, long update) {
        check(pa, 8);
        return A64.compareAndSet(chunk(pa), (long) offset(pa), expect, update);
    }

    public void read(long pa, byte[] dst, int off, int len) {
        check(pa, len);
        while (len > 0) {
            int o = offset(pa);
            int n = Math.min(len, CHUNK_SIZE - o);
            MemorySegment.copy(chunk(pa), U8, o, dst, off, n);
            pa += n; off += n; len -= n;
        }
    }

    public void write(long pa, byte[] src, int off, int len) {
        check(pa, len);
        long start = pa;
        int total = len;
        while (len > 0) {
            int o = offset(pa);
            int n = Math.min(len, CHUNK_SIZE - o);
            MemorySegment.copy(src, off, chunk(pa), U8, o, n);
            pa += n; off += n; len -= n;
        }
        observer.written(start, total);
    }

    /** Copies {@code len} bytes of RAM from {@code src} to {@code dst} (ranges must not overlap). */
    public void copy(long src, long dst, int len) {
        check(src, len);
        check(dst, len);
        long start = dst;
        int total = len;
        while (len > 0) {
            int n = Math.min(len, Math.min(CHUNK_SIZE - offset(src), CHUNK_SIZE - offset(dst)));
            MemorySegment.copy(chunk(src), offset(src), chunk(dst), offset(dst), n);
            src += n; dst += n; len -= n;
        }
        observer.written(start, total);
    }

    public void zero(long pa, long len) {
        check(pa, len);
        long start = pa, total = len;
        while (len > 0) {
            int o = offset(pa);
            int n = (int) Math.min(len, CHUNK_SIZE - o);
            int i = (int) ((pa - base) >>> CHUNK_SHIFT);
            if (chunks[i] != null) chunks[i].asSlice(o, n).fill((byte) 0);
            pa += n; len -= n;
        }
        observer.written(start, total);
    }
}
