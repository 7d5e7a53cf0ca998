package fornax.kernel.fs.devfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.Stat;
import fornax.kernel.vfs.StatFs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * The device server mounted on /dev (Linux's devtmpfs, Plan 9's #c and friends): one flat directory
 * of character devices from one explicit table, {@link #DEVICES}. What each device does is a
 * {@link Device}; this class only serves the directory, attributes and fids.
 *
 * <pre>
 *   name     mode        major,minor  behaviour
 *   null     crw-rw-rw-  1,3          reads end of file, writes vanish
 *   zero     crw-rw-rw-  1,5          reads zeros, writes vanish
 *   full     crw-rw-rw-  1,7          reads zeros, writes ENOSPC
 *   random   crw-rw-rw-  1,8          reads from the kernel's random source (virtio-rng)
 *   urandom  crw-rw-rw-  1,9          the same
 *   tty      crw-rw-rw-  5,0          the caller's controlling terminal (ENXIO if it has none)
 *   console  crw--w----  5,1          the console
 * </pre>
 *
 * The table is fixed: creating, removing, renaming or linking entries is EPERM. chmod, chown and
 * utimensat work and are remembered until the server goes away. Qid paths: 1 for the directory,
 * 2 + index for the devices.
 *
 * <p>Locking: {@code this} guards the per-entry attributes; device I/O runs without it (the
 * console has its own locks; random sources are thread-safe).
 */
public final class DevFs implements FileServer {
    /** What a device file does; positions are ignored by these devices. */
    public interface Device {
        default void open(int flags) { }
        default int read(byte[] buf, int off, int len) { return 0; }
        default int write(byte[] buf, int off, int len) { return len; }
        /** A read through an open file with O_NONBLOCK as given (devices that can block honour it). */
        default int read(byte[] buf, int off, int len, boolean nonBlocking) { return read(buf, off, len); }
        /** A write through an open file with O_NONBLOCK as given. */
        default int write(byte[] buf, int off, int len, boolean nonBlocking) { return write(buf, off, len); }
        default long ioctl(int request, long arg, OpenFile.UserMemory user) { throw new SysError(Errno.ENOTTY); }
        /** poll readiness (see {@link OpenFile#poll}); devices that never block are always ready. */
        default int poll(int events) { return events & (OpenFile.POLLIN | OpenFile.POLLOUT); }
        /** ppoll waits: true if the device unparks {@code waiter} on readiness changes (see {@link OpenFile#watch}). */
        default boolean watch(Thread waiter) { return false; }
        default void unwatch(Thread waiter) { }
        /** True for a terminal-like device: no positions (lseek, pread are ESPIPE). */
        default boolean stream() { return false; }
    }

    /** One row of the device table. */
    private record Entry(String name, int mode, int major, int minor) { }

    /** The device table: names, modes and numbers as Linux has them. */
    private static final List<Entry> DEVICES = List.of(
            new Entry("null", Dir.S_IFCHR | 0666, 1, 3),
            new Entry("zero", Dir.S_IFCHR | 0666, 1, 5),
            new Entry("full", Dir.S_IFCHR | 0666, 1, 7),
            new Entry("random", Dir.S_IFCHR | 0666, 1, 8),
            new Entry("urandom", Dir.S_IFCHR | 0666, 1, 9),
            new Entry("tty", Dir.S_IFCHR | 0666, 5, 0),
            new Entry("console", Dir.S_IFCHR | 0620, 5, 1));

    private static final long ROOT_PATH = 1;
    private final long dev;
    private final LongSupplier clock;
    private final Device[] devices;
    // guarded by this; index 0 is the directory, i + 1 device i
    private final int[] mode, uid, gid;
    private final long[] atime, mtime, ctime;

    private final class DevFid extends Fid {
        final int index;   // 0: the directory; i + 1: device i
        DevFid(int index) { super(DevFs.this); this.index = index; }
        @Override public Qid qid() {
            return new Qid(index == 0 ? Qid.QTDIR : Qid.QTFILE, 0, ROOT_PATH + index);
        }
    }

    /**
     * A device server whose console is {@code console}, an open file with no terminal behind it
     * (the host side is a pipe or file): /dev/console reads and writes it; with {@code terminal}
     * false opening /dev/tty is ENXIO (no controlling terminal), with true it is the console too.
     *
     * @param dev      st_dev of every file here
     * @param clock    current time, ns since the epoch
     * @param random   the kernel's random source, for random and urandom
     * @param console  the console device (its reads, writes and ioctls)
     * @param terminal whether /dev/tty opens (to the same console)
     */
    public DevFs(long dev, LongSupplier clock, Random random, OpenFile console, boolean terminal) {
        this(dev, clock, random, fileDevice(console, false), fileDevice(console, !terminal));
    }

    /** A console device over an open file that is not a terminal (for other servers of the console). */
    public static Device fileDevice(OpenFile console) { return fileDevice(console, false); }

    /** A console device over an open file; opening it is ENXIO with {@code absent}. */
    private static Device fileDevice(OpenFile console, boolean absent) {
        return new Device() {
            @Override public void open(int flags) { if (absent) throw new SysError(Errno.ENXIO); }
            @Override public int read(byte[] buf, int off, int len) { return console.read(buf, off, len); }
            @Override public int write(byte[] buf, int off, int len) { return console.write(buf, off, len); }
            @Override public long ioctl(int request, long arg, OpenFile.UserMemory user) {
                return console.ioctl(request, arg, user);
            }
            @Override public int poll(int events) { return console.poll(events); }
            @Override public boolean stream() { return true; }
        };
    }

    /**
     * A device server with terminal devices of its own: {@code console} behind /dev/console and
     * {@code tty} behind /dev/tty (which checks, on open, that it is the caller's controlling
     * terminal).
     *
     * @param dev      st_dev of every file here
     * @param clock    current time, ns since the epoch
     * @param random   the kernel's random source, for random and urandom
     */
    public DevFs(long dev, LongSupplier clock, Random random, Device console, Device tty) {
        this.dev = dev;
        this.clock = clock;
        Device nul = new Device() { };
        Device zero = new Device() {
            @Override public int read(byte[] buf, int off, int len) {
                Arrays.fill(buf, off, off + len, (byte) 0);
                return len;
            }
        };
        Device full = new Device() {
            @Override public int read(byte[] buf, int off, int len) { return zero.read(buf, off, len); }
            @Override public int write(byte[] buf, int off, int len) { throw new SysError(Errno.ENOSPC); }
        };
        Device rnd = new Device() {
            @Override public int read(byte[] buf, int off, int len) {
                byte[] b = new byte[len];
                random.nextBytes(b);
                System.arraycopy(b, 0, buf, off, len);
                return len;
            }
        };
        this.devices = new Device[] {nul, zero, full, rnd, rnd, tty, console};
        int n = DEVICES.size() + 1;
        mode = new int[n];
        uid = new int[n];
        gid = new int[n];
        atime = new long[n];
        mtime = new long[n];
        ctime = new long[n];
        resetAttributes();
    }

    /**
     * A new server over the same devices with attributes of its own, as at boot (a container's
     * /dev: a chmod there is not seen by the host's /dev, and the reverse). Same st_dev.
     */
    public DevFs fresh() { return new DevFs(this); }

    private DevFs(DevFs o) {
        this.dev = o.dev;
        this.clock = o.clock;
        this.devices = o.devices;
        int n = DEVICES.size() + 1;
        mode = new int[n];
        uid = new int[n];
        gid = new int[n];
        atime = new long[n];
        mtime = new long[n];
        ctime = new long[n];
        resetAttributes();
    }

    /** Boot-time modes, owners and times (constructors only). */
    private void resetAttributes() {
        long now = clock.getAsLong();
        mode[0] = Dir.S_IFDIR | 0755;
        for (int i = 0; i < DEVICES.size(); i++) {
            mode[i + 1] = DEVICES.get(i).mode();
            if (DEVICES.get(i).name().equals("tty") || DEVICES.get(i).name().equals("console")) gid[i + 1] = 5;
        }
        Arrays.fill(atime, now);
        Arrays.fill(mtime, now);
        Arrays.fill(ctime, now);
    }

    private DevFid own(Fid f) {
        if (f instanceof DevFid d && d.server() == this) return d;
        throw new SysError(Errno.EBADF, "not a devfs fid");
    }

    private Device device(DevFid f) {
        if (f.index == 0) throw new SysError(Errno.EISDIR);
        return devices[f.index - 1];
    }

    @Override public Fid attach() { return new DevFid(0); }

    @Override public Fid clone(Fid fid) {
        DevFid f = own(fid);
        f.checkWalked();
        return new DevFid(f.index);
    }

    @Override public Fid walk(Fid dir, String name) {
        DevFid f = own(dir);
        f.checkWalked();
        if (f.index != 0) throw new SysError(Errno.ENOTDIR);
        if (name.equals(".") || name.equals("..")) return new DevFid(0);
        for (int i = 0; i < DEVICES.size(); i++) if (DEVICES.get(i).name().equals(name)) return new DevFid(i + 1);
        throw new SysError(Errno.ENOENT);
    }

    @Override public void open(Fid fid, int flags) {
        DevFid f = own(fid);
        f.checkWalked();
        if (f.index == 0) {
            if (OpenFlags.writable(flags)) throw new SysError(Errno.EISDIR);
            f.opened(flags, false);
            return;
        }
        Device d = device(f);
        d.open(flags);
        f.opened(flags, d.stream());
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        DevFid f = own(fid);
        f.checkReadable();
        return device(f).read(buf, off, len, f.nonBlocking());
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        DevFid f = own(fid);
        f.checkWritable();
        return device(f).write(buf, off, len, f.nonBlocking());
    }

    @Override public int poll(Fid fid, int events) {
        DevFid f = own(fid);
        f.checkOpen();
        if (f.index == 0) return FileServer.super.poll(fid, events);
        return device(f).poll(events);
    }

    @Override public boolean watch(Fid fid, Thread waiter) {
        DevFid f = own(fid);
        return f.index != 0 && device(f).watch(waiter);
    }

    @Override public void unwatch(Fid fid, Thread waiter) {
        DevFid f = own(fid);
        if (f.index != 0) device(f).unwatch(waiter);
    }

    @Override public long ioctl(Fid fid, int request, long arg, OpenFile.UserMemory user) {
        DevFid f = own(fid);
        f.checkOpen();
        return device(f).ioctl(request, arg, user);
    }

    @Override public void clunk(Fid fid) { own(fid).clunked(); }

    @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM, "the device table is fixed");
    }

    @Override public void remove(Fid dir, String name, boolean directory) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM, "the device table is fixed");
    }

    @Override public List<DirEntry> readdir(Fid fid, long offset, int max) {
        DevFid f = own(fid);
        f.checkOpen();
        if (f.index != 0) throw new SysError(Errno.ENOTDIR);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        List<DirEntry> out = new ArrayList<>();
        for (long o = offset; o < DEVICES.size() + 2 && out.size() < max; o++) {
            if (o == 0) out.add(new DirEntry(".", ROOT_PATH, Dir.DT_DIR, 1));
            else if (o == 1) out.add(new DirEntry("..", ROOT_PATH, Dir.DT_DIR, 2));
            else {
                int i = (int) o - 2;
                out.add(new DirEntry(DEVICES.get(i).name(), ROOT_PATH + 1 + i, Dir.DT_CHR, o + 1));
            }
        }
        return out;
    }

    @Override public synchronized Dir stat(Fid fid) {
        DevFid f = own(fid);
        f.checkLive();
        int i = f.index;
        long rdev = i == 0 ? 0 : Stat.makedev(DEVICES.get(i - 1).major(), DEVICES.get(i - 1).minor());
        return new Dir(mode[i], uid[i], gid[i], 0, i == 0 ? 2 : 1, atime[i], mtime[i], ctime[i], rdev, ROOT_PATH + i,
                dev, 0, 4096);
    }

    @Override public synchronized void wstat(Fid fid, Dir c) {
        DevFid f = own(fid);
        f.checkLive();
        int i = f.index;
        if (c.size() != Dir.KEEP) throw new SysError(i == 0 ? Errno.EISDIR : Errno.EINVAL);
        long now = clock.getAsLong();
        boolean changed = false;
        if (c.mode() != Dir.KEEP_INT) { mode[i] = (mode[i] & Dir.S_IFMT) | (c.mode() & Dir.PERMS); changed = true; }
        if (c.uid() != Dir.KEEP_INT) { uid[i] = c.uid(); changed = true; }
        if (c.gid() != Dir.KEEP_INT) { gid[i] = c.gid(); changed = true; }
        if (c.atime() != Dir.KEEP) { atime[i] = c.atime() == Dir.NOW ? now : c.atime(); changed = true; }
        if (c.mtime() != Dir.KEEP) { mtime[i] = c.mtime() == Dir.NOW ? now : c.mtime(); changed = true; }
        if (changed) ctime[i] = now;
    }

    @Override public StatFs statfs() {
        return new StatFs(StatFs.TMPFS_MAGIC, 4096, 0, 0, 0, DEVICES.size() + 1, 0, dev, 255, 4096,
                StatFs.ST_VALID | StatFs.ST_NOSUID | StatFs.ST_RELATIME);
    }
}
