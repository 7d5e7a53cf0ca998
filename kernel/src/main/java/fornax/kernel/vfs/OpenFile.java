package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * What a {@link FileDescription} refers to: an open file, device or pipe end. Files in the
 * namespace are {@link ChanFile}s over a file server's opened fid (the console terminal too: the
 * first process gets /dev/console); the console of a host that is not a terminal is a
 * {@link fornax.kernel.dev.ConsoleFile}. Default methods fail the way Linux does for a file that
 * cannot do the operation.
 *
 * <p>Two kinds: streams (pipes, terminals; {@link #seekable()} false) use {@link #read} and
 * {@link #write} and have no position, so lseek and pread are ESPIPE; seekable files (regular
 * files, directories, memory devices) use {@link #pread} and {@link #pwrite} at the description's
 * offset, which the syscall layer keeps under the description's lock.
 */
public interface OpenFile {
    /** Stream read of up to {@code len} bytes; blocks until at least one byte or end of file (0). */
    default int read(byte[] buf, int off, int len) { throw new SysError(Errno.EINVAL); }

    /** Stream write of {@code len} bytes; returns how many were accepted. */
    default int write(byte[] buf, int off, int len) { throw new SysError(Errno.EINVAL); }

    /** True when I/O happens at an offset (see the class comment). */
    default boolean seekable() { return false; }

    /** Reads at {@code pos}; returns the count, 0 at end of file. */
    default int pread(long pos, byte[] buf, int off, int len) { throw new SysError(Errno.ESPIPE); }

    /** Writes at {@code pos}; returns the count. */
    default int pwrite(long pos, byte[] buf, int off, int len) { throw new SysError(Errno.ESPIPE); }

    /** O_APPEND write: all of it at the end, atomically; returns the offset just past it (0 for streams). */
    default long append(byte[] buf, int off, int len) {
        write(buf, off, len);
        return 0;
    }

    /** ioctl: {@code arg} is a user pointer the implementation may use through {@code user}. */
    default long ioctl(int request, long arg, UserMemory user) { throw new SysError(Errno.ENOTTY); }

    /** Fills a Linux {@code struct stat}. */
    Stat stat();

    /** The description's status flags changed (fcntl F_SETFL: O_NONBLOCK, O_APPEND, ...). */
    default void setStatusFlags(int flags) { }

    /**
     * poll: which of {@code events} (POLLIN 1, POLLOUT 4) are ready now, plus POLLERR/POLLHUP if
     * they hold. The default, for files that never block, is "all of them"; files that can block
     * override it (and, to spare ppoll its periodic rechecks, {@link #watch}).
     */
    default int poll(int events) { return events & (POLLIN | POLLOUT); }

    int POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;

    /**
     * ppoll is about to wait on this file: a file whose readiness changes by itself (a timerfd)
     * remembers {@code waiter} and unparks it (LockSupport.unpark) whenever {@link #poll} may
     * answer differently, and returns true. The default returns false: ppoll then looks at the
     * file again every few milliseconds. Registration comes before ppoll's readiness check, so a
     * change in between is not lost.
     */
    default boolean watch(Thread waiter) { return false; }

    /** ppoll stopped waiting: forget {@code waiter} (see {@link #watch}). */
    default void unwatch(Thread waiter) { }

    /**
     * The last descriptor referring to this description went away (close, exit). Descriptions
     * are shared by dup and fork, so this is called once per open, whatever the number of
     * descriptors; the default does nothing.
     */
    default void close() { }

    /** Access to the calling process's memory for ioctls that take pointers. */
    interface UserMemory {
        void copyIn(long va, byte[] dst, int off, int len);
        void copyOut(long va, byte[] src, int off, int len);
    }
}
