package fornax.kernel.ninep.server;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Dirent;
import fornax.kernel.ninep.Message.Rgetattr;
import fornax.kernel.ninep.Message.Rstatfs;
import fornax.kernel.ninep.Message.Tsetattr;
import fornax.kernel.ninep.Stat;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;

/**
 * Conversions between the VFS's attribute records and 9P's: {@link Dir} ⇄ Rgetattr/Tsetattr
 * (9P2000.L, the same fields as Linux's struct stat and iattr) and {@link Dir} ⇄ stat(5)
 * (9P2000 and .u); {@link DirEntry} → Rreaddir's dirent; {@link StatFs} → Rstatfs. Pure functions.
 *
 * <p>Plan 9 names users and groups by strings, the VFS by numbers: uid 0 is "root", any other
 * is its decimal number, and the reverse; 9P2000.u carries the numbers as well (n_uid, n_gid).
 */
final class Attrs {
    private Attrs() { }

    private static final long NS = 1_000_000_000L;

    // ------------------------------------------------------------------ 9P2000.L

    /** Rgetattr for {@code d}: every basic field is valid (what Linux's getattr needs). */
    static Rgetattr getattr(Qid qid, Dir d) {
        return new Rgetattr(GETATTR_BASIC, qid, d.mode(), d.uid(), d.gid(), d.nlink(), d.rdev(), d.size(),
                d.blksize(), d.blocks(), sec(d.atime()), nsec(d.atime()), sec(d.mtime()), nsec(d.mtime()),
                sec(d.ctime()), nsec(d.ctime()), 0, 0, 0, 0);
    }

    /**
     * The wstat change a Tsetattr asks for. A time bit without its _SET bit means "now". A bare
     * SETATTR_CTIME (Linux sends it with chown and chmod) needs nothing: any change sets ctime.
     */
    static Dir setattr(Tsetattr t) {
        int v = t.valid();
        int mode = (v & SETATTR_MODE) != 0 ? t.mode() & Dir.PERMS : Dir.KEEP_INT;
        int uid = (v & SETATTR_UID) != 0 ? t.uid() : Dir.KEEP_INT;
        int gid = (v & SETATTR_GID) != 0 ? t.gid() : Dir.KEEP_INT;
        long size = (v & SETATTR_SIZE) != 0 ? t.size() : Dir.KEEP;
        if ((v & SETATTR_SIZE) != 0 && size < 0) throw new SysError(Errno.EINVAL, "negative size");
        long atime = (v & SETATTR_ATIME) == 0 ? Dir.KEEP
                : (v & SETATTR_ATIME_SET) != 0 ? time(t.atimeSec(), t.atimeNsec()) : Dir.NOW;
        long mtime = (v & SETATTR_MTIME) == 0 ? Dir.KEEP
                : (v & SETATTR_MTIME_SET) != 0 ? time(t.mtimeSec(), t.mtimeNsec()) : Dir.NOW;
        return Dir.change(mode, uid, gid, size, atime, mtime);
    }

    /** True when the change asks for nothing at all. */
    static boolean empty(Dir c) {
        return c.mode() == Dir.KEEP_INT && c.uid() == Dir.KEEP_INT && c.gid() == Dir.KEEP_INT && c.size() == Dir.KEEP
                && c.atime() == Dir.KEEP && c.mtime() == Dir.KEEP;
    }

    /** Nanoseconds since the epoch from a wire (sec, nsec) pair; EINVAL for what cannot be a time. */
    private static long time(long sec, long nsec) {
        if (nsec < 0 || nsec >= NS) throw new SysError(Errno.EINVAL, "nsec " + nsec);
        if (sec > Long.MAX_VALUE / NS - 1 || sec < Long.MIN_VALUE / NS + 2) throw new SysError(Errno.EINVAL, "time out of range");
        return sec * NS + nsec;
    }

    private static long sec(long ns) { return Math.floorDiv(ns, NS); }
    private static long nsec(long ns) { return Math.floorMod(ns, NS); }

    /** The qid of a directory entry: its type from d_type, its path the inode number. */
    static Qid qidOf(DirEntry e) {
        int type = switch (e.type()) {
            case Dir.DT_DIR -> Qid.QTDIR;
            case Dir.DT_LNK -> Qid.QTSYMLINK;
            default -> Qid.QTFILE;
        };
        return new Qid(type, 0, e.ino());
    }

    /** Rreaddir's record for {@code e}: offset is where the next Treaddir resumes. */
    static Dirent dirent(DirEntry e) {
        return new Dirent(qidOf(e), e.next(), e.type() & 0xFF, e.name());
    }

    static Rstatfs statfs(StatFs s) {
        return new Rstatfs((int) s.type(), (int) s.bsize(), s.blocks(), s.bfree(), s.bavail(), s.files(), s.ffree(),
                s.fsid(), (int) s.namelen());
    }

    // ------------------------------------------------------------------ 9P2000 and .u

    /**
     * stat(5) for a file named {@code name} with attributes {@code d}: permission bits plus DMDIR
     * (and in .u DMSYMLINK, DMDEVICE, DMNAMEDPIPE, DMSOCKET and the set-id bits); length 0 for
     * directories, as Plan 9 has it; {@code extension} is the .u extension (a symlink's target,
     * "c 4 1" for a device), "" otherwise.
     */
    static Stat stat(Dialect dialect, Qid qid, String name, Dir d, String extension) {
        boolean dotu = dialect == Dialect.P9P2000U;
        int mode = d.mode() & 0777;
        switch (d.type()) {
            case Dir.S_IFDIR -> mode |= DMDIR;
            case Dir.S_IFLNK -> mode |= dotu ? DMSYMLINK : 0;
            case Dir.S_IFCHR, Dir.S_IFBLK -> mode |= dotu ? DMDEVICE : 0;
            case Dir.S_IFIFO -> mode |= dotu ? DMNAMEDPIPE : 0;
            case Dir.S_IFSOCK -> mode |= dotu ? DMSOCKET : 0;
            default -> { }
        }
        if (dotu) {
            if ((d.mode() & Dir.S_ISUID) != 0) mode |= DMSETUID;
            if ((d.mode() & Dir.S_ISGID) != 0) mode |= DMSETGID;
            if ((d.mode() & Dir.S_ISVTX) != 0) mode |= DMSETVTX;
        }
        String uid = user(d.uid()), gid = user(d.gid());
        return new Stat(0, 0, qid, mode, (int) sec(d.atime()), (int) sec(d.mtime()), d.isDir() ? 0 : d.size(),
                name, uid, gid, uid, dotu ? extension : "", dotu ? d.uid() : NONUNAME, dotu ? d.gid() : NONUNAME,
                dotu ? d.uid() : NONUNAME);
    }

    /** The .u extension of a device file: "c MAJOR MINOR" or "b MAJOR MINOR". */
    static String deviceExtension(Dir d) {
        long major = (d.rdev() >>> 8) & 0xFFF | (d.rdev() >>> 32) & ~0xFFFL;
        long minor = d.rdev() & 0xFF | (d.rdev() >>> 12) & ~0xFFL;
        return (d.type() == Dir.S_IFBLK ? "b " : "c ") + major + " " + Long.toUnsignedString(minor & 0xFFFFFFFFL);
    }

    /** A user or group as Plan 9 names it. */
    static String user(int id) { return id == 0 ? "root" : Integer.toUnsignedString(id); }

    /** The number for a Plan 9 user or group name; EINVAL for a name that is neither "root" nor a number. */
    static int userId(String name) {
        if (name.equals("root")) return 0;
        try {
            long v = Long.parseLong(name);
            if (v >= 0 && v <= 0xFFFFFFFEL) return (int) v;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new SysError(Errno.EINVAL, "unknown user " + name);
    }

    /**
     * The wstat change a Twstat asks for, besides its name (which is a rename, the caller's) and
     * besides an all-"don't touch" stat (which asks for a sync). EPERM for a change of the file's
     * type (stat(5): "wstat can't convert between files and directories").
     */
    static Dir wstat(Dialect dialect, Stat s, Dir current) {
        int mode = Dir.KEEP_INT;
        if (s.mode() != -1) {
            boolean dir = (s.mode() & DMDIR) != 0;
            if (dir != current.isDir()) throw new SysError(Errno.EPERM, "wstat can't convert between files and directories");
            mode = s.mode() & 0777;
            if (dialect == Dialect.P9P2000U) {
                if ((s.mode() & DMSETUID) != 0) mode |= Dir.S_ISUID;
                if ((s.mode() & DMSETGID) != 0) mode |= Dir.S_ISGID;
                if ((s.mode() & DMSETVTX) != 0) mode |= Dir.S_ISVTX;
            } else {
                mode |= current.mode() & (Dir.S_ISUID | Dir.S_ISGID | Dir.S_ISVTX);
            }
        }
        int uid = s.nUid() != -1 ? s.nUid() : s.uid().isEmpty() ? Dir.KEEP_INT : userId(s.uid());
        int gid = s.nGid() != -1 ? s.nGid() : s.gid().isEmpty() ? Dir.KEEP_INT : userId(s.gid());
        long size = s.length() == -1L ? Dir.KEEP : s.length();
        if (size != Dir.KEEP && size < 0) throw new SysError(Errno.EINVAL, "negative length");
        if (size != Dir.KEEP && current.isDir()) {
            if (size != 0) throw new SysError(Errno.EISDIR);
            size = Dir.KEEP;                // Plan 9 allows setting a directory's length to 0: nothing
        }
        long atime = s.atime() == -1 ? Dir.KEEP : Integer.toUnsignedLong(s.atime()) * NS;
        long mtime = s.mtime() == -1 ? Dir.KEEP : Integer.toUnsignedLong(s.mtime()) * NS;
        return Dir.change(mode, uid, gid, size, atime, mtime);
    }

    /** True when a Twstat changes nothing at all: stat(5)'s request to sync the file. */
    static boolean dontTouch(Stat s) {
        return s.mode() == -1 && s.atime() == -1 && s.mtime() == -1 && s.length() == -1L && s.name().isEmpty()
                && s.uid().isEmpty() && s.gid().isEmpty() && s.muid().isEmpty() && s.nUid() == -1 && s.nGid() == -1;
    }
}
