package fornax.kernel.fs.tmpfs;

import fornax.kernel.fs.tmpfs.TmpNode.Directory;
import fornax.kernel.fs.tmpfs.TmpNode.Entry;
import fornax.kernel.fs.tmpfs.TmpNode.File;
import fornax.kernel.fs.tmpfs.TmpNode.Symlink;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * tmpfs: a file server keeping everything in kernel memory, as Linux's tmpfs (shmem) does.
 * Directories, regular files (sparse, in pages: {@link FileData}), symlinks, hard links, rename
 * with Linux's rules, permission bits and owners stored (access checks are the VFS's), and times
 * kept as Linux keeps them: creation sets all three; writing and truncating set mtime and ctime;
 * adding or removing an entry sets the directory's mtime and ctime; link, unlink and rename set
 * the file's ctime; reading sets atime the relatime way.
 *
 * <p>Invariants: inode numbers (qid paths) are never reused; a directory's nlink is 2 plus its
 * subdirectories; a file's nlink is its number of names; a removed directory (nlink 0) takes no
 * new entries; a file's pages are freed when it has neither names nor open fids. Space is
 * accounted in pages against {@code maxBytes} (ENOSPC past it), files against an inode limit.
 *
 * <p>Shared mappings: given a frame allocator, tmpfs keeps a page that a MAP_SHARED mapping maps in
 * a physical frame the file owns ({@link #sharedPage}), so mappings and read/write share one copy.
 *
 * <p>Locking: {@code tree} (a read-write lock) guards the shape of the tree: every directory's
 * entries, parents, removed flags, and (together with the node's monitor) nlink. Walks, readdir
 * and stat take it for reading; create, remove, rename and link for writing, so a rename moves a
 * subtree atomically and needs no lock ordering between directories. File data and attributes are
 * guarded by each node's monitor ({@link TmpNode}). Lock order: tree → node monitor → Fid monitor.
 */
public final class TmpFs implements FileServer {
    /** Largest file: 8 TiB (past it, EFBIG). */
    public static final long MAX_FILE_SIZE = 1L << 43;
    private static final long DAY = 86_400_000_000_000L;

    private final ReentrantReadWriteLock tree = new ReentrantReadWriteLock();
    private final Lock read = tree.readLock(), write = tree.writeLock();
    private final Directory root;
    private final long dev;
    private final LongSupplier clock;
    private final long maxPages, maxInodes;
    /** Where pages of shared mappings live; null: shared mappings are ENODEV. */
    private final FrameAllocator frames;
    private final AtomicLong nextIno = new AtomicLong(1);
    private final AtomicLong usedPages = new AtomicLong(), usedInodes = new AtomicLong(1);
    /** Fids issued and not yet clunked (a leak check for the VFS's tests). */
    private final AtomicLong liveFids = new AtomicLong();
    private final FileData.Budget budget = new FileData.Budget() {
        @Override public void reserve() {
            if (usedPages.incrementAndGet() > maxPages) {
                usedPages.decrementAndGet();
                throw new SysError(Errno.ENOSPC);
            }
        }
        @Override public void release(long pages) { usedPages.addAndGet(-pages); }
    };

    /** A fid naming one node. */
    private final class TmpFid extends Fid {
        final TmpNode node;
        TmpFid(TmpNode node) {
            super(TmpFs.this);
            this.node = node;
            liveFids.incrementAndGet();
        }
        @Override public Qid qid() { return node.qid(); }
    }

    /**
     * @param dev      the device number stat reports (st_dev)
     * @param clock    the current time in nanoseconds since the epoch
     * @param maxBytes space for file data; at least one page
     * @param rootMode permission bits of the root directory (01777 for /tmp, 0755 for /)
     */
    public TmpFs(long dev, LongSupplier clock, long maxBytes, int rootMode) {
        this(dev, clock, maxBytes, rootMode, null);
    }

    /** A tmpfs whose files can be MAP_SHARED, keeping mapped pages in frames from {@code frames}. */
    public TmpFs(long dev, LongSupplier clock, long maxBytes, int rootMode, FrameAllocator frames) {
        this.frames = frames;
        this.dev = dev;
        this.clock = clock;
        this.maxPages = Math.max(1, maxBytes >>> FileData.PAGE_SHIFT);
        this.maxInodes = Math.max(1024, maxPages / 2);
        this.root = new Directory(nextIno.getAndIncrement(), rootMode & Dir.PERMS, 0, 0, clock.getAsLong(), null);
    }

    private TmpFid own(Fid f) {
        if (f instanceof TmpFid t && t.server() == this) return t;
        throw new SysError(Errno.EBADF, "not a tmpfs fid");
    }

    private static Directory asDir(TmpNode n) {
        if (n instanceof Directory d) return d;
        throw new SysError(Errno.ENOTDIR);
    }

    private long now() { return clock.getAsLong(); }

    // ------------------------------------------------------------------ walking

    @Override public Fid attach() { return new TmpFid(root); }

    @Override public Fid clone(Fid fid) {
        TmpFid t = own(fid);
        t.checkWalked();
        return new TmpFid(t.node);
    }

    @Override public Fid walk(Fid dirFid, String name) {
        TmpFid t = own(dirFid);
        t.checkWalked();
        Directory d = asDir(t.node);
        read.lock();
        try {
            return new TmpFid(child(d, name));
        } finally {
            read.unlock();
        }
    }

    /** Entry {@code name} of {@code d}, "." and ".." included; ENOENT. Tree lock held. */
    private static TmpNode child(Directory d, String name) {
        if (name.equals(".")) return d;
        if (name.equals("..")) return d.parent;
        Entry e = d.byName.get(name);
        if (e == null) throw new SysError(Errno.ENOENT);
        return e.node();
    }

    // ------------------------------------------------------------------ open, read, write, clunk

    @Override public void open(Fid fid, int flags) {
        TmpFid t = own(fid);
        t.checkWalked();
        TmpNode n = t.node;
        if (n instanceof Directory && OpenFlags.writable(flags)) throw new SysError(Errno.EISDIR);
        if (n instanceof Symlink) throw new SysError(Errno.ELOOP);
        if (n instanceof File f) {
            synchronized (f) { f.openCount++; }
        }
        t.opened(flags, false);
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        TmpFid t = own(fid);
        t.checkReadable();
        if (!(t.node instanceof File f)) throw new SysError(t.node instanceof Directory ? Errno.EISDIR : Errno.EINVAL);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        synchronized (f) {
            if (offset >= f.size || len == 0) return 0;
            int n = (int) Math.min(len, f.size - offset);
            f.data.read(offset, buf, off, n);
            if ((t.flags() & OpenFlags.O_NOATIME) == 0) {
                long now = now();
                if (f.atime <= f.mtime || f.atime <= f.ctime || now - f.atime >= DAY) f.atime = now;
            }
            return n;
        }
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        TmpFid t = own(fid);
        t.checkWritable();
        File f = regular(t);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        synchronized (f) {
            return writeAt(f, offset, buf, off, len);
        }
    }

    @Override public long append(Fid fid, byte[] buf, int off, int len) {
        TmpFid t = own(fid);
        t.checkWritable();
        File f = regular(t);
        synchronized (f) {
            long pos = f.size;
            return pos + writeAt(f, pos, buf, off, len);
        }
    }

    private static File regular(TmpFid t) {
        if (t.node instanceof File f) return f;
        throw new SysError(t.node instanceof Directory ? Errno.EISDIR : Errno.EINVAL);
    }

    /** Writes at {@code pos}, growing the file; the caller holds {@code f}'s monitor. */
    private int writeAt(File f, long pos, byte[] buf, int off, int len) {
        if (len == 0) return 0;
        if (pos >= MAX_FILE_SIZE) throw new SysError(Errno.EFBIG);
        len = (int) Math.min(len, MAX_FILE_SIZE - pos);
        if (pos + len > f.size) f.data.zeroTail(f.size);
        int n = f.data.write(pos, buf, off, len, budget);
        f.size = Math.max(f.size, pos + n);
        f.mtime = f.ctime = now();
        f.version++;
        return n;
    }

    @Override public void clunk(Fid fid) {
        TmpFid t = own(fid);
        Fid.State was = t.clunked();
        liveFids.decrementAndGet();
        if (was == Fid.State.OPEN && t.node instanceof File f) {
            synchronized (f) {
                f.openCount--;
                freeIfUnused(f);
            }
        }
    }

    @Override public long sharedPage(Fid fid, long index) {
        TmpFid t = own(fid);
        t.checkOpen();
        File f = regular(t);
        if (frames == null) throw new SysError(Errno.ENODEV, "tmpfs without a frame allocator");
        synchronized (f) {
            if (index < 0 || index >= (f.size + FileData.PAGE - 1) >>> FileData.PAGE_SHIFT) return -1;
            long pa = f.data.frame(index, frames, budget);
            frames.retain(pa);
            return pa;
        }
    }

    @Override public boolean sharesPages(Fid fid) { return frames != null && own(fid).node instanceof File; }

    /** Frees an unnamed, unopened file's pages; the caller holds its monitor. */
    private void freeIfUnused(File f) {
        if (f.nlink == 0 && f.openCount == 0 && f.size > 0) {
            f.data.truncate(0, budget);
            f.size = 0;
        }
    }

    @Override public List<DirEntry> readdir(Fid fid, long offset, int max) {
        TmpFid t = own(fid);
        t.checkOpen();
        Directory d = asDir(t.node);
        List<DirEntry> out = new ArrayList<>();
        if (offset < 0) throw new SysError(Errno.EINVAL);
        read.lock();
        try {
            if (d.removed) throw new SysError(Errno.ENOENT);
            if (offset == 0 && out.size() < max) out.add(new DirEntry(".", d.ino, Dir.DT_DIR, 1));
            if (offset <= 1 && out.size() < max) out.add(new DirEntry("..", d.parent.ino, Dir.DT_DIR, 2));
            for (Map.Entry<Long, Entry> me : d.byCookie.tailMap(Math.max(offset, 2)).entrySet()) {
                if (out.size() >= max) break;
                Entry e = me.getValue();
                int type;
                synchronized (e.node()) { type = Dir.dtype(e.node().mode); }
                out.add(new DirEntry(e.name(), e.node().ino, type, e.cookie() + 1));
            }
        } finally {
            read.unlock();
        }
        return out;
    }

    // ------------------------------------------------------------------ names

    @Override public Fid create(Fid dirFid, String name, int mode, String linkTarget) {
        TmpFid t = own(dirFid);
        t.checkWalked();
        Directory d = asDir(t.node);
        checkName(name);
        int type = (mode & Dir.S_IFMT) == 0 ? Dir.S_IFREG : mode & Dir.S_IFMT;
        if (type == Dir.S_IFLNK && (linkTarget == null || linkTarget.isEmpty())) throw new SysError(Errno.ENOENT);
        if (type != Dir.S_IFREG && type != Dir.S_IFDIR && type != Dir.S_IFLNK) throw new SysError(Errno.EPERM);
        write.lock();
        try {
            if (d.removed) throw new SysError(Errno.ENOENT);
            if (d.byName.containsKey(name)) throw new SysError(Errno.EEXIST);
            if (usedInodes.incrementAndGet() > maxInodes) {
                usedInodes.decrementAndGet();
                throw new SysError(Errno.ENOSPC);
            }
            long now = now(), ino = nextIno.getAndIncrement();
            int perm = mode & Dir.PERMS, gid;
            synchronized (d) {
                gid = d.gid;
                // A set-group-ID directory gives its group to new files and its bit to new directories.
                if ((d.mode & Dir.S_ISGID) != 0 && type == Dir.S_IFDIR) perm |= Dir.S_ISGID;
                if ((d.mode & Dir.S_ISGID) == 0) gid = 0;
            }
            TmpNode n = switch (type) {
                case Dir.S_IFDIR -> new Directory(ino, perm, 0, gid, now, d);
                case Dir.S_IFLNK -> new Symlink(ino, linkTarget, 0, gid, now);
                default -> new File(ino, perm, 0, gid, now);
            };
            d.add(name, n);
            if (n instanceof Directory) d.addLinks(1, now);
            d.modified(now);
            return new TmpFid(n);
        } finally {
            write.unlock();
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) throw new SysError(Errno.EINVAL);
        if (name.equals(".") || name.equals("..")) throw new SysError(Errno.EEXIST);
        if (name.length() > 255) throw new SysError(Errno.ENAMETOOLONG);
    }

    @Override public void remove(Fid dirFid, String name, boolean directory) {
        TmpFid t = own(dirFid);
        t.checkWalked();
        Directory d = asDir(t.node);
        if (name.equals(".")) throw new SysError(directory ? Errno.EINVAL : Errno.EISDIR);
        if (name.equals("..")) throw new SysError(directory ? Errno.ENOTEMPTY : Errno.EISDIR);
        write.lock();
        try {
            Entry e = d.byName.get(name);
            if (e == null) throw new SysError(Errno.ENOENT);
            TmpNode n = e.node();
            if (directory) {
                if (!(n instanceof Directory victim)) throw new SysError(Errno.ENOTDIR);
                if (!victim.byName.isEmpty()) throw new SysError(Errno.ENOTEMPTY);
            } else if (n instanceof Directory) {
                throw new SysError(Errno.EISDIR);
            }
            d.removeEntry(name);
            unlinked(d, n, now());
        } finally {
            write.unlock();
        }
    }

    /** {@code n} lost its name in {@code d}: link counts, removal, times. Tree lock held for writing. */
    private void unlinked(Directory d, TmpNode n, long now) {
        if (n instanceof Directory victim) {
            victim.removed = true;
            victim.addLinks(-victim.nlink(), now);
            d.addLinks(-1, now);
            usedInodes.decrementAndGet();
        } else if (n.addLinks(-1, now) == 0) {
            usedInodes.decrementAndGet();
            if (n instanceof File f) {
                synchronized (f) { freeIfUnused(f); }
            }
        }
        d.modified(now);
    }

    @Override public void rename(Fid oldDirFid, String oldName, Fid newDirFid, String newName, boolean noReplace) {
        TmpFid od = own(oldDirFid), nd = own(newDirFid);
        od.checkWalked();
        nd.checkWalked();
        Directory from = asDir(od.node), to = asDir(nd.node);
        if (oldName.equals(".") || oldName.equals("..") || newName.equals(".") || newName.equals(".."))
            throw new SysError(Errno.EBUSY);
        checkName(newName);
        write.lock();
        try {
            Entry src = from.byName.get(oldName);
            if (src == null) throw new SysError(Errno.ENOENT);
            if (to.removed) throw new SysError(Errno.ENOENT);
            Entry dst = to.byName.get(newName);
            TmpNode moving = src.node();
            if (dst != null && noReplace) throw new SysError(Errno.EEXIST);
            if (dst != null && dst.node() == moving) return;   // two names of one file: nothing to do
            if (moving instanceof Directory md) {
                for (Directory p = to; ; p = p.parent) {
                    if (p == md) throw new SysError(Errno.EINVAL);
                    if (p == p.parent) break;
                }
                if (dst != null) {
                    if (!(dst.node() instanceof Directory victim)) throw new SysError(Errno.ENOTDIR);
                    if (!victim.byName.isEmpty()) throw new SysError(Errno.ENOTEMPTY);
                }
            } else if (dst != null && dst.node() instanceof Directory) {
                throw new SysError(Errno.EISDIR);
            }
            long now = now();
            if (dst != null) {
                to.removeEntry(newName);
                unlinked(to, dst.node(), now);
            }
            from.removeEntry(oldName);
            to.add(newName, moving);
            if (moving instanceof Directory md && from != to) {
                md.parent = to;
                from.addLinks(-1, now);
                to.addLinks(1, now);
            }
            moving.changed(now);
            from.modified(now);
            to.modified(now);
        } finally {
            write.unlock();
        }
    }

    @Override public void link(Fid targetFid, Fid dirFid, String name) {
        TmpFid target = own(targetFid), dt = own(dirFid);
        target.checkWalked();
        dt.checkWalked();
        Directory d = asDir(dt.node);
        if (target.node instanceof Directory) throw new SysError(Errno.EPERM);
        checkName(name);
        write.lock();
        try {
            if (d.removed) throw new SysError(Errno.ENOENT);
            if (target.node.nlink() == 0) throw new SysError(Errno.ENOENT);
            if (d.byName.containsKey(name)) throw new SysError(Errno.EEXIST);
            long now = now();
            d.add(name, target.node);
            target.node.addLinks(1, now);
            d.modified(now);
        } finally {
            write.unlock();
        }
    }

    @Override public String readlink(Fid fid) {
        TmpFid t = own(fid);
        t.checkLive();
        if (t.node instanceof Symlink s) return s.target;
        throw new SysError(Errno.EINVAL);
    }

    // ------------------------------------------------------------------ attributes

    @Override public Dir stat(Fid fid) {
        TmpFid t = own(fid);
        t.checkLive();
        read.lock();
        try {
            return t.node.stat(dev);
        } finally {
            read.unlock();
        }
    }

    @Override public void wstat(Fid fid, Dir c) {
        TmpFid t = own(fid);
        t.checkLive();
        TmpNode n = t.node;
        if (c.size() != Dir.KEEP) {
            if (n instanceof Directory) throw new SysError(Errno.EISDIR);
            if (!(n instanceof File)) throw new SysError(Errno.EINVAL);
            if (c.size() < 0) throw new SysError(Errno.EINVAL);
            if (c.size() > MAX_FILE_SIZE) throw new SysError(Errno.EFBIG);
        }
        long now = now();
        synchronized (n) {
            boolean changed = false;
            if (c.mode() != Dir.KEEP_INT) {
                n.mode = (n.mode & Dir.S_IFMT) | (c.mode() & Dir.PERMS);
                changed = true;
            }
            if (c.uid() != Dir.KEEP_INT || c.gid() != Dir.KEEP_INT) {
                if (c.uid() != Dir.KEEP_INT) n.uid = c.uid();
                if (c.gid() != Dir.KEEP_INT) n.gid = c.gid();
                // chown clears set-user-ID, and set-group-ID where it means "setgid" (group execute).
                if (n instanceof File) {
                    n.mode &= ~Dir.S_ISUID;
                    if ((n.mode & 0010) != 0) n.mode &= ~Dir.S_ISGID;
                }
                changed = true;
            }
            if (c.size() != Dir.KEEP && n instanceof File f && c.size() != f.size) {
                if (c.size() < f.size) f.data.truncate(c.size(), budget);
                else f.data.zeroTail(f.size);
                f.size = c.size();
                f.mtime = now;
                f.version++;
                changed = true;
            }
            if (c.atime() != Dir.KEEP) {
                n.atime = c.atime() == Dir.NOW ? now : c.atime();
                changed = true;
            }
            if (c.mtime() != Dir.KEEP) {
                n.mtime = c.mtime() == Dir.NOW ? now : c.mtime();
                changed = true;
            }
            if (changed) n.ctime = now;
        }
    }

    @Override public StatFs statfs() {
        long used = usedPages.get(), inodes = usedInodes.get();
        return new StatFs(StatFs.TMPFS_MAGIC, FileData.PAGE, maxPages, maxPages - used, maxPages - used,
                maxInodes, maxInodes - inodes, dev, 255, FileData.PAGE, StatFs.ST_VALID | StatFs.ST_RELATIME);
    }

    /** Bytes of file data allocated now (tests, statfs). */
    public long usedBytes() { return usedPages.get() << FileData.PAGE_SHIFT; }

    /** Fids issued and not yet clunked. */
    public long liveFids() { return liveFids.get(); }
}
