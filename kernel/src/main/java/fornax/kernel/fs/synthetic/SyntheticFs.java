package fornax.kernel.fs.synthetic;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import fornax.kernel.vfs.StatFs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A file server for small synthetic trees whose files are behaviour, not data: Plan 9's
 * devcons, the supervisor's status and control files. A tree is directories of {@link Node}s
 * (a directory's children may be computed on each walk, so a listing can follow the kernel's
 * state); a file is a {@link File}, which sees each open as a {@link Handle} of its own.
 *
 * <p>Nothing here can be created, removed or renamed (EPERM); attributes are fixed (wstat is
 * EPERM except for what changes nothing). Qid paths are the nodes' own, unique in the tree.
 * Thread-safe as long as the files are.
 */
public class SyntheticFs implements FileServer {
    /** A name in the tree. */
    public sealed interface Node permits Directory, File {
        String name();
        long path();
    }

    /** A directory; {@code children} is asked on every walk and listing. */
    public record Directory(String name, long path, Supplier<List<Node>> children) implements Node { }

    /** A file: {@link #open} makes the per-open state. */
    public abstract static non-sealed class File implements Node {
        private final String name;
        private final long path;
        private final int perms;

        protected File(String name, long path, int perms) {
            this.name = name;
            this.path = path;
            this.perms = perms;
        }

        @Override public String name() { return name; }
        @Override public long path() { return path; }
        public int perms() { return perms; }

        /** A new open of this file with Linux {@code flags}; EACCES if the access is not allowed. */
        public abstract Handle open(int flags);
    }

    /** One open of a {@link File}. Offsets are given; stream files ignore them. */
    public interface Handle {
        default int read(long offset, byte[] buf, int off, int len, boolean nonBlocking) { throw new SysError(Errno.EBADF); }
        default int write(long offset, byte[] buf, int off, int len, boolean nonBlocking) { throw new SysError(Errno.EBADF); }
        /** The open ended (the fid was clunked). */
        default void close() { }
        /** True for a file without positions (a console). */
        default boolean stream() { return false; }
    }

    /** A handle that reads a text fixed at open time (a status file): consistent across reads. */
    public static Handle text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Handle() {
            @Override public int read(long offset, byte[] buf, int off, int len, boolean nb) {
                if (offset >= b.length) return 0;
                int n = (int) Math.min(len, b.length - offset);
                System.arraycopy(b, (int) offset, buf, off, n);
                return n;
            }
        };
    }

    private final Directory root;
    private final long dev;
    private final long bootNanos;

    public SyntheticFs(Directory root, long dev, long bootNanos) {
        this.root = root;
        this.dev = dev;
        this.bootNanos = bootNanos;
    }

    private final class SynthFid extends Fid {
        final Node node;
        final Directory parent;
        volatile Handle handle;

        SynthFid(Node node, Directory parent) {
            super(SyntheticFs.this);
            this.node = node;
            this.parent = parent;
        }

        @Override public Qid qid() { return new Qid(node instanceof Directory ? Qid.QTDIR : Qid.QTFILE, 0, node.path()); }
    }

    private SynthFid own(Fid f) {
        if (!(f instanceof SynthFid s) || s.server() != this) throw new SysError(Errno.EBADF, "fid of another server");
        return s;
    }

    @Override public Fid attach() { return new SynthFid(root, root); }

    @Override public Fid walk(Fid dir, String name) {
        SynthFid d = own(dir);
        d.checkWalked();
        if (!(d.node instanceof Directory dn)) throw new SysError(Errno.ENOTDIR);
        if (name.equals(".")) return new SynthFid(dn, d.parent);
        if (name.equals("..")) return new SynthFid(d.parent, parentOf(d.parent));
        for (Node n : dn.children().get()) if (n.name().equals(name)) return new SynthFid(n, dn);
        throw new SysError(Errno.ENOENT);
    }

    /** The parent of a directory (trees here are shallow: search from the root). */
    private Directory parentOf(Directory d) {
        return d == root ? root : find(root, d);
    }

    private Directory find(Directory in, Directory target) {
        for (Node n : in.children().get()) {
            if (n == target) return in;
            if (n instanceof Directory sub) {
                Directory p = find(sub, target);
                if (p != null) return p;
            }
        }
        return in == root ? root : null;
    }

    @Override public Fid clone(Fid fid) {
        SynthFid f = own(fid);
        f.checkWalked();
        return new SynthFid(f.node, f.parent);
    }

    @Override public void open(Fid fid, int flags) {
        SynthFid f = own(fid);
        f.checkWalked();
        if (f.node instanceof Directory) {
            if (OpenFlags.writable(flags)) throw new SysError(Errno.EISDIR);
            f.opened(flags, false);
            return;
        }
        File file = (File) f.node;
        boolean wantRead = OpenFlags.readable(flags), wantWrite = OpenFlags.writable(flags);
        if (wantRead && (file.perms() & 0444) == 0 || wantWrite && (file.perms() & 0222) == 0)
            throw new SysError(Errno.EACCES);
        Handle h = file.open(flags);
        f.handle = h;
        f.opened(flags, h.stream());
    }

    @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM, "a synthetic tree is fixed");
    }

    @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
        SynthFid f = own(fid);
        f.checkReadable();
        if (f.node instanceof Directory) throw new SysError(Errno.EISDIR);
        return f.handle.read(offset, buf, off, len, f.nonBlocking());
    }

    @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
        SynthFid f = own(fid);
        f.checkWritable();
        return f.handle.write(offset, buf, off, len, f.nonBlocking());
    }

    @Override public void clunk(Fid fid) {
        SynthFid f = own(fid);
        if (f.clunked() == Fid.State.OPEN && f.handle != null) f.handle.close();
    }

    @Override public void remove(Fid dir, String name, boolean directory) {
        own(dir).checkWalked();
        throw new SysError(Errno.EPERM, "a synthetic tree is fixed");
    }

    @Override public Dir stat(Fid fid) {
        SynthFid f = own(fid);
        f.checkLive();
        int mode = f.node instanceof File file ? Dir.S_IFREG | file.perms() : Dir.S_IFDIR | 0555;
        return new Dir(mode, 0, 0, 0, f.node instanceof Directory ? 2 : 1, bootNanos, bootNanos, bootNanos, 0,
                f.node.path(), dev, 0, 4096);
    }

    @Override public void wstat(Fid fid, Dir changes) {
        own(fid).checkLive();
        if (changes.size() == 0) return;   // O_TRUNC of a control file: nothing to truncate
        throw new SysError(Errno.EPERM, "attributes of a synthetic file are fixed");
    }

    @Override public List<DirEntry> readdir(Fid dir, long offset, int max) {
        SynthFid d = own(dir);
        d.checkOpen();
        if (!(d.node instanceof Directory dn)) throw new SysError(Errno.ENOTDIR);
        if (offset < 0) throw new SysError(Errno.EINVAL);
        List<Node> kids = dn.children().get();
        List<DirEntry> out = new ArrayList<>();
        for (long o = offset; o < kids.size() + 2 && out.size() < max; o++) {
            if (o == 0) out.add(new DirEntry(".", dn.path(), Dir.DT_DIR, 1));
            else if (o == 1) out.add(new DirEntry("..", d.parent.path(), Dir.DT_DIR, 2));
            else {
                Node n = kids.get((int) o - 2);
                out.add(new DirEntry(n.name(), n.path(), n instanceof Directory ? Dir.DT_DIR : Dir.DT_REG, o + 1));
            }
        }
        return out;
    }

    @Override public StatFs statfs() {
        return new StatFs(StatFs.TMPFS_MAGIC, 4096, 0, 0, 0, 0, 0, dev, 255, 4096, StatFs.ST_VALID);
    }
}
