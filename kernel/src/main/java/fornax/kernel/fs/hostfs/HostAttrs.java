package fornax.kernel.fs.hostfs;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Host attributes as guest {@link Dir}s: one lstat (never following a link) per call, through
 * nio's "unix" view where the JVM has it (Linux, macOS): the host's mode with its type bits,
 * inode, link count, device numbers and the three times. Without that view the "posix" view
 * gives type and permission bits only, and inode numbers come from the table below.
 *
 * <p>Inode numbers (which are also qid paths): the host inode for files on the host file system
 * the served folder lives on; for files on other host file systems mounted inside it (whose
 * inodes could collide with the first one's), numbers handed out from a table keyed by
 * (host device, host inode), from 2^62 up, stable for the server's life. Owners are always 0:0.
 *
 * <p>Thread-safe: the table is a concurrent map and the rest is immutable.
 */
final class HostAttrs {
    private static final long SYNTHETIC = 1L << 62;
    private static final String UNIX = "unix:mode,dev,ino,rdev,nlink,size,lastAccessTime,lastModifiedTime,ctime";

    private final long dev;
    private final boolean unix;
    private final long rootHostDev;
    private final Consumer<String> log;
    private final ConcurrentHashMap<Object, Long> synthetic = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(SYNTHETIC);

    HostAttrs(Path root, long dev, Consumer<String> log) {
        this.dev = dev;
        this.log = log;
        boolean u = root.getFileSystem().supportedFileAttributeViews().contains("unix");
        long rd = 0;
        if (u) {
            try {
                rd = (Long) Files.getAttribute(root, "unix:dev", NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                u = false;
            }
        }
        this.unix = u;
        this.rootHostDev = rd;
    }

    /** lstat of {@code p} as a Dir; ENOENT and the other host errors as errnos. */
    Dir stat(Path p) {
        try {
            return unix ? unixStat(p) : posixStat(p);
        } catch (IOException e) {
            throw HostErrors.map(e, "stat " + p, log);
        }
    }

    /** {@link #stat}, or null when there is no such file. */
    Dir statOrNull(Path p) {
        try {
            return unix ? unixStat(p) : posixStat(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw HostErrors.map(e, "stat " + p, log);
        }
    }

    private Dir unixStat(Path p) throws IOException {
        Map<String, Object> m = Files.readAttributes(p, UNIX, NOFOLLOW_LINKS);
        int mode = (Integer) m.get("mode");
        long hostDev = (Long) m.get("dev"), ino = (Long) m.get("ino");
        long size = (Long) m.get("size");
        long qpath = hostDev == rootHostDev ? ino : synthetic.computeIfAbsent(List.of(hostDev, ino), k -> next.getAndIncrement());
        return new Dir(mode, 0, 0, size, (Integer) m.get("nlink"), nanos(m.get("lastAccessTime")),
                nanos(m.get("lastModifiedTime")), nanos(m.get("ctime")), (Long) m.get("rdev"), qpath, dev,
                (size + 511) / 512, 4096);
    }

    private Dir posixStat(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW_LINKS);
        int type = a.isDirectory() ? Dir.S_IFDIR : a.isSymbolicLink() ? Dir.S_IFLNK : a.isRegularFile() ? Dir.S_IFREG
                : Dir.S_IFIFO;   // "other": the nearest thing the guest can be told, and never opened
        int perms = 0;
        for (PosixFilePermission bit : a.permissions()) perms |= 0400 >> bit.ordinal();
        Object key = a.fileKey() != null ? a.fileKey() : p;
        long qpath = synthetic.computeIfAbsent(key, k -> next.getAndIncrement());
        long size = a.size();
        long mtime = nanos(a.lastModifiedTime());
        return new Dir(type | perms, 0, 0, size, a.isDirectory() ? 2 : 1, nanos(a.lastAccessTime()), mtime, mtime, 0,
                qpath, dev, (size + 511) / 512, 4096);
    }

    private static long nanos(Object t) {
        if (!(t instanceof FileTime f)) throw new SysError(Errno.EIO, "host gave no time");
        return f.to(TimeUnit.NANOSECONDS);
    }
}
