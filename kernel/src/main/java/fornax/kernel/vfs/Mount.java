package fornax.kernel.vfs;

/**
 * One mounted server: its root fid (attached once, kept WALKED for the mount's lifetime), the
 * mount it is mounted in, and the directory it covers there. The namespace's root mount has no
 * parent and no mount point. A device mount (Plan 9's "#|" names, see {@link Namespace#attach})
 * is in no table and keeps no root: each {@link #rootChan()} is a fresh attach, which for the
 * pipe device is a new pipe. Immutable.
 */
public final class Mount {
    private final FileServer server;
    private final Fid root;
    private final long rootPath;
    private final Mount parent;
    private final Chan mountpoint;
    private final String name;

    Mount(FileServer server, Mount parent, Chan mountpoint, String name) {
        this.server = server;
        this.root = server.attach();
        this.rootPath = root.qid().path();
        this.parent = parent;
        this.mountpoint = mountpoint;
        this.name = name;
    }

    /** A device mount: no root kept, no parent. */
    private Mount(FileServer server, String name) {
        this.server = server;
        this.root = null;
        this.rootPath = -1;
        this.parent = null;
        this.mountpoint = null;
        this.name = name;
    }

    static Mount device(FileServer server, String name) { return new Mount(server, name); }

    public FileServer server() { return server; }
    /** The name it was mounted with (its file-system type: "devtmpfs", "proc"; "/" for the root). */
    public String name() { return name; }

    /** The mount this one is mounted in; null for the namespace root. */
    public Mount parent() { return parent; }
    long rootPath() { return rootPath; }

    /** The covered directory in the parent mount (borrowed: do not close); null for the root mount. */
    Chan mountpoint() { return mountpoint; }

    /** A new Chan for the server's root (a fresh attach for a device mount); the caller owns it. */
    public Chan rootChan() { return new Chan(this, root == null ? server.attach() : server.clone(root)); }

    /** Clunks the root fid and the mount point (unmount). */
    void release() {
        if (root != null) server.clunk(root);
        if (mountpoint != null) mountpoint.close();
    }

    @Override public String toString() { return name; }
}
