package fornax.kernel.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * File-system statistics ({@link FileServer#statfs}); {@link #encode()} gives Linux's 64-bit
 * {@code struct statfs} (120 bytes):
 *
 * <pre>
 *   0 f_type  8 f_bsize  16 f_blocks  24 f_bfree  32 f_bavail  40 f_files  48 f_ffree
 *  56 f_fsid (2 x int)   64 f_namelen  72 f_frsize  80 f_flags  88 f_spare[4]
 * </pre>
 */
public record StatFs(long type, long bsize, long blocks, long bfree, long bavail, long files, long ffree,
                     long fsid, long namelen, long frsize, long flags) {
    public static final long TMPFS_MAGIC = 0x01021994L, PIPEFS_MAGIC = 0x50495045L, ANON_INODE_FS_MAGIC = 0x09041934L;
    /** f_flags: ST_VALID (the flags are meaningful), ST_RELATIME. */
    public static final long ST_VALID = 0x20, ST_NOSUID = 0x2, ST_NOEXEC = 0x8, ST_RELATIME = 0x1000;

    /**
     * What fstatfs says for a file that no file server holds (a timerfd, the boot console): Linux's
     * anon_inodefs answer (simple_statfs: magic, page-sized blocks, NAME_MAX, no counts).
     */
    public static StatFs anonymous() {
        return new StatFs(ANON_INODE_FS_MAGIC, 4096, 0, 0, 0, 0, 0, 0, 255, 4096, ST_VALID);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(type).putLong(bsize).putLong(blocks).putLong(bfree).putLong(bavail).putLong(files).putLong(ffree)
                .putInt((int) fsid).putInt((int) (fsid >>> 32)).putLong(namelen).putLong(frsize).putLong(flags);
        return b.array();
    }
}
