package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * An open file description, what a file descriptor points at. The console is the only kind in
 * this first kernel path; the VFS and its 9P-shaped file-server interface grow around it.
 * Default methods fail the way Linux does for a file that cannot do the operation.
 */
public interface OpenFile {
    /** Reads up to {@code len} bytes into {@code buf}; blocks until at least one byte or EOF (0). */
    default int read(byte[] buf, int off, int len) { throw new SysError(Errno.EINVAL); }

    /** Writes {@code len} bytes; returns how many were accepted. */
    default int write(byte[] buf, int off, int len) { throw new SysError(Errno.EINVAL); }

    /** ioctl: {@code arg} is a user pointer the implementation may use through {@code user}. */
    default long ioctl(int request, long arg, UserMemory user) { throw new SysError(Errno.ENOTTY); }

    /** Fills a Linux {@code struct stat}. */
    Stat stat();

    /**
     * The last descriptor referring to this description went away (close, exit). Descriptions
     * are shared by dup and fork, so an implementation that holds resources must count its
     * references; the default does nothing.
     */
    default void close() { }

    /** Access to the calling process's memory for ioctls that take pointers. */
    interface UserMemory {
        void copyIn(long va, byte[] dst, int off, int len);
        void copyOut(long va, byte[] src, int off, int len);
    }
}
