package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.HashMap;
import java.util.Map;

/**
 * A mount table: which server's root covers which directory. Linux-shaped for now: a directory
 * (a mount and a qid path in it) maps to the one {@link Mount} on top of it, and a path walk that
 * lands on a covered directory continues at the mounted root. Mounting on a directory that is
 * already covered stacks the new mount on the top one, as Linux does.
 *
 * <p>Plan 9's union binds come later: the value of the table becomes an ordered list of mounts
 * (MBEFORE/MAFTER/MCREATE) and {@link #mountedOn} the head of that list; walks then try each
 * member in turn. Nothing outside this class and {@link PathWalker} reads the table.
 *
 * <p>The namespace is shared today by every process; per-process namespaces (rfork RFNAMEG,
 * unshare CLONE_NEWNS) will copy it.
 *
 * <p>Locking: the table is an immutable map replaced on each change (copy-on-write), so walks read
 * it without a lock; changes synchronize on {@code this}.
 */
public final class Namespace {
    private record Key(Mount mount, long path) { }

    private final Mount root;
    /** The device table (Plan 9's devtab): '#' names → servers, each as a device mount. Immutable. */
    private final Map<Character, Mount> devices;
    /** Mount points → the mount covering them; replaced whole, writers hold {@code this}. */
    private volatile Map<Key, Mount> table = Map.of();
    /** The mounts of {@code table} in the order they were made (for /proc/mounts); replaced with it. */
    private volatile java.util.List<Mount> order = java.util.List.of();

    /**
     * A namespace whose root is {@code rootServer}'s root, with the kernel's device table:
     * {@code devices} maps a device letter ('|' for pipes, 'c' for the console devices, ...) to
     * its server, reachable with {@link #attach}.
     */
    public Namespace(FileServer rootServer, Map<Character, FileServer> devices) {
        this.root = new Mount(rootServer, null, null, "/");
        Map<Character, Mount> d = new HashMap<>();
        devices.forEach((c, s) -> d.put(c, Mount.device(s, "#" + c)));
        this.devices = Map.copyOf(d);
    }

    /** A namespace with no devices. */
    public Namespace(FileServer rootServer) { this(rootServer, Map.of()); }

    /**
     * Attaches device {@code c} (Plan 9's "#c" path element): a new Chan for its root, which the
     * caller owns. ENODEV for a letter the table lacks.
     */
    public Chan attach(char c) {
        Mount m = devices.get(c);
        if (m == null) throw new SysError(Errno.ENODEV, "no device #" + c);
        return m.rootChan();
    }

    /** Every mount, the root first, then in the order they were made (what /proc/mounts lists). */
    public java.util.List<Mount> mounts() {
        java.util.List<Mount> all = new java.util.ArrayList<>(order.size() + 1);
        all.add(root);
        all.addAll(order);
        return all;
    }

    /** A new Chan for the namespace root; the caller owns it. */
    public Chan root() { return root.rootChan(); }

    /** The mount covering directory {@code c}, or null. */
    public Mount mountedOn(Chan c) {
        Map<Key, Mount> t = table;
        return t.isEmpty() ? null : t.get(new Key(c.mount(), c.qid().path()));
    }

    /**
     * Mounts {@code server}'s root on directory {@code where} (borrowed; the mount keeps its own
     * copy). If {@code where} is covered already the new mount goes on top. ENOTDIR if it is not a
     * directory.
     */
    public synchronized Mount mount(Chan where, FileServer server, String name) {
        if (!where.isDir()) throw new SysError(Errno.ENOTDIR);
        Chan top = where.copy();
        for (Mount m; (m = mountedOn(top)) != null; ) {
            top.close();
            top = m.rootChan();
        }
        Mount mount = new Mount(server, top.mount(), top, name);
        Map<Key, Mount> t = new HashMap<>(table);
        t.put(new Key(top.mount(), top.qid().path()), mount);
        java.util.List<Mount> o = new java.util.ArrayList<>(order);
        o.add(mount);
        table = Map.copyOf(t);
        order = java.util.List.copyOf(o);
        return mount;
    }

    /** Unmounts {@code m}; EBUSY while something is mounted on a directory inside it, EINVAL for the root. */
    public synchronized void unmount(Mount m) {
        if (m == root) throw new SysError(Errno.EINVAL);
        for (Key k : table.keySet()) if (k.mount() == m) throw new SysError(Errno.EBUSY);
        Map<Key, Mount> t = new HashMap<>(table);
        if (!t.values().remove(m)) throw new SysError(Errno.EINVAL);
        java.util.List<Mount> o = new java.util.ArrayList<>(order);
        o.remove(m);
        table = Map.copyOf(t);
        order = java.util.List.copyOf(o);
        m.release();
    }
}
