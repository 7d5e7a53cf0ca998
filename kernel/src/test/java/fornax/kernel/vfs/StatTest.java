package fornax.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** struct stat for riscv64 is the asm-generic layout: 128 bytes, little-endian. */
class StatTest {
    private static final long SEC = 1_000_000_000L;

    private final Stat st = new Stat(0x1122_3344_5566_7788L, 0x0102_0304_0506_0708L, Stat.S_IFREG | 0644, 3, 1000, 100,
            Stat.makedev(5, 1), 0x1_2345_6789L, 4096, 77, 1_700_000_000L * SEC + 123_456_789L,
            1_600_000_000L * SEC + 1L, 1_500_000_000L * SEC + 999_999_999L);

    private ByteBuffer encoded() {
        byte[] b = st.encode();
        assertEquals(128, b.length);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void fieldsAtAsmGenericOffsets() {
        ByteBuffer b = encoded();
        assertEquals(0x1122_3344_5566_7788L, b.getLong(0), "st_dev");
        assertEquals(0x0102_0304_0506_0708L, b.getLong(8), "st_ino");
        assertEquals(Stat.S_IFREG | 0644, b.getInt(16), "st_mode");
        assertEquals(3, b.getInt(20), "st_nlink");
        assertEquals(1000, b.getInt(24), "st_uid");
        assertEquals(100, b.getInt(28), "st_gid");
        assertEquals(Stat.makedev(5, 1), b.getLong(32), "st_rdev");
        assertEquals(0, b.getLong(40), "__pad1");
        assertEquals(0x1_2345_6789L, b.getLong(48), "st_size");
        assertEquals(4096, b.getInt(56), "st_blksize");
        assertEquals(0, b.getInt(60), "__pad2");
        assertEquals(77, b.getLong(64), "st_blocks");
        assertEquals(1_700_000_000L, b.getLong(72), "st_atime");
        assertEquals(123_456_789L, b.getLong(80), "st_atime_nsec");
        assertEquals(1_600_000_000L, b.getLong(88), "st_mtime");
        assertEquals(1L, b.getLong(96), "st_mtime_nsec");
        assertEquals(1_500_000_000L, b.getLong(104), "st_ctime");
        assertEquals(999_999_999L, b.getLong(112), "st_ctime_nsec");
        assertEquals(0, b.getInt(120), "__unused4");
        assertEquals(0, b.getInt(124), "__unused5");
    }

    @Test
    void byteOrderIsLittleEndian() {
        byte[] b = st.encode();
        assertEquals((byte) 0x88, b[0]);
        assertEquals((byte) 0x11, b[7]);
    }

    @Test
    void makedevMatchesGlibcEncoding() {
        // glibc: ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32)
        assertEquals(0x501, Stat.makedev(5, 1));
        assertEquals(0x0880, Stat.makedev(8, 0x80));
        assertEquals(0x1234_5678L & 0xFF | (0x12345678L & ~0xFFL) << 12 | 0x103L << 8, Stat.makedev(0x103, 0x1234_5678));
    }

    /**
     * A timestamp before 1970 (a host file can have one) must still encode tv_nsec in
     * [0, 999999999], as the kernel's timespec normalisation guarantees: -1.000000001 s is
     * tv_sec -2, tv_nsec 999999999.
     */
    @Test
    void preEpochTimesHaveNormalisedNanoseconds() {
        long t = -1_000_000_001L;
        ByteBuffer b = ByteBuffer.wrap(new Stat(0, 0, Stat.S_IFREG, 1, 0, 0, 0, 0, 4096, 0, t, t, t).encode())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int off : new int[] {72, 88, 104}) {
            assertEquals(-2, b.getLong(off), "tv_sec at " + off);
            assertEquals(999_999_999L, b.getLong(off + 8), "tv_nsec at " + (off + 8));
        }
    }

    @Test
    void zeroStatEncodesToZeros() {
        byte[] b = new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).encode();
        assertEquals(128, b.length);
        for (int i = 0; i < b.length; i++) assertEquals(0, b[i], "byte " + i);
    }
}
