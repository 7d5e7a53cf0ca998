package fornax.machine.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lazily allocated, chunked emulated RAM. */
class PhysicalMemoryTest {
    private static final long BASE = 0x8000_0000L;
    private static final int CHUNK = PhysicalMemory.CHUNK_SIZE;

    @Test
    void constructorValidatesGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(BASE + 4096, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(BASE, 0));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(BASE, 4095));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(BASE, -4096));
        PhysicalMemory m = new PhysicalMemory(BASE, 12288);       // not a whole chunk: fine
        assertEquals(BASE + 12288, m.end());
    }

    @Test
    void containsChecksBothEnds() {
        PhysicalMemory m = new PhysicalMemory(BASE, 1 << 20);
        assertTrue(m.contains(BASE, 1));
        assertTrue(m.contains(BASE + (1 << 20) - 8, 8));
        assertFalse(m.contains(BASE + (1 << 20) - 7, 8));
        assertFalse(m.contains(BASE - 1, 1));
        assertFalse(m.contains(BASE - 1, 2));
        assertFalse(m.contains(0, 8));
        assertFalse(m.contains(Long.MAX_VALUE, 1));
        assertFalse(m.contains(BASE, -1));
        assertTrue(m.contains(BASE + (1 << 20), 0));
    }

    @Test
    void freshMemoryReadsAsZeroAndIsLittleEndian() {
        PhysicalMemory m = new PhysicalMemory(BASE, 4 << 20);
        assertEquals(0L, m.read64(BASE + 12345 * 8));
        m.write64(BASE + 16, 0x0807060504030201L);
        for (int i = 0; i < 8; i++) assertEquals(i + 1, m.read8(BASE + 16 + i));
        assertEquals(0x04030201, m.read32(BASE + 16));
        assertEquals(0x05040302, m.read32(BASE + 17), "unaligned");
        assertEquals(0x0008070605040302L, m.read64(BASE + 17));
    }

    @Test
    void accessesCrossingChunkBoundaries() {
        PhysicalMemory m = new PhysicalMemory(BASE, 4L * CHUNK);
        for (int k = 1; k < 8; k++) {
            long pa = BASE + CHUNK - k;
            long v = 0x1122334455667788L * k;
            m.write64(pa, v);
            assertEquals(v, m.read64(pa), "write64/read64 across a chunk at -" + k);
            for (int i = 0; i < 8; i++) assertEquals((byte) (v >>> (8 * i)), m.read8(pa + i));
        }
        m.write64(BASE + 2L * CHUNK - 2, 0xAABBCCDDEEFF0011L);
        assertEquals(0xEEFF0011, m.read32(BASE + 2L * CHUNK - 2));
        byte[] src = new byte[3 * CHUNK / 2];
        for (int i = 0; i < src.length; i++) src[i] = (byte) (i * 31 + 7);
        m.write(BASE + CHUNK / 2 + 3, src, 0, src.length);
        byte[] back = new byte[src.length];
        m.read(BASE + CHUNK / 2 + 3, back, 0, back.length);
        assertArrayEquals(src, back);
    }

    @Test
    void zeroClearsAcrossChunks() {
        PhysicalMemory m = new PhysicalMemory(BASE, 4L * CHUNK);
        byte[] ones = new byte[2 * CHUNK];
        java.util.Arrays.fill(ones, (byte) -1);
        m.write(BASE + CHUNK / 2, ones, 0, ones.length);
        m.zero(BASE + CHUNK - 100, CHUNK + 200);
        assertEquals(-1, m.read8(BASE + CHUNK - 101));
        assertEquals(0, m.read8(BASE + CHUNK - 100));
        assertEquals(0L, m.read64(BASE + CHUNK - 4));
        assertEquals(0, m.read8(BASE + 2L * CHUNK + 99));
        assertEquals(-1, m.read8(BASE + 2L * CHUNK + 100));
        m.zero(BASE + 3L * CHUNK, CHUNK);                           // never touched: stays zero
        assertEquals(0L, m.read64(BASE + 3L * CHUNK + 8));
    }

    @Test
    void outOfRangeAccessesAreRejected() {
        PhysicalMemory m = new PhysicalMemory(BASE, 1 << 20);
        long end = BASE + (1 << 20);
        assertThrows(IllegalArgumentException.class, () -> m.read8(end));
        assertThrows(IllegalArgumentException.class, () -> m.read64(end - 4));
        assertThrows(IllegalArgumentException.class, () -> m.read32(BASE - 4));
        assertThrows(IllegalArgumentException.class, () -> m.write64(end - 1, 0));
        assertThrows(IllegalArgumentException.class, () -> m.write8(BASE - 1, (byte) 0));
        assertThrows(IllegalArgumentException.class, () -> m.write(end - 2, new byte[4], 0, 4));
        assertThrows(IllegalArgumentException.class, () -> m.zero(end - 8, 16));
        assertThrows(IllegalArgumentException.class, () -> m.cas64(end, 0, 1));
        m.write64(end - 8, 5);
        assertEquals(5L, m.read64(end - 8));
    }

    @Test
    void moreThanTwoGigabytesAllocateLazily() {
        long size = 3L << 30;
        PhysicalMemory m = new PhysicalMemory(BASE, size);
        assertEquals(size, m.size());
        long last = BASE + size - 1;
        assertEquals(0, m.read8(last));
        m.write8(last, (byte) 0x5A);
        assertEquals(0x5A, m.read8(last));
        m.write64(BASE + size - 8, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, m.read64(BASE + size - 8));
        long beyond2g = BASE + (2L << 30) + 4096 + 3;
        m.write64(beyond2g, -2);
        assertEquals(-2L, m.read64(beyond2g));
        assertEquals(PhysicalMemory.offset(beyond2g), (int) ((beyond2g - BASE) % CHUNK));
        assertSame(m.chunk(beyond2g), m.chunk(beyond2g + 4000));
        assertTrue(m.contains(last, 1));
        assertFalse(m.contains(last, 2));
    }

    @Test
    void casOnAlignedWords() {
        PhysicalMemory m = new PhysicalMemory(BASE, 1 << 20);
        m.write64(BASE + 64, 10);
        assertTrue(m.cas64(BASE + 64, 10, 11));
        assertFalse(m.cas64(BASE + 64, 10, 12));
        assertEquals(11L, m.read64(BASE + 64));
    }

    @Test
    void kernelWritesAreReportedToTheObserver() {
        PhysicalMemory m = new PhysicalMemory(BASE, 4L * CHUNK);
        List<long[]> seen = new ArrayList<>();
        m.setWriteObserver((pa, len) -> seen.add(new long[] {pa, len}));
        m.write8(BASE + 1, (byte) 1);
        m.write64(BASE + CHUNK - 3, 1);
        m.write(BASE + 100, new byte[10], 0, 10);
        m.zero(BASE + 4096, 8192);
        assertEquals(4, seen.size());
        assertArrayEquals(new long[] {BASE + 1, 1}, seen.get(0));
        assertArrayEquals(new long[] {BASE + CHUNK - 3, 8}, seen.get(1));
        assertArrayEquals(new long[] {BASE + 100, 10}, seen.get(2));
        assertArrayEquals(new long[] {BASE + 4096, 8192}, seen.get(3));
    }
}
