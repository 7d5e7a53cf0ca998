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

    Chan(Mount mount, Fid fid) {
        if (fid.server() != mount.server()) throw new IllegalArgumentException("fid of another server");
        this.mount = mount;
        this.fid = fid;
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
    public Chan copy() { return new Chan(mount, server().clone(fid)); }

    /** One step inside this server (no mount crossing): a new Chan the caller owns. */
    Chan step(String name) {
        if (!isDir()) throw new SysError(Errno.ENOTDIR);
        return new Chan(mount, server().walk(fid, name));
    }

    public Dir stat() { return server().stat(fid); }

    /** Clunks the fid. */
    @Override public void close() { server().clunk(fid); }

    @Override public String toString() { return "Chan[" + mount + ", " + fid + "]"; }
}
