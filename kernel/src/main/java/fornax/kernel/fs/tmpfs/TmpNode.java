package fornax.kernel.fs.tmpfs;

import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.Qid;
import java.util.HashMap;
import java.util.TreeMap;

/**
 * A tmpfs inode: attributes common to every kind, and the three kinds, {@link Directory},
 * {@link File} and {@link Symlink}.
 *
 * <p>Locking: a node's monitor guards its attributes (mode, owner, times, version, nlink) and, for
 * a file, its data and size. nlink is changed only with the file system's tree lock held for
 * writing as well. A directory's entries, parent and removed flag are guarded by the tree lock
 * alone (read to look up, write to change). Lock order: tree lock → node monitor; never two node
 * monitors at once.
 */
abstract sealed class TmpNode permits TmpNode.Directory, TmpNode.File, TmpNode.Symlink {
    /** Linux tmpfs counts directory sizes in these units (BOGO_DIRENT_SIZE). */
    static final int BOGO_DIRENT_SIZE = 20;

    final long ino;
    // guarded by this
    int mode, uid, gid, nlink, version;
    long atime, mtime, ctime;

    TmpNode(long ino, int mode, int uid, int gid, long now) {
        this.ino = ino;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        this.nlink = 1;
        this.atime = this.mtime = this.ctime = now;
    }

    final synchronized Qid qid() { return new Qid(Qid.typeOf(mode), version, ino); }

    final synchronized Dir stat(long dev) {
        return new Dir(mode, uid, gid, size(), nlink, atime, mtime, ctime, 0, ino, dev, blocks(), FileData.PAGE);
    }

    /** Size for stat; called with the monitor held. */
    abstract long size();

    /** 512-byte blocks allocated; called with the monitor held. */
    long blocks() { return 0; }

    /** Contents changed: mtime and ctime now, new version. */
    final synchronized void modified(long now) {
        mtime = ctime = now;
        version++;
    }

    /** Attributes changed: ctime now. */
    final synchronized void changed(long now) { ctime = now; }

    /** nlink += delta (the caller holds the tree lock for writing); returns the new count. */
    final synchronized int addLinks(int delta, long now) {
        nlink += delta;
        ctime = now;
        return nlink;
    }

    final synchronized int nlink() { return nlink; }

    /** An entry of a directory: its name, its node, and its readdir cookie (stable for its lifetime). */
    record Entry(String name, TmpNode node, long cookie) { }

    /**
     * A directory: entries by name for walks and by cookie for readdir, so an entry's readdir
     * offset never changes while it exists and entries added during a readdir come after it. The
     * cookies 0 and 1 are "." and ".."; entries start at 2.
     */
    static final class Directory extends TmpNode {
        // guarded by the tree lock
        final HashMap<String, Entry> byName = new HashMap<>();
        final TreeMap<Long, Entry> byCookie = new TreeMap<>();
        long nextCookie = 2;
        Directory parent;
        boolean removed;

        Directory(long ino, int perm, int uid, int gid, long now, Directory parent) {
            super(ino, Dir.S_IFDIR | perm, uid, gid, now);
            this.nlink = 2;
            this.parent = parent == null ? this : parent;
        }

        /** Called with the tree lock held (read is enough) and the monitor. */
        @Override long size() { return (long) BOGO_DIRENT_SIZE * (2 + byName.size()); }

        /** Adds an entry; the caller holds the tree lock for writing. */
        void add(String name, TmpNode node) {
            Entry e = new Entry(name, node, nextCookie++);
            byName.put(name, e);
            byCookie.put(e.cookie(), e);
        }

        /** Removes an entry; the caller holds the tree lock for writing. */
        Entry removeEntry(String name) {
            Entry e = byName.remove(name);
            if (e != null) byCookie.remove(e.cookie());
            return e;
        }
    }

    /** A regular file; its data and size are guarded by its monitor. */
    static final class File extends TmpNode {
        // guarded by this
        final FileData data = new FileData();
        long size;
        /** Opened fids not yet clunked: the data outlives the last name while this is non-zero. */
        int openCount;

        File(long ino, int perm, int uid, int gid, long now) { super(ino, Dir.S_IFREG | perm, uid, gid, now); }

        @Override long size() { return size; }
        @Override long blocks() { return data.pages() * (FileData.PAGE / 512); }
    }

    /** A symbolic link; its target never changes. */
    static final class Symlink extends TmpNode {
        final String target;

        Symlink(long ino, String target, int uid, int gid, long now) {
            super(ino, Dir.S_IFLNK | 0777, uid, gid, now);
            this.target = target;
        }

        @Override long size() { return target.length(); }
    }
}
