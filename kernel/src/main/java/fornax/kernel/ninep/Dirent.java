package fornax.kernel.ninep;

import fornax.kernel.vfs.Qid;
import java.util.Objects;

/**
 * One entry of a 9P2000.L Rreaddir (diod's protocol.md, Linux's p9dirent_read):
 *
 * <pre>
 *   qid[13] offset[8] type[1] name[s]
 * </pre>
 *
 * <p>offset is the server's cookie for the entry after this one (Treaddir's next offset); type is
 * the Linux DT_* value (DT_DIR 4, DT_REG 8, DT_LNK 10, ...). The name is a byte string.
 */
public record Dirent(Qid qid, long offset, int type, String name) {
    /** Bytes of an entry besides its name. */
    static final int FIXED = 13 + 8 + 1 + 2;

    public Dirent {
        Objects.requireNonNull(qid, "qid");
        Objects.requireNonNull(name, "name");
        if (type < 0 || type > 0xFF) throw new IllegalArgumentException("dirent type " + type);
    }

    /** Bytes this entry takes in Rreaddir's data: how a server packs entries into count. */
    public int wireSize() { return FIXED + name.length(); }
}
