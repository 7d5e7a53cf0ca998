package fornax.kernel.vfs;

/**
 * A file server's unique identity for a file (9P's qid): {@code path} is unique within the server
 * for the file's lifetime (it is also the file's inode number), {@code version} changes whenever
 * the file's contents change, and {@code type} carries the 9P type bits. Two fids name the same
 * file exactly when their servers and qid paths are equal.
 *
 * <pre>
 *   type bits: 0x80 QTDIR  0x40 QTAPPEND  0x20 QTEXCL  0x10 QTMOUNT  0x08 QTAUTH  0x04 QTTMP
 *              0x02 QTSYMLINK (9P2000.u)   0x00 QTFILE (anything else: regular file, device, FIFO)
 * </pre>
 */
public record Qid(int type, int version, long path) {
    public static final int QTDIR = 0x80, QTAPPEND = 0x40, QTEXCL = 0x20, QTMOUNT = 0x10, QTAUTH = 0x08,
            QTTMP = 0x04, QTSYMLINK = 0x02, QTFILE = 0x00;

    public boolean isDir() { return (type & QTDIR) != 0; }
    public boolean isSymlink() { return (type & QTSYMLINK) != 0; }

    /** The qid type for a Linux mode: QTDIR for S_IFDIR, QTSYMLINK for S_IFLNK, QTFILE otherwise. */
    public static int typeOf(int mode) {
        return switch (mode & Dir.S_IFMT) {
            case Dir.S_IFDIR -> QTDIR;
            case Dir.S_IFLNK -> QTSYMLINK;
            default -> QTFILE;
        };
    }
}
