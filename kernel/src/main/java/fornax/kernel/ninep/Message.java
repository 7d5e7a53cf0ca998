package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.vfs.Qid;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A 9P message without its size and tag (those belong to the {@link Frame}): one record per T- and
 * R-message of 9P2000, 9P2000.u and 9P2000.L, each knowing its type number. A server switches
 * over {@link Request}, a client over {@link Reply}; both switches are exhaustive.
 *
 * <p>Field conventions: u8 and u16 fields are ints checked to their range here; u32 fields are
 * Java ints holding the unsigned bits (use {@link Integer#toUnsignedLong}); u64 fields are longs.
 * Strings are byte strings, one char per byte (ISO-8859-1), as everywhere in the kernel, so a
 * Linux name that is not UTF-8 survives. Fields a dialect does not carry (n_uname, extension,
 * Rerror's errno) are written nowhere in the other dialects and decode as their defaults
 * ({@link NineP#NONUNAME}, "", 0). Byte arrays (Twrite, Rread) are the caller's, not copied: do
 * not change one after building its message. Wire layouts are in the package documentation.
 */
public sealed interface Message {
    /** The type number on the wire (T even, its R odd). */
    int type();

    /** A T-message: what a client asks. */
    sealed interface Request extends Message { }

    /** An R-message: what a server answers. */
    sealed interface Reply extends Message { }

    // ================= 9P2000 (with the .u fields where .u extends a message) =================

    record Tversion(int msize, String version) implements Request {
        public Tversion { Objects.requireNonNull(version); }
        public int type() { return TVERSION; }
    }

    record Rversion(int msize, String version) implements Reply {
        public Rversion { Objects.requireNonNull(version); }
        public int type() { return RVERSION; }
    }

    /** nUname is 9P2000.u/.L only. */
    record Tauth(int afid, String uname, String aname, int nUname) implements Request {
        public Tauth { Objects.requireNonNull(uname); Objects.requireNonNull(aname); }
        public Tauth(int afid, String uname, String aname) { this(afid, uname, aname, NONUNAME); }
        public int type() { return TAUTH; }
    }

    record Rauth(Qid aqid) implements Reply {
        public Rauth { Objects.requireNonNull(aqid); }
        public int type() { return RAUTH; }
    }

    /** nUname is 9P2000.u/.L only. */
    record Tattach(int fid, int afid, String uname, String aname, int nUname) implements Request {
        public Tattach { Objects.requireNonNull(uname); Objects.requireNonNull(aname); }
        public Tattach(int fid, int afid, String uname, String aname) { this(fid, afid, uname, aname, NONUNAME); }
        public int type() { return TATTACH; }
    }

    record Rattach(Qid qid) implements Reply {
        public Rattach { Objects.requireNonNull(qid); }
        public int type() { return RATTACH; }
    }

    /** 9P2000 and .u (errno is .u only; 0 when absent). 9P2000.L answers errors with {@link Rlerror}. */
    record Rerror(String ename, int errno) implements Reply {
        public Rerror { Objects.requireNonNull(ename); }
        public Rerror(String ename) { this(ename, 0); }
        public int type() { return RERROR; }
    }

    record Tflush(int oldtag) implements Request {
        public Tflush { u16("oldtag", oldtag); }
        public int type() { return TFLUSH; }
    }

    record Rflush() implements Reply {
        public int type() { return RFLUSH; }
    }

    /** At most {@link NineP#MAXWELEM} names; none clones fid to newfid. */
    record Twalk(int fid, int newfid, List<String> wnames) implements Request {
        public Twalk {
            wnames = List.copyOf(wnames);
            if (wnames.size() > MAXWELEM) throw new IllegalArgumentException("nwname " + wnames.size());
        }
        public int type() { return TWALK; }
    }

    /** At most {@link NineP#MAXWELEM} qids: one per name walked, fewer if the walk stopped early. */
    record Rwalk(List<Qid> qids) implements Reply {
        public Rwalk {
            qids = List.copyOf(qids);
            if (qids.size() > MAXWELEM) throw new IllegalArgumentException("nwqid " + qids.size());
        }
        public int type() { return RWALK; }
    }

    /** 9P2000 and .u. mode is the u8 {@link NineP#OREAD}... byte. */
    record Topen(int fid, int mode) implements Request {
        public Topen { u8("mode", mode); }
        public int type() { return TOPEN; }
    }

    record Ropen(Qid qid, int iounit) implements Reply {
        public Ropen { Objects.requireNonNull(qid); }
        public int type() { return ROPEN; }
    }

    /** 9P2000 and .u; extension (symlink target, "b 1 2" for devices...) is .u only. */
    record Tcreate(int fid, String name, int perm, int mode, String extension) implements Request {
        public Tcreate { Objects.requireNonNull(name); u8("mode", mode); Objects.requireNonNull(extension); }
        public Tcreate(int fid, String name, int perm, int mode) { this(fid, name, perm, mode, ""); }
        public int type() { return TCREATE; }
    }

    record Rcreate(Qid qid, int iounit) implements Reply {
        public Rcreate { Objects.requireNonNull(qid); }
        public int type() { return RCREATE; }
    }

    record Tread(int fid, long offset, int count) implements Request {
        public int type() { return TREAD; }
    }

    /** count is data.length; at most msize − {@link NineP#RREAD_HEADER} bytes. */
    record Rread(byte[] data) implements Reply {
        public Rread { Objects.requireNonNull(data); }
        public int type() { return RREAD; }
        @Override public boolean equals(Object o) { return o instanceof Rread r && Arrays.equals(data, r.data); }
        @Override public int hashCode() { return Arrays.hashCode(data); }
        @Override public String toString() { return "Rread[count=" + data.length + "]"; }
    }

    /** count is data.length; at most msize − {@link NineP#IOHDRSZ} bytes. */
    record Twrite(int fid, long offset, byte[] data) implements Request {
        public Twrite { Objects.requireNonNull(data); }
        public int type() { return TWRITE; }
        @Override public boolean equals(Object o) {
            return o instanceof Twrite w && fid == w.fid && offset == w.offset && Arrays.equals(data, w.data);
        }
        @Override public int hashCode() { return Objects.hash(fid, offset) * 31 + Arrays.hashCode(data); }
        @Override public String toString() { return "Twrite[fid=" + fid + ", offset=" + offset + ", count=" + data.length + "]"; }
    }

    record Rwrite(int count) implements Reply {
        public int type() { return RWRITE; }
    }

    record Tclunk(int fid) implements Request {
        public int type() { return TCLUNK; }
    }

    record Rclunk() implements Reply {
        public int type() { return RCLUNK; }
    }

    record Tremove(int fid) implements Request {
        public int type() { return TREMOVE; }
    }

    record Rremove() implements Reply {
        public int type() { return RREMOVE; }
    }

    /** 9P2000 and .u. */
    record Tstat(int fid) implements Request {
        public int type() { return TSTAT; }
    }

    record Rstat(Stat stat) implements Reply {
        public Rstat { Objects.requireNonNull(stat); }
        public int type() { return RSTAT; }
    }

    /** 9P2000 and .u; start from {@link Stat#dontTouch()}. */
    record Twstat(int fid, Stat stat) implements Request {
        public Twstat { Objects.requireNonNull(stat); }
        public int type() { return TWSTAT; }
    }

    record Rwstat() implements Reply {
        public int type() { return RWSTAT; }
    }

    // ================================ 9P2000.L ================================

    /** ecode is a Linux errno (the asm-generic numbers, the same on x86-64 and riscv64). */
    record Rlerror(int ecode) implements Reply {
        public int type() { return RLERROR; }
    }

    record Tstatfs(int fid) implements Request {
        public int type() { return TSTATFS; }
    }

    record Rstatfs(int fsType, int bsize, long blocks, long bfree, long bavail, long files, long ffree,
                   long fsid, int namelen) implements Reply {
        public int type() { return RSTATFS; }
    }

    /** flags are Linux open(2) flags. */
    record Tlopen(int fid, int flags) implements Request {
        public int type() { return TLOPEN; }
    }

    record Rlopen(Qid qid, int iounit) implements Reply {
        public Rlopen { Objects.requireNonNull(qid); }
        public int type() { return RLOPEN; }
    }

    /** Creates name in directory fid, which then stands for the new open file. */
    record Tlcreate(int fid, String name, int flags, int mode, int gid) implements Request {
        public Tlcreate { Objects.requireNonNull(name); }
        public int type() { return TLCREATE; }
    }

    record Rlcreate(Qid qid, int iounit) implements Reply {
        public Rlcreate { Objects.requireNonNull(qid); }
        public int type() { return RLCREATE; }
    }

    record Tsymlink(int fid, String name, String symtgt, int gid) implements Request {
        public Tsymlink { Objects.requireNonNull(name); Objects.requireNonNull(symtgt); }
        public int type() { return TSYMLINK; }
    }

    record Rsymlink(Qid qid) implements Reply {
        public Rsymlink { Objects.requireNonNull(qid); }
        public int type() { return RSYMLINK; }
    }

    record Tmknod(int dfid, String name, int mode, int major, int minor, int gid) implements Request {
        public Tmknod { Objects.requireNonNull(name); }
        public int type() { return TMKNOD; }
    }

    record Rmknod(Qid qid) implements Reply {
        public Rmknod { Objects.requireNonNull(qid); }
        public int type() { return RMKNOD; }
    }

    record Trename(int fid, int dfid, String name) implements Request {
        public Trename { Objects.requireNonNull(name); }
        public int type() { return TRENAME; }
    }

    record Rrename() implements Reply {
        public int type() { return RRENAME; }
    }

    record Treadlink(int fid) implements Request {
        public int type() { return TREADLINK; }
    }

    record Rreadlink(String target) implements Reply {
        public Rreadlink { Objects.requireNonNull(target); }
        public int type() { return RREADLINK; }
    }

    /** requestMask: {@link NineP#GETATTR_BASIC}, {@link NineP#GETATTR_ALL} or single GETATTR_ bits. */
    record Tgetattr(int fid, long requestMask) implements Request {
        public int type() { return TGETATTR; }
    }

    /** valid says which fields mean something; the rest are sent anyway (as zero, by convention). */
    record Rgetattr(long valid, Qid qid, int mode, int uid, int gid, long nlink, long rdev, long size,
                    long blksize, long blocks, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec,
                    long ctimeSec, long ctimeNsec, long btimeSec, long btimeNsec, long gen, long dataVersion)
            implements Reply {
        public Rgetattr { Objects.requireNonNull(qid); }
        public int type() { return RGETATTR; }
    }

    /** valid: SETATTR_ bits; a time bit without its _SET bit means "now" on the server. */
    record Tsetattr(int fid, int valid, int mode, int uid, int gid, long size, long atimeSec, long atimeNsec,
                    long mtimeSec, long mtimeNsec) implements Request {
        public int type() { return TSETATTR; }
    }

    record Rsetattr() implements Reply {
        public int type() { return RSETATTR; }
    }

    /** An empty name walks to the list of attribute names. */
    record Txattrwalk(int fid, int newfid, String name) implements Request {
        public Txattrwalk { Objects.requireNonNull(name); }
        public int type() { return TXATTRWALK; }
    }

    record Rxattrwalk(long size) implements Reply {
        public int type() { return RXATTRWALK; }
    }

    /** flags are setxattr(2)'s XATTR_CREATE/XATTR_REPLACE. */
    record Txattrcreate(int fid, String name, long attrSize, int flags) implements Request {
        public Txattrcreate { Objects.requireNonNull(name); }
        public int type() { return TXATTRCREATE; }
    }

    record Rxattrcreate() implements Reply {
        public int type() { return RXATTRCREATE; }
    }

    record Treaddir(int fid, long offset, int count) implements Request {
        public int type() { return TREADDIR; }
    }

    /** Entries packed into count bytes of data; an empty list is the end of the directory. */
    record Rreaddir(List<Dirent> entries) implements Reply {
        public Rreaddir { entries = List.copyOf(entries); }
        public int type() { return RREADDIR; }
    }

    /** datasync ≠ 0 asks for fdatasync(2). */
    record Tfsync(int fid, int datasync) implements Request {
        public int type() { return TFSYNC; }
    }

    record Rfsync() implements Reply {
        public int type() { return RFSYNC; }
    }

    /** lockType: LOCK_TYPE_; flags: LOCK_FLAGS_; clientId is the client's node name. */
    record Tlock(int fid, int lockType, int flags, long start, long length, int procId, String clientId)
            implements Request {
        public Tlock { u8("type", lockType); Objects.requireNonNull(clientId); }
        public int type() { return TLOCK; }
    }

    /** status: LOCK_SUCCESS, LOCK_BLOCKED, LOCK_ERROR or LOCK_GRACE. */
    record Rlock(int status) implements Reply {
        public Rlock { u8("status", status); }
        public int type() { return RLOCK; }
    }

    record Tgetlock(int fid, int lockType, long start, long length, int procId, String clientId) implements Request {
        public Tgetlock { u8("type", lockType); Objects.requireNonNull(clientId); }
        public int type() { return TGETLOCK; }
    }

    /** The conflicting lock, or lockType LOCK_TYPE_UNLCK when there is none. */
    record Rgetlock(int lockType, long start, long length, int procId, String clientId) implements Reply {
        public Rgetlock { u8("type", lockType); Objects.requireNonNull(clientId); }
        public int type() { return RGETLOCK; }
    }

    /** Links the file fid as name in directory dfid. */
    record Tlink(int dfid, int fid, String name) implements Request {
        public Tlink { Objects.requireNonNull(name); }
        public int type() { return TLINK; }
    }

    record Rlink() implements Reply {
        public int type() { return RLINK; }
    }

    record Tmkdir(int dfid, String name, int mode, int gid) implements Request {
        public Tmkdir { Objects.requireNonNull(name); }
        public int type() { return TMKDIR; }
    }

    record Rmkdir(Qid qid) implements Reply {
        public Rmkdir { Objects.requireNonNull(qid); }
        public int type() { return RMKDIR; }
    }

    record Trenameat(int olddirfid, String oldname, int newdirfid, String newname) implements Request {
        public Trenameat { Objects.requireNonNull(oldname); Objects.requireNonNull(newname); }
        public int type() { return TRENAMEAT; }
    }

    record Rrenameat() implements Reply {
        public int type() { return RRENAMEAT; }
    }

    /** flags: AT_REMOVEDIR (0x200) to remove a directory. */
    record Tunlinkat(int dirfid, String name, int flags) implements Request {
        public Tunlinkat { Objects.requireNonNull(name); }
        public int type() { return TUNLINKAT; }
    }

    record Runlinkat() implements Reply {
        public int type() { return RUNLINKAT; }
    }

    private static void u8(String field, int v) {
        if (v < 0 || v > 0xFF) throw new IllegalArgumentException(field + " " + v + " is not a u8");
    }

    private static void u16(String field, int v) {
        if (v < 0 || v > 0xFFFF) throw new IllegalArgumentException(field + " " + v + " is not a u16");
    }
}
