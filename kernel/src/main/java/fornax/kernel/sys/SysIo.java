package fornax.kernel.sys;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Data transfer on file descriptors: read/write, their vector and positioned forms, lseek, ioctl.
 *
 * <p>Two kinds of file ({@link OpenFile}): streams (pipes, terminals) get one blocking read, or
 * writes until done; seekable files transfer at the description's offset, with the description's
 * lock held across the whole call so concurrent calls on one description are serialised and the
 * offset moves by exactly what was transferred (Linux's f_pos_lock). O_APPEND writes go to the end
 * atomically. pread/pwrite take an explicit position and leave the offset alone (ESPIPE on
 * streams). A fault in user memory after some bytes moved ends the call with that count; before
 * any, it is EFAULT. Descriptions are held (acquired) for the call, so a concurrent close cannot
 * release a file in use. RLIMIT_FSIZE cuts writes to regular files at the limit; a write that
 * starts at or past it is EFBIG and raises SIGXFSZ (Linux's generic_write_check_limits).
 */
final class SysIo {
    private SysIo() { }

    static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    static final int FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451;
    private static final int IOV_MAX = 1024;
    /** Largest single transfer, as Linux's MAX_RW_COUNT (INT_MAX rounded down to a page). */
    private static final long MAX_RW = 0x7FFFF000L;
    private static final int CHUNK = 64 * 1024;

    static void register(SyscallTable t) {
        t.supported(63, "read", (c, a) -> read(c, (int) a[0], new long[] {a[1], checkLen(a[2])}, -1));
        t.supported(64, "write", (c, a) -> write(c, (int) a[0], new long[] {a[1], checkLen(a[2])}, -1));
        t.supported(65, "readv", (c, a) -> read(c, (int) a[0], iovecs(c, a[1], a[2]), -1));
        t.supported(66, "writev", (c, a) -> write(c, (int) a[0], iovecs(c, a[1], a[2]), -1));
        t.supported(67, "pread64", (c, a) -> read(c, (int) a[0], new long[] {a[1], checkLen(a[2])}, position(a[3])));
        t.supported(68, "pwrite64", (c, a) -> write(c, (int) a[0], new long[] {a[1], checkLen(a[2])}, position(a[3])));
        t.supported(69, "preadv", (c, a) -> read(c, (int) a[0], iovecs(c, a[1], a[2]), position(a[3])));
        t.supported(70, "pwritev", (c, a) -> write(c, (int) a[0], iovecs(c, a[1], a[2]), position(a[3])));
        t.supported(62, "lseek", SysIo::lseek);
        t.partial(29, "ioctl", "the console terminal's ioctls (TCGETS/TCSETS*, TCGETS2/TCSETS2*, TIOCGWINSZ/"
                + "TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP, TIOCSCTTY/TIOCNOTTY, TIOCGSID, FIONREAD, TIOCOUTQ, TCFLSH, TCXONC, "
                + "TCSBRK, TIOCGETD), FIONREAD on pipes, FIOCLEX/FIONCLEX/FIONBIO; others ENOTTY", SysIo::ioctl);
    }

    static OpenFile.UserMemory user(SyscallContext c) {
        AddressSpace as = c.memory();
        return new OpenFile.UserMemory() {
            @Override public void copyIn(long va, byte[] dst, int off, int len) { as.copyIn(va, dst, off, len); }
            @Override public void copyOut(long va, byte[] src, int off, int len) { as.copyOut(va, src, off, len); }
        };
    }

    private static long checkLen(long len) {
        if (len < 0) throw new SysError(Errno.EINVAL);
        return Math.min(len, MAX_RW);
    }

    private static long position(long pos) {
        if (pos < 0) throw new SysError(Errno.EINVAL);
        return pos;
    }

    /** Reads an iovec array: pairs of (base, len); EINVAL for a negative length or a total past MAX_RW. */
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

    private static long total(long[] v) {
        long n = 0;
        for (int i = 1; i < v.length; i += 2) n += v[i];
        return n;
    }

    // ------------------------------------------------------------------ read

    /** read, readv, pread64, preadv: {@code pos} < 0 means at the description's offset. */
    private static long read(SyscallContext c, int fd, long[] v, long pos) {
        FileDescription d = c.process().fds().acquire(fd);
        try {
            OpenFile f = d.file();
            if (f instanceof ChanFile cf && !OpenFlags.readable(cf.flags())) throw new SysError(Errno.EBADF);
            if (!f.seekable()) {
                if (pos >= 0) throw new SysError(Errno.ESPIPE);
                return streamRead(c, f, v);
            }
            if (pos >= 0) {
                if (total(v) > Long.MAX_VALUE - pos) throw new SysError(Errno.EOVERFLOW);
                return readAt(c, f, v, pos);
            }
            synchronized (d) {
                long off = d.offset();
                long n = readAt(c, f, v, off);
                d.setOffset(off + n);
                return n;
            }
        } finally {
            d.release();
        }
    }

    /** One blocking read, scattered over the vectors (as a tty or pipe read behaves). */
    private static long streamRead(SyscallContext c, OpenFile f, long[] v) {
        long total = total(v);
        if (total == 0) return 0;
        byte[] buf = new byte[(int) Math.min(total, CHUNK)];
        int n = f.read(buf, 0, buf.length);
        int off = 0;
        for (int j = 0; j < v.length && off < n; j += 2) {
            int k = (int) Math.min(v[j + 1], n - off);
            try {
                c.memory().copyOut(v[j], buf, off, k);
            } catch (SysError e) {
                if (off > 0) return off;
                throw e;
            }
            off += k;
        }
        return n;
    }

    /** Reads the vectors in order from {@code pos} until they are full or the file ends. */
    private static long readAt(SyscallContext c, OpenFile f, long[] v, long pos) {
        long done = 0;
        byte[] buf = null;
        for (int i = 0; i < v.length; i += 2) {
            long va = v[i], len = v[i + 1], segDone = 0;
            while (segDone < len) {
                if (buf == null) buf = new byte[(int) Math.min(CHUNK, total(v))];
                int want = (int) Math.min(buf.length, len - segDone);
                int n = f.pread(pos + done, buf, 0, want);
                if (n <= 0) return done;
                try {
                    c.memory().copyOut(va + segDone, buf, 0, n);
                } catch (SysError e) {
                    if (done > 0) return done;
                    throw e;
                }
                done += n;
                segDone += n;
                if (n < want) return done;
            }
        }
        return done;
    }

    // ------------------------------------------------------------------ write

    /** write, writev, pwrite64, pwritev: {@code pos} < 0 means at the description's offset (or the end with O_APPEND). */
    private static long write(SyscallContext c, int fd, long[] v, long pos) {
        FileDescription d = c.process().fds().acquire(fd);
        try {
            OpenFile f = d.file();
            boolean append = (d.statusFlags() & OpenFlags.O_APPEND) != 0;
            if (f instanceof ChanFile cf && !OpenFlags.writable(cf.flags())) throw new SysError(Errno.EBADF);
            if (!f.seekable()) {
                if (pos >= 0) throw new SysError(Errno.ESPIPE);
                return writeAt(c, f, v, -1, false);
            }
            long limit = c.process().rlimit(fornax.kernel.proc.Process.RLIMIT_FSIZE)[0];
            if (pos >= 0) {
                if (total(v) > Long.MAX_VALUE - pos) throw new SysError(Errno.EOVERFLOW);
                v = withinFileSize(c, f, v, append ? -1 : pos, limit);
                return writeAt(c, f, v, pos, append);   // Linux appends even for pwrite on O_APPEND
            }
            synchronized (d) {
                if (append) {
                    long[] end = {d.offset()};
                    long n = writeAppend(c, f, withinFileSize(c, f, v, -1, limit), end);
                    d.setOffset(end[0]);
                    return n;
                }
                long off = d.offset();
                long n = writeAt(c, f, withinFileSize(c, f, v, off, limit), off, false);
                d.setOffset(off + n);
                return n;
            }
        } finally {
            d.release();
        }
    }

    /**
     * RLIMIT_FSIZE ({@code limit}, -1 for none) for a write of {@code v} at {@code pos} (-1: at the
     * end of the file) to {@code f}: the vectors cut to end at the limit, or SIGXFSZ and EFBIG if
     * the write starts at or past it. Only regular files have the limit; empty writes pass.
     */
    private static long[] withinFileSize(SyscallContext c, OpenFile f, long[] v, long pos, long limit) {
        if (limit == fornax.kernel.proc.Process.RLIM_INFINITY || total(v) == 0) return v;
        fornax.kernel.vfs.Stat st = f.stat();
        if ((st.mode() & 0170000) != 0100000) return v;
        long at = pos < 0 ? st.size() : pos;
        if (Long.compareUnsigned(at, limit) >= 0) {
            c.kernel().sendSignal(c.process(), fornax.kernel.proc.Signals.SIGXFSZ, c.process().pid());
            throw new SysError(Errno.EFBIG, "RLIMIT_FSIZE");
        }
        long room = limit - at;
        if (total(v) <= room) return v;
        long[] cut = v.clone();
        for (int i = 1; i < cut.length; i += 2) {
            cut[i] = Math.min(cut[i], room);
            room -= cut[i];
        }
        return cut;
    }

    /** RLIMIT_FSIZE for truncating a regular file to {@code size}: past the limit, SIGXFSZ and EFBIG. */
    static void checkFileSize(SyscallContext c, long size) {
        long limit = c.process().rlimit(fornax.kernel.proc.Process.RLIMIT_FSIZE)[0];
        if (limit != fornax.kernel.proc.Process.RLIM_INFINITY && Long.compareUnsigned(size, limit) > 0) {
            c.kernel().sendSignal(c.process(), fornax.kernel.proc.Signals.SIGXFSZ, c.process().pid());
            throw new SysError(Errno.EFBIG, "RLIMIT_FSIZE");
        }
    }

    /**
     * Writes the vectors in order: at {@code pos} (< 0: a stream), or at the end with
     * {@code append}. Stops at a short write.
     */
    private static long writeAt(SyscallContext c, OpenFile f, long[] v, long pos, boolean append) {
        if (append) return writeAppend(c, f, v, new long[1]);
        long done = 0;
        byte[] buf = null;
        for (int i = 0; i < v.length; i += 2) {
            long va = v[i], len = v[i + 1], segDone = 0;
            while (segDone < len) {
                if (buf == null) buf = new byte[(int) Math.min(CHUNK, total(v))];
                int n = (int) Math.min(buf.length, len - segDone);
                try {
                    c.memory().copyIn(va + segDone, buf, 0, n);
                } catch (SysError e) {
                    if (done > 0) return done;
                    throw e;
                }
                int w;
                try {
                    w = pos < 0 ? f.write(buf, 0, n) : f.pwrite(pos + done, buf, 0, n);
                } catch (SysError e) {
                    if (done == 0) throw e;   // EPIPE's SIGPIPE is sent by the dispatcher
                    if (e.errno() == Errno.EPIPE) brokenPipe(c);
                    return done;
                }
                done += w;
                segDone += w;
                if (w < n) {
                    // A stream write cut short because the readers went: SIGPIPE with the count, as Linux.
                    if (pos < 0 && (f.poll(OpenFile.POLLOUT) & OpenFile.POLLERR) != 0) brokenPipe(c);
                    return done;
                }
            }
        }
        return done;
    }

    private static void brokenPipe(SyscallContext c) {
        c.kernel().sendSignal(c.process(), fornax.kernel.proc.Signals.SIGPIPE, c.process().pid());
    }

    /** O_APPEND: each chunk goes to the end atomically; {@code end[0]} gets the offset after the last. */
    private static long writeAppend(SyscallContext c, OpenFile f, long[] v, long[] end) {
        long done = 0;
        byte[] buf = null;
        for (int i = 0; i < v.length; i += 2) {
            long va = v[i], len = v[i + 1], segDone = 0;
            while (segDone < len) {
                if (buf == null) buf = new byte[(int) Math.min(CHUNK, total(v))];
                int n = (int) Math.min(buf.length, len - segDone);
                try {
                    c.memory().copyIn(va + segDone, buf, 0, n);
                    end[0] = f.append(buf, 0, n);
                } catch (SysError e) {
                    if (done > 0) return done;
                    throw e;
                }
                done += n;
                segDone += n;
            }
        }
        return done;
    }

    // ------------------------------------------------------------------ lseek, ioctl

    private static long lseek(SyscallContext c, long[] a) {
        long off = a[1];
        int whence = (int) a[2];
        FileDescription d = c.process().fds().acquire((int) a[0]);
        try {
            OpenFile f = d.file();
            if (f instanceof ChanFile cf && cf.pathOnly()) throw new SysError(Errno.EBADF);
            if (!f.seekable()) throw new SysError(Errno.ESPIPE);
            synchronized (d) {
                long pos;
                switch (whence) {
                    case SEEK_SET -> pos = off;
                    case SEEK_CUR -> pos = Math.addExact(d.offset(), off);
                    case SEEK_END, SEEK_DATA, SEEK_HOLE -> {
                        var st = f.stat();
                        if ((st.mode() & 0170000) == 0040000) throw new SysError(Errno.EINVAL);
                        long size = st.size();
                        if (whence == SEEK_END) pos = Math.addExact(size, off);
                        else if (off < 0 || off >= size) throw new SysError(Errno.ENXIO);
                        else pos = whence == SEEK_DATA ? off : size;
                    }
                    default -> throw new SysError(Errno.EINVAL);
                }
                if (pos < 0) throw new SysError(Errno.EINVAL);
                d.setOffset(pos);
                return pos;
            }
        } catch (ArithmeticException e) {
            throw new SysError(Errno.EOVERFLOW);
        } finally {
            d.release();
        }
    }

    private static long ioctl(SyscallContext c, long[] a) {
        int fd = (int) a[0], request = (int) a[1];
        switch (request) {   // the generic ones Linux answers above the driver
            case FIOCLEX, FIONCLEX -> {
                c.process().fds().setCloseOnExec(fd, request == FIOCLEX);
                return 0;
            }
            case FIONBIO -> {
                byte[] raw = new byte[4];
                FileDescription d = c.process().fds().acquire(fd);
                try {
                    c.memory().copyIn(a[2], raw, 0, 4);
                    boolean on = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt() != 0;
                    int flags = d.statusFlags();
                    d.setStatusFlags(on ? flags | OpenFlags.O_NONBLOCK : flags & ~OpenFlags.O_NONBLOCK);
                    return 0;
                } finally {
                    d.release();
                }
            }
            default -> { }
        }
        FileDescription d = c.process().fds().acquire(fd);
        try {
            if (d.file() instanceof ChanFile cf && cf.pathOnly()) throw new SysError(Errno.EBADF);
            return d.file().ioctl(request, a[2], user(c));
        } finally {
            d.release();
        }
    }
}
