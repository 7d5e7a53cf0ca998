package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subtree of a process's namespace as one {@link FileServer}: what a 9P server exports. The
 * namespace is not itself a file server (it joins many), so this adapter's fids hold
 * {@link Chan}s and walk the way path resolution does: through mounts and binds, trying the
 * members of unions in order, listing a union as one directory, creating in its MCREATE member,
 * read-only mounts refusing changes with EROFS, and mount points refusing removal and rename
 * with EBUSY (as {@link Vfs} does for the system calls).
 *
 * <ul>
 *   <li>The exported directory is this server's root: ".." from it stays there (the client can
 *       never leave the subtree by walking), and below it ".." is the namespace's own.
 *   <li>Symlinks are not followed by walks (9P's rule: the client reads them and decides).
 *   <li>Qid paths must be unique within a server and the subtree spans several: each server's
 *       qid paths (and inode numbers) are XORed with a constant of its own, 0 for the first one
 *       seen (the exported directory's), a 64-bit mix of its index for the others. Distinct
 *       files collide only if two servers' paths differ by exactly the XOR of their constants.
 *   <li>{@link #statfs()} answers for the server of the exported directory.
 * </ul>
 *
 * <p>Lifetime: {@link #root(FsContext, String)} makes a view and its first root fid; the view
 * holds the context (its namespace and root) until its last fid is clunked, then releases it.
 *
 * <p>Locking: {@code salts} is guarded by itself; the fid count is atomic; everything else is
 * immutable or guarded by the Chans' servers.
 */
public final class NamespaceView implements FileServer {
    private final FsContext ctx;
    private final Chan base;
    private final AtomicInteger liveFids = new AtomicInteger();
    private final Map<FileServer, Long> salts = new IdentityHashMap<>();   // guarded by itself

    private NamespaceView(FsContext ctx, Chan base) {
        this.ctx = ctx;
        this.base = base;
        salt(base.server());
    }

    /**
     * A view of directory {@code path} (absolute, symlinks followed) of {@code ctx}'s namespace,
     * and a WALKED fid for its root. Takes {@code ctx}, which it releases when the last fid is
     * clunked (or now, if {@code path} cannot be resolved: ENOENT, ENOTDIR).
     */
    public static Fid root(FsContext ctx, String path) {
        Chan base;
        try {
            base = PathWalker.walk(ctx, null, path, PathWalker.FOLLOW | PathWalker.DIRECTORY);
        } catch (RuntimeException e) {
            ctx.release();
            throw e;
        }
        NamespaceView v = new NamespaceView(ctx, base);
        return v.new ViewFid(base.copy());
    }

    /** A fid of the view: a Chan, and once opened, the open file. */
    private final class ViewFid extends Fid {
        final Chan chan;
        /** Set once by open, read by I/O calls after it (the Fid's own state orders them). */
        private volatile ChanFile file;

        ViewFid(Chan chan) {
            super(NamespaceView.this);
            this.chan = chan;
            liveFids.incrementAndGet();
        }

        @Override public Qid qid() {
            Qid q = chan.qid();
            return new Qid(q.type(), q.version(), q.path() ^ salt(chan.server()));
        }

        ChanFile file() {
            ChanFile f = file;
            if (f == null) throw new SysError(Errno.EBADF, "not open");
            return f;
        }
    }

    private ViewFid own(Fid f) {
        if (f instanceof ViewFid v && v.server() == this) return v;
        throw new SysError(Errno.EBADF, "not a fid of this view");
    }

    /** The XOR constant for {@code s}'s qid paths. */
    private long salt(FileServer s) {
        synchronized (salts) {
            Long v = salts.get(s);
            if (v == null) {
                long z = (long) salts.size() * 0x9E3779B97F4A7C15L;    // splitmix64 of the index; 0 for the first
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                v = z ^ (z >>> 31);
                salts.put(s, v);
            }
            return v;
        }
    }

    // ------------------------------------------------------------------ walking

    @Override public Fid attach() {
        if (liveFids.get() == 0) throw new SysError(Errno.EBADF, "view released");
        return new ViewFid(base.copy());
    }

    @Override public Fid clone(Fid fid) {
        ViewFid v = own(fid);
        v.checkWalked();
        return new ViewFid(v.chan.copy());
    }

    @Override public Fid walk(Fid dirFid, String name) {
        ViewFid d = own(dirFid);
        d.checkWalked();
        if (!d.chan.isDir()) throw new SysError(Errno.ENOTDIR);
        if (name.isEmpty() || name.indexOf('/') >= 0) throw new SysError(Errno.ENOENT, "not a path element: " + name);
        if (name.equals(".")) return new ViewFid(d.chan.copy());
        if (name.equals("..") && d.chan.sameFile(base)) return new ViewFid(d.chan.copy());   // the top of the view
        try (PathWalker w = new PathWalker(ctx)) {
            Chan c = name.equals("..") ? w.resolve(d.chan, "..", 0) : w.lookup(d.chan, name);
            return new ViewFid(c);
        }
    }

    // ------------------------------------------------------------------ open, I/O, clunk

    @Override public void open(Fid fid, int flags) {
        ViewFid v = own(fid);
        v.checkWalked();
        Chan c = v.chan;
        if (c.isSymlink()) throw new SysError(Errno.ELOOP);
        boolean write = OpenFlags.writable(flags) || (flags & OpenFlags.O_TRUNC) != 0;
        if (c.isDir() && write) throw new SysError(Errno.EISDIR);
        if (write && c.stat().isRegular()) Vfs.checkWritable(c);
        List<Mount> union = c.isDir() ? ctx.namespace().unionAt(c) : null;
        FileServer s = c.server();
        Fid io = s.clone(c.fid());
        List<Chan> others = new ArrayList<>();
        Chan copy = null;
        try {
            s.open(io, flags);
            if (union != null) {
                boolean past = false;
                for (Mount m : union) {
                    if (m == c.mount()) past = true;
                    else if (past) others.add(m.rootChan());
                }
            }
            copy = c.copy();
            ChanFile f = new ChanFile(copy, io, null, union == null ? null : List.copyOf(others));
            copy = null;
            others = null;
            io = null;
            v.opened(flags, !f.seekable());
            v.file = f;
        } finally {
            if (io != null) s.clunk(io);
            if (copy != null) copy.close();
            if (others != null) for (Chan o : others) o.close();
        }
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        ViewFid v = own(fid);
        v.checkReadable();
        ChanFile f = v.file();
        return f.seekable() ? f.pread(offset, buf, off, len) : f.read(buf, off, len);
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        ViewFid v = own(fid);
        v.checkWritable();
        ChanFile f = v.file();
        return f.seekable() ? f.pwrite(offset, buf, off, len) : f.write(buf, off, len);
    }

    @Override public long append(Fid fid, byte[] buf, int off, int len) {
        ViewFid v = own(fid);
        v.checkWritable();
        return v.file().append(buf, off, len);
    }

    @Override public List<DirEntry> readdir(Fid fid, long offset, int max) {
        ViewFid v = own(fid);
        v.checkOpen();
        if (!v.chan.isDir()) throw new SysError(Errno.ENOTDIR);
        long salt = salt(v.chan.server());
        List<DirEntry> es = v.file().readdir(offset, max);
        List<DirEntry> out = new ArrayList<>(es.size());
        for (DirEntry e : es) {
            long ino = e.ino() ^ salt;
            if (e.name().equals("..") && v.chan.sameFile(base)) ino = base.qid().path() ^ salt(base.server());
            out.add(new DirEntry(e.name(), ino, e.type(), e.next()));
        }
        return out;
    }

    @Override public void clunk(Fid fid) {
        ViewFid v = own(fid);
        v.clunked();
        try {
            ChanFile f = v.file;
            if (f != null) f.close();
        } finally {
            try {
                v.chan.close();
            } finally {
                if (liveFids.decrementAndGet() == 0) {
                    base.close();
                    ctx.release();
                }
            }
        }
    }

    @Override public void fsync(Fid fid) {
        ViewFid v = own(fid);
        v.checkLive();
        ChanFile f = v.file;
        if (f != null) f.fsync();
        else v.chan.server().fsync(v.chan.fid());
    }

    // ------------------------------------------------------------------ names

    @Override public Fid create(Fid dirFid, String name, int mode, String linkTarget) {
        ViewFid d = own(dirFid);
        d.checkWalked();
        if (!d.chan.isDir()) throw new SysError(Errno.ENOTDIR);
        try (PathWalker w = new PathWalker(ctx)) {
            if (d.chan.namespaceUnion(w)) {
                Chan existing = null;
                try {
                    existing = w.lookupHere(d.chan, name);
                } catch (SysError e) {
                    if (e.errno() != Errno.ENOENT) throw e;
                }
                if (existing != null) {
                    existing.close();
                    throw new SysError(Errno.EEXIST);
                }
            }
            try (Chan target = w.createDir(d.chan)) {
                Vfs.checkWritable(target);
                Fid f = target.server().create(target.fid(), name, mode, linkTarget);
                return new ViewFid(new Chan(target.mount(), f));
            }
        }
    }

    @Override public void remove(Fid dirFid, String name, boolean directory) {
        ViewFid d = own(dirFid);
        d.checkWalked();
        if (name.equals(".")) throw new SysError(directory ? Errno.EINVAL : Errno.EISDIR);
        if (name.equals("..")) throw new SysError(directory ? Errno.ENOTEMPTY : Errno.EISDIR);
        try (PathWalker w = new PathWalker(ctx);
             Chan child = w.lookupHere(d.chan, name);
             Chan dir = child.mount() == d.chan.mount() ? d.chan.copy() : child.mount().rootChan()) {
            if (ctx.namespace().mountedOn(child) != null) throw new SysError(Errno.EBUSY);
            Vfs.checkWritable(dir);
            dir.server().remove(dir.fid(), name, directory);     // in a union, from the member that has it
        }
    }

    @Override public void rename(Fid oldDirFid, String oldName, Fid newDirFid, String newName, boolean noReplace) {
        ViewFid o = own(oldDirFid), n = own(newDirFid);
        o.checkWalked();
        n.checkWalked();
        if (o.chan.mount() != n.chan.mount()) throw new SysError(Errno.EXDEV);
        Vfs.checkWritable(o.chan);
        Namespace ns = ctx.namespace();
        try (Chan from = o.chan.step(oldName)) {
            if (ns.mountedOn(from) != null) throw new SysError(Errno.EBUSY);
        }
        Chan to = null;
        try {
            to = n.chan.step(newName);
        } catch (SysError e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
        if (to != null) {
            try (Chan t = to) {
                if (ns.mountedOn(t) != null) throw new SysError(Errno.EBUSY);
            }
        }
        o.chan.server().rename(o.chan.fid(), oldName, n.chan.fid(), newName, noReplace);
    }

    @Override public void link(Fid targetFid, Fid dirFid, String name) {
        ViewFid t = own(targetFid), d = own(dirFid);
        t.checkWalked();
        d.checkWalked();
        if (t.chan.isDir()) throw new SysError(Errno.EPERM);
        if (t.chan.mount() != d.chan.mount()) throw new SysError(Errno.EXDEV);
        Vfs.checkWritable(d.chan);
        t.chan.server().link(t.chan.fid(), d.chan.fid(), name);
    }

    @Override public String readlink(Fid fid) {
        ViewFid v = own(fid);
        v.checkLive();
        return v.chan.server().readlink(v.chan.fid());
    }

    // ------------------------------------------------------------------ attributes

    @Override public Dir stat(Fid fid) {
        ViewFid v = own(fid);
        v.checkLive();
        Dir d = v.chan.stat();
        return new Dir(d.mode(), d.uid(), d.gid(), d.size(), d.nlink(), d.atime(), d.mtime(), d.ctime(), d.rdev(),
                d.ino() ^ salt(v.chan.server()), d.dev(), d.blocks(), d.blksize());
    }

    @Override public void wstat(Fid fid, Dir changes) {
        ViewFid v = own(fid);
        v.checkLive();
        Vfs.checkWritable(v.chan);
        v.chan.server().wstat(v.chan.fid(), changes);
    }

    @Override public StatFs statfs() { return base.server().statfs(); }

    /** Fids of this view not yet clunked (tests). */
    public int liveFids() { return liveFids.get(); }
}
