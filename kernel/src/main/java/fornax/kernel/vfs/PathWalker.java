package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Path resolution (Linux's namei, Plan 9's namec): turns a path into a {@link Chan}, walking one
 * component at a time through the file servers and the mount table.
 *
 * <ul>
 *   <li>Absolute paths start at the process root, relative ones at the given directory (a dirfd)
 *       or the working directory. Empty paths are ENOENT; a component longer than
 *       {@value #NAME_MAX} bytes or a path of {@value #PATH_MAX} bytes or more is ENAMETOOLONG.
 *   <li>"." stays; ".." stops at the process root, and at the root of a mounted server first
 *       steps back to the directory it covers, then up from there.
 *   <li>Landing on a covered directory continues at the root of the mount on top of it.
 *   <li>Symlinks are followed in every intermediate component, and in the last one with
 *       {@link #FOLLOW} or a trailing slash; relative targets resolve from the link's directory.
 *       More than {@value #MAX_SYMLINKS} links in one resolution is ELOOP.
 *   <li>A trailing slash (or {@link #DIRECTORY}) requires a directory: ENOTDIR otherwise.
 *   <li>Walking through a non-directory is ENOTDIR; a missing component is ENOENT.
 * </ul>
 *
 * Names are byte strings held one byte per char (ISO-8859-1), so any Linux name round-trips.
 *
 * <p>Fids: every intermediate Chan is closed as soon as the walk leaves it; the result is owned by
 * the caller. One PathWalker serves one lookup (it counts the symlinks followed) and holds a copy of
 * the process root until {@link #close()}. No locks of its own: the servers lock themselves, the
 * mount table is read without a lock.
 */
public final class PathWalker implements AutoCloseable {
    public static final int FOLLOW = 1, DIRECTORY = 2;
    /**
     * Also work out the result's path from the process root, with every symlink, "." and ".."
     * resolved (what Linux's d_path gives /proc/PID/fd): {@link #lastPath()}. A relative path
     * costs a getcwd of its starting directory; absolute ones cost nothing extra.
     */
    public static final int NAMED = 4;
    /**
     * Do not go past a mount point at the last component (Plan 9's Amount): the result is the
     * covered file itself, as bind, mount and unmount of a union need.
     */
    public static final int MOUNTPOINT = 8;
    public static final int MAX_SYMLINKS = 40, NAME_MAX = 255, PATH_MAX = 4096;

    /** What the last component of a path is, for calls that act on a name in a directory. */
    public enum Last { NORMAL, DOT, DOTDOT, ROOT }

    /**
     * The directory that holds the last component, and that component's name. {@code name} is null
     * for {@link Last#ROOT} ("/"). Closing it closes {@code dir}.
     */
    public record Parent(Chan dir, String name, Last kind, boolean trailingSlash) implements AutoCloseable {
        @Override public void close() { dir.close(); }
    }

    private final FsContext ctx;
    private final Namespace ns;
    private final Chan root;
    private int links;
    /** The path found by the last NAMED resolve or parent, or null if it could not be known. */
    private String lastPath;

    public PathWalker(FsContext ctx) {
        this.ctx = ctx;
        this.ns = ctx.namespace();
        this.root = ctx.root();
    }

    /** Resolves {@code path} from {@code at} (borrowed; null means the working directory). */
    public static Chan walk(FsContext ctx, Chan at, String path, int flags) {
        try (PathWalker w = new PathWalker(ctx)) {
            return w.resolve(at, path, flags);
        }
    }

    /** Resolves all of {@code path} but its last component. */
    public static Parent walkParent(FsContext ctx, Chan at, String path) {
        try (PathWalker w = new PathWalker(ctx)) {
            return w.parent(at, path);
        }
    }

    @Override public void close() { root.close(); }

    /** Resolves {@code path} from {@code at} (borrowed; null: the working directory); the result is the caller's. */
    public Chan resolve(Chan at, String path, int flags) {
        checkPath(path);
        Deque<String> comps = new ArrayDeque<>();
        split(path, comps);
        boolean trailing = path.endsWith("/");
        Chan cur = start(at, path);
        if (!comps.isEmpty() || (flags & MOUNTPOINT) == 0) cur = crossMounts(cur);
        Deque<String> names = null;
        lastPath = null;
        try {
            if ((flags & NAMED) != 0) names = startNames(at, cur, path);
            while (!comps.isEmpty()) {
                String name = comps.pollFirst();
                boolean last = comps.isEmpty();
                if (!cur.isDir()) throw new SysError(Errno.ENOTDIR);
                if (name.equals(".")) continue;
                if (name.equals("..")) {
                    Chan c = cur;
                    cur = null;
                    cur = up(c);
                    if (names != null) names.pollLast();
                    continue;
                }
                Chan next = last && (flags & MOUNTPOINT) != 0 ? lookupHere(cur, name) : lookup(cur, name);
                if (next.isSymlink() && (!last || trailing || (flags & FOLLOW) != 0)) {
                    String target = readLink(next);
                    if (target.startsWith("/")) {
                        Chan r = crossMounts(root.copy());
                        cur.close();
                        cur = r;
                        if (names != null) names.clear();
                    }
                    if (last && target.endsWith("/")) trailing = true;
                    Deque<String> body = new ArrayDeque<>();
                    split(target, body);
                    while (!body.isEmpty()) comps.addFirst(body.pollLast());
                    continue;
                }
                cur.close();
                cur = next;
                if (names != null) names.addLast(name);
            }
            if (names != null) lastPath = "/" + String.join("/", names);
            if ((trailing || (flags & DIRECTORY) != 0) && !cur.isDir()) throw new SysError(Errno.ENOTDIR);
            Chan result = cur;
            cur = null;
            return result;
        } finally {
            if (cur != null) cur.close();
        }
    }

    /** Resolves the directory part of {@code path} and returns it with the last name. */
    public Parent parent(Chan at, String path) { return parent(at, path, false); }

    /**
     * {@link #parent(Chan, String)}; with {@code named}, {@link #lastPath()} is then the directory's
     * path from the process root (null if unknown).
     */
    public Parent parent(Chan at, String path, boolean named) {
        lastPath = null;
        checkPath(path);
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') end--;
        if (end == 0) return new Parent(root.copy(), null, Last.ROOT, false);
        boolean trailing = end < path.length();
        int slash = path.lastIndexOf('/', end - 1);
        String name = path.substring(slash + 1, end);
        if (name.length() > NAME_MAX) throw new SysError(Errno.ENAMETOOLONG);
        Chan dir = slash < 0 ? start(at, name)
                : resolve(at, path.substring(0, slash + 1), FOLLOW | DIRECTORY | (named ? NAMED : 0));
        if (!dir.isDir()) {
            dir.close();
            throw new SysError(Errno.ENOTDIR);
        }
        if (named && slash < 0) {
            Deque<String> names = startNames(at, dir, name);
            lastPath = names == null ? null : "/" + String.join("/", names);
        }
        Last kind = name.equals(".") ? Last.DOT : name.equals("..") ? Last.DOTDOT : Last.NORMAL;
        return new Parent(dir, name, kind, trailing);
    }

    /**
     * Entry {@code name} of directory {@code dir} (borrowed), past any mounts on it; symlinks are
     * not followed. In a union directory the members are tried in order and the first that has the
     * name wins. ENOENT if missing.
     */
    public Chan lookup(Chan dir, String name) { return crossMounts(lookupHere(dir, name)); }

    /** True if {@code dir} (borrowed) heads a member of a union of several members. */
    boolean isUnion(Chan dir) { return ns.unionAt(dir) != null; }

    /** {@link #lookup} without going past a mount on the entry found. */
    Chan lookupHere(Chan dir, String name) {
        List<Mount> u = ns.unionAt(dir);
        if (u == null) return dir.step(name);
        SysError first = null;
        for (Mount m : u) {
            try (Chan head = m.rootChan()) {
                return head.step(name);
            } catch (SysError e) {
                if (e.errno() != Errno.ENOENT) throw e;
                if (first == null) first = e;
            }
        }
        throw first;
    }

    /**
     * The member of the union {@code dir} (borrowed) heads where a new name goes: {@code dir}
     * itself outside a union, else the first member made with MCREATE. EACCES when no member
     * allows creation (Plan 9's "mounted directory forbids creation"; Linux has no such case, and
     * EACCES is what a directory that forbids adding names gives). The result is the caller's.
     */
    public Chan createDir(Chan dir) {
        List<Mount> u = ns.unionAt(dir);
        if (u == null) {
            Mount m = dir.mount();
            if (dir.isMountRoot() && (m.flags() & Namespace.MCREATE) == 0)
                throw new SysError(Errno.EACCES, "mounted directory forbids creation");
            return dir.copy();
        }
        for (Mount m : u) if ((m.flags() & Namespace.MCREATE) != 0) return m.rootChan();
        throw new SysError(Errno.EACCES, "mounted directory forbids creation");
    }

    /**
     * Reads symlink {@code link} for following it, counting it against {@value #MAX_SYMLINKS}, and
     * closes it. ELOOP past the limit, ENOENT for an empty link.
     */
    public String readLink(Chan link) {
        try {
            if (++links > MAX_SYMLINKS) throw new SysError(Errno.ELOOP);
            String target = link.server().readlink(link.fid());
            if (target.isEmpty()) throw new SysError(Errno.ENOENT);
            return target;
        } finally {
            link.close();
        }
    }

    /** The path from the process root found by the last NAMED walk; null if unknown or not asked for. */
    public String lastPath() { return lastPath; }

    /** A copy of the process root this walk uses. */
    public Chan root() { return root.copy(); }

    // ------------------------------------------------------------------ internals

    private Chan start(Chan at, String path) {
        if (path.startsWith("/")) return root.copy();
        if (at == null) return ctx.cwd();
        if (!at.isDir()) throw new SysError(Errno.ENOTDIR);
        return at.copy();
    }

    /**
     * The components of the path of {@code start} (borrowed) from the process root: none for an
     * absolute {@code path}; for a relative one, the working directory's remembered path (no
     * {@code at}) or the getcwd of {@code at}; null when that cannot be named (a removed
     * directory, or one outside the process root).
     */
    private Deque<String> startNames(Chan at, Chan start, String path) {
        Deque<String> names = new ArrayDeque<>();
        if (path.startsWith("/")) return names;
        String dir;
        try {
            dir = at == null ? ctx.cwdPath() : Vfs.pathOf(ctx, start);
        } catch (SysError e) {
            return null;
        }
        if (!dir.startsWith("/")) return null;
        split(dir, names);
        return names;
    }

    /** ".." from {@code cur}, which it consumes. */
    private Chan up(Chan cur) {
        try {
            while (true) {
                if (cur.sameFile(root)) {
                    Chan r = cur;
                    cur = null;
                    return crossMounts(r);
                }
                if (!cur.isMountRoot()) break;   // a released member's head stays put below
                Chan covered = cur.covered().copy();
                cur.close();
                cur = covered;
            }
            // The head of a member no longer mounted, or of the namespace root (a container's root
            // is a directory of another tree, whose server would step out of it): no way up.
            if (cur.isHead()) return cur.copy();
            return crossMounts(cur.step(".."));
        } finally {
            if (cur != null) cur.close();
        }
    }

    /** Follows mounts stacked on {@code c}, which it consumes. */
    private Chan crossMounts(Chan c) {
        for (Mount m; (m = ns.mountedOn(c)) != null; ) {
            Chan r = m.rootChan();
            Chan mp = m.mountpoint();
            if (mp != null && mp.mount() != c.mount()) r = r.withVia(c);   // reached by another way: remember it
            else c.close();
            c = r;
        }
        return c;
    }

    private static void checkPath(String path) {
        if (path.isEmpty()) throw new SysError(Errno.ENOENT);
        if (path.length() >= PATH_MAX) throw new SysError(Errno.ENAMETOOLONG);
    }

    /** Appends the components of {@code path} to {@code out}; ENAMETOOLONG for a long one. */
    private static void split(String path, Deque<String> out) {
        int i = 0, n = path.length();
        while (i < n) {
            while (i < n && path.charAt(i) == '/') i++;
            int j = i;
            while (j < n && path.charAt(j) != '/') j++;
            if (j > i) {
                if (j - i > NAME_MAX) throw new SysError(Errno.ENAMETOOLONG);
                out.addLast(path.substring(i, j));
            }
            i = j;
        }
    }
}
