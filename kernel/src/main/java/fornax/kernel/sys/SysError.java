package fornax.kernel.sys;

/**
 * The one kernel error: an operation failed with a Linux errno. Thrown anywhere below the syscall
 * layer; caught once at the syscall boundary and returned to the user as {@code -errno}.
 * Stackless: it is control flow, and a trace would only cost time.
 */
public final class SysError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public SysError(int errno) {
        super(null, null, false, false);
        this.errno = errno;
    }

    public SysError(int errno, String why) {
        super(why, null, false, false);
        this.errno = errno;
    }

    public int errno() { return errno; }

    @Override public String getMessage() {
        String why = super.getMessage();
        return why == null ? Errno.name(errno) : Errno.name(errno) + ": " + why;
    }
}
