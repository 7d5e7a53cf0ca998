package fornax.kernel.ninep.server;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Dirent;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The requests of one connection as {@link FileServer} calls: the messages all dialects share and
 * 9P2000.L's; the 9P2000 (and .u) ones are {@link Plan9Requests}. Each method runs on its
 * request's own thread, takes a reference on every fid it uses and drops it before returning, and
 * reports failure by throwing {@link SysError}, which the connection turns into Rlerror or Rerror.
 *
 * <p>Fid states are the file server's to check (a walk or open of an opened fid is its EBADF);
 * this class checks what is the protocol's: that fids exist, that newfids are new, that names are
 * single path elements. Mapping, besides the obvious one-to-one calls:
 * <pre>
 *   Twalk      walk per name, from a clone; the first failure is the error, a later one a short Rwalk
 *   Tlopen     open (O_TRUNC done here with wstat: creation flags are the caller's business)
 *   Tlcreate   create, then open the new fid, which the fid number stands for from then on
 *   Twrite     append on a fid opened O_APPEND, else write at the offset
 *   Tremove    the file by its directory and name: the fid's walked path, walked again from the root
 *   Trename    the same, for the source
 *   Txattrwalk EOPNOTSUPP for the list, ENODATA for a name: no extended attributes here
 *   Tlock      success; Tgetlock: unlocked (locks are advisory and the server holds none)
 * </pre>
 */
final class Requests {
    /** Linux's AT_REMOVEDIR, Tunlinkat's flag for rmdir. */
    static final int AT_REMOVEDIR = 0x200;
    /** Open flags a Tlopen may pass on to a file server (creation flags are handled here, O_PATH never). */
    private static final int LOPEN_FLAGS = OpenFlags.VALID & ~(OpenFlags.CREATION | OpenFlags.O_PATH | OpenFlags.O_TMPFILE);

    private final Connection c;
    private final NinePServer server;
    private final Plan9Requests plan9;

    Requests(Connection c) {
        this.c = c;
        this.server = c.server;
        this.plan9 = new Plan9Requests(this, c);
    }

    /** The reply to {@code r} (never Tversion or Tflush: the connection handles those). */
    Reply handle(Request r, NinePCodec codec) {
        Dialect d = codec.dialect();
        return switch (r) {
            case Tversion _, Tflush _ -> throw new IllegalStateException(r + " reached the request handler");
            case Tauth _ -> d == Dialect.P9P2000L ? new Rlerror(Errno.ENOENT)
                    : new Rerror("authentication not required", d == Dialect.P9P2000U ? Errno.ENOENT : 0);
            case Tattach t -> attach(t);
            case Twalk t -> walk(t);
            case Tread t -> read(t, codec);
            case Twrite t -> write(t);
            case Tclunk t -> clunk(t);
            case Tremove t -> remove(t);
            case Topen t -> plan9.open(t);
            case Tcreate t -> plan9.create(t, d);
            case Tstat t -> plan9.stat(t, d);
            case Twstat t -> plan9.wstat(t, d);
            case Tstatfs t -> statfs(t);
            case Tlopen t -> lopen(t);
            case Tlcreate t -> lcreate(t);
            case Tsymlink t -> created(t.fid(), t.name(), Dir.S_IFLNK | 0777, t.symtgt(), Rsymlink::new);
            case Tmknod t -> created(t.dfid(), t.name(), mknodMode(t.mode()), null, Rmknod::new);
            case Tmkdir t -> created(t.dfid(), t.name(), Dir.S_IFDIR | (t.mode() & Dir.PERMS), null, Rmkdir::new);
            case Trename t -> rename(t);
            case Treadlink t -> readlink(t);
            case Tgetattr t -> getattr(t);
            case Tsetattr t -> setattr(t);
            case Txattrwalk t -> xattrwalk(t);
            case Txattrcreate t -> xattrcreate(t);
            case Treaddir t -> readdir(t, codec);
            case Tfsync t -> fsync(t);
            case Tlock t -> lock(t);
            case Tgetlock t -> getlock(t);
            case Tlink t -> link(t);
            case Trenameat t -> renameat(t);
            case Tunlinkat t -> unlinkat(t);
        };
    }

    // ------------------------------------------------------------------ helpers

    /** A name for create, remove, rename, link: one path element. EINVAL for "" or a name with '/'. */
    static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0) throw new SysError(Errno.EINVAL, "not a file name: " + name);
    }

    /**
     * A new WALKED fid for {@code names} walked from a fresh attach of {@code aname}; the caller
     * clunks it. Intermediate fids are clunked on the way.
     */
    Fid walkFromRoot(String aname, List<String> names) {
        Fid cur = server.attachFid(aname);
        try {
            for (String n : names) {
                Fid next = cur.server().walk(cur, n);
                cur.server().clunk(cur);
                cur = next;
            }
            Fid result = cur;
            cur = null;
            return result;
        } finally {
            if (cur != null) cur.server().clunk(cur);
        }
    }

    /** Operation on the directory holding {@code f}'s file and its name there. */
    interface InParent<T> {
        T apply(Fid parent, String name);
    }

    /**
     * Runs {@code op} on the directory and name {@code f} was walked by, after checking that the
     * name still leads to the same file (ENOENT if it was renamed or removed meanwhile). EBUSY for
     * the attach root, which has no name.
     */
    <T> T inParent(ServerFid f, InParent<T> op) {
        List<String> path = f.path();
        if (path.isEmpty()) throw new SysError(Errno.EBUSY, "the attach root has no name");
        String name = path.getLast();
        Fid parent = walkFromRoot(f.aname, path.subList(0, path.size() - 1));
        FileServer s = parent.server();
        try {
            Fid child = s.walk(parent, name);
            try {
                if (child.qid().path() != f.fid.qid().path()) throw new SysError(Errno.ENOENT, name + " is another file now");
            } finally {
                s.clunk(child);
            }
            return op.apply(parent, name);
        } finally {
            s.clunk(parent);
        }
    }

    /** Removes the file {@code f} names from its directory (Tremove, ORCLOSE). */
    void removeFile(ServerFid f) {
        boolean dir = f.fid.qid().isDir();
        inParent(f, (parent, name) -> {
            parent.server().remove(parent, name, dir);
            return null;
        });
    }

    private static int mknodMode(int mode) {
        int type = mode & Dir.S_IFMT;
        if (type == Dir.S_IFDIR) throw new SysError(Errno.EINVAL, "mknod of a directory");
        return (type == 0 ? Dir.S_IFREG : type) | (mode & Dir.PERMS);
    }

    // ------------------------------------------------------------------ session

    private Reply attach(Tattach t) {
        if (t.afid() != NOFID) throw new SysError(Errno.EBADF, "no authentication: afid must be NOFID");
        c.checkFree(t.fid());
        Fid root = server.attachFid(t.aname());
        Qid qid;
        try {
            qid = root.qid();
        } catch (RuntimeException e) {
            root.server().clunk(root);
            throw e;
        }
        c.install(t.fid(), new ServerFid(server, root, t.aname(), List.of(), null, false));
        return new Rattach(qid);
    }

    private Reply walk(Twalk t) {
        ServerFid f = c.use(t.fid());
        try {
            boolean self = t.newfid() == t.fid();
            if (!self) c.checkFree(t.newfid());
            FileServer s = f.server();
            if (t.wnames().isEmpty()) {
                if (self) {
                    if (f.fid.state() != Fid.State.WALKED) throw new SysError(Errno.EBADF, "walk of an open fid");
                } else {
                    c.install(t.newfid(), new ServerFid(server, s.clone(f.fid), f.aname, f.path(), null, false));
                }
                return new Rwalk(List.of());
            }
            List<Qid> qids = new ArrayList<>();
            List<String> path = f.path();
            Fid cur = null;                 // owned: the fid reached so far, past the first name
            try {
                for (String name : t.wnames()) {
                    Fid next;
                    try {
                        if (name.isEmpty() || name.indexOf('/') >= 0) throw new SysError(Errno.ENOENT, "bad path element");
                        next = s.walk(cur == null ? f.fid : cur, name);
                    } catch (SysError e) {
                        if (qids.isEmpty()) throw e;
                        return new Rwalk(qids);         // walk(5): a later failure is a short walk, newfid untouched
                    }
                    if (cur != null) s.clunk(cur);
                    cur = next;
                    qids.add(cur.qid());
                    path = ServerFid.child(path, name);
                }
                ServerFid nf = new ServerFid(server, cur, f.aname, path, null, false);
                cur = null;
                if (self) c.replace(t.fid(), f, nf);
                else c.install(t.newfid(), nf);
                return new Rwalk(qids);
            } finally {
                if (cur != null) s.clunk(cur);
            }
        } finally {
            f.release();
        }
    }

    private Reply clunk(Tclunk t) {
        ServerFid f = c.remove(t.fid());
        try {
            if (f.removeOnClunk) {
                try {
                    removeFile(f);
                } catch (SysError e) {
                    // clunk(5) always succeeds; ORCLOSE's removal is best effort
                }
            }
        } finally {
            f.release();
        }
        return new Rclunk();
    }

    /** remove(5): the fid is clunked whether or not the removal succeeds. */
    private Reply remove(Tremove t) {
        ServerFid f = c.remove(t.fid());
        try {
            removeFile(f);
        } finally {
            f.release();
        }
        return new Rremove();
    }

    // ------------------------------------------------------------------ I/O

    private Reply read(Tread t, NinePCodec codec) {
        ServerFid f = c.use(t.fid());
        try {
            if (f.dirWalker != null) return plan9.readDirectory(f, t, codec);
            int n = (int) Math.min(Integer.toUnsignedLong(t.count()), codec.maxReadData());
            byte[] buf = new byte[n];
            int got = f.server().read(f.fid, t.offset(), buf, 0, n);
            if (got < 0 || got > n) throw new IllegalStateException(f.server() + " read returned " + got + " of " + n);
            return new Rread(got == n ? buf : Arrays.copyOf(buf, got));
        } finally {
            f.release();
        }
    }

    private Reply write(Twrite t) {
        ServerFid f = c.use(t.fid());
        try {
            byte[] d = t.data();
            if (f.fid.state() == Fid.State.OPEN && (f.fid.flags() & OpenFlags.O_APPEND) != 0) {
                f.server().append(f.fid, d, 0, d.length);
                return new Rwrite(d.length);
            }
            int n = f.server().write(f.fid, t.offset(), d, 0, d.length);
            if (n < 0 || n > d.length) throw new IllegalStateException(f.server() + " write returned " + n + " of " + d.length);
            return new Rwrite(n);
        } finally {
            f.release();
        }
    }

    private Reply fsync(Tfsync t) {
        ServerFid f = c.use(t.fid());
        try {
            f.server().fsync(f.fid);
            return new Rfsync();
        } finally {
            f.release();
        }
    }

    // ------------------------------------------------------------------ 9P2000.L: opening and creating

    private Reply lopen(Tlopen t) {
        ServerFid f = c.use(t.fid());
        try {
            FileServer s = f.server();
            s.open(f.fid, t.flags() & LOPEN_FLAGS);
            if ((t.flags() & OpenFlags.O_TRUNC) != 0 && s.stat(f.fid).isRegular()) s.wstat(f.fid, Dir.truncate(0));
            return new Rlopen(f.fid.qid(), 0);
        } finally {
            f.release();
        }
    }

    private Reply lcreate(Tlcreate t) {
        checkName(t.name());
        ServerFid f = c.use(t.fid());
        try {
            FileServer s = f.server();
            Fid nf = s.create(f.fid, t.name(), Dir.S_IFREG | (t.mode() & Dir.PERMS), null);
            try {
                s.open(nf, t.flags() & LOPEN_FLAGS);
                Qid qid = nf.qid();
                ServerFid created = new ServerFid(server, nf, f.aname, ServerFid.child(f.path(), t.name()), null, false);
                nf = null;
                c.replace(t.fid(), f, created);
                return new Rlcreate(qid, 0);
            } finally {
                if (nf != null) s.clunk(nf);
            }
        } finally {
            f.release();
        }
    }

    /** Tsymlink, Tmknod, Tmkdir: creates the entry, answers its qid, keeps no fid. */
    private <R extends Reply> Reply created(int dfid, String name, int mode, String target,
                                           java.util.function.Function<Qid, R> reply) {
        checkName(name);
        ServerFid d = c.use(dfid);
        try {
            Fid nf = d.server().create(d.fid, name, mode, target);
            try {
                return reply.apply(nf.qid());
            } finally {
                d.server().clunk(nf);
            }
        } finally {
            d.release();
        }
    }

    // ------------------------------------------------------------------ 9P2000.L: names

    private Reply readlink(Treadlink t) {
        ServerFid f = c.use(t.fid());
        try {
            return new Rreadlink(f.server().readlink(f.fid));
        } finally {
            f.release();
        }
    }

    private Reply link(Tlink t) {
        checkName(t.name());
        ServerFid d = c.use(t.dfid());
        try {
            ServerFid f = c.use(t.fid());
            try {
                if (f.server() != d.server()) throw new SysError(Errno.EXDEV);
                d.server().link(f.fid, d.fid, t.name());
                return new Rlink();
            } finally {
                f.release();
            }
        } finally {
            d.release();
        }
    }

    /** Trename: the fid's file moves to {@code name} in {@code dfid}; the fid then names it there. */
    private Reply rename(Trename t) {
        checkName(t.name());
        ServerFid f = c.use(t.fid());
        try {
            ServerFid d = c.use(t.dfid());
            try {
                if (f.server() != d.server()) throw new SysError(Errno.EXDEV);
                inParent(f, (parent, name) -> {
                    parent.server().rename(parent, name, d.fid, t.name(), false);
                    return null;
                });
                f.setPath(ServerFid.child(d.path(), t.name()));
                return new Rrename();
            } finally {
                d.release();
            }
        } finally {
            f.release();
        }
    }

    private Reply renameat(Trenameat t) {
        checkName(t.oldname());
        checkName(t.newname());
        ServerFid od = c.use(t.olddirfid());
        try {
            ServerFid nd = c.use(t.newdirfid());
            try {
                if (od.server() != nd.server()) throw new SysError(Errno.EXDEV);
                od.server().rename(od.fid, t.oldname(), nd.fid, t.newname(), false);
                return new Rrenameat();
            } finally {
                nd.release();
            }
        } finally {
            od.release();
        }
    }

    private Reply unlinkat(Tunlinkat t) {
        checkName(t.name());
        if ((t.flags() & ~AT_REMOVEDIR) != 0) throw new SysError(Errno.EINVAL, "unlinkat flags " + t.flags());
        ServerFid d = c.use(t.dirfid());
        try {
            d.server().remove(d.fid, t.name(), (t.flags() & AT_REMOVEDIR) != 0);
            return new Runlinkat();
        } finally {
            d.release();
        }
    }

    // ------------------------------------------------------------------ 9P2000.L: attributes and the rest

    private Reply getattr(Tgetattr t) {
        ServerFid f = c.use(t.fid());
        try {
            Dir d = f.server().stat(f.fid);
            return Attrs.getattr(f.fid.qid(), d);
        } finally {
            f.release();
        }
    }

    private Reply setattr(Tsetattr t) {
        ServerFid f = c.use(t.fid());
        try {
            Dir change = Attrs.setattr(t);
            if (!Attrs.empty(change)) f.server().wstat(f.fid, change);
            else f.fid.checkLive();
            return new Rsetattr();
        } finally {
            f.release();
        }
    }

    private Reply statfs(Tstatfs t) {
        ServerFid f = c.use(t.fid());
        try {
            f.fid.checkLive();
            return Attrs.statfs(f.server().statfs());
        } finally {
            f.release();
        }
    }

    /**
     * Treaddir: as many entries from {@code offset} as fit in count bytes. EINVAL when not even
     * the next one fits (an empty answer would mean the end of the directory).
     */
    private Reply readdir(Treaddir t, NinePCodec codec) {
        ServerFid f = c.use(t.fid());
        try {
            int count = (int) Math.min(Integer.toUnsignedLong(t.count()), codec.maxReadData());
            int max = Math.max(1, count / (13 + 8 + 1 + 2 + 1));   // the smallest entry has a 1-byte name
            List<DirEntry> es = f.server().readdir(f.fid, t.offset(), max);
            List<Dirent> out = new ArrayList<>();
            int used = 0;
            for (DirEntry e : es) {
                Dirent d = Attrs.dirent(e);
                if (used + d.wireSize() > count) break;
                out.add(d);
                used += d.wireSize();
            }
            if (out.isEmpty() && !es.isEmpty()) throw new SysError(Errno.EINVAL, "count " + count + " is too small for an entry");
            return new Rreaddir(out);
        } finally {
            f.release();
        }
    }

    private Reply xattrwalk(Txattrwalk t) {
        ServerFid f = c.use(t.fid());
        try {
            f.fid.checkLive();
            if (t.newfid() != t.fid()) c.checkFree(t.newfid());
            // no file here has extended attributes: the list is not supported, a name has no data
            throw new SysError(t.name().isEmpty() ? Errno.EOPNOTSUPP : Errno.ENODATA);
        } finally {
            f.release();
        }
    }

    private Reply xattrcreate(Txattrcreate t) {
        ServerFid f = c.use(t.fid());
        try {
            f.fid.checkLive();
            throw new SysError(Errno.EOPNOTSUPP, "extended attributes");
        } finally {
            f.release();
        }
    }

    private Reply lock(Tlock t) {
        ServerFid f = c.use(t.fid());
        try {
            f.fid.checkOpen();
            return new Rlock(LOCK_SUCCESS);
        } finally {
            f.release();
        }
    }

    private Reply getlock(Tgetlock t) {
        ServerFid f = c.use(t.fid());
        try {
            f.fid.checkOpen();
            return new Rgetlock(LOCK_TYPE_UNLCK, t.start(), t.length(), t.procId(), t.clientId());
        } finally {
            f.release();
        }
    }
}
