package fornax.kernel.ninep.server;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.NinePException;
import fornax.kernel.ninep.Stat;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The requests only 9P2000 and 9P2000.u have: Topen, Tcreate, Tstat, Twstat, and reads of
 * directories, which return stat(5) records rather than Treaddir's entries (read(5)).
 *
 * <ul>
 *   <li>Topen and Tcreate give the fid number a new opened fid (a clone, or the new file) and
 *       let the walked one go; a directory opened this way also keeps a walked clone to stat its
 *       entries by (an opened fid cannot be walked).
 *   <li>Tcreate applies Plan 9's permission rule (open(5)): a file gets {@code perm & (~0666 |
 *       dirperm & 0666)}, a directory {@code perm & (~0777 | dirperm & 0777)}. In .u, DMSYMLINK
 *       makes a symlink to the extension; devices, pipes and sockets are the server's to allow.
 *   <li>A directory read continues only from offset 0 or where the previous one ended; "." and
 *       ".." are not listed; a stat that does not fit waits for the next read.
 *   <li>Twstat: a stat of only "don't touch" values asks for a sync; a new name renames within
 *       the same directory, never over an existing name (stat(5)).
 * </ul>
 */
final class Plan9Requests {
    private final Requests requests;
    private final Connection c;

    Plan9Requests(Requests requests, Connection c) {
        this.requests = requests;
        this.c = c;
    }

    /** Linux open flags for open(5)'s mode byte: the access mode (OEXEC reads), OTRUNC. */
    private static int flags(int mode) {
        int flags = switch (mode & 3) {
            case OWRITE -> OpenFlags.O_WRONLY;
            case ORDWR -> OpenFlags.O_RDWR;
            default -> OpenFlags.O_RDONLY;      // OREAD, OEXEC
        };
        return (mode & OTRUNC) != 0 ? flags | OpenFlags.O_TRUNC : flags;
    }

    Reply open(Topen t) {
        ServerFid f = c.use(t.fid());
        try {
            FileServer s = f.server();
            Fid opened = s.clone(f.fid);
            try {
                ServerFid nf = opened(f, opened, f.path(), t.mode());
                opened = null;
                c.replace(t.fid(), f, nf);
                return new Ropen(nf.fid.qid(), 0);
            } finally {
                if (opened != null) s.clunk(opened);
            }
        } finally {
            f.release();
        }
    }

    /**
     * Opens {@code fid} (WALKED, taken only on success) with open(5)'s {@code mode} and wraps it;
     * a directory gets a walked clone for stats. A symlink (.u) stays walked: it cannot be opened.
     */
    private ServerFid opened(ServerFid from, Fid fid, List<String> path, int mode) {
        FileServer s = fid.server();
        boolean dir = fid.qid().isDir();
        int flags = flags(mode);
        if (dir && (OpenFlags.writable(flags) || (flags & OpenFlags.O_TRUNC) != 0)) throw new SysError(Errno.EISDIR);
        if (fid.qid().isSymlink()) return new ServerFid(c.server, fid, from.aname, path, null, false);
        Fid walker = dir ? s.clone(fid) : null;
        try {
            s.open(fid, flags);
            if ((flags & OpenFlags.O_TRUNC) != 0 && s.stat(fid).isRegular()) s.wstat(fid, Dir.truncate(0));
            ServerFid nf = new ServerFid(c.server, fid, from.aname, path, walker, (mode & ORCLOSE) != 0);
            walker = null;
            return nf;
        } finally {
            if (walker != null) s.clunk(walker);
        }
    }

    Reply create(Tcreate t, Dialect d) {
        Requests.checkName(t.name());
        if (t.name().equals(".") || t.name().equals("..")) throw new SysError(Errno.EEXIST);
        ServerFid f = c.use(t.fid());
        try {
            FileServer s = f.server();
            int dirPerm = s.stat(f.fid).mode();
            int perm = t.perm();
            boolean dotu = d == Dialect.P9P2000U;
            int type;
            String target = null;
            if ((perm & DMDIR) != 0) type = Dir.S_IFDIR;
            else if (dotu && (perm & DMSYMLINK) != 0) { type = Dir.S_IFLNK; target = t.extension(); }
            else if (dotu && (perm & DMNAMEDPIPE) != 0) type = Dir.S_IFIFO;
            else if (dotu && (perm & DMSOCKET) != 0) type = Dir.S_IFSOCK;
            else if (dotu && (perm & DMDEVICE) != 0) throw new SysError(Errno.EPERM, "device files");
            else type = Dir.S_IFREG;
            int bits = type == Dir.S_IFDIR ? perm & (~0777 | dirPerm & 0777) : perm & (~0666 | dirPerm & 0666);
            int mode = type == Dir.S_IFLNK ? 0777 : bits & 0777;
            if (dotu) {
                if ((perm & DMSETUID) != 0) mode |= Dir.S_ISUID;
                if ((perm & DMSETGID) != 0) mode |= Dir.S_ISGID;
                if ((perm & DMSETVTX) != 0) mode |= Dir.S_ISVTX;
            }
            if (type == Dir.S_IFDIR && (t.mode() & 3) != OREAD) throw new SysError(Errno.EISDIR);
            Fid nf = s.create(f.fid, t.name(), type | mode, target);
            try {
                ServerFid created = opened(f, nf, ServerFid.child(f.path(), t.name()), t.mode());
                nf = null;
                c.replace(t.fid(), f, created);
                return new Rcreate(created.fid.qid(), 0);
            } finally {
                if (nf != null) s.clunk(nf);
            }
        } finally {
            f.release();
        }
    }

    Reply stat(Tstat t, Dialect d) {
        ServerFid f = c.use(t.fid());
        try {
            Fid walked = f.dirWalker != null ? f.dirWalker : f.fid;
            return new Rstat(stat(d, walked, f.name()));
        } finally {
            f.release();
        }
    }

    /** stat(5) of {@code fid} (WALKED or OPEN) under {@code name}; in .u with its extension. */
    private static Stat stat(Dialect d, Fid fid, String name) {
        FileServer s = fid.server();
        Dir dir = s.stat(fid);
        String ext = "";
        if (d == Dialect.P9P2000U) {
            if (dir.isSymlink()) ext = s.readlink(fid);
            else if (dir.type() == Dir.S_IFCHR || dir.type() == Dir.S_IFBLK) ext = Attrs.deviceExtension(dir);
        }
        return Attrs.stat(d, fid.qid(), name, dir, ext);
    }

    Reply wstat(Twstat t, Dialect d) {
        ServerFid f = c.use(t.fid());
        try {
            FileServer s = f.server();
            Stat st = t.stat();
            if (Attrs.dontTouch(st)) {
                s.fsync(f.fid);
                return new Rwstat();
            }
            Dir change = Attrs.wstat(d, st, s.stat(f.fid));
            String name = st.name();
            boolean rename = !name.isEmpty() && !name.equals(f.name());
            if (rename) {
                Requests.checkName(name);
                if (name.equals(".") || name.equals("..")) throw new SysError(Errno.EINVAL);
                if (f.path().isEmpty()) throw new SysError(Errno.EPERM, "the attach root cannot be renamed");
            }
            if (!Attrs.empty(change)) s.wstat(f.fid, change);
            if (rename) {
                requests.inParent(f, (parent, old) -> {
                    parent.server().rename(parent, old, parent, name, true);
                    return null;
                });
                List<String> p = f.path();
                f.setPath(ServerFid.child(p.subList(0, p.size() - 1), name));
            }
            return new Rwstat();
        } finally {
            f.release();
        }
    }

    /**
     * A read of a directory opened with Topen: whole stat records, as many as fit in count, from
     * where the previous read ended. ESPIPE (Plan 9's "bad offset in directory read") for any
     * other offset; EINVAL when count cannot hold the next record.
     */
    Reply readDirectory(ServerFid f, Tread t, NinePCodec codec) {
        long cookie = f.dirCursor(t.offset());
        if (cookie < 0) throw new SysError(Errno.ESPIPE, "bad offset in directory read");
        f.fid.checkReadable();
        int count = (int) Math.min(Integer.toUnsignedLong(t.count()), codec.maxReadData());
        FileServer s = f.server();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fill:
        while (true) {
            List<DirEntry> es = s.readdir(f.fid, cookie, 64);
            if (es.isEmpty()) break;
            for (DirEntry e : es) {
                if (e.name().equals(".") || e.name().equals("..")) {
                    cookie = e.next();
                    continue;
                }
                byte[] record = record(codec, f.dirWalker, e.name());
                if (record != null && out.size() + record.length > count) {
                    if (out.size() == 0) throw new SysError(Errno.EINVAL, "count " + count + " cannot hold a stat");
                    break fill;
                }
                if (record != null) out.writeBytes(record);
                cookie = e.next();
            }
        }
        f.dirAdvance(t.offset(), out.size(), cookie);
        return new Rread(out.toByteArray());
    }

    /** The stat record of entry {@code name}; null when it vanished meanwhile or cannot be sent in this dialect. */
    private static byte[] record(NinePCodec codec, Fid dir, String name) {
        FileServer s = dir.server();
        Fid child;
        try {
            child = s.walk(dir, name);
        } catch (SysError e) {
            return null;
        }
        try {
            return codec.encodeStat(stat(codec.dialect(), child, name));
        } catch (SysError | NinePException e) {
            return null;
        } finally {
            s.clunk(child);
        }
    }
}
