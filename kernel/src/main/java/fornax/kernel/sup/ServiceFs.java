package fornax.kernel.sup;

import fornax.kernel.ninep.client.NinePClient;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;
import java.util.List;

/**
 * The file server a namespace mounts for a supervised service: stable across restarts, it sends
 * each call to the current instance's 9P client. Each fid remembers the instance generation it
 * was made on and that instance's fid:
 * <ul>
 *   <li>while its generation is current, calls go straight through;
 *   <li>after a restart, a fid for the service's root that is only walked (a mount's head, a
 *       working directory at the root) re-attaches to the new instance on its next use, so new
 *       walks reach the new instance with nothing to remount;
 *   <li>any other fid of an old generation (an open file, a walked subdirectory) is EIO: the
 *       state it named died with the old instance. Clunking it always succeeds.
 * </ul>
 *
 * <p>Locking: a fid's inner fid and generation change only by re-attachment, under the fid's
 * monitor; the service guards its own state.
 */
public final class ServiceFs implements FileServer {
    private final Service service;

    ServiceFs(Service service) { this.service = service; }

    @Override public String toString() { return "service " + service.name(); }

    private final class SvcFid extends Fid {
        // guarded by this (re-attachment)
        private Fid inner;
        private int generation;
        private final boolean root;
        private volatile Qid qid;

        SvcFid(Fid inner, int generation, boolean root) {
            super(ServiceFs.this);
            this.inner = inner;
            this.generation = generation;
            this.root = root;
            this.qid = inner.qid();
        }

        @Override public Qid qid() { return qid; }

        /** The instance fid to use now, re-attaching a walked root fid after a restart; EIO if stale. */
        synchronized Fid live() {
            NinePClient c = service.clientOf(generation);
            if (c != null) return inner;
            if (!root || state() != State.WALKED)
                throw new SysError(Errno.EIO, "service " + service.name() + " restarted: fid is stale");
            Service.Current cur = service.current();
            Fid fresh = cur.client().attach();
            inner = fresh;
            generation = cur.generation();
            qid = fresh.qid();
            return fresh;
        }

        synchronized int generation() { return generation; }

        synchronized Fid inner() { return inner; }
    }

    private SvcFid own(Fid f) {
        if (!(f instanceof SvcFid s) || s.server() != this) throw new SysError(Errno.EBADF, "fid of another server");
        return s;
    }

    /** The server behind a live fid (its client). */
    private static FileServer via(Fid inner) { return inner.server(); }

    private SvcFid wrap(Fid inner, SvcFid from, boolean root) {
        return new SvcFid(inner, from.generation(), root);
    }

    // ------------------------------------------------------------------ 9P

    @Override public Fid attach() {
        Service.Current cur = service.current();
        return new SvcFid(cur.client().attach(), cur.generation(), true);
    }

    @Override public Fid walk(Fid dir, String name) {
        SvcFid d = own(dir);
        d.checkWalked();
        Fid in = d.live();
        Fid out = via(in).walk(in, name);
        // ".." and "." of the root stay at the root (a server's root is its own parent)
        boolean stillRoot = d.root && (name.equals(".") || name.equals(".."));
        return wrap(out, d, stillRoot);
    }

    @Override public Fid clone(Fid fid) {
        SvcFid f = own(fid);
        f.checkWalked();
        Fid in = f.live();
        return wrap(via(in).clone(in), f, f.root);
    }

    @Override public void open(Fid fid, int flags) {
        SvcFid f = own(fid);
        f.checkWalked();
        Fid in = f.live();
        via(in).open(in, flags);
        f.opened(flags, in.stream());
    }

    @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
        SvcFid d = own(dir);
        d.checkWalked();
        Fid in = d.live();
        return wrap(via(in).create(in, name, mode, linkTarget), d, false);
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        SvcFid f = own(fid);
        f.checkReadable();
        Fid in = f.live();
        return via(in).read(in, offset, buf, off, len);
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        SvcFid f = own(fid);
        f.checkWritable();
        Fid in = f.live();
        return via(in).write(in, offset, buf, off, len);
    }

    @Override public long append(Fid fid, byte[] buf, int off, int len) {
        SvcFid f = own(fid);
        f.checkWritable();
        Fid in = f.live();
        return via(in).append(in, buf, off, len);
    }

    @Override public void clunk(Fid fid) {
        SvcFid f = own(fid);
        f.clunked();
        Fid in = f.inner();
        // the old instance's client is closed: its clunk only frees the number
        try {
            via(in).clunk(in);
        } catch (SysError e) {
            // clunk(5): the fid is gone whatever the answer
        }
    }

    @Override public void remove(Fid dir, String name, boolean directory) {
        SvcFid d = own(dir);
        d.checkWalked();
        Fid in = d.live();
        via(in).remove(in, name, directory);
    }

    @Override public Dir stat(Fid fid) {
        SvcFid f = own(fid);
        f.checkLive();
        Fid in = f.live();
        return via(in).stat(in);
    }

    @Override public void wstat(Fid fid, Dir changes) {
        SvcFid f = own(fid);
        f.checkLive();
        Fid in = f.live();
        via(in).wstat(in, changes);
    }

    // ------------------------------------------------------------------ extensions

    @Override public List<DirEntry> readdir(Fid dir, long offset, int max) {
        SvcFid d = own(dir);
        d.checkOpen();
        Fid in = d.live();
        return via(in).readdir(in, offset, max);
    }

    @Override public String readlink(Fid fid) {
        SvcFid f = own(fid);
        f.checkLive();
        Fid in = f.live();
        return via(in).readlink(in);
    }

    @Override public void rename(Fid oldDir, String oldName, Fid newDir, String newName, boolean noReplace) {
        SvcFid o = own(oldDir), n = own(newDir);
        Fid oi = o.live(), ni = n.live();
        if (oi.server() != ni.server()) throw new SysError(Errno.EIO, "service " + service.name() + " restarted");
        via(oi).rename(oi, oldName, ni, newName, noReplace);
    }

    @Override public void link(Fid target, Fid dir, String name) {
        SvcFid t = own(target), d = own(dir);
        Fid ti = t.live(), di = d.live();
        if (ti.server() != di.server()) throw new SysError(Errno.EIO, "service " + service.name() + " restarted");
        via(ti).link(ti, di, name);
    }

    @Override public void fsync(Fid fid) {
        SvcFid f = own(fid);
        Fid in = f.live();
        via(in).fsync(in);
    }

    @Override public StatFs statfs() { return service.current().client().statfs(); }

    /** A 9P client's flags, without waiting for an instance that may be restarting. */
    @Override public long mountFlags() { return StatFs.ST_VALID; }
}
