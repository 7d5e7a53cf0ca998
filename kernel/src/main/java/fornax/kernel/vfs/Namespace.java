package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A mount table with Plan 9's semantics (Plan 9's Pgrp): a mount point — a file, named by the
 * mount it was reached through and its qid path — maps to an ordered union of {@link Mount}
 * members, each a server's root or a bound file of the namespace. A path walk that lands on a
 * mount point continues at the first member; a walk of a name in a union directory tries the
 * members in order ({@link PathWalker}); a union reads as the members' entries in order, first
 * name wins ({@link UnionDir}); create goes to the first member made with {@link #MCREATE}.
 *
 * <p>{@link #MREPL} replaces what is there; {@link #MBEFORE} / {@link #MAFTER} put the new member
 * first / last, and on a point that is not yet a union first make the covered file itself a member
 * (the "self" member). Linux's mount(2) is MREPL|MCREATE on the file its path reaches, past any
 * mount, so a second mount on the same directory stacks on the first, as on Linux.
 *
 * <p>Each process's {@link FsContext} holds a namespace. fork shares it; {@link #copy()}
 * (unshare/clone CLONE_NEWNS) gives an independent table with the same members (members are
 * immutable and counted per namespace holding them); {@link #clean()} (Plan 9's RFCNAMEG) gives
 * one with only the root. Copies share the device table and the file-system types. A remount
 * (MS_RDONLY) changes the member in every copy holding it (Linux would have copied it).
 *
 * <p>Locking: the table is an immutable map replaced on each change (copy-on-write), so walks read
 * it without a lock; changes synchronize on {@code this}. A walk racing an unmount may still use a
 * member just released: its head fid is clunked, and the walk fails with the server's EBADF.
 */
public final class Namespace {
    /** Mount flags, Plan 9's values. */
    public static final int MREPL = 0, MBEFORE = 1, MAFTER = 2, MORDER = 3, MCREATE = 4;

    private record Key(Mount mount, long path) { }

    /** What copies share: the device table ('#' letters) and file systems mountable by type name. */
    private record Devices(Map<Character, Mount> table, Map<String, Supplier<FileServer>> types) { }

    private final Mount root;
    private final Devices devices;
    /** Mount points → their union, first member first; replaced whole, writers hold {@code this}. */
    private volatile Map<Key, List<Mount>> table = Map.of();
    /** Every member in the order made (for /proc/PID/mounts and /proc/PID/ns); replaced with the table. */
    private volatile List<Mount> order = List.of();
    /** FsContexts holding this namespace (plus the creator's); guarded by this. The last release frees the members. */
    private int users = 1;

    /**
     * A namespace whose root is {@code rootServer}'s root, with the kernel's device table:
     * {@code devices} maps a device letter ('|' for pipes, 'c' for the console devices, ...) to
     * its server, reachable with {@link #attach}; {@code types} maps a file-system type
     * ("tmpfs", "proc") to what a mount of that type mounts (a new server, or a shared one).
     */
    public Namespace(FileServer rootServer, Map<Character, FileServer> devices, Map<String, Supplier<FileServer>> types) {
        this.root = Mount.root(rootServer);
        Map<Character, Mount> d = new HashMap<>();
        devices.forEach((c, s) -> d.put(c, Mount.device(s, "#" + c)));
        this.devices = new Devices(Map.copyOf(d), Map.copyOf(types));
    }

    public Namespace(FileServer rootServer, Map<Character, FileServer> devices) { this(rootServer, devices, Map.of()); }

    /** A namespace with no devices. */
    public Namespace(FileServer rootServer) { this(rootServer, Map.of()); }

    /** A namespace with the new {@code root} (its first reference becomes this one's) and nothing mounted. */
    private Namespace(Mount root, Devices devices) {
        this.root = root;
        this.devices = devices;
    }

    private Namespace(Mount root, Devices devices, Map<Key, List<Mount>> table, List<Mount> order) {
        this.root = root;
        this.devices = devices;
        this.table = table;
        this.order = order;
        root.retain();
        for (Mount m : order) m.retain();
    }

    // ------------------------------------------------------------------ sharing

    /** unshare/clone(CLONE_NEWNS): an independent copy (one user, the caller). */
    public synchronized Namespace copy() { return new Namespace(root, devices, table, order); }

    /** Plan 9's RFCNAMEG: a namespace with this one's root and devices and nothing mounted (one user). */
    public Namespace clean() { return new Namespace(root, devices, Map.of(), List.of()); }

    /**
     * A container's namespace (one user, the caller): directory {@code dir} (borrowed, a file of
     * this or another namespace) is its root, nothing is mounted, and ".." at the root stays there,
     * so nothing outside {@code dir} can be named from it. It has this namespace's devices and
     * file-system types, except that {@code devices} and {@code types} replace entries of the same
     * letter or name (a container's own device server for '#c' and devtmpfs).
     */
    public Namespace rootedAt(Chan dir, String source, Map<Character, FileServer> devices,
                              Map<String, Supplier<FileServer>> types) {
        if (!dir.isDir()) throw new SysError(Errno.ENOTDIR);
        return new Namespace(Mount.rootAt(dir, source), replaced(devices, types));
    }

    /** {@link #rootedAt} with {@code server}'s root as the root (a host folder served by hostfs). */
    public Namespace rootedAt(FileServer server, Map<Character, FileServer> devices,
                              Map<String, Supplier<FileServer>> types) {
        return new Namespace(Mount.root(server), replaced(devices, types));
    }

    private Devices replaced(Map<Character, FileServer> devs, Map<String, Supplier<FileServer>> types) {
        Map<Character, Mount> d = new HashMap<>(this.devices.table());
        devs.forEach((c, s) -> d.put(c, Mount.device(s, "#" + c)));
        Map<String, Supplier<FileServer>> t = new HashMap<>(this.devices.types());
        t.putAll(types);
        return new Devices(Map.copyOf(d), Map.copyOf(t));
    }

    /** One more FsContext holds this namespace. */
    synchronized void retain() {
        if (users == 0) throw new IllegalStateException("namespace already freed");
        users++;
    }

    /** An FsContext let go of it; the last frees every member's reference. */
    public void release() {
        List<Mount> all;
        synchronized (this) {
            if (--users > 0) return;
            all = order;
            table = Map.of();
            order = List.of();
        }
        for (Mount m : all) m.release();
        root.release();
    }

    // ------------------------------------------------------------------ devices and types

    /**
     * Attaches device {@code c} (Plan 9's "#c" path element): a new Chan for its root, which the
     * caller owns. ENODEV for a letter the table lacks.
     */
    public Chan attach(char c) {
        Mount m = devices.table().get(c);
        if (m == null) throw new SysError(Errno.ENODEV, "no device #" + c);
        return m.rootChan();
    }

    /** The server of device {@code c}; ENODEV if none. */
    public FileServer device(char c) {
        Mount m = devices.table().get(c);
        if (m == null) throw new SysError(Errno.ENODEV, "no device #" + c);
        return m.server();
    }

    /** The server a mount of file-system type {@code type} mounts; ENODEV for an unknown type. */
    public FileServer fileSystem(String type) {
        Supplier<FileServer> s = devices.types().get(type);
        if (s == null) throw new SysError(Errno.ENODEV, "unknown file-system type " + type);
        return s.get();
    }

    public boolean hasFileSystem(String type) { return devices.types().containsKey(type); }

    // ------------------------------------------------------------------ reading the table

    /** The root mount, then every member in the order made (what /proc/PID/mounts and ns list). */
    public List<Mount> mounts() {
        List<Mount> all = new ArrayList<>(order.size() + 1);
        all.add(root);
        all.addAll(order);
        return all;
    }

    /** A new Chan for the namespace root; the caller owns it. */
    public Chan root() { return root.rootChan(); }

    private static Key key(Chan c) { return new Key(c.mount().keyFor(c.qid().path()), c.qid().path()); }

    /** The union on file {@code c} (first member first), or an empty list. */
    public List<Mount> union(Chan c) {
        Map<Key, List<Mount>> t = table;
        if (t.isEmpty()) return List.of();
        List<Mount> u = t.get(key(c));
        return u == null ? List.of() : u;
    }

    /** The first member on file {@code c}, or null. */
    public Mount mountedOn(Chan c) {
        List<Mount> u = union(c);
        return u.isEmpty() ? null : u.getFirst();
    }

    /**
     * The union that {@code dir} (borrowed) is the head of a member of, when that union has more
     * than one member (a walk must then try each); else null.
     */
    List<Mount> unionAt(Chan dir) {
        Mount m = dir.mount();
        Chan mp = m.mountpoint();
        if (mp == null || dir.qid().path() != m.rootPath() || m.released()) return null;
        List<Mount> u = union(mp);
        return u.size() > 1 && u.contains(m) ? u : null;
    }

    // ------------------------------------------------------------------ changing it

    /**
     * Mounts {@code server}'s root on {@code where} (borrowed), which must be a directory, with
     * {@code flags} (MREPL/MBEFORE/MAFTER, MCREATE). {@code type} and {@code source} are what
     * /proc/PID/mounts and ns print.
     */
    public synchronized Mount mount(Chan where, FileServer server, String type, String source, int flags, boolean readOnly) {
        if (!where.isDir()) throw new SysError(Errno.ENOTDIR);
        Mount m = Mount.server(server, where.copy(), type, source, flags & (MORDER | MCREATE), readOnly);
        add(where, m, flags);
        return m;
    }

    /** Linux-style mount: MREPL|MCREATE, on top of whatever is on {@code where} (already resolved past it). */
    public Mount mount(Chan where, FileServer server, String type) {
        return mount(where, server, type, type, MREPL | MCREATE, false);
    }

    /**
     * Binds {@code from} (borrowed) on {@code where} (borrowed) with {@code flags}. Both must be
     * directories or both not (ENOTDIR / EISDIR otherwise, as Linux's MS_BIND). {@code recursive}
     * shows what is mounted inside {@code from} through the bind.
     */
    public synchronized Mount bind(Chan from, Chan where, String source, int flags, boolean recursive, boolean readOnly) {
        if (from.isDir() != where.isDir()) throw new SysError(Errno.ENOTDIR);   // either way, as Linux
        if ((flags & MORDER) != MREPL && !where.isDir()) throw new SysError(Errno.ENOTDIR, "a union needs directories");
        Mount m = Mount.bind(from, where.copy(), source, flags & (MORDER | MCREATE), recursive, false, readOnly);
        add(where, m, flags);
        return m;
    }

    /** Adds {@code m} (its first reference becomes the table's) to the union on {@code where}. */
    private void add(Chan where, Mount m, int flags) {
        Key k = key(where);
        List<Mount> cur = table.getOrDefault(k, List.of());
        List<Mount> u = new ArrayList<>(cur);
        List<Mount> o = new ArrayList<>(order);
        List<Mount> dropped = new ArrayList<>();
        switch (flags & MORDER) {
            case MREPL -> { dropped.addAll(u); u.clear(); u.add(m); }
            case MBEFORE, MAFTER -> {
                if (u.isEmpty()) {
                    Mount self = Mount.bind(where, where.copy(), null, MREPL, false, true, false);
                    u.add(self);
                    o.add(self);
                }
                if ((flags & MORDER) == MBEFORE) u.addFirst(m);
                else u.add(m);
            }
            default -> throw new SysError(Errno.EINVAL, "bad mount order");
        }
        o.add(m);
        Map<Key, List<Mount>> t = new HashMap<>(table);
        t.put(k, List.copyOf(u));
        publish(t, o, dropped);
    }

    /**
     * Installs a new table and order with {@code dropped} members (and everything mounted inside
     * them) removed, then releases them. Caller holds {@code this}.
     */
    private void publish(Map<Key, List<Mount>> t, List<Mount> o, List<Mount> dropped) {
        List<Mount> gone = new ArrayList<>();
        for (int i = 0; i < dropped.size(); i++) {
            Mount d = dropped.get(i);
            if (gone.contains(d)) continue;
            gone.add(d);
            // the submounts of a dropped member go with it (they could no longer be reached)
            for (var it = t.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().mount() == d) {
                    dropped.addAll(e.getValue());
                    it.remove();
                }
            }
            for (var e : t.entrySet()) {
                if (e.getValue().contains(d)) {
                    List<Mount> rest = new ArrayList<>(e.getValue());
                    rest.remove(d);
                    // a union left with only its self member is no union any more
                    if (rest.size() == 1 && rest.getFirst().isSelf()) { dropped.add(rest.getFirst()); rest.clear(); }
                    e.setValue(List.copyOf(rest));
                }
            }
            t.values().removeIf(List::isEmpty);
        }
        o.removeAll(gone);
        table = Map.copyOf(t);
        order = List.copyOf(o);
        for (Mount d : gone) d.release();
    }

    /**
     * Linux's umount2 of member {@code m}: EINVAL for the root or a member not in this namespace;
     * without {@code detach}, EBUSY while something is mounted inside it. With {@code detach}
     * (MNT_DETACH) everything mounted inside goes too.
     */
    public synchronized void unmount(Mount m, boolean detach) {
        if (m == root) throw new SysError(Errno.EINVAL);
        if (!order.contains(m)) throw new SysError(Errno.EINVAL, "not mounted here");
        if (!detach) for (Key k : table.keySet()) if (k.mount() == m) throw new SysError(Errno.EBUSY);
        List<Mount> d = new ArrayList<>();
        d.add(m);
        publish(new HashMap<>(table), new ArrayList<>(order), d);
    }

    /** {@link #unmount(Mount, boolean)} without detach. */
    public void unmount(Mount m) { unmount(m, false); }

    /**
     * Plan 9's unmount: with {@code member} null, the whole union on {@code where} (borrowed);
     * else the member whose head is the same file as {@code member}. EINVAL if nothing matches.
     */
    public synchronized void unmount(Chan member, Chan where) {
        List<Mount> u = union(where);
        if (u.isEmpty()) throw new SysError(Errno.EINVAL, "not a mount point");
        List<Mount> d = new ArrayList<>();
        if (member == null) d.addAll(u);
        else {
            for (Mount m : u) {
                if (!m.isSelf() && m.server() == member.server() && m.rootPath() == member.qid().path()) { d.add(m); break; }
            }
            if (d.isEmpty()) throw new SysError(Errno.EINVAL, "not mounted there");
        }
        publish(new HashMap<>(table), new ArrayList<>(order), d);
    }

    /**
     * MS_MOVE: moves member {@code m} (a lone member, not in a union) to {@code where} (borrowed).
     * EINVAL for the root, a union member, or a move into the moved tree itself.
     */
    public synchronized void move(Mount m, Chan where) {
        if (m == root || !order.contains(m)) throw new SysError(Errno.EINVAL);
        Key from = key(m.mountpoint());
        if (table.get(from).size() != 1) throw new SysError(Errno.EINVAL, "a union member");
        for (Mount p = where.mount(); p != null; p = p.parent()) if (p == m) throw new SysError(Errno.ELOOP);
        Key to = key(where);
        if (table.containsKey(to)) throw new SysError(Errno.EBUSY, "a mount point already");
        Map<Key, List<Mount>> t = new HashMap<>(table);
        t.put(to, t.remove(from));
        Chan old = m.moveTo(where.copy());
        table = Map.copyOf(t);
        old.close();
    }

    /** MS_REMOUNT: sets member {@code m}'s read-only flag. */
    public synchronized void remount(Mount m, boolean readOnly) {
        if (m != root && !order.contains(m)) throw new SysError(Errno.EINVAL);
        m.setReadOnly(readOnly);
    }
}
