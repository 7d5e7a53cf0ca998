package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.List;

/**
 * An open file in the namespace: what open(2) puts behind a descriptor. It holds two fids of the
 * same file, as a 9P client does: the walked {@link Chan} (for fstat, fchdir, and as the directory
 * of *at calls; 9P does not walk from an opened fid) and the opened fid that all I/O goes through.
 * An O_PATH open has no opened fid: I/O on it is EBADF.
 *
 * <p>Access mode and status flags live in the opened fid, so the server checks read/write access
 * itself; F_SETFL reaches it through {@link #setStatusFlags}. Closing clunks both fids.
 *
 * <p>Immutable apart from the fids' own state; thread-safe as the servers are.
 */
public final class ChanFile implements OpenFile {
    private final Chan chan;
    private final Fid io;
    private final FileServer server;
    /** The path it was opened by, resolved from the process root (Linux's d_path); null if unknown. */
    private final String path;
    /** For a union directory: the heads of the members after the first (owned); else null. */
    private final List<Chan> members;
    /** A union's merged listing, made when read from offset 0; guarded by this. */
    private List<DirEntry> merged;

    /** Takes ownership of {@code chan} and {@code opened} (null for O_PATH). */
    public ChanFile(Chan chan, Fid opened) { this(chan, opened, null); }

    /** The same, remembering the canonical path the file was opened by (for /proc/PID/fd). */
    public ChanFile(Chan chan, Fid opened, String path) { this(chan, opened, path, null); }

    /** A union directory: {@code members} (taken) are the heads of the members after the first. */
    ChanFile(Chan chan, Fid opened, String path, List<Chan> members) {
        this.members = members;
        this.chan = chan;
        this.io = opened;
        this.server = chan.server();
        this.path = path;
    }

    /**
     * The path the file was opened by, from the opener's root, with symlinks, "." and ".." resolved
     * at open time (a later rename is not seen); null for files opened without a path (pipes).
     */
    public String path() { return path; }

    /** The walked Chan (borrowed: valid while this file is open). */
    public Chan chan() { return chan; }

    /** True for an O_PATH descriptor. */
    public boolean pathOnly() { return io == null; }

    /** The opened fid; EBADF for an O_PATH descriptor. */
    private Fid io() {
        if (io == null) throw new SysError(Errno.EBADF, "O_PATH descriptor");
        return io;
    }

    @Override public int read(byte[] buf, int off, int len) { return server.read(io(), 0, buf, off, len); }
    @Override public int write(byte[] buf, int off, int len) { return server.write(io(), 0, buf, off, len); }
    @Override public boolean seekable() { return io != null && !io.stream(); }

    @Override public int pread(long pos, byte[] buf, int off, int len) {
        Fid f = io();
        if (f.stream()) throw new SysError(Errno.ESPIPE);
        return server.read(f, pos, buf, off, len);
    }

    @Override public int pwrite(long pos, byte[] buf, int off, int len) {
        Fid f = io();
        if (f.stream()) throw new SysError(Errno.ESPIPE);
        return server.write(f, pos, buf, off, len);
    }

    @Override public long append(byte[] buf, int off, int len) { return server.append(io(), buf, off, len); }

    @Override public long ioctl(int request, long arg, UserMemory user) {
        return server.ioctl(io(), request, arg, user);
    }

    /** The server's readiness; an O_PATH descriptor is POLLNVAL, as Linux's poll sees no file there. */
    @Override public int poll(int events) { return io == null ? POLLNVAL : server.poll(io, events); }

    @Override public boolean watch(Thread waiter) { return io != null && server.watch(io, waiter); }

    @Override public void unwatch(Thread waiter) { if (io != null) server.unwatch(io, waiter); }

    /** The frame of page {@code index} for a shared mapping (see {@link FileServer#sharedPage}). */
    public long sharedPage(long index) { return server.sharedPage(io(), index); }

    /** Whether the server can keep this file's pages in frames for shared mappings. */
    public boolean sharesPages() { return io != null && server.sharesPages(io); }

    /** Directory entries from {@code offset} (see {@link FileServer#readdir}); EBADF for O_PATH. */
    public List<DirEntry> readdir(long offset, int max) {
        if (members == null) return server.readdir(io(), offset, max);
        List<DirEntry> all;
        synchronized (this) {
            if (merged == null || offset == 0) merged = mergeUnion();
            all = merged;
        }
        if (offset < 0 || offset >= all.size()) return List.of();
        return List.copyOf(all.subList((int) offset, (int) Math.min(all.size(), offset + Math.max(max, 1))));
    }

    /**
     * A union's entries: each member's in member order, a name listed once (the first member that
     * has it wins, as a walk finds it). Offsets become positions in this list.
     */
    private List<DirEntry> mergeUnion() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.ArrayList<DirEntry> out = new java.util.ArrayList<>();
        addAll(server, io(), seen, out);
        for (Chan m : members) {
            Fid f = m.server().clone(m.fid());
            try {
                m.server().open(f, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
                addAll(m.server(), f, seen, out);
            } catch (SysError e) {
                // a member that can no longer be read (removed, unmounted) adds nothing
            } finally {
                m.server().clunk(f);
            }
        }
        return out;
    }

    private static void addAll(FileServer s, Fid f, java.util.Set<String> seen, List<DirEntry> out) {
        long off = 0;
        for (List<DirEntry> batch; !(batch = s.readdir(f, off, 256)).isEmpty(); ) {
            for (DirEntry e : batch) {
                off = e.next();
                if (seen.add(e.name())) out.add(new DirEntry(e.name(), e.ino(), e.type(), out.size() + 1));
            }
        }
    }

    public Dir dir() { return server.stat(chan.fid()); }

    @Override public Stat stat() { return dir().toStat(); }

    /** ftruncate: EINVAL unless open for writing a regular file (EBADF for O_PATH). */
    public void truncate(long size) {
        Fid f = io();
        if (!OpenFlags.writable(f.flags()) || !dir().isRegular())
            throw new SysError(Errno.EINVAL);
        server.wstat(f, Dir.truncate(size));
    }

    public void fsync() { server.fsync(io()); }

    /** The open flags (access mode and status flags) for F_GETFL; O_PATH alone for a path descriptor. */
    public int flags() { return io == null ? OpenFlags.O_PATH : io.flags(); }

    @Override public void setStatusFlags(int flags) { if (io != null) io.setStatusFlags(flags); }

    @Override public void close() {
        try {
            if (io != null) server.clunk(io);
        } finally {
            chan.close();
            if (members != null) for (Chan m : members) m.close();
        }
    }
}
