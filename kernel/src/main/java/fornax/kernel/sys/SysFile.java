package fornax.kernel.sys;

import fornax.kernel.proc.Process;
import fornax.kernel.vfs.Chan;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.FdTable;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.PathWalker;
import fornax.kernel.vfs.Stat;
import fornax.kernel.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * File syscalls: paths (open, mkdir, unlink, rename, links, stat, chmod/chown/utimens, truncate,
 * access, chdir/getcwd, statfs) and the descriptor table (close, dup, fcntl, pipe2, getdents64).
 * This layer decodes arguments and validates pointers, descriptors and flags; the mechanism is in
 * {@link Vfs} and the file servers.
 *
 * <p>Paths are read from user memory up to PATH_MAX and kept as byte strings (one byte per char).
 * A dirfd is only looked at for relative paths, as on Linux. Descriptions are acquired for the
 * duration of a call and released after it.
 */
final class SysFile {
    private SysFile() { }

    static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200,
            AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000,
            AT_STATX_SYNC_TYPE = 0x6000;
    static final int RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
    static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6,
            F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38,
            F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032, FD_CLOEXEC = 1;
    static final int CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
    static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    private static final String PROC_SELF_EXE = "/proc/self/exe";

    static void register(SyscallTable t) {
        t.supported(56, "openat", SysFile::openat);
        t.supported(57, "close", (c, a) -> { c.process().close((int) a[0]); return 0; });
        t.partial(436, "close_range", "CLOSE_RANGE_UNSHARE is accepted; the table is not shared yet", SysFile::closeRange);
        t.supported(23, "dup", (c, a) -> dup(c, (int) a[0], 0, false));
        t.supported(24, "dup3", SysFile::dup3);
        t.partial(25, "fcntl", "advisory record locks (POSIX and OFD, EDEADLK detection for F_SETLKW) as Linux; "
                + "F_SETPIPE_SZ, leases, seals and notifications are EINVAL", SysFile::fcntl);
        t.partial(59, "pipe2", "O_DIRECT (packet mode) is EINVAL", SysFile::pipe2);
        t.supported(61, "getdents64", SysFile::getdents64);
        t.supported(80, "fstat", (c, a) -> copyOut(c, a[1], fileOf(c, (int) a[0]).stat().encode()));
        t.supported(79, "newfstatat", SysFile::newfstatat);
        t.partial(291, "statx", "basic stats only: no birth time, attributes or mount id", SysFile::statx);
        t.partial(48, "faccessat", "every process is root: only existence and execute bits are checked",
                (c, a) -> faccess(c, a[0], a[1], a[2], 0));
        t.partial(439, "faccessat2", "every process is root: only existence and execute bits are checked",
                (c, a) -> faccess(c, a[0], a[1], a[2], a[3]));
        t.supported(34, "mkdirat", (c, a) -> at(c, a[0], path(c, a[1]), (fs, at, p) -> {
            Vfs.mkdir(fs, at, p, (int) a[2]);
            return 0;
        }));
        t.partial(33, "mknodat", "regular files only; FIFOs, sockets and device nodes are EPERM", SysFile::mknodat);
        t.supported(35, "unlinkat", SysFile::unlinkat);
        t.partial(276, "renameat2", "RENAME_EXCHANGE and RENAME_WHITEOUT are EINVAL", SysFile::renameat2);
        t.supported(37, "linkat", SysFile::linkat);
        t.supported(36, "symlinkat", (c, a) -> {
            String target = path(c, a[0]);
            return at(c, a[1], path(c, a[2]), (fs, at, p) -> {
                Vfs.symlink(fs, target, at, p);
                return 0;
            });
        });
        t.partial(78, "readlinkat", "/proc/self/exe answers the host path of the executable until procfs lands",
                SysFile::readlinkat);
        t.supported(53, "fchmodat", (c, a) -> onPath(c, a[0], a[1], 0, true,
                (f, ch) -> wstat(f, ch, Dir.chmod((int) a[2] & Dir.PERMS))));
        t.supported(52, "fchmod", (c, a) -> onFd(c, (int) a[0], (f, ch) -> wstat(notPath(f), ch, Dir.chmod((int) a[1] & Dir.PERMS))));
        t.partial(54, "fchownat", "every process is root: any owner may be set", SysFile::fchownat);
        t.partial(55, "fchown", "every process is root: any owner may be set", (c, a) -> onFd(c, (int) a[0],
                (f, ch) -> wstat(notPath(f), ch, Dir.change(Dir.KEEP_INT, (int) a[1], (int) a[2], Dir.KEEP, Dir.KEEP, Dir.KEEP))));
        t.supported(88, "utimensat", SysFile::utimensat);
        t.supported(45, "truncate", SysFile::truncate);
        t.supported(46, "ftruncate", SysFile::ftruncate);
        t.supported(82, "fsync", (c, a) -> fsync(c, (int) a[0]));
        t.partial(83, "fdatasync", "a full fsync (hostfs files are flushed to the host's disk; memory file systems "
                + "have nothing to flush)", (c, a) -> fsync(c, (int) a[0]));
        t.partial(81, "sync", "nothing is flushed: memory file systems have nothing to flush and hostfs writes are "
                + "already in the host's page cache (fsync flushes a hostfs file)", (c, a) -> 0);
        t.partial(267, "syncfs", "as sync: nothing is flushed (fsync flushes a hostfs file)", (c, a) -> {
            notPath(fileOf(c, (int) a[0]));
            return 0;
        });
        t.supported(166, "umask", (c, a) -> c.process().fs().setUmask((int) a[0]));
        t.supported(49, "chdir", (c, a) -> {
            Vfs.chdir(c.process().fs(), null, path(c, a[0]), false);
            return 0;
        });
        t.supported(50, "fchdir", SysFile::fchdir);
        t.partial(51, "chroot", "every process is root, so any process may chroot", (c, a) -> {
            Vfs.chdir(c.process().fs(), null, path(c, a[0]), true);
            return 0;
        });
        t.supported(17, "getcwd", SysFile::getcwd);
        t.supported(43, "statfs", (c, a) -> onPath(c, AT_FDCWD, a[0], 0, true,
                (f, ch) -> copyOut(c, a[1], ch.server().statfs().encode())));
        t.supported(44, "fstatfs", (c, a) -> onFd(c, (int) a[0], (f, ch) -> copyOut(c, a[1],
                (ch != null ? ch.server().statfs() : fornax.kernel.vfs.StatFs.anonymous()).encode())));
    }

    // ------------------------------------------------------------------ argument helpers

    /** Reads a NUL-terminated path of fewer than PATH_MAX bytes, a page at a time. */
    static String path(SyscallContext c, long va) {
        byte[] buf = new byte[PathWalker.PATH_MAX];
        int n = 0;
        while (n < buf.length) {
            int chunk = (int) Math.min(buf.length - n, 4096 - ((va + n) & 4095));
            c.memory().copyIn(va + n, buf, n, chunk);
            for (int i = n; i < n + chunk; i++) if (buf[i] == 0) return new String(buf, 0, i, StandardCharsets.ISO_8859_1);
            n += chunk;
        }
        throw new SysError(Errno.ENAMETOOLONG);
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static long copyOut(SyscallContext c, long va, byte[] b) {
        c.memory().copyOut(va, b, 0, b.length);
        return 0;
    }

    /** A path operation given the context, the starting directory (null: cwd) and the path. */
    interface PathOp { long apply(FsContext fs, Chan at, String path); }

    /** A file operation: the open file (for a descriptor) and the file's walked Chan (null for non-namespace files). */
    interface FileOp { long apply(OpenFile file, Chan chan); }

    /** Runs {@code op} for {@code path} relative to {@code dirfd}: ENOTDIR for a non-directory dirfd. */
    static long at(SyscallContext c, long dirfd, String path, PathOp op) {
        FsContext fs = c.process().fs();
        if (path.isEmpty()) throw new SysError(Errno.ENOENT);
        if (path.startsWith("/") || (int) dirfd == AT_FDCWD) return op.apply(fs, null, path);
        FileDescription d = c.process().fds().acquire((int) dirfd);
        try {
            if (!(d.file() instanceof ChanFile cf) || !cf.chan().isDir()) throw new SysError(Errno.ENOTDIR);
            return op.apply(fs, cf.chan(), path);
        } finally {
            d.release();
        }
    }

    /** Runs {@code op} on the file behind {@code fd} (EBADF if none). */
    static long onFd(SyscallContext c, int fd, FileOp op) {
        FileDescription d = c.process().fds().acquire(fd);
        try {
            OpenFile f = d.file();
            return op.apply(f, f instanceof ChanFile cf ? cf.chan() : null);
        } finally {
            d.release();
        }
    }

    /**
     * Runs {@code op} on the file {@code path} names from {@code dirfd}; with AT_EMPTY_PATH and an
     * empty path (or a null pointer), on the dirfd's own file. {@code follow} is the call's default
     * for a last-component symlink; AT_SYMLINK_NOFOLLOW in {@code flags} turns it off.
     */
    static long onPath(SyscallContext c, long dirfd, long pathVa, int flags, boolean follow, FileOp op) {
        String p = pathVa == 0 && (flags & AT_EMPTY_PATH) != 0 ? "" : path(c, pathVa);
        if (p.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            if ((int) dirfd != AT_FDCWD) return onFd(c, (int) dirfd, op);
            try (Chan cwd = c.process().fs().cwd()) {
                return op.apply(null, cwd);
            }
        }
        boolean f = follow && (flags & AT_SYMLINK_NOFOLLOW) == 0;
        return at(c, dirfd, p, (fs, at, path) -> {
            try (Chan ch = Vfs.lookup(fs, at, path, f)) {
                return op.apply(null, ch);
            }
        });
    }

    private static OpenFile fileOf(SyscallContext c, int fd) { return c.process().fds().get(fd).file(); }

    /**
     * {@code f}, unless it is an O_PATH descriptor: the calls that act on an open file (Linux's
     * fdget, not fdget_raw: fchmod, fchown, futimens, fsync, ftruncate, syncfs) say EBADF for one.
     */
    private static OpenFile notPath(OpenFile f) {
        if (f instanceof ChanFile cf && cf.pathOnly()) throw new SysError(Errno.EBADF, "O_PATH descriptor");
        return f;
    }

    private static Stat statOf(OpenFile f, Chan ch) { return ch != null ? ch.stat().toStat() : f.stat(); }

    /** chmod/chown/utimens on what {@code onPath}/{@code onFd} found; EPERM for files outside the namespace. */
    private static long wstat(OpenFile f, Chan ch, Dir change) {
        if (ch == null) throw new SysError(Errno.EPERM);
        fornax.kernel.vfs.Vfs.checkWritable(ch);
        ch.server().wstat(ch.fid(), change);
        return 0;
    }

    // ------------------------------------------------------------------ open, close, dup, fcntl, pipe

    private static long openat(SyscallContext c, long[] a) {
        int flags = (int) a[2], mode = (int) a[3];
        Process proc = c.process();
        return at(c, a[0], path(c, a[1]), (fs, at, path) -> install(proc, Vfs.open(fs, at, path, flags, mode),
                Vfs.descriptionFlags(flags), (flags & OpenFlags.O_CLOEXEC) != 0));
    }

    /** Installs {@code f} at the lowest free descriptor; closes it on failure (EMFILE). */
    static int install(Process p, OpenFile f, int statusFlags, boolean cloexec) {
        FileDescription d = new FileDescription(f, statusFlags);
        try {
            return p.fds().install(d, 0, nofile(p), cloexec);
        } catch (SysError e) {
            d.release();
            throw e;
        }
    }

    private static int nofile(Process p) { return (int) Math.min(p.rlimit(Process.RLIMIT_NOFILE)[0] & 0x7FFFFFFFL, 1 << 20); }

    private static long closeRange(SyscallContext c, long[] a) {
        long first = a[0] & 0xFFFFFFFFL, last = a[1] & 0xFFFFFFFFL;
        int flags = (int) a[2];
        if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) != 0 || first > last) throw new SysError(Errno.EINVAL);
        FdTable fds = c.process().fds();
        for (int fd : fds.openIn((int) Math.min(first, Integer.MAX_VALUE), (int) Math.min(last, Integer.MAX_VALUE))) {
            try {
                if ((flags & CLOSE_RANGE_CLOEXEC) != 0) fds.setCloseOnExec(fd, true);
                else c.process().close(fd);
            } catch (SysError e) {
                // closed meanwhile by another thread: nothing to do
            }
        }
        return 0;
    }

    /** dup / F_DUPFD: the lowest free descriptor at or above {@code min}. */
    private static long dup(SyscallContext c, int fd, int min, boolean cloexec) {
        Process p = c.process();
        FileDescription d = p.fds().acquire(fd);
        try {
            return p.fds().install(d, min, nofile(p), cloexec);
        } catch (SysError e) {
            d.release();
            throw e;
        }
    }

    private static long dup3(SyscallContext c, long[] a) {
        int oldFd = (int) a[0], newFd = (int) a[1], flags = (int) a[2];
        if ((flags & ~OpenFlags.O_CLOEXEC) != 0) throw new SysError(Errno.EINVAL);
        Process p = c.process();
        if (oldFd == newFd) {
            p.fds().get(oldFd);
            throw new SysError(Errno.EINVAL);
        }
        if (newFd < 0 || newFd >= nofile(p)) throw new SysError(Errno.EBADF);
        FileDescription d = p.fds().acquire(oldFd);
        FileDescription old = p.fds().installAt(newFd, d, (flags & OpenFlags.O_CLOEXEC) != 0);
        if (old != null) p.dropDescriptor(old);
        return newFd;
    }

    private static long fcntl(SyscallContext c, long[] a) {
        int fd = (int) a[0], cmd = (int) a[1];
        long arg = a[2];
        Process p = c.process();
        FdTable fds = p.fds();
        switch (cmd) {
            case F_DUPFD, F_DUPFD_CLOEXEC -> {
                if (arg < 0 || arg >= nofile(p)) throw new SysError(Errno.EINVAL);
                return dup(c, fd, (int) arg, cmd == F_DUPFD_CLOEXEC);
            }
            case F_GETFD -> { return fds.closeOnExec(fd) ? FD_CLOEXEC : 0; }
            case F_SETFD -> {
                fds.setCloseOnExec(fd, (arg & FD_CLOEXEC) != 0);
                return 0;
            }
            case F_GETFL -> { return fds.get(fd).statusFlags(); }
            default -> { }
        }
        FileDescription d = fds.acquire(fd);
        try {
            if (d.file() instanceof ChanFile cf && cf.pathOnly()) throw new SysError(Errno.EBADF);
            switch (cmd) {
                case F_SETFL -> {
                    int keep = d.statusFlags() & ~OpenFlags.SETFL_MASK;
                    d.setStatusFlags(keep | ((int) arg & OpenFlags.SETFL_MASK));
                    return 0;
                }
                case F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW -> {
                    return SysLock.fcntl(c, d, cmd, arg);
                }
                case F_GETOWN, F_SETOWN -> { return 0; }
                case F_GETPIPE_SZ -> {
                    if ((d.file().stat().mode() & Dir.S_IFMT) != Dir.S_IFIFO) throw new SysError(Errno.EBADF);
                    return 64 * 1024;
                }
                default -> throw new SysError(Errno.EINVAL);
            }
        } finally {
            d.release();
        }
    }

    private static long pipe2(SyscallContext c, long[] a) {
        int flags = (int) a[1];
        if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK)) != 0) throw new SysError(Errno.EINVAL);
        Process p = c.process();
        boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
        ChanFile[] ends = Vfs.pipe(p.fs(), flags);
        int status = flags & OpenFlags.O_NONBLOCK;
        int r;
        try {
            r = install(p, ends[0], OpenFlags.O_RDONLY | status, cloexec);
        } catch (SysError e) {
            ends[1].close();
            throw e;
        }
        int w;
        try {
            w = install(p, ends[1], OpenFlags.O_WRONLY | status, cloexec);
        } catch (SysError e) {
            p.close(r);
            throw e;
        }
        try {
            copyOut(c, a[0], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(r).putInt(w).array());
        } catch (SysError e) {
            p.close(r);
            p.close(w);
            throw e;
        }
        return 0;
    }

    /**
     * getdents64: struct linux_dirent64 {u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]},
     * NUL-terminated, each record padded to 8 bytes. EINVAL if not even one entry fits.
     */
    private static long getdents64(SyscallContext c, long[] a) {
        int count = (int) Math.min(a[2] & 0xFFFFFFFFL, 1 << 20);
        FileDescription d = c.process().fds().acquire((int) a[0]);
        try {
            if (!(d.file() instanceof ChanFile cf) || cf.pathOnly()) {
                if (d.file() instanceof ChanFile) throw new SysError(Errno.EBADF);
                throw new SysError(Errno.ENOTDIR);
            }
            if (!cf.chan().isDir()) throw new SysError(Errno.ENOTDIR);
            synchronized (d) {
                List<DirEntry> entries = cf.readdir(d.offset(), count / 24 + 1);
                ByteBuffer b = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
                long next = d.offset();
                for (DirEntry e : entries) {
                    byte[] name = bytes(e.name());
                    int reclen = (19 + name.length + 1 + 7) & ~7;
                    if (b.position() + reclen > count) break;
                    int at = b.position();
                    b.putLong(e.ino()).putLong(e.next()).putShort((short) reclen).put((byte) e.type()).put(name);
                    b.position(at + reclen);
                    next = e.next();
                }
                if (b.position() == 0 && !entries.isEmpty()) throw new SysError(Errno.EINVAL);
                c.memory().copyOut(a[1], b.array(), 0, b.position());
                d.setOffset(next);
                return b.position();
            }
        } finally {
            d.release();
        }
    }

    // ------------------------------------------------------------------ stat family

    private static long newfstatat(SyscallContext c, long[] a) {
        int flags = (int) a[3];
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) != 0) throw new SysError(Errno.EINVAL);
        return onPath(c, a[0], a[1], flags, true, (f, ch) -> copyOut(c, a[2], statOf(f, ch).encode()));
    }

    private static long statx(SyscallContext c, long[] a) {
        int flags = (int) a[2], mask = (int) a[3];
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) != 0
                || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & 0x80000000) != 0)
            throw new SysError(Errno.EINVAL);
        return onPath(c, a[0], a[1], flags, true, (f, ch) -> copyOut(c, a[4], encodeStatx(statOf(f, ch))));
    }

    /** struct statx (256 bytes) with STATX_BASIC_STATS. */
    static byte[] encodeStatx(Stat s) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x7FF).putInt(4, s.blksize()).putInt(16, s.nlink()).putInt(20, s.uid()).putInt(24, s.gid())
                .putShort(28, (short) s.mode()).putLong(32, s.ino()).putLong(40, s.size()).putLong(48, s.blocks());
        long[] times = {s.atimeNanos(), 0, s.ctimeNanos(), s.mtimeNanos()};   // atime, btime (absent), ctime, mtime
        for (int i = 0; i < 4; i++) {
            if (i == 1) continue;
            b.putLong(64 + 16 * i, Math.floorDiv(times[i], 1_000_000_000L)).putInt(72 + 16 * i, (int) Math.floorMod(times[i], 1_000_000_000L));
        }
        b.putInt(128, major(s.rdev())).putInt(132, minor(s.rdev())).putInt(136, major(s.dev())).putInt(140, minor(s.dev()));
        return b.array();
    }

    private static int major(long dev) { return (int) ((dev >>> 8) & 0xFFF); }
    private static int minor(long dev) { return (int) ((dev & 0xFF) | ((dev >>> 12) & 0xFFF00)); }

    private static long faccess(SyscallContext c, long dirfd, long pathVa, long mode, long flags) {
        if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw new SysError(Errno.EINVAL);
        if ((mode & ~7) != 0) throw new SysError(Errno.EINVAL);
        return onPath(c, dirfd, pathVa, (int) flags, true, (f, ch) -> {
            if (ch != null) Vfs.access(ch, (int) mode);
            return 0;
        });
    }

    // ------------------------------------------------------------------ names

    private static long mknodat(SyscallContext c, long[] a) {
        int mode = (int) a[2];
        int type = mode & Dir.S_IFMT;
        if (type != 0 && type != Dir.S_IFREG && type != Dir.S_IFIFO && type != Dir.S_IFCHR && type != Dir.S_IFBLK
                && type != Dir.S_IFSOCK && type != Dir.S_IFDIR) throw new SysError(Errno.EINVAL, "bad file type");
        if (type == Dir.S_IFDIR) throw new SysError(Errno.EPERM, "mknod of a directory");   // may_mknod
        String p = path(c, a[1]);
        if (type != 0 && type != Dir.S_IFREG) throw new SysError(Errno.EPERM, "only regular files can be made");
        return at(c, a[0], p, (fs, at, path) -> {
            Vfs.open(fs, at, path, OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_WRONLY, mode).close();
            return 0;
        });
    }

    private static long unlinkat(SyscallContext c, long[] a) {
        int flags = (int) a[2];
        if ((flags & ~AT_REMOVEDIR) != 0) throw new SysError(Errno.EINVAL);
        return at(c, a[0], path(c, a[1]), (fs, at, p) -> {
            Vfs.unlink(fs, at, p, (flags & AT_REMOVEDIR) != 0);
            return 0;
        });
    }

    private static long renameat2(SyscallContext c, long[] a) {
        int flags = (int) a[4];
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) throw new SysError(Errno.EINVAL);
        if ((flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0) throw new SysError(Errno.EINVAL, "RENAME_EXCHANGE/WHITEOUT");
        String oldPath = path(c, a[1]), newPath = path(c, a[3]);
        return at(c, a[0], oldPath, (fs, oldAt, op) -> at(c, a[2], newPath, (fs2, newAt, np) -> {
            Vfs.rename(fs, oldAt, op, newAt, np, (flags & RENAME_NOREPLACE) != 0);
            return 0;
        }));
    }

    private static long linkat(SyscallContext c, long[] a) {
        int flags = (int) a[4];
        if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) throw new SysError(Errno.EINVAL);
        String oldPath = path(c, a[1]), newPath = path(c, a[3]);
        boolean follow = (flags & AT_SYMLINK_FOLLOW) != 0;
        if (oldPath.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
            return onFd(c, (int) a[0], (f, ch) -> {
                if (ch == null) throw new SysError(Errno.EXDEV);
                return at(c, a[2], newPath, (fs, newAt, np) -> {
                    Vfs.link(fs, ch, null, false, newAt, np);
                    return 0;
                });
            });
        }
        return at(c, a[0], oldPath, (fs, oldAt, op) -> at(c, a[2], newPath, (fs2, newAt, np) -> {
            Vfs.link(fs, oldAt, op, follow, newAt, np);
            return 0;
        }));
    }

    private static long readlinkat(SyscallContext c, long[] a) {
        long size = a[3];
        if ((int) size <= 0) throw new SysError(Errno.EINVAL);
        String p = path(c, a[1]);
        byte[] target;
        if (p.equals(PROC_SELF_EXE)) {
            target = c.process().exePath().getBytes(StandardCharsets.UTF_8);
        } else if (p.isEmpty()) {
            target = bytes(onFdText(c, (int) a[0]));
        } else {
            String[] out = new String[1];
            at(c, a[0], p, (fs, at, path) -> {
                out[0] = Vfs.readlink(fs, at, path);
                return 0;
            });
            target = bytes(out[0]);
        }
        int n = (int) Math.min(size & 0x7FFFFFFFL, target.length);
        c.memory().copyOut(a[2], target, 0, n);
        return n;
    }

    /** readlinkat with an empty path: the dirfd itself must be a symlink (opened O_PATH|O_NOFOLLOW). */
    private static String onFdText(SyscallContext c, int fd) {
        if (fd == AT_FDCWD) throw new SysError(Errno.ENOENT);
        String[] out = new String[1];
        onFd(c, fd, (f, ch) -> {
            if (ch == null || !ch.isSymlink()) throw new SysError(Errno.ENOENT);
            out[0] = ch.server().readlink(ch.fid());
            return 0;
        });
        return out[0];
    }

    // ------------------------------------------------------------------ attributes

    private static long fchownat(SyscallContext c, long[] a) {
        int flags = (int) a[4];
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw new SysError(Errno.EINVAL);
        Dir change = Dir.change(Dir.KEEP_INT, (int) a[2], (int) a[3], Dir.KEEP, Dir.KEEP, Dir.KEEP);
        return onPath(c, a[0], a[1], flags, true, (f, ch) -> wstat(f, ch, change));
    }

    private static long utimensat(SyscallContext c, long[] a) {
        int flags = (int) a[3];
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) throw new SysError(Errno.EINVAL);
        long atime = Dir.NOW, mtime = Dir.NOW;
        if (a[2] != 0) {
            byte[] raw = new byte[32];
            c.memory().copyIn(a[2], raw, 0, 32);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            atime = timeArg(b.getLong(0), b.getLong(8));
            mtime = timeArg(b.getLong(16), b.getLong(24));
            if (atime == Dir.KEEP && mtime == Dir.KEEP) return 0;
        }
        Dir change = Dir.change(Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP, atime, mtime);
        if (a[1] == 0) {   // utimensat(fd, NULL, ...): futimens
            if ((int) a[0] == AT_FDCWD) throw new SysError(Errno.EFAULT);
            if (flags != 0) throw new SysError(Errno.EINVAL);
            return onFd(c, (int) a[0], (f, ch) -> wstat(notPath(f), ch, change));
        }
        return onPath(c, a[0], a[1], flags, true, (f, ch) -> wstat(f, ch, change));
    }

    /** One timespec of utimensat: UTIME_NOW, UTIME_OMIT or a time (EINVAL for a bad tv_nsec). */
    private static long timeArg(long sec, long nsec) {
        if (nsec == UTIME_NOW) return Dir.NOW;
        if (nsec == UTIME_OMIT) return Dir.KEEP;
        if (nsec < 0 || nsec >= 1_000_000_000L) throw new SysError(Errno.EINVAL);
        try {
            return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec);
        } catch (ArithmeticException e) {
            return sec < 0 ? Long.MIN_VALUE + 2 : Long.MAX_VALUE;
        }
    }

    private static long truncate(SyscallContext c, long[] a) {
        long size = a[1];
        if (size < 0) throw new SysError(Errno.EINVAL);
        return onPath(c, AT_FDCWD, a[0], 0, true, (f, ch) -> {
            Dir d = ch.stat();
            if (d.isDir()) throw new SysError(Errno.EISDIR);
            if (!d.isRegular()) throw new SysError(Errno.EINVAL);
            fornax.kernel.vfs.Vfs.checkWritable(ch);
            SysIo.checkFileSize(c, size);
            ch.server().wstat(ch.fid(), Dir.truncate(size));
            return 0;
        });
    }

    private static long ftruncate(SyscallContext c, long[] a) {
        long size = a[1];
        if (size < 0) throw new SysError(Errno.EINVAL);
        return onFd(c, (int) a[0], (f, ch) -> {
            if (!(notPath(f) instanceof ChanFile cf)) throw new SysError(Errno.EINVAL);
            if ((f.stat().mode() & Dir.S_IFMT) == Dir.S_IFREG) SysIo.checkFileSize(c, size);
            cf.truncate(size);
            return 0;
        });
    }

    private static long fsync(SyscallContext c, int fd) {
        return onFd(c, fd, (f, ch) -> {
            if (!(notPath(f) instanceof ChanFile cf) || !f.seekable()) throw new SysError(Errno.EINVAL);
            cf.fsync();
            return 0;
        });
    }

    // ------------------------------------------------------------------ working directory

    private static long fchdir(SyscallContext c, long[] a) {
        return onFd(c, (int) a[0], (f, ch) -> {
            if (ch == null || !ch.isDir()) throw new SysError(Errno.ENOTDIR);
            c.process().fs().setCwd(ch.copy());
            return 0;
        });
    }

    private static long getcwd(SyscallContext c, long[] a) {
        FsContext fs = c.process().fs();
        String path;
        try (Chan cwd = fs.cwd()) {
            path = Vfs.pathOf(fs, cwd);
        }
        byte[] b = bytes(path + "\0");
        if (a[1] < b.length) throw new SysError(Errno.ERANGE);
        c.memory().copyOut(a[0], b, 0, b.length);
        return b.length;
    }
}
