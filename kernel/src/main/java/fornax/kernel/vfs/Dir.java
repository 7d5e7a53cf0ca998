package fornax.kernel.vfs;

/**
 * A file's attributes, what {@link FileServer#stat} returns and {@link FileServer#wstat} changes:
 * 9P's Dir with Linux's fields (9P2000.L's getattr/setattr carry the same set).
 *
 * <p>{@code mode} is a Linux mode: the S_IF* type bits and the permission bits (07777). Times are
 * nanoseconds since the epoch. {@code ino} equals the file's {@link Qid#path()}; {@code dev} is the
 * server's device number (st_dev); {@code blocks} counts 512-byte units actually allocated.
 *
 * <p>For wstat, a field holding {@link #KEEP_INT} (ints) or {@link #KEEP} (longs) is left alone,
 * as 9P's "don't touch" values; only mode (permission bits), uid, gid, size, atime and mtime can be
 * changed, and the server sets ctime itself; {@link #NOW} asks for the server's current time. Build
 * such records with {@link #change}.
 */
public record Dir(int mode, int uid, int gid, long size, int nlink, long atime, long mtime, long ctime, long rdev,
                  long ino, long dev, long blocks, int blksize) {
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;
    public static final int S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000, PERMS = 07777;
    /** getdents64 d_type values. */
    public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8,
            DT_LNK = 10, DT_SOCK = 12;

    /** "Leave unchanged" for long fields in wstat. */
    public static final long KEEP = Long.MIN_VALUE;
    /** "The server's current time" for atime/mtime in wstat (utimensat's UTIME_NOW). */
    public static final long NOW = Long.MIN_VALUE + 1;
    /** "Leave unchanged" for int fields in wstat (the -1 of chown). */
    public static final int KEEP_INT = -1;

    /** A wstat request: every field KEEP except the given ones. */
    public static Dir change(int mode, int uid, int gid, long size, long atime, long mtime) {
        return new Dir(mode, uid, gid, size, KEEP_INT, atime, mtime, KEEP, KEEP, KEEP, KEEP, KEEP, KEEP_INT);
    }

    public static Dir chmod(int mode) { return change(mode, KEEP_INT, KEEP_INT, KEEP, KEEP, KEEP); }
    public static Dir truncate(long size) { return change(KEEP_INT, KEEP_INT, KEEP_INT, size, KEEP, KEEP); }

    public int type() { return mode & S_IFMT; }
    public boolean isDir() { return type() == S_IFDIR; }
    public boolean isRegular() { return type() == S_IFREG; }
    public boolean isSymlink() { return type() == S_IFLNK; }

    /** The getdents64 d_type for a mode. */
    public static int dtype(int mode) { return (mode & S_IFMT) >>> 12; }

    /** The Linux {@code struct stat} for these attributes. */
    public Stat toStat() {
        return new Stat(dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, atime, mtime, ctime);
    }
}
