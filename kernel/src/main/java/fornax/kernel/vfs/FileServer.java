package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.List;

/**
 * The one file-server interface (Plan 9's Dev table, 9P's message set): tmpfs, the device server,
 * pipes, and later procfs, hostfs, LFSX and the 9P client all implement it. Local servers are
 * called directly, with no marshalling; a server behind a channel gets the 9P2000 wire codec.
 *
 * <p>The first ten calls are 9P's (attach, walk, open, create, read, write, clunk, remove, stat,
 * wstat). The rest are what a Linux personality needs beyond 9P2000, shaped like their 9P2000.L
 * messages: readdir (Treaddir), rename (Trenameat), link (Tlink), readlink (Treadlink), statfs,
 * fsync, plus append and ioctl, which have no message (a remote server would see a write at the
 * end and a control file). Two deliberate differences from 9P2000, both 9P2000.L's: remove names
 * a directory entry (a file with hard links has many names, so "remove this fid" is ambiguous),
 * and create returns a new walked fid rather than opening the directory fid in place.
 *
 * <p>Fids follow the protocol states in {@link Fid}: every call says which state its fid must be
 * in, and a server rejects anything else with EBADF. Errors are {@link SysError}s carrying Linux
 * errnos. Implementations are thread-safe: any number of kernel threads call them at once.
 *
 * <p>A server's files have unique qid paths, and {@link Dir#ino()} equals the qid path. Every
 * directory answers "." (itself) and ".." (its parent; the server's root is its own parent: the
 * namespace, not the server, knows what lies above a mount).
 */
public interface FileServer {
    // ------------------------------------------------------------------ 9P

    /** A new WALKED fid for the server's root directory (Tattach). */
    Fid attach();

    /**
     * A new WALKED fid for entry {@code name} of directory {@code dir} (Twalk with one name; newfid
     * differs from fid). {@code dir} must be WALKED. ENOTDIR if {@code dir} is not a directory,
     * ENOENT if there is no such entry. "." and ".." are understood.
     */
    Fid walk(Fid dir, String name);

    /** A new WALKED fid for the same file (Twalk with no names). {@code fid} must be WALKED. */
    Fid clone(Fid fid);

    /**
     * Opens {@code fid} (WALKED → OPEN) with Linux open flags: the access mode and status flags
     * (creation flags such as O_CREAT, O_TRUNC are the caller's business). EISDIR for write access
     * to a directory; a server may refuse other combinations (EACCES, ENXIO).
     */
    void open(Fid fid, int flags);

    /**
     * Creates entry {@code name} in directory {@code dir} (WALKED) and returns a new WALKED fid for
     * it. {@code mode} holds the type (S_IFREG, S_IFDIR, S_IFLNK; 0 means S_IFREG) and permission
     * bits, already masked by the caller's umask; {@code linkTarget} is the symlink's text for
     * S_IFLNK and null otherwise. EEXIST if the name exists, ENOENT if {@code dir} was removed,
     * EPERM/EROFS where the server does not allow creation, ENOSPC when full.
     */
    Fid create(Fid dir, String name, int mode, String linkTarget);

    /**
     * Reads up to {@code len} bytes at {@code offset} of an OPEN fid with read access; returns the
     * count, 0 at end of file. Stream files ignore the offset and may block until data arrives.
     * EISDIR for a directory (use {@link #readdir}).
     */
    int read(Fid fid, long offset, byte[] buf, int off, int len);

    /**
     * Writes {@code len} bytes at {@code offset} of an OPEN fid with write access; returns how many
     * were written (a short count only for streams, or after an error past the first byte).
     */
    int write(Fid fid, long offset, byte[] buf, int off, int len);

    /** Forgets {@code fid} in whatever state it is (Tclunk); an open file is closed. */
    void clunk(Fid fid);

    /**
     * Removes entry {@code name} of directory {@code dir} (WALKED): Tunlinkat. With
     * {@code directory}, the entry must be an empty directory (ENOTDIR, ENOTEMPTY); without it, it
     * must not be a directory (EISDIR). Open files stay usable until clunked.
     */
    void remove(Fid dir, String name, boolean directory);

    /** The file's attributes (fid WALKED or OPEN). */
    Dir stat(Fid fid);

    /**
     * Changes the attributes of {@code changes} that are not KEEP (see {@link Dir#change}): permission
     * bits, owner, group, size (regular files: truncate or extend with zeros; EISDIR for a directory,
     * EINVAL otherwise), atime, mtime. Any change also sets ctime to now. Fid WALKED or OPEN.
     */
    void wstat(Fid fid, Dir changes);

    // ------------------------------------------------------------------ 9P2000.L-shaped extensions

    /**
     * Up to {@code max} entries of an OPEN directory starting at directory offset {@code offset}
     * (0 is the start; each entry's {@link DirEntry#next()} resumes after it). "." and ".." come
     * first. An empty list means the end. ENOTDIR for a file.
     */
    List<DirEntry> readdir(Fid dir, long offset, int max);

    /** The text of a symlink (fid WALKED or OPEN); EINVAL if it is not one. */
    default String readlink(Fid fid) {
        fid.checkLive();
        throw new SysError(Errno.EINVAL);
    }

    /**
     * Moves entry {@code oldName} of {@code oldDir} to {@code newName} of {@code newDir} (both WALKED,
     * both this server's), replacing what is there under rename(2)'s rules: ENOENT, EISDIR, ENOTDIR,
     * ENOTEMPTY, EINVAL (a directory into itself), EEXIST with {@code noReplace}. Renaming a file onto
     * another name of the same file does nothing.
     */
    default void rename(Fid oldDir, String oldName, Fid newDir, String newName, boolean noReplace) {
        throw new SysError(Errno.EPERM);
    }

    /** Adds name {@code name} in {@code dir} for the file {@code target} (both WALKED). EPERM for a directory. */
    default void link(Fid target, Fid dir, String name) { throw new SysError(Errno.EPERM); }

    /**
     * Appends {@code len} bytes at the end of an OPEN file atomically (O_APPEND) and returns the
     * offset just past them. Servers without positions just write.
     */
    default long append(Fid fid, byte[] buf, int off, int len) {
        write(fid, 0, buf, off, len);
        return 0;
    }

    /** Linux ioctl on an OPEN fid; {@code arg} is a user pointer used through {@code user}. */
    default long ioctl(Fid fid, int request, long arg, OpenFile.UserMemory user) {
        fid.checkOpen();
        throw new SysError(Errno.ENOTTY);
    }

    /**
     * poll readiness of an OPEN fid (see {@link OpenFile#poll}). The default, for files that never
     * block, is "ready for what is asked".
     */
    default int poll(Fid fid, int events) {
        fid.checkOpen();
        return events & (OpenFile.POLLIN | OpenFile.POLLOUT);
    }

    /**
     * ppoll is about to wait on an OPEN fid: a server that can tell when its readiness changes
     * remembers {@code waiter}, unparks it then, and returns true (see {@link OpenFile#watch}).
     * The default returns false: ppoll rechecks the file periodically.
     */
    default boolean watch(Fid fid, Thread waiter) { return false; }

    /** ppoll stopped waiting on {@code fid}: forget {@code waiter}. */
    default void unwatch(Fid fid, Thread waiter) { }

    /** Makes the file's data durable (fid WALKED or OPEN); memory-backed servers have nothing to do. */
    default void fsync(Fid fid) { fid.checkLive(); }

    /**
     * The physical frame holding page {@code index} (4 KiB pages) of an OPEN regular file, for
     * MAP_SHARED mappings: the file keeps the page in that frame from now on, and its read, write
     * and truncate use the frame, so mappings in any process and read(2)/write(2) see the same
     * bytes at every moment (there is nothing to write back). The frame is retained once for the
     * caller, who frees it through the frame allocator when its mapping goes. Returns -1 if the page
     * lies wholly past the end of the file (the fault becomes SIGBUS). ENODEV from servers that
     * cannot keep pages in frames (the default), ENOSPC when a hole needs a page and there is none.
     */
    default long sharedPage(Fid fid, long index) {
        fid.checkOpen();
        throw new SysError(Errno.ENODEV);
    }

    /** Whether {@link #sharedPage} works for this OPEN fid (mmap asks before mapping). */
    default boolean sharesPages(Fid fid) { return false; }

    /** File-system statistics for statfs(2). */
    StatFs statfs();

    /**
     * The f_flags of {@link #statfs} (ST_NOSUID, ST_NODEV, ...), which /proc/mounts shows for every
     * mount on every read. A remote server answers without a round trip: 9P has no such flags.
     */
    default long mountFlags() { return statfs().flags(); }
}
