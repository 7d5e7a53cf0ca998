package fornax.kernel.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of Linux's {@code struct stat}; {@link #encode()} produces the riscv64 (asm-generic)
 * layout, 128 bytes:
 *
 * <pre>
 *   0 st_dev  8 st_ino  16 st_mode:4 20 st_nlink:4 24 st_uid:4 28 st_gid:4 32 st_rdev  40 pad
 *  48 st_size 56 st_blksize:4 60 pad:4 64 st_blocks 72 atime 80 atime_ns 88 mtime 96 mtime_ns
 * 104 ctime 112 ctime_ns 120 unused[2]:4
 * </pre>
 */
public record Stat(long dev, long ino, int mode, int nlink, int uid, int gid, long rdev, long size, int blksize,
                   long blocks, long atimeNanos, long mtimeNanos, long ctimeNanos) {
    private static final long NANOS = 1_000_000_000L;
    public static final int S_IFCHR = 0020000, S_IFDIR = 0040000, S_IFREG = 0100000, S_IFIFO = 0010000;

    public static long makedev(int major, int minor) {
        return ((long) (major & 0xFFF) << 8) | (minor & 0xFF) | ((long) (minor & ~0xFF) << 12);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(dev).putLong(ino).putInt(mode).putInt(nlink).putInt(uid).putInt(gid).putLong(rdev).putLong(0)
                .putLong(size).putInt(blksize).putInt(0).putLong(blocks)
                .putLong(Math.floorDiv(atimeNanos, NANOS)).putLong(Math.floorMod(atimeNanos, NANOS))
                .putLong(Math.floorDiv(mtimeNanos, NANOS)).putLong(Math.floorMod(mtimeNanos, NANOS))
                .putLong(Math.floorDiv(ctimeNanos, NANOS)).putLong(Math.floorMod(ctimeNanos, NANOS));
        return b.array();
    }
}
