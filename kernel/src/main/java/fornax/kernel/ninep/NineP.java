package fornax.kernel.ninep;

/**
 * The numbers of the 9P protocol: message types, special tags and fids, size limits, and the flag
 * words carried in message fields (open modes, permission bits, getattr/setattr masks, lock
 * types). Values are those of Plan 9's fcall.h and Linux's include/net/9p/9p.h.
 */
public final class NineP {
    private NineP() { }

    // ---- message types (T is even, its R is T+1) ----
    public static final int TLERROR = 6, RLERROR = 7, TSTATFS = 8, RSTATFS = 9, TLOPEN = 12, RLOPEN = 13,
            TLCREATE = 14, RLCREATE = 15, TSYMLINK = 16, RSYMLINK = 17, TMKNOD = 18, RMKNOD = 19,
            TRENAME = 20, RRENAME = 21, TREADLINK = 22, RREADLINK = 23, TGETATTR = 24, RGETATTR = 25,
            TSETATTR = 26, RSETATTR = 27, TXATTRWALK = 30, RXATTRWALK = 31, TXATTRCREATE = 32,
            RXATTRCREATE = 33, TREADDIR = 40, RREADDIR = 41, TFSYNC = 50, RFSYNC = 51, TLOCK = 52, RLOCK = 53,
            TGETLOCK = 54, RGETLOCK = 55, TLINK = 70, RLINK = 71, TMKDIR = 72, RMKDIR = 73, TRENAMEAT = 74,
            RRENAMEAT = 75, TUNLINKAT = 76, RUNLINKAT = 77;
    public static final int TVERSION = 100, RVERSION = 101, TAUTH = 102, RAUTH = 103, TATTACH = 104,
            RATTACH = 105, TERROR = 106, RERROR = 107, TFLUSH = 108, RFLUSH = 109, TWALK = 110, RWALK = 111,
            TOPEN = 112, ROPEN = 113, TCREATE = 114, RCREATE = 115, TREAD = 116, RREAD = 117, TWRITE = 118,
            RWRITE = 119, TCLUNK = 120, RCLUNK = 121, TREMOVE = 122, RREMOVE = 123, TSTAT = 124, RSTAT = 125,
            TWSTAT = 126, RWSTAT = 127;

    // ---- special values ----
    /** The tag of Tversion/Rversion (version(5)); never allocated to an ordinary request. */
    public static final int NOTAG = 0xFFFF;
    /** "No fid": Tattach's afid when there is no authentication (attach(5)). */
    public static final int NOFID = 0xFFFFFFFF;
    /** 9P2000.u/.L n_uname (and stat's n_uid...) meaning "no numeric id: use the name". */
    public static final int NONUNAME = 0xFFFFFFFF;
    /** The most names in one Twalk and qids in one Rwalk (walk(5)'s MAXWELEM). */
    public static final int MAXWELEM = 16;

    // ---- sizes ----
    /** size[4] type[1] tag[2]: every message starts with this header. */
    public static final int HEADER = 7;
    /** Header of Rread before its data (size type tag count): Rread count ≤ msize − 11. */
    public static final int RREAD_HEADER = 11;
    /** Header of Twrite before its data (size type tag fid offset count): the largest I/O header,
     *  Linux's P9_IOHDRSZ; a server's iounit is at most msize − 23. */
    public static final int IOHDRSZ = 23;
    /** The smallest msize Fornax agrees to (lib9p's lower bound): below it not even a stat fits. */
    public static final int MIN_MSIZE = 256;
    /** The largest msize Fornax agrees to: far above what Linux clients ask for, small enough that a
     *  peer cannot make us buffer an unreasonable message. */
    public static final int MAX_MSIZE = 16 << 20;

    // ---- Topen/Tcreate mode byte (open(5)) ----
    public static final int OREAD = 0, OWRITE = 1, ORDWR = 2, OEXEC = 3, OTRUNC = 0x10, ORCLOSE = 0x40;

    // ---- stat mode / Tcreate perm high bits (stat(5); the .u ones from the 9P2000.u draft) ----
    public static final int DMDIR = 0x80000000, DMAPPEND = 0x40000000, DMEXCL = 0x20000000,
            DMMOUNT = 0x10000000, DMAUTH = 0x08000000, DMTMP = 0x04000000, DMSYMLINK = 0x02000000,
            DMLINK = 0x01000000, DMDEVICE = 0x00800000, DMNAMEDPIPE = 0x00200000, DMSOCKET = 0x00100000,
            DMSETUID = 0x00080000, DMSETGID = 0x00040000, DMSETVTX = 0x00010000;

    // ---- Tgetattr request_mask / Rgetattr valid ----
    public static final long GETATTR_MODE = 0x1, GETATTR_NLINK = 0x2, GETATTR_UID = 0x4, GETATTR_GID = 0x8,
            GETATTR_RDEV = 0x10, GETATTR_ATIME = 0x20, GETATTR_MTIME = 0x40, GETATTR_CTIME = 0x80,
            GETATTR_INO = 0x100, GETATTR_SIZE = 0x200, GETATTR_BLOCKS = 0x400, GETATTR_BTIME = 0x800,
            GETATTR_GEN = 0x1000, GETATTR_DATA_VERSION = 0x2000, GETATTR_BASIC = 0x7ff, GETATTR_ALL = 0x3fff;

    // ---- Tsetattr valid ----
    public static final int SETATTR_MODE = 0x1, SETATTR_UID = 0x2, SETATTR_GID = 0x4, SETATTR_SIZE = 0x8,
            SETATTR_ATIME = 0x10, SETATTR_MTIME = 0x20, SETATTR_CTIME = 0x40, SETATTR_ATIME_SET = 0x80,
            SETATTR_MTIME_SET = 0x100;

    // ---- Tlock/Tgetlock ----
    public static final int LOCK_TYPE_RDLCK = 0, LOCK_TYPE_WRLCK = 1, LOCK_TYPE_UNLCK = 2;
    public static final int LOCK_FLAGS_BLOCK = 1, LOCK_FLAGS_RECLAIM = 2;
    public static final int LOCK_SUCCESS = 0, LOCK_BLOCKED = 1, LOCK_ERROR = 2, LOCK_GRACE = 3;

    /** "Tversion", "Rlerror", ... for logs; "type N" for a number that names no message. */
    public static String typeName(int type) {
        String n = switch (type & ~1) {
            case TLERROR -> "lerror";
            case TSTATFS -> "statfs";
            case TLOPEN -> "lopen";
            case TLCREATE -> "lcreate";
            case TSYMLINK -> "symlink";
            case TMKNOD -> "mknod";
            case TRENAME -> "rename";
            case TREADLINK -> "readlink";
            case TGETATTR -> "getattr";
            case TSETATTR -> "setattr";
            case TXATTRWALK -> "xattrwalk";
            case TXATTRCREATE -> "xattrcreate";
            case TREADDIR -> "readdir";
            case TFSYNC -> "fsync";
            case TLOCK -> "lock";
            case TGETLOCK -> "getlock";
            case TLINK -> "link";
            case TMKDIR -> "mkdir";
            case TRENAMEAT -> "renameat";
            case TUNLINKAT -> "unlinkat";
            case TVERSION -> "version";
            case TAUTH -> "auth";
            case TATTACH -> "attach";
            case TERROR -> "error";
            case TFLUSH -> "flush";
            case TWALK -> "walk";
            case TOPEN -> "open";
            case TCREATE -> "create";
            case TREAD -> "read";
            case TWRITE -> "write";
            case TCLUNK -> "clunk";
            case TREMOVE -> "remove";
            case TSTAT -> "stat";
            case TWSTAT -> "wstat";
            default -> null;
        };
        return n == null || type < 0 || type > 255 ? "type " + type : ((type & 1) == 0 ? "T" : "R") + n;
    }
}
