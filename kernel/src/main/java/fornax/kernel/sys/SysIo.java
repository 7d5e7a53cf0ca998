package fornax.kernel.sys;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.vfs.OpenFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** I/O syscalls on file descriptors: read/write and their vector forms, ioctl, fstat, close. */
final class SysIo {
    private SysIo() { }

    private static final int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int IOV_MAX = 1024;
    /** Largest single transfer, as Linux's MAX_RW_COUNT (INT_MAX rounded down to a page). */
    private static final long MAX_RW = 0x7FFFF000L;
    private static final int CHUNK = 64 * 1024;

    static void register(SyscallTable t) {
        t.supported(63, "read", SysIo::read);
        t.supported(64, "write", SysIo::write);
        t.supported(65, "readv", SysIo::readv);
        t.supported(66, "writev", SysIo::writev);
        t.partial(29, "ioctl", "terminal ioctls on the console (TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ); "
                + "others ENOTTY", SysIo::ioctl);
        t.supported(80, "fstat", SysIo::fstat);
        t.partial(79, "newfstatat", "AT_EMPTY_PATH on an open descriptor; paths need the VFS (ENOENT)",
                SysIo::newfstatat);
        t.supported(57, "close", SysIo::close);
        t.partial(78, "readlinkat", "/proc/self/exe only until procfs lands", SysIo::readlinkat);
        t.partial(17, "getcwd", "the working directory is fixed at exec for now", SysIo::getcwd);
    }

    private static OpenFile.UserMemory user(SyscallContext c) {
        AddressSpace as = c.memory();
        return new OpenFile.UserMemory() {
            @Override public void copyIn(long va, byte[] dst, int off, int len) { as.copyIn(va, dst, off, len); }
            @Override public void copyOut(long va, byte[] src, int off, int len) { as.copyOut(va, src, off, len); }
        };
    }

    private static long read(SyscallContext c, long[] a) {
        OpenFile f = c.process().file((int) a[0]);
        long len = Math.min(a[2], MAX_RW);
        if (len < 0) throw new SysError(Errno.EINVAL);
        if (len == 0) return 0;
        byte[] buf = new byte[(int) Math.min(len, CHUNK)];
        int n = f.read(buf, 0, buf.length);
        if (n > 0) c.memory().copyOut(a[1], buf, 0, n);
        return n;
    }

    private static long write(SyscallContext c, long[] a) {
        OpenFile f = c.process().file((int) a[0]);
        long len = a[2];
        if (len < 0) throw new SysError(Errno.EINVAL);
        return writeFrom(c, f, a[1], Math.min(len, MAX_RW));
    }

    /** Writes user bytes [va, va+len) to {@code f} in chunks; a fault after progress returns the count. */
    private static long writeFrom(SyscallContext c, OpenFile f, long va, long len) {
        long done = 0;
        byte[] buf = new byte[(int) Math.min(Math.max(len, 1), CHUNK)];
        while (done < len) {
            int n = (int) Math.min(buf.length, len - done);
            try {
                c.memory().copyIn(va + done, buf, 0, n);
            } catch (SysError e) {
                if (done > 0) return done;
                throw e;
            }
            int w = f.write(buf, 0, n);
            done += w;
            if (w < n) break;
        }
        return done;
    }

    /** Reads an iovec array: pairs of (base, len). */
    private static long[] iovecs(SyscallContext c, long iov, long count) {
        if (count < 0 || count > IOV_MAX) throw new SysError(Errno.EINVAL);
        byte[] raw = new byte[(int) count * 16];
        c.memory().copyIn(iov, raw, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[(int) count * 2];
        long total = 0;
        for (int i = 0; i < v.length; i++) v[i] = b.getLong();
        for (int i = 1; i < v.length; i += 2) {
            if (v[i] < 0) throw new SysError(Errno.EINVAL);
            total += v[i];
            if (total < 0 || total > MAX_RW) throw new SysError(Errno.EINVAL);
        }
        return v;
    }

    private static long writev(SyscallContext c, long[] a) {
        OpenFile f = c.process().file((int) a[0]);
        long[] v = iovecs(c, a[1], a[2]);
        long done = 0;
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] == 0) continue;
            long n;
            try {
                n = writeFrom(c, f, v[i], v[i + 1]);
            } catch (SysError e) {
                if (done > 0) return done;
                throw e;
            }
            done += n;
            if (n < v[i + 1]) break;
        }
        return done;
    }

    private static long readv(SyscallContext c, long[] a) {
        OpenFile f = c.process().file((int) a[0]);
        long[] v = iovecs(c, a[1], a[2]);
        for (int i = 0; i < v.length; i += 2) {
            if (v[i + 1] == 0) continue;
            // One blocking read, scattered across the vectors, as a tty read behaves.
            long total = 0;
            for (int j = i + 1; j < v.length; j += 2) total += v[j];
            byte[] buf = new byte[(int) Math.min(total, CHUNK)];
            int n = f.read(buf, 0, buf.length);
            int off = 0;
            for (int j = i; j < v.length && off < n; j += 2) {
                int k = (int) Math.min(v[j + 1], n - off);
                c.memory().copyOut(v[j], buf, off, k);
                off += k;
            }
            return n;
        }
        return 0;
    }

    private static long ioctl(SyscallContext c, long[] a) {
        return c.process().file((int) a[0]).ioctl((int) a[1], a[2], user(c));
    }

    private static long fstat(SyscallContext c, long[] a) {
        byte[] st = c.process().file((int) a[0]).stat().encode();
        c.memory().copyOut(a[1], st, 0, st.length);
        return 0;
    }

    private static long newfstatat(SyscallContext c, long[] a) {
        int dirfd = (int) a[0], flags = (int) a[3];
        if ((flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | 0x800 /* AT_NO_AUTOMOUNT */)) != 0)
            throw new SysError(Errno.EINVAL);
        String path = c.memory().readString(a[1], 4096);
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) throw new SysError(Errno.ENOENT);
            if (dirfd == AT_FDCWD) throw new SysError(Errno.ENOENT, "no file system yet");
            return fstat(c, new long[] {dirfd, a[2]});
        }
        throw new SysError(Errno.ENOENT, "no file system yet");
    }

    private static long close(SyscallContext c, long[] a) {
        c.process().close((int) a[0]);
        return 0;
    }

    private static long readlinkat(SyscallContext c, long[] a) {
        String path = c.memory().readString(a[1], 4096);
        long size = a[3];
        if (size <= 0) throw new SysError(Errno.EINVAL);
        if (!path.equals("/proc/self/exe")) throw new SysError(Errno.ENOENT);
        byte[] target = c.process().exePath().getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(size, target.length);
        c.memory().copyOut(a[2], target, 0, n);
        return n;
    }

    private static long getcwd(SyscallContext c, long[] a) {
        byte[] cwd = (c.process().cwd() + "\0").getBytes(StandardCharsets.UTF_8);
        if (a[1] < cwd.length) throw new SysError(Errno.ERANGE);
        c.memory().copyOut(a[0], cwd, 0, cwd.length);
        return cwd.length;
    }
}
