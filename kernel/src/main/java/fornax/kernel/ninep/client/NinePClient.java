package fornax.kernel.ninep.client;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.ninep.Dirent;
import fornax.kernel.ninep.IdPool;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NinePException;
import fornax.kernel.ninep.transport.Transport;
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
import java.util.function.Consumer;

/**
 * The kernel's mount driver (Plan 9's devmnt): a {@link FileServer} whose every call is a 9P2000.L
 * transaction with a server on the other end of a {@link Transport} — a user-space server in the
 * guest (mount -t 9p -o trans=fd), a kernel-side server task behind a {@link
 * fornax.kernel.ninep.transport.Channel}, or a host server such as diod. To the namespace it is a
 * file server like any other.
 *
 * <p>Each local {@link Fid} is one remote fid (a number from {@link IdPool}); its state machine is
 * checked here before anything is sent, so a misuse never reaches the wire. How the FileServer
 * calls map onto messages:
 * <pre>
 *   attach → Tattach        walk → Twalk(1 name)     clone → Twalk(0 names)    open → Tlopen
 *   create → Tmkdir | Tsymlink | Tmknod | (clone, Tlcreate O_EXCL, Tclunk), then Twalk
 *   read/write → Tread/Twrite in msize-sized pieces           clunk → Tclunk
 *   remove → Tunlinkat (Twalk + Tremove where the server lacks it, as diod)
 *   stat → Tgetattr   wstat → Tsetattr   readdir → Treaddir   readlink → Treadlink
 *   rename → Trenameat (Twalk + Trename where lacking)   link → Tlink   fsync → Tfsync
 *   statfs → Tattach, Tstatfs, Tclunk
 * </pre>
 * Errors: an Rlerror is a SysError with the server's errno; a dead connection is EIO for every
 * call and every fid, old or new (whoever supervises the server makes a new client).
 *
 * <p>Not carried over 9P, so answered here: ioctl (ENOTTY), poll (always ready: a read that would
 * block blocks in the server), shared mappings (ENODEV: pages cannot be shared across a wire).
 *
 * <p>Thread safety: the session handles concurrent calls; a fid's fields are set before it is
 * published and its qid only changes under the fid's own use.
 */
public final class NinePClient implements FileServer {
    private static final int O_CREAT_EXCL = OpenFlags.O_CREAT | OpenFlags.O_EXCL;
    private static final int AT_REMOVEDIR = 0x200;
    /** Linux's P9_IOHDRSZ: the header room its clients leave in a Tread/Twrite of msize bytes. */
    private static final int LINUX_IOHDRSZ = 24;

    private final ClientSession session;
    private final IdPool fids = IdPool.fids();
    private final String aname;
    private final String uname;
    private final long dev;
    private final String name;
    /** Close the connection when the last fid goes (a mount nobody uses any more); set once, before use. */
    private volatile boolean closeWhenUnused;

    private NinePClient(ClientSession session, String aname, String uname, long dev, String name) {
        this.session = session;
        this.aname = aname;
        this.uname = uname;
        this.dev = dev;
        this.name = name;
    }

    /**
     * Connects over {@code transport}: version negotiation happens now (EIO if the server does not
     * speak 9P2000.L), attaches happen per {@link #attach}. {@code onDeath} hears once why the
     * connection died (may be null).
     *
     * @param aname the tree to attach to ("" for the server's default)
     * @param dev   the st_dev for this mount's files
     * @param name  for logs and errors: "ramfs9p on /mnt"
     */
    public static NinePClient connect(Transport transport, String aname, int msize, long dev, String name,
                                      Consumer<String> onDeath) {
        ClientSession s = ClientSession.open(transport, msize, name, onDeath);
        return new NinePClient(s, aname, "root", dev, name);
    }

    /**
     * From now on, the connection closes when the last fid is clunked: the mount is gone and no
     * file is open, so the server sees the end of its input (Plan 9's mount channel does the same).
     */
    public NinePClient closeWhenUnused() {
        closeWhenUnused = true;
        return this;
    }

    /**
     * Installs the test that decides whether an interrupt of a thread waiting for a 9P reply ends
     * its call (true: flush and EINTR) or is left for later (the kernel: only for a fatal signal,
     * as Linux's killable 9P waits). Default: every interrupt ends the call.
     */
    public static void setInterruptPolicy(java.util.function.BooleanSupplier interruptEndsCall) {
        ClientSession.setInterruptPolicy(interruptEndsCall);
    }

    /** Whether an interrupt of the calling thread should end a wait for a server (see above). */
    public static boolean interruptEndsCall() { return ClientSession.interruptEndsCall(); }

    /** True until the connection dies. */
    public boolean alive() { return session.alive(); }

    /** Why the connection died, or null. */
    public String deathReason() { return session.deathReason(); }

    /** Remote fids currently held (for leak checks and status). */
    public int liveFids() { return fids.count(); }

    /** Requests in flight. */
    public int inFlight() { return session.inFlight(); }

    /** The negotiated msize. */
    public int msize() { return session.codec().msize(); }

    /** Ends the connection: every fid is EIO from now on. */
    public void close() { session.close(); }

    /**
     * A liveness probe for supervisors: a Tflush of a tag that is not in flight, which any server
     * must answer at once with Rflush. EIO (and the connection dies) if no answer comes in time.
     */
    public void ping(long timeoutMillis) { session.ping(new Tflush(NOTAG - 1), timeoutMillis); }

    @Override public String toString() { return "9p[" + name + "]"; }

    /** One remote fid. */
    private final class RemoteFid extends Fid {
        final int num;
        volatile Qid qid;
        /** The most bytes one Tread or Twrite may carry on this open fid (set by open). */
        volatile int iounit;

        RemoteFid(int num, Qid qid) {
            super(NinePClient.this);
            this.num = num;
            this.qid = qid;
        }

        @Override public Qid qid() { return qid; }
    }

    private RemoteFid own(Fid f) {
        if (!(f instanceof RemoteFid r) || r.server() != this) throw new SysError(Errno.EBADF, "fid of another server");
        return r;
    }

    private int newFidNumber() {
        try {
            return fids.allocate();
        } catch (NinePException e) {
            throw new SysError(Errno.ENFILE, name + ": out of fids");
        }
    }

    // ------------------------------------------------------------------ walking

    @Override public Fid attach() {
        int n = newFidNumber();
        try {
            Rattach r = (Rattach) session.call(new Tattach(n, NOFID, uname, aname, 0));
            return new RemoteFid(n, r.qid());
        } catch (RuntimeException e) {
            fids.release(n);
            throw e;
        }
    }

    @Override public Fid walk(Fid dir, String name) {
        RemoteFid d = own(dir);
        d.checkWalked();
        if (!d.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        if (name.equals(".")) return clone(dir);
        return walkNames(d, List.of(name));
    }

    @Override public Fid clone(Fid fid) {
        RemoteFid f = own(fid);
        f.checkWalked();
        return walkNames(f, List.of());
    }

    /** Twalk to a new fid; ENOENT unless every name was walked (a short Rwalk leaves no new fid). */
    private RemoteFid walkNames(RemoteFid from, List<String> names) {
        int n = newFidNumber();
        Rwalk r;
        try {
            r = (Rwalk) session.call(new Twalk(from.num, n, names));
        } catch (RuntimeException e) {
            fids.release(n);
            throw e;
        }
        if (r.qids().size() != names.size()) {
            fids.release(n);
            throw new SysError(Errno.ENOENT);
        }
        return new RemoteFid(n, names.isEmpty() ? from.qid : r.qids().getLast());
    }

    // ------------------------------------------------------------------ opening and creating

    @Override public void open(Fid fid, int flags) {
        RemoteFid f = own(fid);
        f.checkWalked();
        Rlopen r = (Rlopen) session.call(new Tlopen(f.num, flags & ~OpenFlags.CREATION));
        f.qid = r.qid();
        // Linux's v9fs keeps messages within msize − P9_IOHDRSZ (24, one byte more than Twrite's
        // header) and servers such as diod check against that; a smaller iounit also binds
        int max = session.codec().msize() - LINUX_IOHDRSZ;
        f.iounit = r.iounit() > 0 ? Math.min(r.iounit(), max) : max;
        f.opened(flags, false);
    }

    @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
        RemoteFid d = own(dir);
        d.checkWalked();
        int perms = mode & Dir.PERMS;
        switch (mode & Dir.S_IFMT) {
            case Dir.S_IFDIR -> session.call(new Tmkdir(d.num, name, perms, 0));
            case Dir.S_IFLNK -> session.call(new Tsymlink(d.num, name, linkTarget == null ? "" : linkTarget, 0));
            case 0, Dir.S_IFREG -> {
                // Tlcreate turns its fid into the new open file, but create here returns a walked
                // fid: create through a clone, then walk to the new name.
                RemoteFid tmp = walkNames(d, List.of());
                try {
                    session.call(new Tlcreate(tmp.num, name, OpenFlags.O_RDONLY | O_CREAT_EXCL, perms, 0));
                } finally {
                    clunkRemote(tmp);
                }
            }
            default -> session.call(new Tmknod(d.num, name, mode, 0, 0, 0));
        }
        return walkNames(d, List.of(name));
    }

    // ------------------------------------------------------------------ I/O

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        RemoteFid f = own(fid);
        f.checkReadable();
        if (f.qid.isDir()) throw new SysError(Errno.EISDIR);
        int max = f.iounit, done = 0;
        while (done < len) {
            int want = Math.min(len - done, max);
            byte[] data = ((Rread) session.call(new Tread(f.num, offset + done, want))).data();
            if (data.length > want) throw new SysError(Errno.EIO, name + ": Rread longer than asked");
            System.arraycopy(data, 0, buf, off + done, data.length);
            done += data.length;
            if (data.length < want) break;   // end of file, or a stream's whole chunk
        }
        return done;
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        RemoteFid f = own(fid);
        f.checkWritable();
        int max = f.iounit, done = 0;
        do {
            int n = Math.min(len - done, max);
            byte[] data = new byte[n];
            System.arraycopy(buf, off + done, data, 0, n);
            int wrote;
            try {
                wrote = ((Rwrite) session.call(new Twrite(f.num, offset + done, data))).count();
            } catch (SysError e) {
                if (done > 0) return done;
                throw e;
            }
            if (wrote < 0 || wrote > n) throw new SysError(Errno.EIO, name + ": Rwrite count " + wrote + " of " + n);
            done += wrote;
            if (wrote < n) break;
        } while (done < len);
        return done;
    }

    @Override public long append(Fid fid, byte[] buf, int off, int len) {
        // the server opened the file with O_APPEND (Tlopen carried it): it writes at the end
        write(fid, 0, buf, off, len);
        return stat(fid).size();
    }

    @Override public void clunk(Fid fid) {
        RemoteFid f = own(fid);
        f.clunked();
        clunkRemote(f);
    }

    /** Tclunk; the fid number is free afterwards whatever the answer (clunk(5)). */
    private void clunkRemote(RemoteFid f) {
        try {
            if (session.alive()) session.call(new Tclunk(f.num));
        } catch (SysError e) {
            // an error still clunks the fid; a dead or interrupted session has nothing left to free
        } finally {
            fids.release(f.num);
            if (closeWhenUnused && fids.count() == 0) session.close();
        }
    }

    @Override public void remove(Fid dir, String entry, boolean directory) {
        RemoteFid d = own(dir);
        d.checkWalked();
        try {
            session.call(new Tunlinkat(d.num, entry, directory ? AT_REMOVEDIR : 0));
            return;
        } catch (SysError e) {
            if (e.errno() != Errno.EOPNOTSUPP) throw e;
        }
        // A server without Tunlinkat (diod): check the kind, then Tremove, which clunks the fid.
        RemoteFid victim = walkNames(d, List.of(entry));
        boolean isDir;
        try {
            isDir = getattr(victim).isDir();
        } catch (SysError e) {
            clunkRemote(victim);
            throw e;
        }
        if (isDir != directory) {
            clunkRemote(victim);
            throw new SysError(directory ? Errno.ENOTDIR : Errno.EISDIR);
        }
        try {
            session.call(new Tremove(victim.num));
        } finally {
            fids.release(victim.num);
        }
    }

    // ------------------------------------------------------------------ attributes

    @Override public Dir stat(Fid fid) {
        RemoteFid f = own(fid);
        f.checkLive();
        return getattr(f);
    }

    private Dir getattr(RemoteFid f) {
        Rgetattr g = (Rgetattr) session.call(new Tgetattr(f.num, GETATTR_BASIC));
        f.qid = g.qid();
        return new Dir(g.mode(), g.uid(), g.gid(), g.size(), (int) g.nlink(), nanos(g.atimeSec(), g.atimeNsec()),
                nanos(g.mtimeSec(), g.mtimeNsec()), nanos(g.ctimeSec(), g.ctimeNsec()), g.rdev(), g.qid().path(), dev,
                g.blocks(), (int) Math.min(g.blksize(), Integer.MAX_VALUE));
    }

    private static long nanos(long sec, long nsec) { return sec * 1_000_000_000L + nsec; }

    @Override public void wstat(Fid fid, Dir c) {
        RemoteFid f = own(fid);
        f.checkLive();
        int valid = 0;
        if (c.mode() != Dir.KEEP_INT) valid |= SETATTR_MODE;
        if (c.uid() != Dir.KEEP_INT) valid |= SETATTR_UID;
        if (c.gid() != Dir.KEEP_INT) valid |= SETATTR_GID;
        if (c.size() != Dir.KEEP) valid |= SETATTR_SIZE;
        valid |= timeBits(c.atime(), SETATTR_ATIME, SETATTR_ATIME_SET);
        valid |= timeBits(c.mtime(), SETATTR_MTIME, SETATTR_MTIME_SET);
        if (valid == 0) return;
        valid |= SETATTR_CTIME;
        session.call(new Tsetattr(f.num, valid, c.mode() == Dir.KEEP_INT ? 0 : c.mode() & Dir.PERMS,
                Math.max(c.uid(), 0), Math.max(c.gid(), 0), c.size() == Dir.KEEP ? 0 : c.size(),
                seconds(c.atime()), nanosPart(c.atime()), seconds(c.mtime()), nanosPart(c.mtime())));
    }

    private static int timeBits(long t, int bit, int setBit) {
        if (t == Dir.KEEP) return 0;
        return t == Dir.NOW ? bit : bit | setBit;
    }

    private static long seconds(long t) { return t == Dir.KEEP || t == Dir.NOW ? 0 : Math.floorDiv(t, 1_000_000_000L); }

    private static long nanosPart(long t) { return t == Dir.KEEP || t == Dir.NOW ? 0 : Math.floorMod(t, 1_000_000_000L); }

    // ------------------------------------------------------------------ directories and names

    @Override public List<DirEntry> readdir(Fid dir, long offset, int max) {
        RemoteFid d = own(dir);
        d.checkOpen();
        if (!d.qid.isDir()) throw new SysError(Errno.ENOTDIR);
        Rreaddir r = (Rreaddir) session.call(new Treaddir(d.num, offset, d.iounit));
        List<DirEntry> out = new ArrayList<>(Math.min(max, r.entries().size()));
        for (Dirent e : r.entries()) {
            if (out.size() >= max) break;
            out.add(new DirEntry(e.name(), e.qid().path(), e.type(), e.offset()));
        }
        return out;
    }

    @Override public String readlink(Fid fid) {
        RemoteFid f = own(fid);
        f.checkLive();
        return ((Rreadlink) session.call(new Treadlink(f.num))).target();
    }

    @Override public void rename(Fid oldDir, String oldName, Fid newDir, String newName, boolean noReplace) {
        RemoteFid od = own(oldDir), nd = own(newDir);
        od.checkWalked();
        nd.checkWalked();
        if (noReplace) {
            // RENAME_NOREPLACE has no 9P flag: refuse if the name exists now (racy against other clients)
            RemoteFid there = null;
            try {
                there = walkNames(nd, List.of(newName));
            } catch (SysError e) {
                if (e.errno() != Errno.ENOENT) throw e;
            }
            if (there != null) {
                clunkRemote(there);
                throw new SysError(Errno.EEXIST);
            }
        }
        try {
            session.call(new Trenameat(od.num, oldName, nd.num, newName));
            return;
        } catch (SysError e) {
            if (e.errno() != Errno.EOPNOTSUPP) throw e;
        }
        RemoteFid moving = walkNames(od, List.of(oldName));
        try {
            session.call(new Trename(moving.num, nd.num, newName));
        } finally {
            clunkRemote(moving);
        }
    }

    @Override public void link(Fid target, Fid dir, String entry) {
        RemoteFid t = own(target), d = own(dir);
        t.checkWalked();
        d.checkWalked();
        session.call(new Tlink(d.num, t.num, entry));
    }

    @Override public void fsync(Fid fid) {
        RemoteFid f = own(fid);
        f.checkOpen();
        session.call(new Tfsync(f.num, 0));
    }

    /** What {@link #statfs} reports as flags, known without asking the server. */
    @Override public long mountFlags() { return StatFs.ST_VALID; }

    @Override public StatFs statfs() {
        RemoteFid root = (RemoteFid) attach();
        try {
            Rstatfs s = (Rstatfs) session.call(new Tstatfs(root.num));
            return new StatFs(Integer.toUnsignedLong(s.fsType()), Integer.toUnsignedLong(s.bsize()), s.blocks(),
                    s.bfree(), s.bavail(), s.files(), s.ffree(), s.fsid(), Integer.toUnsignedLong(s.namelen()),
                    Integer.toUnsignedLong(s.bsize()), StatFs.ST_VALID);
        } finally {
            clunkRemote(root);
        }
    }
}
