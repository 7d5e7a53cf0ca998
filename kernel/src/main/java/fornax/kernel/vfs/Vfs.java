package fornax.kernel.vfs;

import static fornax.kernel.vfs.OpenFlags.O_CLOEXEC;
import static fornax.kernel.vfs.OpenFlags.O_CREAT;
import static fornax.kernel.vfs.OpenFlags.O_DIRECTORY;
import static fornax.kernel.vfs.OpenFlags.O_EXCL;
import static fornax.kernel.vfs.OpenFlags.O_LARGEFILE;
import static fornax.kernel.vfs.OpenFlags.O_NOFOLLOW;
import static fornax.kernel.vfs.OpenFlags.O_PATH;
import static fornax.kernel.vfs.OpenFlags.O_RDONLY;
import static fornax.kernel.vfs.OpenFlags.O_TMPFILE;
import static fornax.kernel.vfs.OpenFlags.O_TRUNC;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.PathWalker.Last;
import fornax.kernel.vfs.PathWalker.Parent;
import java.util.ArrayList;
import java.util.List;

/**
 * The file-system calls on paths, as mechanism: the syscall layer decodes arguments and calls
 * these. Each resolves its paths with a {@link PathWalker} from the process's {@link FsContext}
 * and a starting directory {@code at} (a dirfd's Chan, borrowed; null for the working directory),
 * checks what Linux checks at the VFS level (mount points are EBUSY, crossing mounts is EXDEV,
 * "." and ".." are not names, trailing slashes), and leaves the rest to the file server.
 *
 * <p>No state and no locks of its own; every Chan it creates it closes, except those it returns.
 */
public final class Vfs {
    private Vfs() { }

    public static final int F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

    // ------------------------------------------------------------------ open

    /**
     * open(2): resolves (and with O_CREAT creates) {@code path} and opens it with {@code flags};
     * {@code mode} is the creation mode before the umask. Unknown flags are ignored, as Linux does.
     * The caller installs the result in a description with {@link #descriptionFlags}.
     */
    public static ChanFile open(FsContext ctx, Chan at, String path, int flags, int mode) {
        flags &= OpenFlags.VALID;
        // Linux 6.4 on: O_CREAT|O_DIRECTORY (O_TMPFILE|O_CREAT among them) is EINVAL, never a new file.
        if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY)) throw new SysError(Errno.EINVAL);
        if ((flags & O_TMPFILE) == O_TMPFILE) {
            if (!OpenFlags.writable(flags)) throw new SysError(Errno.EINVAL);
            throw new SysError(Errno.EOPNOTSUPP, "O_TMPFILE");
        }
        if ((flags & O_PATH) != 0) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        Chan c;
        String name;   // the file's path from the process root, for /proc/PID/fd (null: unknown)
        try (PathWalker w = new PathWalker(ctx)) {
            if ((flags & O_CREAT) != 0) {
                String[] named = new String[1];
                c = openCreate(w, ctx, at, path, flags, mode, named);
                name = named[0];
            } else {
                c = w.resolve(at, path, PathWalker.NAMED | ((flags & O_NOFOLLOW) == 0 ? PathWalker.FOLLOW : 0));
                name = w.lastPath();
            }
        }
        try {
            if (c.isSymlink() && (flags & O_PATH) == 0) throw new SysError(Errno.ELOOP);
            if ((flags & O_DIRECTORY) != 0 && !c.isDir()) throw new SysError(Errno.ENOTDIR);
            if ((flags & O_PATH) != 0) {
                ChanFile f = new ChanFile(c, null, name);
                c = null;
                return f;
            }
            // may_open: O_TRUNC asks for write access too.
            if (c.isDir() && (OpenFlags.writable(flags) || (flags & O_TRUNC) != 0)) throw new SysError(Errno.EISDIR);
            if ((OpenFlags.writable(flags) || (flags & O_TRUNC) != 0) && c.stat().isRegular()) checkWritable(c);
            if ((flags & O_TRUNC) != 0 && c.stat().isRegular()) c.server().wstat(c.fid(), Dir.truncate(0));
            List<Mount> union = c.isDir() ? ctx.namespace().unionAt(c) : null;
            Chan owned = c;
            c = null;
            ChanFile f = openChan(owned, flags | O_LARGEFILE, name);
            if (union == null) return f;
            return unionFile(f, union, flags);
        } finally {
            if (c != null) c.close();
        }
    }

    /** The status flags a description opened with {@code flags} starts with (F_GETFL). */
    public static int descriptionFlags(int flags) {
        if ((flags & O_PATH) != 0) return O_PATH | (flags & O_DIRECTORY);
        return (flags & OpenFlags.VALID & ~OpenFlags.CREATION) | O_LARGEFILE;
    }

    /**
     * The O_CREAT half of open: the existing file, or a new regular file. Its path from the process
     * root goes to {@code name[0]} (null if unknown).
     */
    private static Chan openCreate(PathWalker w, FsContext ctx, Chan at, String path, int flags, int mode,
                                   String[] name) {
        Parent p = w.parent(at, path, true);
        try {
            while (true) {
                if (p.kind() != Last.NORMAL) throw new SysError(Errno.EISDIR);
                String dirPath = w.lastPath();
                name[0] = dirPath == null ? null : dirPath.equals("/") ? "/" + p.name() : dirPath + "/" + p.name();
                Chan child = lookupOrNull(w, p.dir(), p.name());
                if (child == null) {
                    if (p.trailingSlash()) throw new SysError(Errno.EISDIR);
                    int perm = mode & Dir.PERMS & ~ctx.umask();
                    try (Chan d = w.createDir(p.dir())) {
                        checkWritable(d);
                        return new Chan(d.mount(), d.server().create(d.fid(), p.name(), Dir.S_IFREG | perm, null));
                    }
                }
                if ((flags & O_EXCL) != 0) {
                    child.close();
                    throw new SysError(Errno.EEXIST);
                }
                if (child.isSymlink() && (flags & O_NOFOLLOW) == 0) {
                    boolean trailing = p.trailingSlash();
                    String target = w.readLink(child);
                    Parent next = w.parent(p.dir(), trailing && !target.endsWith("/") ? target + "/" : target, true);
                    p.close();
                    p = next;
                    continue;
                }
                if (child.isDir()) {
                    child.close();
                    throw new SysError(Errno.EISDIR);
                }
                if (p.trailingSlash()) {
                    child.close();
                    throw new SysError(Errno.ENOTDIR);
                }
                return child;
            }
        } finally {
            p.close();
        }
    }

    private static Chan lookupOrNull(PathWalker w, Chan dir, String name) {
        try {
            return w.lookup(dir, name);
        } catch (SysError e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }

    /**
     * pipe(2): attaches a new pipe from the namespace's pipe device ('|'), walks to its data file
     * and opens it for reading and for writing: {read end, write end}. {@code flags} may hold
     * O_NONBLOCK (O_CLOEXEC is the caller's).
     */
    public static ChanFile[] pipe(FsContext ctx, int flags) {
        int status = flags & OpenFlags.O_NONBLOCK;
        ChanFile r = null;
        try (Chan dir = ctx.namespace().attach('|'); Chan data = dir.step("data")) {
            r = openChan(data.copy(), OpenFlags.O_RDONLY | status, null);
            ChanFile w = openChan(data.copy(), OpenFlags.O_WRONLY | status, null);
            ChanFile[] ends = {r, w};
            r = null;
            return ends;
        } finally {
            if (r != null) r.close();
        }
    }

    /**
     * Turns the opened first member {@code f} (taken) of {@code union} into a file that lists the
     * whole union. The members' heads are taken now; the others are opened when listed.
     */
    private static ChanFile unionFile(ChanFile f, List<Mount> union, int flags) {
        List<Chan> others = new ArrayList<>();
        boolean past = false;
        try {
            for (Mount m : union) {
                if (m == f.chan().mount()) { past = true; continue; }
                if (past) others.add(m.rootChan());
            }
            Fid io = f.chan().server().clone(f.chan().fid());
            f.chan().server().open(io, flags | O_LARGEFILE);
            ChanFile u = new ChanFile(f.chan().copy(), io, f.path(), List.copyOf(others));
            others = null;
            return u;
        } finally {
            if (others != null) for (Chan c : others) c.close();
            f.close();
        }
    }

    /** Opens Chan {@code c} (taking ownership) as a ChanFile named {@code name} (null: no name). */
    private static ChanFile openChan(Chan c, int flags, String name) {
        Fid opened = null;
        try {
            opened = c.server().clone(c.fid());
            c.server().open(opened, flags);
            ChanFile f = new ChanFile(c, opened, name);
            c = null;
            opened = null;
            return f;
        } finally {
            if (opened != null) opened.server().clunk(opened);
            if (c != null) c.close();
        }
    }

    // ------------------------------------------------------------------ names

    /** Resolves {@code path}; the caller owns the result. */
    public static Chan lookup(FsContext ctx, Chan at, String path, boolean follow) {
        return PathWalker.walk(ctx, at, path, follow ? PathWalker.FOLLOW : 0);
    }

    /** mkdir(2): {@code mode} before the umask. */
    public static void mkdir(FsContext ctx, Chan at, String path, int mode) {
        try (PathWalker w = new PathWalker(ctx); Parent p = w.parent(at, path)) {
            if (p.kind() != Last.NORMAL) throw new SysError(Errno.EEXIST);
            int perm = mode & (0777 | Dir.S_ISVTX) & ~ctx.umask();
            createIn(w, p, Dir.S_IFDIR | perm, null);
        }
    }

    /**
     * Creates {@code p}'s name in its directory, or in a union in the member that takes creates
     * (EEXIST if any member has the name), and clunks the new fid. EROFS on a read-only mount.
     */
    private static void createIn(PathWalker w, Parent p, int mode, String target) {
        Chan existing = null;
        if (p.dir().namespaceUnion(w)) {
            try {
                existing = w.lookupHere(p.dir(), p.name());
            } catch (SysError e) {
                if (e.errno() != Errno.ENOENT) throw e;
            }
            if (existing != null) {
                existing.close();
                throw new SysError(Errno.EEXIST);
            }
        }
        try (Chan d = w.createDir(p.dir())) {
            checkWritable(d);
            d.server().clunk(d.server().create(d.fid(), p.name(), mode, target));
        }
    }

    /** EROFS when {@code c} was reached through a read-only mount. */
    public static void checkWritable(Chan c) {
        if (c.mount().readOnly()) throw new SysError(Errno.EROFS);
    }

    /** symlink(2): a new link at {@code path} holding {@code target}. */
    public static void symlink(FsContext ctx, String target, Chan at, String path) {
        if (target.isEmpty()) throw new SysError(Errno.ENOENT);
        if (target.length() >= PathWalker.PATH_MAX) throw new SysError(Errno.ENAMETOOLONG);
        try (PathWalker w = new PathWalker(ctx); Parent p = w.parent(at, path)) {
            createName(p);
            createIn(w, p, Dir.S_IFLNK | 0777, target);
        }
    }

    /** linkat(2): {@code newPath} becomes another name of what {@code oldPath} names ({@code old} if given). */
    public static void link(FsContext ctx, Chan oldAt, String oldPath, boolean follow, Chan newAt, String newPath) {
        try (PathWalker w = new PathWalker(ctx);
             Chan target = oldPath == null ? oldAt.copy() : w.resolve(oldAt, oldPath, follow ? PathWalker.FOLLOW : 0);
             Parent p = w.parent(newAt, newPath)) {
            createName(p);
            if (target.isDir()) throw new SysError(Errno.EPERM);
            if (target.mount() != p.dir().mount()) throw new SysError(Errno.EXDEV);
            checkWritable(p.dir());
            target.server().link(target.fid(), p.dir().fid(), p.name());
        }
    }

    /** Checks that the last component of {@code p} can be a new name (links, symlinks). */
    private static void createName(Parent p) {
        if (p.kind() != Last.NORMAL) throw new SysError(Errno.EEXIST);
        if (p.trailingSlash()) {
            // "new/" names a directory to be, which link and symlink cannot make.
            Chan existing = null;
            try {
                existing = p.dir().step(p.name());
            } catch (SysError e) {
                if (e.errno() != Errno.ENOENT) throw e;
            }
            if (existing != null) {
                existing.close();
                throw new SysError(Errno.EEXIST);
            }
            throw new SysError(Errno.ENOENT);
        }
    }

    /** unlink(2) and rmdir(2) ({@code directory}). */
    public static void unlink(FsContext ctx, Chan at, String path, boolean directory) {
        try (PathWalker w = new PathWalker(ctx); Parent p = w.parent(at, path)) {
            switch (p.kind()) {
                case ROOT -> throw new SysError(directory ? Errno.EBUSY : Errno.EISDIR);
                case DOT -> throw new SysError(directory ? Errno.EINVAL : Errno.EISDIR);
                case DOTDOT -> throw new SysError(directory ? Errno.ENOTEMPTY : Errno.EISDIR);
                case NORMAL -> { }
            }
            try (Chan child = w.lookupHere(p.dir(), p.name());
                 Chan dir = child.mount() == p.dir().mount() ? p.dir().copy() : child.mount().rootChan()) {
                if (ctx.namespace().mountedOn(child) != null) throw new SysError(Errno.EBUSY);
                if (p.trailingSlash() && !child.isDir()) throw new SysError(Errno.ENOTDIR);
                checkWritable(dir);
                // in a union the name goes from the member that has it
                dir.server().remove(dir.fid(), p.name(), directory);
            }
        }
    }

    /** renameat2(2) with flags 0 or RENAME_NOREPLACE ({@code noReplace}). */
    public static void rename(FsContext ctx, Chan oldAt, String oldPath, Chan newAt, String newPath, boolean noReplace) {
        try (PathWalker w = new PathWalker(ctx);
             Parent o = w.parent(oldAt, oldPath);
             Parent n = w.parent(newAt, newPath)) {
            if (o.kind() != Last.NORMAL || n.kind() != Last.NORMAL) throw new SysError(Errno.EBUSY);
            if (o.dir().mount() != n.dir().mount()) throw new SysError(Errno.EXDEV);
            checkWritable(o.dir());
            try (Chan from = o.dir().step(o.name())) {
                if (ctx.namespace().mountedOn(from) != null) throw new SysError(Errno.EBUSY);
                if ((o.trailingSlash() || n.trailingSlash()) && !from.isDir()) throw new SysError(Errno.ENOTDIR);
            }
            Chan to = null;
            try {
                to = n.dir().step(n.name());
            } catch (SysError e) {
                if (e.errno() != Errno.ENOENT) throw e;
            }
            if (to != null) {
                try (Chan t = to) {
                    if (ctx.namespace().mountedOn(t) != null) throw new SysError(Errno.EBUSY);
                }
            }
            o.dir().server().rename(o.dir().fid(), o.name(), n.dir().fid(), n.name(), noReplace);
        }
    }

    /** readlink(2): the text of the symlink {@code path} names; EINVAL if it is not one. */
    public static String readlink(FsContext ctx, Chan at, String path) {
        try (Chan c = lookup(ctx, at, path, false)) {
            if (!c.isSymlink()) throw new SysError(Errno.EINVAL);
            return c.server().readlink(c.fid());
        }
    }

    /** access(2) for root: existence, and for X_OK some execute bit on a non-directory. */
    public static void access(Chan c, int mode) {
        if ((mode & ~7) != 0) throw new SysError(Errno.EINVAL);
        Dir d = c.stat();
        if ((mode & X_OK) != 0 && !d.isDir() && (d.mode() & 0111) == 0) throw new SysError(Errno.EACCES);
    }

    /** chdir(2) / chroot(2): resolves {@code path} to a directory and gives it to the context. */
    public static void chdir(FsContext ctx, Chan at, String path, boolean root) {
        Chan c;
        String name;
        try (PathWalker w = new PathWalker(ctx)) {
            c = w.resolve(at, path, PathWalker.FOLLOW | PathWalker.DIRECTORY | (root ? 0 : PathWalker.NAMED));
            name = w.lastPath();
        }
        if (root) ctx.setRoot(c);
        else ctx.setCwd(c, name);
    }

    // ------------------------------------------------------------------ getcwd

    /**
     * The path of directory {@code dir} as seen from the process root, found the way Unix getcwd
     * always has: step to "..", find the entry whose inode is where we came from, repeat. So it stays
     * right after renames of any ancestor. ENOENT once the directory was removed; a directory outside
     * the process root gets the "(unreachable)" prefix, as Linux gives it.
     */
    public static String pathOf(FsContext ctx, Chan dir) {
        List<String> names = new ArrayList<>();
        boolean unreachable = false;
        Chan root = ctx.root();
        Chan cur = dir.copy();
        try {
            while (!cur.sameFile(root)) {
                if (cur.isMountRoot()) {
                    Chan covered = cur.covered().copy();
                    cur.close();
                    cur = covered;
                    continue;
                }
                if (cur.isHead()) {   // the namespace root, or a member no longer mounted
                    unreachable = true;
                    break;
                }
                Chan parent = cur.step("..");
                try {
                    names.add(nameIn(parent, cur.qid().path()));
                } catch (SysError e) {
                    parent.close();
                    throw e;
                }
                cur.close();
                cur = parent;
            }
        } finally {
            cur.close();
            root.close();
        }
        StringBuilder sb = new StringBuilder(unreachable ? "(unreachable)" : "");
        for (int i = names.size() - 1; i >= 0; i--) sb.append('/').append(names.get(i));
        return names.isEmpty() ? sb.append('/').toString() : sb.toString();
    }

    /**
     * Where mount {@code m} is mounted, as seen from {@code ctx}'s root (what /proc/mounts shows):
     * "/" for the namespace root, "(unreachable)..." for a mount outside the process root.
     */
    public static String mountPath(FsContext ctx, Mount m) {
        if (m.mountpoint() != null && !m.mountpoint().isDir()) {
            if (m.where() == null) throw new SysError(Errno.ENOENT, "a file mount point of unknown name");
            return m.where();
        }
        if (m.mountpoint() != null) return pathOf(ctx, m.mountpoint());
        try (Chan r = m.rootChan()) {
            return pathOf(ctx, r);
        }
    }

    /** The name of the entry of {@code dir} with inode {@code ino}; ENOENT if none. */
    private static String nameIn(Chan dir, long ino) {
        FileServer s = dir.server();
        Fid f = s.clone(dir.fid());
        try {
            s.open(f, O_RDONLY | O_DIRECTORY);
            long off = 0;
            for (List<DirEntry> batch; !(batch = s.readdir(f, off, 128)).isEmpty(); ) {
                for (DirEntry e : batch) {
                    if (e.ino() == ino && !e.name().equals(".") && !e.name().equals("..")) return e.name();
                    off = e.next();
                }
            }
            throw new SysError(Errno.ENOENT, "directory was removed");
        } finally {
            s.clunk(f);
        }
    }
}
