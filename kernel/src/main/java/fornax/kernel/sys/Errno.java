package fornax.kernel.sys;

/**
 * Linux errno values (asm-generic/errno-base.h and errno.h; the same numbers as Appendix B of the
 * AstraLisp plan). Kernel code throws {@link SysError} carrying one of these; the syscall boundary
 * turns it into {@code -errno} exactly once.
 */
public final class Errno {
    private Errno() { }

    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
            ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14,
            ENOTBLK = 15, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21,
            EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28,
            ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35,
            ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61,
            EOVERFLOW = 75, EPROTONOSUPPORT = 93, EOPNOTSUPP = 95, ETIMEDOUT = 110;

    /** Symbolic name for logs ("ENOENT"), or the number. */
    public static String name(int errno) {
        for (java.lang.reflect.Field f : Errno.class.getFields()) {
            try {
                if (f.getType() == int.class && f.getInt(null) == errno) return f.getName();
            } catch (IllegalAccessException e) {
                break;
            }
        }
        return Integer.toString(errno);
    }
}
