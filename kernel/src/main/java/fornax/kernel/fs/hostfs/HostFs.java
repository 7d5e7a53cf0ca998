package fornax.kernel.fs.hostfs;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * hostfs: a file server over a directory of the host (what docker's {@code -v} and 9P's virtfs
 * give a guest). Every call turns into java.nio.file calls on the host; data moves through
 * {@link HostFile}s, attributes come from the host's lstat ({@link HostAttrs}).
 *
 * <p>Confinement, the one property that matters most: the guest never reaches a host file outside
 * the folder.
 * <ul>
 *   <li>A fid holds a host path built only from the folder's root and names that were walked one
 *       at a time, each looked at with lstat: a fid can be walked from only if that lstat said
 *       "directory" (a host symlink is a symlink fid, never a directory). ".." at the root is the
 *       root; names are never "/", ".", ".." or empty.
 *   <li>Symlinks are served as text ({@link #readlink}); the guest's path walker resolves them in
 *       the guest namespace. The server never asks the host to follow a link: lstat, O_NOFOLLOW
 *       opens and NOFOLLOW attribute changes everywhere; mkdir, symlink, link, rename and unlink
 *       do not follow a final link on Linux.
 *   <li>Guest renames and removes could otherwise turn a fid's path into a path through a new
 *       symlink (rmdir d, then rename a link to d). So they run under the {@code names} write
 *       lock and rewrite the fids they move (rename) or mark the fids they orphan stale
 *       (remove, or the target a rename replaces); a stale fid's path is null and every path
 *       operation on it is ENOENT, as for a Linux file that lost its last name. Everything that
 *       turns a fid into a host path holds the read lock, so it sees a consistent binding.
 *   <li>Concurrent changes made by host programs inside the folder are not guarded against: the
 *       host user owns the folder and could make the same links point anywhere directly.
 * </ul>
 *
 * <p>Identity: a qid path is the host inode number for files on the folder's own host file
 * system, so it is stable for the life of the host file and matches the host's {@code ls -i};
 * files on other host file systems mounted inside the folder get numbers from a table keyed by
 * (host device, inode), with bit 62 set. Owners are shown as root (uid and gid 0): the guest runs
 * everything as root and host ids mean nothing inside; chown succeeds without changing the host
 * file (vfat's "quiet" behaviour). {@code st_blocks} is the size rounded up to 512-byte units
 * (nio does not report the host's allocation). Host special files (FIFOs, devices, sockets) are
 * listed and stat'ed but opening them is ENXIO: a guest must not reach host devices.
 *
 * <p>Read-only servers answer EROFS to every change. Directory offsets are positions in a
 * name-sorted snapshot of the directory taken when reading starts at offset 0.
 *
 * <p>Locking: {@code names} (read-write) guards the binding of every fid to its host path; the
 * fid monitor guards its open file and directory snapshot. Lock order: names → HostFid monitor →
 * HostFile. Host I/O happens under these locks; no other server's lock is ever taken.
 */
public final class HostFs implements FileServer {
    /** statfs f_type: what Linux reports for a 9P (virtfs) mount, the nearest kind of file system. */
    public static final long V9FS_MAGIC = 0x01021997L;
    /** statfs f_flags bit for a read-only mount. */
    public static final long ST_RDONLY = 1;

    private final Path root;
    private final long dev;
    private final boolean readOnly;
    private final LongSupplier clock;
    private final Consumer<String> log;
    private final HostAttrs attrs;
    private final ReentrantReadWriteLock names = new ReentrantReadWriteLock();
    private final Lock read = names.readLock(), write = names.writeLock();
    /** Fids not yet clunked, for rename and remove to rebind (a concurrent set: clunk needs no lock). */
    private final Set<HostFid> live = ConcurrentHashMap.newKeySet();
    /** O_APPEND and size-change locks, striped by host inode (see {@link HostFile}). */
    private final Object[] fileLocks = new Object[64];

    /** A fid: a host path (null once stale) and the file's qid at walk time. */
    private final class HostFid extends Fid {
        /** Written under the names write lock; read under the read lock (volatile for stat's fallback). */
        volatile Path path;
        final Qid qid;
        /** The attributes last seen, answered by stat once the fid is stale. Guarded by this. */
        Dir last;
        /** The open host file of an OPEN regular file (null otherwise). Guarded by this. */
        HostFile file;
        /** The directory snapshot readdir serves, taken at offset 0. Guarded by this. */
        List<DirEntry> listing;

        HostFid(Path path, Dir d) {
            super(HostFs.this);
            this.path = path;
            this.qid = new Qid(Qid.typeOf(d.mode()), (int) (d.mtime() ^ (d.mtime() >>> 32)), d.ino());
            this.last = d;
            live.add(this);
        }

        @Override public Qid qid() { return qid; }
    }

    /**
     * Serves host directory {@code hostDir}.
     *
     * @param dev      the device number stat reports (st_dev)
     * @param clock    the guest's real-time clock (ns since the epoch), for UTIME_NOW
     * @param readOnly every change is EROFS
     * @param log      where unexpected host errors are reported (the kernel log)
     * @throws IllegalArgumentException if {@code hostDir} is not an existing directory
     */
    public HostFs(Path hostDir, long dev, LongSupplier clock, boolean readOnly, Consumer<String> log) {
        Path r;
        try {
            r = hostDir.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(hostDir + ": no such directory on the host");
        }
        if (!Files.isDirectory(r, NOFOLLOW_LINKS)) throw new IllegalArgumentException(hostDir + ": not a directory");
        this.root = r;
        this.dev = dev;
        this.clock = clock;
        this.readOnly = readOnly;
        this.log = log;
        this.attrs = new HostAttrs(r, dev, log);
        for (int i = 0; i < fileLocks.length; i++) fileLocks[i] = new Object();
    }

    private Object fileLock(long ino) { return fileLocks[(int) (ino ^ (ino >>> 32)) & (fileLocks.length - 1)]; }

    /** The host directory served (its real path). */
    public Path hostRoot() { return root; }

    public boolean readOnly() { return readOnly; }

    /** Fids issued and not yet clunked (a leak check for tests). */
    public int liveFids() { return live.size(); }

    private HostFid own(Fid f) {
        if (f instanceof HostFid h && h.server() == this) return h;
        throw new SysError(Errno.EBADF, "not a hostfs fid");
    }

    /** The fid's host path; ENOENT once stale. Caller holds the names lock (either mode). */
    private static Path pathOf(HostFid f) {
        Path p = f.path;
        if (p == null) throw new SysError(Errno.ENOENT, "the file lost its name");
        return p;
    }

    private void checkWritable() {
        if (readOnly) throw new SysError(Errno.EROFS);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) throw new SysError(Errno.EINVAL);
        if (name.equals(".") || name.equals("..")) throw new SysError(Errno.EEXIST);
        if (name.length() > 255) throw new SysError(Errno.ENAMETOOLONG);
    }

    /** Entry {@code name} of directory path {@code dir} as a host path (a single normal name). */
    private static Path child(Path dir, String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) throw new SysError(Errno.ENOENT);
        if (name.length() > 255) throw new SysError(Errno.ENAMETOOLONG);
        return dir.resolve(HostErrors.hostText(name));
    }

    private SysError hostError(IOException e, String op, Path p) {
        return HostErrors.map(e, op + " " + display(p), log);
    }

    /** A host path as the guest would name it inside the mount ("/" for the root). */
    private String display(Path p) {
        return p == null ? "?" : "/" + root.relativize(p);
    }

    // ------------------------------------------------------------------ walking

    @Override public Fid attach() {
        read.lock();
        try {
            return new HostFid(root, attrs.stat(root));
        } finally {
            read.unlock();
        }
    }

    @Override public Fid clone(Fid fid) {
        HostFid f = own(fid);
        f.checkWalked();
        read.lock();
        try {
            Path p = f.path;
            Dir d;
            synchronized (f) { d = f.last; }
            HostFid c = new HostFid(p, d);
            return c;
        } finally {
            read.unlock();
        }
    }

    @Override public Fid walk(Fid dirFid, String name) {
        HostFid d = own(dirFid);
        d.checkWalked();
        if (!d.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        read.lock();
        try {
            Path dir = pathOf(d);
            Path p = switch (name) {
                case "." -> dir;
                case ".." -> dir.equals(root) ? root : dir.getParent();
                default -> child(dir, name);
            };
            return new HostFid(p, attrs.stat(p));
        } finally {
            read.unlock();
        }
    }

    // ------------------------------------------------------------------ open, read, write, clunk

    @Override public void open(Fid fid, int flags) {
        HostFid f = own(fid);
        f.checkWalked();
        if (f.qid.isDir()) {
            if (OpenFlags.writable(flags)) throw new SysError(Errno.EISDIR);
            f.opened(flags, false);
            return;
        }
        if (f.qid.isSymlink()) throw new SysError(Errno.ELOOP);
        if ((flags & OpenFlags.O_PATH) != 0) {
            f.opened(flags, false);
            return;
        }
        if (OpenFlags.writable(flags)) checkWritable();
        read.lock();
        try {
            Path p = pathOf(f);
            Dir d = attrs.stat(p);
            if (!d.isRegular()) {
                if (d.isDir()) throw new SysError(Errno.EISDIR);
                if (d.isSymlink()) throw new SysError(Errno.ELOOP);
                throw new SysError(Errno.ENXIO, "host special files are not served");
            }
            Set<OpenOption> opts = new HashSet<>();
            opts.add(NOFOLLOW_LINKS);
            if (OpenFlags.writable(flags)) opts.add(StandardOpenOption.WRITE);
            if (OpenFlags.readable(flags) || !OpenFlags.writable(flags)) opts.add(StandardOpenOption.READ);
            HostFile h;
            try {
                h = new HostFile(AsynchronousFileChannel.open(p, opts, null), fileLock(d.ino()));
            } catch (IOException e) {
                throw hostError(e, "open", p);
            }
            synchronized (f) {
                f.file = h;
                f.last = d;
            }
            f.opened(flags, false);
        } finally {
            read.unlock();
        }
    }

    /** The open host file of {@code f}; EISDIR for a directory, EINVAL for anything else without data. */
    private static HostFile fileOf(HostFid f) {
        HostFile h;
        synchronized (f) { h = f.file; }
        if (h == null) throw new SysError(f.qid.isDir() ? Errno.EISDIR : Errno.EINVAL);
        return h;
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        HostFid f = own(fid);
        f.checkReadable();
        HostFile h = fileOf(f);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        try {
            return h.read(offset, buf, off, len);
        } catch (IOException e) {
            throw hostError(e, "read", f.path);
        }
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        HostFid f = own(fid);
        f.checkWritable();
        HostFile h = fileOf(f);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        try {
            return h.write(offset, buf, off, len);
        } catch (IOException e) {
            throw hostError(e, "write", f.path);
        }
    }

    @Override public long append(Fid fid, byte[] buf, int off, int len) {
        HostFid f = own(fid);
        f.checkWritable();
        HostFile h = fileOf(f);
        try {
            return h.append(buf, off, len);
        } catch (IOException e) {
            throw hostError(e, "append", f.path);
        }
    }

    @Override public void clunk(Fid fid) {
        HostFid f = own(fid);
        f.clunked();
        live.remove(f);
        HostFile h;
        synchronized (f) {
            h = f.file;
            f.file = null;
            f.listing = null;
        }
        if (h != null) h.close(log);
    }

    @Override public void fsync(Fid fid) {
        HostFid f = own(fid);
        f.checkLive();
        HostFile h;
        synchronized (f) { h = f.file; }
        try {
            if (h != null) {
                h.force();
                return;
            }
            read.lock();
            try {
                Path p = pathOf(f);
                if (f.qid.isSymlink()) return;
                try (AsynchronousFileChannel c = AsynchronousFileChannel.open(p, Set.of(StandardOpenOption.READ, NOFOLLOW_LINKS), null)) {
                    c.force(true);
                }
            } finally {
                read.unlock();
            }
        } catch (IOException e) {
            throw hostError(e, "fsync", f.path);
        }
    }

    // ------------------------------------------------------------------ readdir

    @Override public List<DirEntry> readdir(Fid fid, long offset, int max) {
        HostFid f = own(fid);
        f.checkOpen();
        if (!f.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        List<DirEntry> all;
        synchronized (f) { all = f.listing; }
        if (offset == 0 || all == null) {
            all = list(f);
            synchronized (f) { f.listing = all; }
        }
        if (offset >= all.size()) return List.of();
        return List.copyOf(all.subList((int) offset, (int) Math.min(all.size(), offset + Math.max(0, max))));
    }

    /** A name-sorted snapshot of directory {@code f}: ".", "..", then every entry with its qid path and type. */
    private List<DirEntry> list(HostFid f) {
        read.lock();
        try {
            Path dir = pathOf(f);
            Path parent = dir.equals(root) ? root : dir.getParent();
            List<String> hostNames = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) hostNames.add(p.getFileName().toString());
            } catch (IOException e) {
                throw hostError(e, "readdir", dir);
            }
            hostNames.sort(null);
            List<DirEntry> out = new ArrayList<>(hostNames.size() + 2);
            out.add(new DirEntry(".", attrs.stat(dir).ino(), Dir.DT_DIR, 1));
            out.add(new DirEntry("..", attrs.stat(parent).ino(), Dir.DT_DIR, 2));
            for (String n : hostNames) {
                Dir d;
                try {
                    d = attrs.stat(dir.resolve(n));
                } catch (SysError e) {
                    if (e.errno() == Errno.ENOENT) continue;   // removed while listing
                    throw e;
                }
                out.add(new DirEntry(HostErrors.guestText(n), d.ino(), Dir.dtype(d.mode()), out.size() + 1));
            }
            return out;
        } finally {
            read.unlock();
        }
    }

    // ------------------------------------------------------------------ names

    @Override public Fid create(Fid dirFid, String name, int mode, String linkTarget) {
        HostFid d = own(dirFid);
        d.checkWalked();
        if (!d.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        checkName(name);
        int type = (mode & Dir.S_IFMT) == 0 ? Dir.S_IFREG : mode & Dir.S_IFMT;
        if (type == Dir.S_IFLNK && (linkTarget == null || linkTarget.isEmpty())) throw new SysError(Errno.ENOENT);
        if (type != Dir.S_IFREG && type != Dir.S_IFDIR && type != Dir.S_IFLNK) throw new SysError(Errno.EPERM);
        checkWritable();
        read.lock();
        try {
            Path p = child(pathOf(d), name);
            try {
                switch (type) {
                    case Dir.S_IFDIR -> Files.createDirectory(p);
                    case Dir.S_IFLNK -> Files.createSymbolicLink(p, p.getFileSystem().getPath(HostErrors.hostText(linkTarget)));
                    default -> Files.createFile(p);
                }
                // The guest's umask is applied already; the host's must not be applied twice.
                if (type != Dir.S_IFLNK) Files.setAttribute(p, "unix:mode", mode & Dir.PERMS, NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw hostError(e, "create", p);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // no "unix" view: the permission bits stay as the host made them
            }
            return new HostFid(p, attrs.stat(p));
        } finally {
            read.unlock();
        }
    }

    @Override public void remove(Fid dirFid, String name, boolean directory) {
        HostFid d = own(dirFid);
        d.checkWalked();
        if (!d.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        if (name.equals(".")) throw new SysError(directory ? Errno.EINVAL : Errno.EISDIR);
        if (name.equals("..")) throw new SysError(directory ? Errno.ENOTEMPTY : Errno.EISDIR);
        checkWritable();
        write.lock();
        try {
            Path p = child(pathOf(d), name);
            Dir victim = attrs.stat(p);
            if (directory && !victim.isDir()) throw new SysError(Errno.ENOTDIR);
            if (!directory && victim.isDir()) throw new SysError(Errno.EISDIR);
            try {
                Files.delete(p);
            } catch (IOException e) {
                throw hostError(e, "remove", p);
            }
            orphan(p);
        } finally {
            write.unlock();
        }
    }

    @Override public void rename(Fid oldDirFid, String oldName, Fid newDirFid, String newName, boolean noReplace) {
        HostFid od = own(oldDirFid), nd = own(newDirFid);
        od.checkWalked();
        nd.checkWalked();
        if (!od.qid.isDir() || !nd.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        if (oldName.equals(".") || oldName.equals("..") || newName.equals(".") || newName.equals(".."))
            throw new SysError(Errno.EBUSY);
        checkName(newName);
        checkWritable();
        write.lock();
        try {
            Path from = child(pathOf(od), oldName), to = child(pathOf(nd), newName);
            Dir src = attrs.stat(from);
            Dir dst = attrs.statOrNull(to);
            if (dst != null && noReplace) throw new SysError(Errno.EEXIST);
            if (dst != null && dst.ino() == src.ino()) return;   // two names of one file: nothing to do
            if (src.isDir()) {
                if (to.startsWith(from)) throw new SysError(Errno.EINVAL);
                if (dst != null && !dst.isDir()) throw new SysError(Errno.ENOTDIR);
            } else if (dst != null && dst.isDir()) {
                throw new SysError(Errno.EISDIR);
            }
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw hostError(e, "rename", from);
            }
            if (dst != null) orphan(to);
            rebind(from, to);
        } finally {
            write.unlock();
        }
    }

    /** Fids at or below {@code gone} lose their path (stale). Names write lock held. */
    private void orphan(Path gone) {
        for (HostFid f : live) {
            Path p = f.path;
            if (p != null && p.startsWith(gone)) f.path = null;
        }
    }

    /** Fids at or below {@code from} follow it to {@code to}. Names write lock held. */
    private void rebind(Path from, Path to) {
        for (HostFid f : live) {
            Path p = f.path;
            if (p != null && p.startsWith(from)) f.path = to.resolve(from.relativize(p));
        }
    }

    @Override public void link(Fid targetFid, Fid dirFid, String name) {
        HostFid target = own(targetFid), d = own(dirFid);
        target.checkWalked();
        d.checkWalked();
        if (!d.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        if (target.qid.isDir()) throw new SysError(Errno.EPERM);
        checkName(name);
        checkWritable();
        read.lock();
        try {
            Path existing = pathOf(target), p = child(pathOf(d), name);
            try {
                Files.createLink(p, existing);   // link(2) does not follow a symlink it is given
            } catch (IOException e) {
                throw hostError(e, "link", p);
            }
        } finally {
            read.unlock();
        }
    }

    @Override public String readlink(Fid fid) {
        HostFid f = own(fid);
        f.checkLive();
        if (!f.qid.isSymlink()) throw new SysError(Errno.EINVAL);
        read.lock();
        try {
            Path p = pathOf(f);
            try {
                return HostErrors.guestText(Files.readSymbolicLink(p).toString());
            } catch (IOException e) {
                throw hostError(e, "readlink", p);
            }
        } finally {
            read.unlock();
        }
    }

    // ------------------------------------------------------------------ attributes

    @Override public Dir stat(Fid fid) {
        HostFid f = own(fid);
        f.checkLive();
        read.lock();
        try {
            Path p = f.path;
            if (p != null) {
                try {
                    Dir d = attrs.stat(p);
                    if (d.ino() == f.qid.path()) {
                        synchronized (f) { f.last = d; }
                        return d;
                    }
                } catch (SysError e) {
                    if (e.errno() != Errno.ENOENT) throw e;
                }
            }
        } finally {
            read.unlock();
        }
        // The name is gone (or names another file now): what we last knew, with no links left;
        // an open file still knows its size.
        Dir d;
        HostFile h;
        synchronized (f) {
            d = f.last;
            h = f.file;
        }
        long size = d.size();
        if (h != null) {
            try {
                size = h.size();
            } catch (IOException e) {
                // keep the last known size
            }
        }
        return new Dir(d.mode(), d.uid(), d.gid(), size, 0, d.atime(), d.mtime(), d.ctime(), d.rdev(), d.ino(), d.dev(),
                (size + 511) / 512, d.blksize());
    }

    @Override public void wstat(Fid fid, Dir c) {
        HostFid f = own(fid);
        f.checkLive();
        boolean any = c.mode() != Dir.KEEP_INT || c.uid() != Dir.KEEP_INT || c.gid() != Dir.KEEP_INT
                || c.size() != Dir.KEEP || c.atime() != Dir.KEEP || c.mtime() != Dir.KEEP;
        if (!any) return;
        checkWritable();
        if (c.size() != Dir.KEEP) {
            if (f.qid.isDir()) throw new SysError(Errno.EISDIR);
            if (f.qid.isSymlink()) throw new SysError(Errno.EINVAL);
            if (c.size() < 0) throw new SysError(Errno.EINVAL);
        }
        read.lock();
        try {
            HostFile open;
            synchronized (f) { open = f.file; }
            Path p = f.path;
            if (p == null && !(open != null && c.size() != Dir.KEEP && c.mode() == Dir.KEEP_INT
                    && c.atime() == Dir.KEEP && c.mtime() == Dir.KEEP)) {
                throw new SysError(Errno.ENOENT, "the file lost its name");
            }
            try {
                if (c.size() != Dir.KEEP) truncate(p, open, c.size(), fileLock(f.qid.path()));
                if (c.mode() != Dir.KEEP_INT) {
                    if (f.qid.isSymlink()) throw new SysError(Errno.EOPNOTSUPP);   // Linux cannot chmod a link either
                    Files.setAttribute(p, "unix:mode", c.mode() & Dir.PERMS, NOFOLLOW_LINKS);
                }
                if (c.atime() != Dir.KEEP || c.mtime() != Dir.KEEP) {
                    long now = clock.getAsLong();
                    FileTime at = time(c.atime(), now), mt = time(c.mtime(), now);
                    Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW_LINKS).setTimes(mt, at, null);
                }
                // uid/gid: accepted and not applied (see the class comment).
            } catch (IOException e) {
                throw hostError(e, "wstat", p);
            } catch (UnsupportedOperationException e) {
                throw new SysError(Errno.EOPNOTSUPP, "the host file system cannot change that");
            }
        } finally {
            read.unlock();
        }
    }

    private static FileTime time(long t, long now) {
        if (t == Dir.KEEP) return null;
        return FileTime.from(t == Dir.NOW ? now : t, TimeUnit.NANOSECONDS);
    }

    /** Truncates or extends to {@code size}, through the open file if there is one. */
    private static void truncate(Path p, HostFile open, long size, Object lock) throws IOException {
        if (open != null) {
            open.setSize(size);
            return;
        }
        try (HostFile h = new HostFile(AsynchronousFileChannel.open(p,
                Set.of(StandardOpenOption.WRITE, NOFOLLOW_LINKS), null), lock)) {
            h.setSize(size);
        }
    }

    @Override public StatFs statfs() {
        try {
            FileStore s = Files.getFileStore(root);
            long bsize;
            try {
                bsize = s.getBlockSize();
            } catch (UnsupportedOperationException e) {
                bsize = 4096;
            }
            long flags = StatFs.ST_VALID | (readOnly ? ST_RDONLY : 0);
            // nio reports no inode counts: 0 files, as Linux file systems without a fixed inode table say.
            return new StatFs(V9FS_MAGIC, bsize, s.getTotalSpace() / bsize, s.getUnallocatedSpace() / bsize,
                    s.getUsableSpace() / bsize, 0, 0, dev, 255, bsize, flags);
        } catch (IOException e) {
            throw hostError(e, "statfs", root);
        }
    }
}
