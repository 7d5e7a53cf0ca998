package fornax.kernel.ninep.server;

import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a connection's fid number stands for: one file server {@link Fid}, plus what the protocol
 * needs that the VFS does not keep. The fid table holds one reference; every request using the
 * fid holds another for its duration; the file server's fid is clunked when the last goes (so a
 * Tclunk racing a read on the same fid never clunks under the read). A fid number that changes
 * meaning (Tlcreate, Tcreate, a Twalk onto itself) gets a new ServerFid and the old one is let go.
 *
 * <p>{@code path}: the names walked from the attach root, "." and ".." folded (walks do not follow
 * symlinks, so this is exact), for the requests that name a file by its directory and name
 * (Tremove, Trename, a Twstat of the name) and for stat(5)'s name.
 *
 * <p>Locking: {@code this} guards refs, path and the 9P2000 directory cursor.
 */
final class ServerFid {
    final Fid fid;
    /** The aname it was attached with: where a re-walk of {@link #path} starts. */
    final String aname;
    /** 9P2000 directories opened for reading: a walked clone, for the stats of the entries; else null. */
    final Fid dirWalker;
    /** 9P2000 ORCLOSE: remove the file when this fid is clunked. */
    final boolean removeOnClunk;
    private final NinePServer owner;
    // guarded by this
    private int refs = 1;
    private List<String> path;
    /** 9P2000 directory reads: the byte offset the next read must ask for, and the readdir cookie there. */
    private long dirBytes, dirCookie;

    ServerFid(NinePServer owner, Fid fid, String aname, List<String> path, Fid dirWalker, boolean removeOnClunk) {
        this.owner = owner;
        this.fid = fid;
        this.aname = aname;
        this.path = List.copyOf(path);
        this.dirWalker = dirWalker;
        this.removeOnClunk = removeOnClunk;
        owner.fidCreated();
    }

    FileServer server() { return fid.server(); }

    synchronized List<String> path() { return path; }

    synchronized void setPath(List<String> p) { path = List.copyOf(p); }

    /** The last name walked ("/" for the attach root): stat(5)'s name. */
    synchronized String name() { return path.isEmpty() ? "/" : path.getLast(); }

    /** {@code path} extended by {@code name}: "." stays, ".." goes up (not above the attach root). */
    static List<String> child(List<String> path, String name) {
        if (name.equals(".")) return path;
        List<String> p = new ArrayList<>(path);
        if (name.equals("..")) {
            if (!p.isEmpty()) p.removeLast();
        } else {
            p.add(name);
        }
        return p;
    }

    /** Another user; false if the fid is already gone (clunked and released). */
    synchronized boolean retain() {
        if (refs == 0) return false;
        refs++;
        return true;
    }

    /** Drops one reference; the last clunks the server's fids. */
    void release() {
        synchronized (this) {
            if (--refs > 0) return;
            if (refs < 0) throw new IllegalStateException("fid released twice");
        }
        try {
            if (dirWalker != null) dirWalker.server().clunk(dirWalker);
        } finally {
            try {
                fid.server().clunk(fid);
            } finally {
                owner.fidClunked();
            }
        }
    }

    // ------------------------------------------------------------------ 9P2000 directory reads

    /**
     * Where a directory read at byte {@code offset} starts: the readdir cookie, or -1 when the
     * offset is neither 0 nor where the previous read ended (read(5): "seeking to other than the
     * beginning is illegal in a directory"). Offset 0 rewinds.
     */
    synchronized long dirCursor(long offset) {
        if (offset == 0) {
            dirBytes = 0;
            dirCookie = 0;
            return 0;
        }
        return offset == dirBytes ? dirCookie : -1;
    }

    /** A read that started at {@code offset} returned {@code bytes}, and the next one resumes at {@code cookie}. */
    synchronized void dirAdvance(long offset, int bytes, long cookie) {
        if (offset != dirBytes) return;         // a concurrent read of the same fid got there first
        dirBytes = offset + bytes;
        dirCookie = cookie;
    }
}
