package fornax.kernel.fs.pipe;

import fornax.kernel.mm.PageSource;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The pipe device (Plan 9's #|, Linux's pipefs): every {@link #attach()} makes a new {@link Pipe}
 * and returns its directory, which holds one file, {@code data}, the pipe itself. pipe2(2) is
 * attach, walk to data, then open it twice: once for reading, once for writing. Opens count the
 * pipe's readers and writers (O_RDWR counts as both, as for a FIFO) and clunks of opened fids
 * uncount them, which is how end of file and EPIPE happen.
 *
 * <pre>
 *   attach ─► dir fid (qid path 2k, QTDIR) ──walk "data"──► data fid (qid path 2k+1, S_IFIFO)
 *                                                            open O_RDONLY → reader
 *                                                            open O_WRONLY → writer
 * </pre>
 *
 * Both descriptors of a pipe are the same inode (fstat shows one st_ino), as on Linux. Stream
 * files: no positions; read and write block per {@link Pipe}, honouring the fid's O_NONBLOCK.
 * FIONREAD answers the bytes waiting. Nothing can be created or removed here (EPERM).
 *
 * <p>Locking: none of its own beyond the atomic inode counter; each pipe's lock guards it.
 */
public final class PipeFs implements FileServer {
    public static final int FIONREAD = 0x541B;

    private final long dev;
    private final LongSupplier clock;
    private final PageSource pages;
    private final AtomicLong nextPipe = new AtomicLong(1);

    private final class PipeFid extends Fid {
        final Pipe pipe;
        final boolean dir;
        PipeFid(Pipe pipe, boolean dir) {
            super(PipeFs.this);
            this.pipe = pipe;
            this.dir = dir;
        }
        @Override public Qid qid() { return dir ? new Qid(Qid.QTDIR, 0, pipe.ino - 1) : new Qid(Qid.QTFILE, 0, pipe.ino); }
    }

    /** Pipes whose buffers are pages from {@code pages} (the machine's frames in a running kernel). */
    public PipeFs(long dev, LongSupplier clock, PageSource pages) {
        this.dev = dev;
        this.clock = clock;
        this.pages = pages;
    }

    /** Pipes with buffers on the Java heap (at most 64 MiB in all), for tests without a machine. */
    public PipeFs(long dev, LongSupplier clock) { this(dev, clock, PageSource.heap(16384)); }

    private PipeFid own(Fid f) {
        if (f instanceof PipeFid p && p.server() == this) return p;
        throw new SysError(Errno.EBADF, "not a pipe fid");
    }

    private static Pipe data(PipeFid f) {
        if (f.dir) throw new SysError(Errno.EISDIR);
        return f.pipe;
    }

    @Override public Fid attach() { return new PipeFid(new Pipe(2 * nextPipe.getAndIncrement() + 1, clock.getAsLong(), pages), true); }

    @Override public Fid clone(Fid fid) {
        PipeFid f = own(fid);
        f.checkWalked();
        return new PipeFid(f.pipe, f.dir);
    }

    @Override public Fid walk(Fid dir, String name) {
        PipeFid f = own(dir);
        f.checkWalked();
        if (!f.dir) throw new SysError(Errno.ENOTDIR);
        return switch (name) {
            case ".", ".." -> new PipeFid(f.pipe, true);
            case "data" -> new PipeFid(f.pipe, false);
            default -> throw new SysError(Errno.ENOENT);
        };
    }

    @Override public void open(Fid fid, int flags) {
        PipeFid f = own(fid);
        f.checkWalked();
        if (f.dir) {
            if (OpenFlags.writable(flags)) throw new SysError(Errno.EISDIR);
            f.opened(flags, false);
            return;
        }
        f.pipe.open(OpenFlags.readable(flags), OpenFlags.writable(flags));
        f.opened(flags, true);
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        PipeFid f = own(fid);
        f.checkReadable();
        return data(f).read(buf, off, len, f.nonBlocking());
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        PipeFid f = own(fid);
        f.checkWritable();
        return data(f).write(buf, off, len, f.nonBlocking(), clock.getAsLong());
    }

    /** The pipe's readiness for this end (O_RDWR: both ends), as Linux's pipe_poll. */
    @Override public int poll(Fid fid, int events) {
        PipeFid f = own(fid);
        f.checkOpen();
        if (f.dir) return events & OpenFile.POLLIN;
        return f.pipe.poll(OpenFlags.readable(f.flags()), OpenFlags.writable(f.flags()), events);
    }

    @Override public boolean watch(Fid fid, Thread waiter) {
        PipeFid f = own(fid);
        if (f.dir) return false;
        f.pipe.watch(waiter, true);
        return true;
    }

    @Override public void unwatch(Fid fid, Thread waiter) {
        PipeFid f = own(fid);
        if (!f.dir) f.pipe.watch(waiter, false);
    }

    @Override public long ioctl(Fid fid, int request, long arg, OpenFile.UserMemory user) {
        PipeFid f = own(fid);
        f.checkOpen();
        if (request != FIONREAD || f.dir) throw new SysError(Errno.ENOTTY);
        byte[] n = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(f.pipe.available()).array();
        user.copyOut(arg, n, 0, 4);
        return 0;
    }

    @Override public void clunk(Fid fid) {
        PipeFid f = own(fid);
        int flags = f.flags();
        if (f.clunked() == Fid.State.OPEN && !f.dir) f.pipe.close(OpenFlags.readable(flags), OpenFlags.writable(flags));
    }

    @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM);
    }

    @Override public void remove(Fid dir, String name, boolean directory) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM);
    }

    @Override public List<DirEntry> readdir(Fid fid, long offset, int max) {
        PipeFid f = own(fid);
        f.checkOpen();
        if (!f.dir) throw new SysError(Errno.ENOTDIR);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        List<DirEntry> out = new ArrayList<>();
        long dirIno = f.pipe.ino - 1;
        for (long o = offset; o < 3 && out.size() < max; o++) {
            out.add(switch ((int) o) {
                case 0 -> new DirEntry(".", dirIno, Dir.DT_DIR, 1);
                case 1 -> new DirEntry("..", dirIno, Dir.DT_DIR, 2);
                default -> new DirEntry("data", f.pipe.ino, Dir.DT_FIFO, 3);
            });
        }
        return out;
    }

    @Override public Dir stat(Fid fid) {
        PipeFid f = own(fid);
        f.checkLive();
        Pipe p = f.pipe;
        p.lock.lock();
        try {
            if (f.dir) return new Dir(Dir.S_IFDIR | 0500, p.uid, p.gid, 0, 2, p.ctime, p.ctime, p.ctime, 0, p.ino - 1, dev, 0, 4096);
            return new Dir(p.mode, p.uid, p.gid, 0, 1, p.atime, p.mtime, p.ctime, 0, p.ino, dev, 0, 4096);
        } finally {
            p.lock.unlock();
        }
    }

    @Override public void wstat(Fid fid, Dir c) {
        PipeFid f = own(fid);
        f.checkLive();
        if (c.size() != Dir.KEEP) throw new SysError(Errno.EINVAL);
        Pipe p = f.pipe;
        long now = clock.getAsLong();
        p.lock.lock();
        try {
            if (f.dir) throw new SysError(Errno.EPERM);
            boolean changed = false;
            if (c.mode() != Dir.KEEP_INT) { p.mode = Dir.S_IFIFO | (c.mode() & Dir.PERMS); changed = true; }
            if (c.uid() != Dir.KEEP_INT) { p.uid = c.uid(); changed = true; }
            if (c.gid() != Dir.KEEP_INT) { p.gid = c.gid(); changed = true; }
            if (c.atime() != Dir.KEEP) { p.atime = c.atime() == Dir.NOW ? now : c.atime(); changed = true; }
            if (c.mtime() != Dir.KEEP) { p.mtime = c.mtime() == Dir.NOW ? now : c.mtime(); changed = true; }
            if (changed) p.ctime = now;
        } finally {
            p.lock.unlock();
        }
    }

    @Override public StatFs statfs() {
        return new StatFs(StatFs.PIPEFS_MAGIC, 4096, 0, 0, 0, 0, 0, dev, 255, 4096, StatFs.ST_VALID);
    }
}
