package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * A file in the namespace (Plan 9's Chan, Linux's struct path): a fid together with the
 * {@link Mount} it was reached through. The mount is what lets ".." leave a mounted server's root
 * for the directory it is mounted on, and what says whether two names are the same file.
 *
 * <p>Ownership: a Chan owns its fid. Whoever gets a Chan from a walk, {@link #copy()} or
 * {@link Mount#rootChan()} must {@link #close()} it (which clunks the fid) exactly once; methods
 * that take a Chan as an argument borrow it unless they say otherwise. Immutable; the fid has its
 * own lock.
 */
public final class Chan implements AutoCloseable {
    private final Mount mount;
    private final Fid fid;
    /**
     * The covered file this walk crossed into the member through, when that is not the member's
     * own mount point (a mount inside the source of a recursive bind, reached through the bind):
     * ".." from the head goes back there, the way the walk came. Owned; null otherwise.
     */
    private final Chan via;

    Chan(Mount mount, Fid fid) { this(mount, fid, null); }

    /** Takes ownership of {@code fid} and {@code via}. */
    Chan(Mount mount, Fid fid, Chan via) {
        if (fid.server() != mount.server()) throw new IllegalArgumentException("fid of another server");
        this.mount = mount;
        this.fid = fid;
        this.via = via;
    }

    /** Where ".." from this member's head leads (borrowed): the crossing this walk made, else the mount point. */
    Chan covered() { return via != null ? via : mount.mountpoint(); }

    /** The same file with {@code v} (taken) as the crossing it was reached by; this Chan is consumed. */
    Chan withVia(Chan v) {
        Chan c = new Chan(mount, fid, v);
        if (via != null) via.close();
        return c;
    }

    public Mount mount() { return mount; }
    public Fid fid() { return fid; }
    public FileServer server() { return mount.server(); }
    public Qid qid() { return fid.qid(); }
    public boolean isDir() { return fid.qid().isDir(); }
    public boolean isSymlink() { return fid.qid().isSymlink(); }

    /** Same file through the same mount (what "is this the process root" means). */
    public boolean sameFile(Chan o) { return mount == o.mount && qid().path() == o.qid().path(); }

    /**
     * True when this is the head of a member mounted or bound somewhere (so ".." goes back to the
     * covered file): false once the member was unmounted and released (".." then stays put).
     */
    public boolean isMountRoot() {
        return mount.parent() != null && qid().path() == mount.rootPath() && !mount.released();
    }

    /** True when {@code w}'s namespace makes this a union directory with several members. */
    boolean namespaceUnion(PathWalker w) { return w.isUnion(this); }

    /** True for the head of any member, the namespace root's included. */
    boolean isHead() { return qid().path() == mount.rootPath(); }

    /** A new Chan for the same file (a cloned fid); the caller owns it. */
    public Chan copy() { return new Chan(mount, server().clone(fid), via == null ? null : via.copy()); }

    /** One step inside this server (no mount crossing): a new Chan the caller owns. */
    Chan step(String name) {
        if (!isDir()) throw new SysError(Errno.ENOTDIR);
        Fid f = server().walk(fid, name);
        return new Chan(mount, f, via == null ? null : via.copy());
    }

    public Dir stat() { return server().stat(fid); }

    /** Clunks the fid. */
    @Override public void close() {
        try {
            server().clunk(fid);
        } finally {
            if (via != null) via.close();
        }
    }

    @Override public String toString() { return "Chan[" + mount + ", " + fid + "]"; }
}
