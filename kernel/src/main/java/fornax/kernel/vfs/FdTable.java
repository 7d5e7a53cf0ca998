package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * A process's file-descriptor table: small integers naming {@link FileDescription}s, each with its
 * own close-on-exec flag. Descriptions are shared, not copied, by dup and by fork (a forked child
 * gets a new table pointing at the same descriptions, each retained once more), as on Linux.
 * Methods that remove entries return the descriptions; the caller releases them outside the lock.
 *
 * <p>Locking: guarded by {@code this}. Never call into a file while holding it.
 */
public final class FdTable {
    public static final int DEFAULT_LIMIT = 1024;

    // guarded by this
    private FileDescription[] files = new FileDescription[64];
    private boolean[] closeOnExec = new boolean[64];

    /** The description behind {@code fd}; EBADF if none. */
    public synchronized FileDescription get(int fd) {
        if (fd < 0 || fd >= files.length || files[fd] == null) throw new SysError(Errno.EBADF);
        return files[fd];
    }

    /**
     * The description behind {@code fd}, retained for the duration of a syscall so a concurrent
     * close cannot release it underneath; the caller must {@link FileDescription#release()} it.
     */
    public synchronized FileDescription acquire(int fd) { return get(fd).retain(); }

    /** The open descriptors in [{@code first}, {@code last}], ascending (close_range). */
    public synchronized int[] openIn(int first, int last) {
        int hi = (int) Math.min(last, files.length - 1L);
        int n = 0;
        int[] fds = new int[Math.max(0, hi - first + 1)];
        for (int fd = Math.max(0, first); fd <= hi; fd++) if (files[fd] != null) fds[n++] = fd;
        return java.util.Arrays.copyOf(fds, n);
    }

    /** Installs {@code f} at the lowest free descriptor ≥ {@code min} below {@code limit}; EMFILE if none. */
    public synchronized int install(FileDescription f, int min, int limit, boolean cloexec) {
        for (int fd = Math.max(0, min); fd < limit; fd++) {
            if (fd >= files.length) grow(fd + 1);
            if (files[fd] == null) {
                files[fd] = f;
                closeOnExec[fd] = cloexec;
                return fd;
            }
        }
        throw new SysError(Errno.EMFILE);
    }

    /** Puts {@code f} at exactly {@code fd}, returning what was there (the caller closes it) or null. */
    public synchronized FileDescription installAt(int fd, FileDescription f, boolean cloexec) {
        if (fd < 0) throw new SysError(Errno.EBADF);
        if (fd >= files.length) grow(fd + 1);
        FileDescription old = files[fd];
        files[fd] = f;
        closeOnExec[fd] = cloexec;
        return old;
    }

    /** Removes {@code fd}; returns its description so the caller can release it outside the lock. */
    public synchronized FileDescription remove(int fd) {
        FileDescription f = get(fd);
        files[fd] = null;
        closeOnExec[fd] = false;
        return f;
    }

    public synchronized boolean closeOnExec(int fd) { get(fd); return closeOnExec[fd]; }

    public synchronized void setCloseOnExec(int fd, boolean on) { get(fd); closeOnExec[fd] = on; }

    /** A copy for a forked child: same descriptions, same flags. */
    public synchronized FdTable fork() {
        FdTable t = new FdTable();
        t.files = files.clone();
        t.closeOnExec = closeOnExec.clone();
        for (FileDescription f : t.files) if (f != null) f.retain();
        return t;
    }

    /** exec: drops close-on-exec descriptors; returns them for the caller to release. */
    public synchronized java.util.List<FileDescription> closeOnExecAll() {
        java.util.List<FileDescription> closed = new java.util.ArrayList<>();
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null && closeOnExec[fd]) {
                closed.add(files[fd]);
                files[fd] = null;
                closeOnExec[fd] = false;
            }
        }
        return closed;
    }

    /** Empties the table (process exit); returns every description for release. */
    public synchronized java.util.List<FileDescription> clear() {
        java.util.List<FileDescription> all = new java.util.ArrayList<>();
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) all.add(files[fd]);
            files[fd] = null;
        }
        return all;
    }

    /** Number of open descriptors. */
    public synchronized int count() {
        int n = 0;
        for (FileDescription f : files) if (f != null) n++;
        return n;
    }

    private void grow(int min) {
        int n = Math.max(min, files.length * 2);
        files = java.util.Arrays.copyOf(files, n);
        closeOnExec = java.util.Arrays.copyOf(closeOnExec, n);
    }
}
