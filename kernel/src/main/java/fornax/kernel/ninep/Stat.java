package fornax.kernel.ninep;

import fornax.kernel.vfs.Qid;
import java.util.Objects;

/**
 * A directory entry as 9P2000 and 9P2000.u carry it in Rstat, Twstat and directory reads
 * (stat(5); the .u fields from the 9P2000.u draft and Linux's p9_wstat):
 *
 * <pre>
 *   size[2] type[2] dev[4] qid[13] mode[4] atime[4] mtime[4] length[8]
 *   name[s] uid[s] gid[s] muid[s]
 *   extension[s] n_uid[4] n_gid[4] n_muid[4]          ← 9P2000.u only
 * </pre>
 *
 * <p>size counts the bytes after itself and is computed, not stored. One record serves both
 * dialects: a server fills every field, and the codec writes the .u ones only in 9P2000.u; in
 * plain 9P2000 they decode as "" and {@link NineP#NONUNAME}. Integer fields hold the wire's
 * unsigned bits (u16 type in 0..65535, u32s as Java ints). Strings are byte strings, one char per
 * byte, like all strings in this package.
 */
public record Stat(int type, int dev, Qid qid, int mode, int atime, int mtime, long length,
                   String name, String uid, String gid, String muid,
                   String extension, int nUid, int nGid, int nMuid) {

    /** Bytes of the fixed fields, size[2] included, without the .u extension. */
    static final int FIXED = 2 + 2 + 4 + 13 + 4 + 4 + 4 + 8;

    public Stat {
        if (type < 0 || type > 0xFFFF) throw new IllegalArgumentException("stat type " + type);
        Objects.requireNonNull(qid, "qid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(gid, "gid");
        Objects.requireNonNull(muid, "muid");
        Objects.requireNonNull(extension, "extension");
    }

    /** A plain 9P2000 stat: no extension, no numeric ids. */
    public Stat(int type, int dev, Qid qid, int mode, int atime, int mtime, long length,
                String name, String uid, String gid, String muid) {
        this(type, dev, qid, mode, atime, mtime, length, name, uid, gid, muid, "",
                NineP.NONUNAME, NineP.NONUNAME, NineP.NONUNAME);
    }

    /**
     * The Twstat argument that changes nothing (stat(5)): every integer ~0, every string empty. A
     * client copies it and sets only the fields it wants changed.
     */
    public static Stat dontTouch() {
        return new Stat(0xFFFF, -1, new Qid(0xFF, -1, -1L), -1, -1, -1, -1L, "", "", "", "", "", -1, -1, -1);
    }

    /** Bytes this stat takes on the wire in {@code d}, its size[2] field included. */
    public int wireSize(Dialect d) {
        int n = FIXED + 8 + name.length() + uid.length() + gid.length() + muid.length();
        return d == Dialect.P9P2000U ? n + 2 + extension.length() + 12 : n;
    }
}
