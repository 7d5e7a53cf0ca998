package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * A process's place in the file tree (Linux's fs_struct plus Plan 9's pgrp): its namespace, root directory, working
 * directory and umask. Path walks start at {@link #root()} for absolute paths and {@link #cwd()}
 * for relative ones. fork gives the child a {@link #fork() copy} that shares the namespace (Plan 9
 * and Linux both share it unless asked); CLONE_FS threads share one context, and so one namespace.
 *
 * <p>Ownership: the context owns its root and cwd Chans. The getters return copies the caller
 * owns and must close, so a concurrent chdir in another thread never clunks a Chan a walk is
 * using. Setters take ownership of the Chan passed in and close the one they replace.
 *
 * <p>Locking: {@code this} guards the namespace, root, cwd, umask and the released flag. Never held while
 * calling a file server except to clone or clunk (servers take only their own locks).
 */
public final class FsContext {
    // guarded by this
    /** The namespace (shared with fork children until one of them unshares); one use counted in it. */
    private Namespace ns;
    private Chan root, cwd;
    private int umask = 022;
    private boolean released;
    /**
     * The cwd's path from the root as of the chdir that set it (Plan 9's dot path), or null to be
     * worked out with getcwd's walk when next asked; {@code cwdGeneration} counts cwd/root changes
     * so a path worked out meanwhile is not stored for the wrong directory. A rename of an ancestor
     * after the chdir is not seen (only the names of opened files depend on it).
     */
    private String cwdPath;
    private long cwdGeneration;

    /** Takes one use of {@code ns} (the caller retained it). */
    private FsContext(Namespace ns, Chan root, Chan cwd, int umask) {
        this.ns = ns;
        this.root = root;
        this.cwd = cwd;
        this.umask = umask;
    }

    /**
     * The first process's context: the namespace root as root, {@code cwdPath} (absolute) as
     * working directory; ENOENT/ENOTDIR if it does not name a directory.
     */
    public static FsContext initial(Namespace ns, String cwdPath) {
        ns.retain();
        FsContext ctx = new FsContext(ns, ns.root(), ns.root(), 022);
        ctx.setCwd(PathWalker.walk(ctx, null, cwdPath, PathWalker.FOLLOW | PathWalker.DIRECTORY));
        return ctx;
    }

    /** The namespace paths are resolved in (it may be replaced by unshare; do not cache it long). */
    public synchronized Namespace namespace() { return ns; }

    /**
     * Replaces the namespace with {@code fresh} (unshare(CLONE_NEWNS), clone with CLONE_NEWNS,
     * nsctl "clear"), taking the use its creator holds. Root and working directory stay: their
     * Chans name the same files in the new namespace (Plan 9 keeps slash and dot too).
     */
    public void setNamespace(Namespace fresh) {
        Namespace old;
        synchronized (this) {
            if (released) { fresh.release(); checkLive(); }
            old = ns;
            ns = fresh;
        }
        old.release();
    }

    /**
     * Enters a container's namespace: {@code fresh} (its creator's use is taken) replaces the
     * namespace, and its root becomes both the root and the working directory, in one step, so no
     * walk of this context ever pairs the new namespace with a directory of the old tree.
     */
    public void enter(Namespace fresh) {
        Namespace oldNs;
        Chan oldRoot, oldCwd;
        Chan r = fresh.root(), c = fresh.root();
        synchronized (this) {
            if (released) {
                r.close();
                c.close();
                fresh.release();
                checkLive();
            }
            oldNs = ns;
            oldRoot = root;
            oldCwd = cwd;
            ns = fresh;
            root = r;
            cwd = c;
            cwdPath = "/";
            cwdGeneration++;
        }
        oldRoot.close();
        oldCwd.close();
        oldNs.release();
    }

    /** A copy of the root directory Chan; the caller closes it. */
    public synchronized Chan root() {
        checkLive();
        return root.copy();
    }

    /** A copy of the working directory Chan; the caller closes it. */
    public synchronized Chan cwd() {
        checkLive();
        return cwd.copy();
    }

    /** chdir: takes ownership of {@code dir} (a directory). */
    public void setCwd(Chan dir) { setCwd(dir, null); }

    /** chdir to {@code dir} (taken), whose path from the root is {@code path} (null: unknown). */
    public void setCwd(Chan dir, String path) {
        Chan old;
        synchronized (this) {
            if (released) { dir.close(); checkLive(); }
            old = cwd;
            cwd = dir;
            cwdPath = path;
            cwdGeneration++;
        }
        old.close();
    }

    /**
     * The working directory's path from the root (what relative opens are named from): remembered
     * from chdir, else worked out as getcwd does and remembered. May start with "(unreachable)".
     */
    public String cwdPath() {
        long gen;
        Chan dir;
        synchronized (this) {
            checkLive();
            if (cwdPath != null) return cwdPath;
            gen = cwdGeneration;
            dir = cwd.copy();
        }
        String path;
        try {
            path = Vfs.pathOf(this, dir);
        } finally {
            dir.close();
        }
        synchronized (this) {
            if (cwdGeneration == gen) cwdPath = path;
        }
        return path;
    }

    /** chroot: takes ownership of {@code dir} (a directory). */
    public void setRoot(Chan dir) {
        Chan old;
        synchronized (this) {
            if (released) { dir.close(); checkLive(); }
            old = root;
            root = dir;
            cwdPath = null;
            cwdGeneration++;
        }
        old.close();
    }

    public synchronized int umask() { return umask; }

    /** umask(2): sets the mask (low 9 bits), returns the previous one. */
    public synchronized int setUmask(int mask) {
        int old = umask;
        umask = mask & 0777;
        return old;
    }

    /** fork: a new context with copies of root and cwd, same umask and namespace. */
    public synchronized FsContext fork() {
        checkLive();
        ns.retain();
        FsContext child = new FsContext(ns, root.copy(), cwd.copy(), umask);
        child.cwdPath = cwdPath;
        return child;
    }

    /** Process exit: clunks root and cwd. Later calls fail with EBADF; a second release does nothing. */
    public void release() {
        Chan r, c;
        Namespace n;
        synchronized (this) {
            if (released) return;
            released = true;
            r = root;
            c = cwd;
            n = ns;
        }
        r.close();
        c.close();
        n.release();
    }

    private void checkLive() {
        if (released) throw new SysError(Errno.EBADF, "file-system context released");
    }
}
