package fornax.kernel.vfs;

/**
 * Linux open(2) flags as riscv64 defines them (asm-generic/fcntl.h, octal there). The access mode
 * is the low two bits; {@link #STATUS_FLAGS} are the ones a description keeps and F_SETFL may
 * change; creation flags act only at open.
 */
public final class OpenFlags {
    private OpenFlags() { }

    public static final int O_ACCMODE = 03, O_RDONLY = 0, O_WRONLY = 01, O_RDWR = 02;
    public static final int O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000,
            O_NONBLOCK = 04000, O_DSYNC = 010000, O_ASYNC = 020000, O_DIRECT = 040000, O_LARGEFILE = 0100000,
            O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_NOATIME = 01000000, O_CLOEXEC = 02000000,
            O_SYNC = 04010000, O_PATH = 010000000, O_TMPFILE = 020000000 | O_DIRECTORY;

    /** Every flag open(2) knows; others are ignored, as Linux ignores them for open and openat. */
    public static final int VALID = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK
            | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC
            | O_SYNC | O_PATH | O_TMPFILE;
    /** Flags that only matter while opening: not kept in the description. */
    public static final int CREATION = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;
    /** What fcntl(F_SETFL) may change. */
    public static final int SETFL_MASK = O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME | O_NONBLOCK;

    public static boolean readable(int flags) {
        int acc = flags & O_ACCMODE;
        return (flags & O_PATH) == 0 && (acc == O_RDONLY || acc == O_RDWR);
    }

    public static boolean writable(int flags) {
        int acc = flags & O_ACCMODE;
        return (flags & O_PATH) == 0 && (acc == O_WRONLY || acc == O_RDWR);
    }
}
