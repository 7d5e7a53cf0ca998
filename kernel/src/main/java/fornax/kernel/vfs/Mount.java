package fornax.kernel.vfs;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One member of a mount point's union (Plan 9's Mount, Linux's vfsmount): a server's root mounted
 * there, or a directory or file of the namespace bound there. It keeps a WALKED fid for its head
 * (the file the member shows at the mount point) for its whole life, the covered file
 * ({@link #mountpoint()}, which ".." from the head returns to), and how it was made (flags, type,
 * source) for /proc/PID/mounts and /proc/PID/ns.
 *
 * <p>Identity: Chans reached through a member carry it as their {@link Chan#mount()}; the mount
 * table is keyed by (mount, qid path), so what is mounted on a file below the head is found by
 * {@link #keyFor(long)}. A plain mount or non-recursive bind keys by itself (mounts inside the
 * source are not seen through it, as Linux's MS_BIND without MS_REC). A recursive bind, and the
 * "self" member a union keeps for the covered directory itself, key below their head by the
 * source's identity ({@code keyAlias}): what is mounted inside the source is seen through them,
 * live, as in Plan 9.
 *
 * <p>The namespace's root mount has no mount point. A device mount (Plan 9's "#|" names, see
 * {@link Namespace#attach}) is in no table and keeps no head: each {@link #rootChan()} is a fresh
 * attach, which for the pipe device is a new pipe.
 *
 * <p>Lifetime: namespaces that hold a member count as references ({@link #retain}, {@link #release});
 * the last release clunks the head and the mount point. Chans already reached through a released
 * member keep their own fids and stay usable; ".." from its head stays put.
 *
 * <p>Immutable but for {@code readOnly} (a remount; volatile), {@code mountpoint} (MS_MOVE;
 * volatile, changed only under the namespace lock) and the reference count.
 */
public final class Mount {
    private final FileServer server;
    private final Fid head;
    private final long headPath;
    private volatile Chan mountpoint;
    private final String name;
    private final String source;
    private final int flags;
    private final Mount keyAlias;
    private final boolean self;
    private final boolean bind;
    private volatile boolean readOnly;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean released;
    /** The mount point's path as named when made (a file's path cannot be worked out from its fid); null if unknown. */
    private volatile String where;

    private Mount(FileServer server, Fid head, Chan mountpoint, String name, String source, int flags,
                  Mount keyAlias, boolean self, boolean readOnly, boolean bind) {
        this.server = server;
        this.head = head;
        this.headPath = head == null ? -1 : head.qid().path();
        this.mountpoint = mountpoint;
        this.name = name;
        this.source = source;
        this.flags = flags;
        this.keyAlias = keyAlias;
        this.self = self;
        this.bind = bind;
        this.readOnly = readOnly;
    }

    /** The root mount of a namespace: {@code server}'s root with nothing under it. */
    static Mount root(FileServer server) {
        return new Mount(server, server.attach(), null, "rootfs", "/", Namespace.MREPL | Namespace.MCREATE, null, false, false, false);
    }

    /**
     * The root mount of a container's namespace: directory {@code dir} (borrowed) of another
     * namespace as the new root, with nothing under it, so ".." at it stays put, and read-only if
     * the member {@code dir} lies in is. Mounts made on files inside {@code dir} in the other
     * namespace are not seen (it keys by itself).
     */
    static Mount rootAt(Chan dir, String source) {
        return new Mount(dir.server(), dir.server().clone(dir.fid()), null, "rootfs", source,
                Namespace.MREPL | Namespace.MCREATE, null, false, dir.mount().readOnly(), false);
    }

    /** {@code server}'s root mounted on {@code where} (taken). */
    static Mount server(FileServer server, Chan where, String type, String source, int flags, boolean readOnly) {
        return new Mount(server, server.attach(), where, type, source, flags, null, false, readOnly, false);
    }

    /**
     * {@code from} (borrowed) bound on {@code where} (taken): {@code recursive} shows what is mounted
     * inside {@code from} through the bind; {@code self} marks the union member for the covered
     * directory itself.
     */
    static Mount bind(Chan from, Chan where, String source, int flags, boolean recursive, boolean self, boolean readOnly) {
        Mount alias = recursive || self ? from.mount().keyFor(-2) : null;
        Mount m = new Mount(from.server(), from.server().clone(from.fid()), where, from.mount().name,
                source, flags, alias, self, readOnly, true);
        return m;
    }

    static Mount device(FileServer server, String name) {
        return new Mount(server, null, null, name, name, 0, null, false, false, false);
    }

    public FileServer server() { return server; }
    /** The file-system type it was mounted with ("devtmpfs", "proc", "hostfs:..."; "rootfs" for the root). */
    public String name() { return name; }
    /** What was mounted or bound: a device spec ("#p"), a type, or the bound path as named then. */
    public String source() { return source; }
    /** MBEFORE / MAFTER / MCREATE as given when it was made (MREPL is 0). */
    public int flags() { return flags; }
    /** True for a bind (of a namespace file), false for a server mount, the root or a device. */
    public boolean isBind() { return bind; }
    /** True for the union member that stands for the covered directory itself. */
    public boolean isSelf() { return self; }
    /** Writes and creates through this member are EROFS. */
    public boolean readOnly() { return readOnly; }
    void setReadOnly(boolean ro) { readOnly = ro; }

    /** The mount its mount point lies in; null for the namespace root. */
    public Mount parent() {
        Chan mp = mountpoint;
        return mp == null ? null : mp.mount();
    }

    long rootPath() { return headPath; }

    String where() { return where; }
    void setWhere(String path) { where = path; }

    /** The covered file (borrowed: do not close); null for the root mount. */
    Chan mountpoint() { return mountpoint; }

    /** Replaces the mount point (MS_MOVE; caller holds the namespace lock); returns the old one to close. */
    Chan moveTo(Chan where) {
        Chan old = mountpoint;
        mountpoint = where;
        return old;
    }

    /** The identity the table is keyed by for the file with qid path {@code path} reached through this member. */
    Mount keyFor(long path) { return path == headPath || keyAlias == null ? this : keyAlias; }

    boolean released() { return released; }

    /** A new Chan for the head (a fresh attach for a device mount); the caller owns it. */
    public Chan rootChan() { return new Chan(this, head == null ? server.attach() : server.clone(head)); }

    void retain() { refs.incrementAndGet(); }

    /** Drops a namespace's reference; the last clunks the head and the mount point. */
    void release() {
        if (refs.decrementAndGet() != 0) return;
        released = true;
        if (head != null) server.clunk(head);
        Chan mp = mountpoint;
        if (mp != null) mp.close();
    }

    @Override public String toString() { return name + "@" + source; }
}
