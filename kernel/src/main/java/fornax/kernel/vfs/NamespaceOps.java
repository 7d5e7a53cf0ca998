package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.List;

/**
 * The namespace calls as mechanism, for both personalities: Linux's mount(2) and umount2(2), and
 * Plan 9's bind, mount, unmount and RFCNAMEG as the text commands /proc/PID/nsctl accepts, plus
 * the Plan 9 listing /proc/PID/ns prints. Paths resolve in the given {@link FsContext} (its root,
 * working directory and namespace). No state and no locks of its own.
 */
public final class NamespaceOps {
    private NamespaceOps() { }

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32,
            MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
            MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20;
    private static final long PROPAGATION = MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED;
    public static final int MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

    // ------------------------------------------------------------------ Linux

    /**
     * mount(2). {@code source} and {@code type} may be null (not given). What Linux does and this
     * does: MS_REMOUNT (with MS_RDONLY or not) changes a mount's read-only flag; MS_BIND binds
     * {@code source} (MS_REC: with what is mounted inside it); MS_MOVE moves a mount; propagation
     * changes (MS_PRIVATE, MS_SHARED, ...) are accepted on a mount point and change nothing (mounts
     * never propagate here); otherwise a new mount of file-system {@code type}. Errors as Linux:
     * ENOENT, ENOTDIR, ENODEV (unknown type), EINVAL (not a mount point, bad combination).
     */
    public static void mount(FsContext ctx, String source, String target, String type, long flags) {
        if ((flags & 0xC0ED0000L) == 0xC0ED0000L) flags &= 0xFFFF;   // the old MS_MGC_VAL magic
        try (Chan where = PathWalker.walk(ctx, null, target, PathWalker.FOLLOW)) {
            Namespace ns = ctx.namespace();
            if ((flags & MS_REMOUNT) != 0) {
                if (!isMountPoint(where)) throw new SysError(Errno.EINVAL, "not a mount point");
                ns.remount(where.mount(), (flags & MS_RDONLY) != 0);
                return;
            }
            if ((flags & MS_BIND) != 0) {
                if (source == null) throw new SysError(Errno.EFAULT);
                try (Chan from = PathWalker.walk(ctx, null, source, PathWalker.FOLLOW)) {
                    ns.bind(from, where, source, Namespace.MREPL | Namespace.MCREATE, (flags & MS_REC) != 0, false)
                            .setWhere(canonical(ctx, target));
                }
                return;
            }
            if ((flags & PROPAGATION) != 0) {
                if (Long.bitCount(flags & PROPAGATION) != 1) throw new SysError(Errno.EINVAL);
                if (!isMountPoint(where)) throw new SysError(Errno.EINVAL, "not a mount point");
                return;
            }
            if ((flags & MS_MOVE) != 0) {
                if (source == null) throw new SysError(Errno.EFAULT);
                try (Chan from = PathWalker.walk(ctx, null, source, PathWalker.FOLLOW)) {
                    if (!from.isMountRoot()) throw new SysError(Errno.EINVAL, "not a mount point");
                    if (!where.isDir()) throw new SysError(Errno.ENOTDIR);
                    ns.move(from.mount(), where);
                }
                return;
            }
            if (type == null) throw new SysError(Errno.EFAULT);
            if (!ns.hasFileSystem(type)) throw new SysError(Errno.ENODEV, "unknown file-system type " + type);
            if (!where.isDir()) throw new SysError(Errno.ENOTDIR);
            ns.mount(where, ns.fileSystem(type), type, source == null ? "none" : source,
                    Namespace.MREPL | Namespace.MCREATE, (flags & MS_RDONLY) != 0);
        }
    }

    /**
     * mount(2) of a server the caller already has (a 9P connection): mounted on {@code target} like
     * any new file system, MS_RDONLY honoured. ENOTDIR if the target is not a directory. If the
     * mount fails, the server's attach fid is never made, so nothing keeps the connection.
     */
    public static void mountServer(FsContext ctx, FileServer server, String type, String source, String target, long flags) {
        try (Chan where = PathWalker.walk(ctx, null, target, PathWalker.FOLLOW)) {
            if (!where.isDir()) throw new SysError(Errno.ENOTDIR);
            ctx.namespace().mount(where, server, type, source == null ? "none" : source,
                    Namespace.MREPL | Namespace.MCREATE, (flags & MS_RDONLY) != 0);
        }
    }

    private static boolean isMountPoint(Chan c) { return c.isMountRoot() || c.isHead() && c.mount().parent() == null; }

    /**
     * umount2(2): {@code target} must be the top of a mount (EINVAL otherwise, or for the root);
     * EBUSY while something is mounted inside it, unless MNT_DETACH, which takes that too. Linux's
     * other EBUSY case, files still open inside, does not arise: open files keep their own fids.
     */
    public static void umount(FsContext ctx, String target, int flags) {
        if ((flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) != 0) throw new SysError(Errno.EINVAL);
        if ((flags & MNT_EXPIRE) != 0 && (flags & (MNT_FORCE | MNT_DETACH)) != 0) throw new SysError(Errno.EINVAL);
        int follow = (flags & UMOUNT_NOFOLLOW) != 0 ? 0 : PathWalker.FOLLOW;
        try (Chan c = PathWalker.walk(ctx, null, target, follow)) {
            if (!c.isMountRoot()) throw new SysError(Errno.EINVAL, "not a mount point");
            if ((flags & MNT_EXPIRE) != 0) throw new SysError(Errno.EAGAIN);   // first call only marks it
            ctx.namespace().unmount(c.mount(), (flags & MNT_DETACH) != 0);
        }
    }

    /** unshare(CLONE_NEWNS): {@code ctx} gets its own copy of its namespace. */
    public static void unshare(FsContext ctx) { ctx.setNamespace(ctx.namespace().copy()); }

    // ------------------------------------------------------------------ Plan 9

    /**
     * Runs one nsctl line: {@code bind [-abc] new old}, {@code mount [-abc] spec old} (spec: a
     * device "#x", a server "#x/NAME" of a {@link ServerDirectory} device, or a file-system type),
     * {@code unmount [new] old}, {@code clear [dir]}. Words split
     * on blanks; single quotes quote, '' inside them is a quote (rc's rules). EINVAL for a bad line.
     */
    public static void control(FsContext ctx, String line) {
        List<String> w = words(line);
        if (w.isEmpty()) return;
        String cmd = w.removeFirst();
        int flags = Namespace.MREPL;
        while (!w.isEmpty() && w.getFirst().startsWith("-") && w.getFirst().length() > 1
                && (cmd.equals("bind") || cmd.equals("mount"))) {
            for (char f : w.removeFirst().substring(1).toCharArray()) {
                switch (f) {
                    case 'a' -> flags = flags & ~Namespace.MORDER | Namespace.MAFTER;
                    case 'b' -> flags = flags & ~Namespace.MORDER | Namespace.MBEFORE;
                    case 'c' -> flags |= Namespace.MCREATE;
                    default -> throw new SysError(Errno.EINVAL, "bad flag -" + f);
                }
            }
        }
        switch (cmd) {
            case "bind" -> {
                if (w.size() != 2) throw new SysError(Errno.EINVAL, "usage: bind [-abc] new old");
                try (Chan from = PathWalker.walk(ctx, null, w.get(0), PathWalker.FOLLOW);
                     Chan where = PathWalker.walk(ctx, null, w.get(1), PathWalker.FOLLOW | PathWalker.MOUNTPOINT)) {
                    ctx.namespace().bind(from, where, canonical(ctx, w.get(0)), flags, true, false)
                            .setWhere(canonical(ctx, w.get(1)));
                }
            }
            case "mount" -> {
                if (w.size() != 2) throw new SysError(Errno.EINVAL, "usage: mount [-abc] spec old");
                String spec = w.get(0);
                Namespace ns = ctx.namespace();
                FileServer server;
                if (spec.length() == 2 && spec.charAt(0) == '#') server = ns.device(spec.charAt(1));
                else if (spec.length() > 3 && spec.charAt(0) == '#' && spec.charAt(2) == '/') {
                    // '#s/NAME': a server named by a server directory (a supervised service)
                    if (!(ns.device(spec.charAt(1)) instanceof ServerDirectory d))
                        throw new SysError(Errno.EINVAL, "#" + spec.charAt(1) + " names no servers");
                    server = d.server(spec.substring(3));
                } else server = ns.fileSystem(spec);
                try (Chan where = PathWalker.walk(ctx, null, w.get(1), PathWalker.FOLLOW | PathWalker.MOUNTPOINT)) {
                    ns.mount(where, server, spec, spec, flags, false);
                }
            }
            case "unmount" -> {
                if (w.size() != 1 && w.size() != 2) throw new SysError(Errno.EINVAL, "usage: unmount [new] old");
                try (Chan where = PathWalker.walk(ctx, null, w.getLast(), PathWalker.FOLLOW | PathWalker.MOUNTPOINT)) {
                    if (w.size() == 1) ctx.namespace().unmount(null, where);
                    else try (Chan member = PathWalker.walk(ctx, null, w.getFirst(), PathWalker.FOLLOW)) {
                        ctx.namespace().unmount(member, where);
                    }
                }
            }
            case "clear" -> {
                if (w.size() > 1) throw new SysError(Errno.EINVAL, "usage: clear [dir]");
                if (w.isEmpty()) ctx.setNamespace(clean(ctx.namespace()));
                else ctx.enter(container(ctx, w.getFirst()));
            }
            default -> throw new SysError(Errno.EINVAL, "unknown namespace command " + cmd);
        }
    }

    /**
     * Plan 9's RFCNAMEG: a namespace with {@code ns}'s root and devices, where only the kernel's own
     * file systems are mounted again: devtmpfs on /dev and proc on /proc, where those directories
     * exist in the root and the types are known.
     */
    public static Namespace clean(Namespace ns) {
        Namespace fresh = ns.clean();
        mountKernelFileSystems(fresh);
        return fresh;
    }

    /**
     * File-system type whose every mount is a new device server with attributes of its own
     * (the kernel registers it); a container's /dev and '#c' are one.
     */
    public static final String PRIVATE_DEVICES = "devfs";

    /**
     * {@code clear dir}: a container's namespace whose root is directory {@code dir} as
     * {@code ctx} names it. Nothing of {@code ctx}'s tree outside {@code dir} can be named from
     * it: ".." at its root stays there, absolute symlinks resolve from it, and what is mounted
     * inside {@code dir} in {@code ctx}'s namespace is not seen. Mounted in it, where {@code dir}
     * has the directories: a device server of its own on /dev (also its '#c') and proc on /proc.
     * The caller gets the one use of the result.
     */
    public static Namespace container(FsContext ctx, String dir) {
        Namespace ns = ctx.namespace();
        FileServer dev = ns.hasFileSystem(PRIVATE_DEVICES) ? ns.fileSystem(PRIVATE_DEVICES) : null;
        try (Chan d = PathWalker.walk(ctx, null, dir, PathWalker.FOLLOW | PathWalker.DIRECTORY)) {
            Namespace fresh = ns.rootedAt(d, canonical(ctx, dir), devicesOf(dev), typesOf(dev));
            mountKernelFileSystems(fresh);
            return fresh;
        }
    }

    /** {@link #container(FsContext, String)} with {@code rootServer}'s root as the root (a host folder). */
    public static Namespace container(Namespace ns, FileServer rootServer) {
        FileServer dev = ns.hasFileSystem(PRIVATE_DEVICES) ? ns.fileSystem(PRIVATE_DEVICES) : null;
        Namespace fresh = ns.rootedAt(rootServer, devicesOf(dev), typesOf(dev));
        mountKernelFileSystems(fresh);
        return fresh;
    }

    private static java.util.Map<Character, FileServer> devicesOf(FileServer dev) {
        return dev == null ? java.util.Map.of() : java.util.Map.of('c', dev);
    }

    private static java.util.Map<String, java.util.function.Supplier<FileServer>> typesOf(FileServer dev) {
        return dev == null ? java.util.Map.of() : java.util.Map.of("devtmpfs", () -> dev);
    }

    /** Mounts devtmpfs on /dev and proc on /proc of {@code fresh}, where those directories exist in its root. */
    private static void mountKernelFileSystems(Namespace fresh) {
        for (String[] m : new String[][] {{"devtmpfs", "dev"}, {"proc", "proc"}}) {
            if (!fresh.hasFileSystem(m[0])) continue;
            try (Chan r = fresh.root(); Chan d = r.step(m[1])) {
                if (d.isDir()) fresh.mount(d, fresh.fileSystem(m[0]), m[0], m[0], Namespace.MREPL | Namespace.MCREATE, false);
            } catch (SysError e) {
                // no such directory in the root: nothing mounted there
            }
        }
    }

    /** The path {@code path} names with symlinks and dots resolved, or {@code path} itself. */
    private static String canonical(FsContext ctx, String path) {
        try (PathWalker w = new PathWalker(ctx); Chan c = w.resolve(null, path, PathWalker.FOLLOW | PathWalker.NAMED)) {
            return w.lastPath() == null ? path : w.lastPath();
        }
    }

    /**
     * The namespace as Plan 9's /proc/n/ns prints it, one command per member in the order made,
     * paths seen from {@code ctx}'s root: {@code bind -b '/a' '/b'}, {@code mount -c 'proc' '/proc'}.
     * Running the lines through nsctl after a clear rebuilds it. A union's self member prints as a
     * bind of the directory on itself; members outside the process root are left out.
     */
    public static String list(FsContext ctx) {
        StringBuilder b = new StringBuilder();
        for (Mount m : ctx.namespace().mounts()) {
            if (m.parent() == null) continue;
            String where;
            try {
                where = Vfs.mountPath(ctx, m);
            } catch (SysError e) {
                continue;
            }
            if (where.startsWith("(unreachable)")) continue;
            StringBuilder f = new StringBuilder();
            if ((m.flags() & Namespace.MORDER) == Namespace.MBEFORE) f.append('b');
            if ((m.flags() & Namespace.MORDER) == Namespace.MAFTER) f.append('a');
            if ((m.flags() & Namespace.MCREATE) != 0) f.append('c');
            b.append(m.isBind() ? "bind " : "mount ");
            if (!f.isEmpty()) b.append('-').append(f).append(' ');
            b.append(quote(m.isSelf() ? where : m.source())).append(' ').append(quote(where)).append('\n');
        }
        return b.toString();
    }

    /** rc quoting: always in single quotes, a quote doubled. */
    static String quote(String s) { return "'" + s.replace("'", "''") + "'"; }

    /** Splits a command line into words, rc-style. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == '\n')) i++;
            if (i >= n) return out;
            StringBuilder w = new StringBuilder();
            while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t' && line.charAt(i) != '\n') {
                char ch = line.charAt(i++);
                if (ch != '\'') { w.append(ch); continue; }
                while (true) {
                    if (i >= n) throw new SysError(Errno.EINVAL, "unterminated quote");
                    char q = line.charAt(i++);
                    if (q == '\'') {
                        if (i < n && line.charAt(i) == '\'') { w.append('\''); i++; continue; }
                        break;
                    }
                    w.append(q);
                }
            }
            out.add(w.toString());
        }
    }
}
