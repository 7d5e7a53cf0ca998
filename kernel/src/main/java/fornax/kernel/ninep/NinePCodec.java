package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.ninep.Message.*;
import fornax.kernel.vfs.Qid;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Encodes and decodes 9P messages of one dialect within one msize: the codec of one connection,
 * after version negotiation. (Before it, any dialect's codec reads Tversion/Rversion, whose layout
 * is the same in all three; a client should use {@link Dialect#P9P2000} so that an early plain
 * Rerror still decodes.) Immutable, so thread-safe.
 *
 * <p>Strictness, the invariants of {@link #decode}: the size field equals the bytes of the message
 * exactly and is within [{@link NineP#HEADER}, msize]; the type exists in the dialect; every
 * field is present and no byte is left over; every length prefix (strings, data, stat[n], stat
 * size, Rreaddir count) fits in what is left; nwname and nwqid are at most {@link NineP#MAXWELEM};
 * strings hold no NUL and, in 9P2000, are UTF-8. Any violation is a {@link NinePException} and
 * nothing else: no other exception escapes, and no buffer is allocated from a length that has not
 * been checked against the bytes present. Because the data count is checked against a message of
 * at most msize bytes, Rread's count is at most msize − 11 and Twrite's at most msize − 23.
 *
 * <p>A decoded message re-encodes to exactly the bytes it came from: the codec has one encoding
 * for each message, and {@link #encode} checks the same rules (and msize) before writing.
 */
public final class NinePCodec {
    private final Dialect dialect;
    private final int msize;

    /** @param msize the negotiated maximum message size, in [{@link NineP#MIN_MSIZE}, {@link NineP#MAX_MSIZE}] */
    public NinePCodec(Dialect dialect, int msize) {
        this.dialect = Objects.requireNonNull(dialect);
        if (msize < MIN_MSIZE || msize > MAX_MSIZE) throw new IllegalArgumentException("msize " + msize);
        this.msize = msize;
    }

    public Dialect dialect() { return dialect; }

    public int msize() { return msize; }

    /** The most data one Rread can carry: what a server may promise as iounit for reads. */
    public int maxReadData() { return msize - RREAD_HEADER; }

    /** The most data one Twrite can carry: the iounit a server announces (open(5)). */
    public int maxWriteData() { return msize - IOHDRSZ; }

    // ================================ framing ================================

    /**
     * The size of the message whose first four bytes are at {@code b[off..off+4)}: how many bytes
     * a stream reader must gather (these four included) before calling {@link #decode(byte[])}.
     *
     * @throws NinePException if the size is below the 7-byte header or above msize
     */
    public int frameLength(byte[] b, int off) throws NinePException {
        if (off < 0 || b.length - off < 4) throw new NinePException("truncated: size needs 4 bytes");
        long size = Integer.toUnsignedLong(new WireReader(b, off, 4, false).u32("size"));
        if (size < HEADER) throw new NinePException("size " + size + " is less than the 7-byte header");
        if (size > msize) throw new NinePException("size " + size + " exceeds msize " + msize);
        return (int) size;
    }

    /** Decodes exactly one message that fills all of {@code msg}. */
    public Frame decode(byte[] msg) throws NinePException {
        int size = frameLength(msg, 0);
        if (size != msg.length)
            throw new NinePException("size field says " + size + " bytes, message has " + msg.length);
        return decode(msg, 0, size);
    }

    /**
     * Decodes the message starting at the buffer's position, which on success moves past it (so a
     * buffer holding several messages can be read one after another). On failure the position is
     * unspecified: the connection is finished anyway.
     */
    public Frame decode(ByteBuffer buf) throws NinePException {
        byte[] head = new byte[4];
        if (buf.remaining() < 4) throw new NinePException("truncated: size needs 4 bytes, " + buf.remaining() + " left");
        buf.get(buf.position(), head);
        int size = frameLength(head, 0);
        if (buf.remaining() < size)
            throw new NinePException("truncated: size field says " + size + " bytes, " + buf.remaining() + " left");
        Frame f;
        if (buf.hasArray()) {
            f = decode(buf.array(), buf.arrayOffset() + buf.position(), size);
        } else {
            byte[] copy = new byte[size];       // size ≤ msize and ≤ remaining: checked above
            buf.get(buf.position(), copy);
            f = decode(copy, 0, size);
        }
        buf.position(buf.position() + size);
        return f;
    }

    private Frame decode(byte[] b, int off, int size) throws NinePException {
        WireReader r = new WireReader(b, off + 4, size - 4, dialect == Dialect.P9P2000);
        int type = r.u8("type");
        int tag = r.u16("tag");
        if (!dialect.has(type)) {
            String name = NineP.typeName(type);
            throw new NinePException(name.startsWith("type ") ? "unknown message " + name
                    : name + " is not a " + dialect.version() + " message");
        }
        Message m = body(type, r);
        r.done(NineP.typeName(type));
        return new Frame(tag, m);
    }

    // Java evaluates arguments left to right (JLS 15.7.4): each constructor call below reads its
    // fields in wire order.
    private Message body(int type, WireReader r) throws NinePException {
        boolean dotu = dialect == Dialect.P9P2000U;
        boolean nUname = dialect != Dialect.P9P2000;       // .u and .L carry n_uname in auth/attach
        return switch (type) {
            case TVERSION -> new Tversion(r.u32("msize"), r.str("version"));
            case RVERSION -> new Rversion(r.u32("msize"), r.str("version"));
            case TAUTH -> new Tauth(r.u32("afid"), r.str("uname"), r.str("aname"), nUname ? r.u32("n_uname") : NONUNAME);
            case RAUTH -> new Rauth(r.qid("aqid"));
            case TATTACH -> new Tattach(r.u32("fid"), r.u32("afid"), r.str("uname"), r.str("aname"),
                    nUname ? r.u32("n_uname") : NONUNAME);
            case RATTACH -> new Rattach(r.qid("qid"));
            case RERROR -> new Rerror(r.str("ename"), dotu ? r.u32("errno") : 0);
            case TFLUSH -> new Tflush(r.u16("oldtag"));
            case RFLUSH -> new Rflush();
            case TWALK -> {
                int fid = r.u32("fid"), newfid = r.u32("newfid"), n = r.u16("nwname");
                if (n > MAXWELEM) throw new NinePException("Twalk: nwname " + n + " > " + MAXWELEM);
                List<String> names = new ArrayList<>(n);
                for (int i = 0; i < n; i++) names.add(r.str("wname"));
                yield new Twalk(fid, newfid, names);
            }
            case RWALK -> {
                int n = r.u16("nwqid");
                if (n > MAXWELEM) throw new NinePException("Rwalk: nwqid " + n + " > " + MAXWELEM);
                List<Qid> qids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) qids.add(r.qid("wqid"));
                yield new Rwalk(qids);
            }
            case TOPEN -> new Topen(r.u32("fid"), r.u8("mode"));
            case ROPEN -> new Ropen(r.qid("qid"), r.u32("iounit"));
            case TCREATE -> new Tcreate(r.u32("fid"), r.str("name"), r.u32("perm"), r.u8("mode"),
                    dotu ? r.str("extension") : "");
            case RCREATE -> new Rcreate(r.qid("qid"), r.u32("iounit"));
            case TREAD -> new Tread(r.u32("fid"), r.u64("offset"), r.u32("count"));
            case RREAD -> new Rread(r.data("count"));
            case TWRITE -> new Twrite(r.u32("fid"), r.u64("offset"), r.data("count"));
            case RWRITE -> new Rwrite(r.u32("count"));
            case TCLUNK -> new Tclunk(r.u32("fid"));
            case RCLUNK -> new Rclunk();
            case TREMOVE -> new Tremove(r.u32("fid"));
            case RREMOVE -> new Rremove();
            case TSTAT -> new Tstat(r.u32("fid"));
            case RSTAT -> new Rstat(statN(r));
            case TWSTAT -> new Twstat(r.u32("fid"), statN(r));
            case RWSTAT -> new Rwstat();

            case RLERROR -> new Rlerror(r.u32("ecode"));
            case TSTATFS -> new Tstatfs(r.u32("fid"));
            case RSTATFS -> new Rstatfs(r.u32("type"), r.u32("bsize"), r.u64("blocks"), r.u64("bfree"),
                    r.u64("bavail"), r.u64("files"), r.u64("ffree"), r.u64("fsid"), r.u32("namelen"));
            case TLOPEN -> new Tlopen(r.u32("fid"), r.u32("flags"));
            case RLOPEN -> new Rlopen(r.qid("qid"), r.u32("iounit"));
            case TLCREATE -> new Tlcreate(r.u32("fid"), r.str("name"), r.u32("flags"), r.u32("mode"), r.u32("gid"));
            case RLCREATE -> new Rlcreate(r.qid("qid"), r.u32("iounit"));
            case TSYMLINK -> new Tsymlink(r.u32("fid"), r.str("name"), r.str("symtgt"), r.u32("gid"));
            case RSYMLINK -> new Rsymlink(r.qid("qid"));
            case TMKNOD -> new Tmknod(r.u32("dfid"), r.str("name"), r.u32("mode"), r.u32("major"), r.u32("minor"),
                    r.u32("gid"));
            case RMKNOD -> new Rmknod(r.qid("qid"));
            case TRENAME -> new Trename(r.u32("fid"), r.u32("dfid"), r.str("name"));
            case RRENAME -> new Rrename();
            case TREADLINK -> new Treadlink(r.u32("fid"));
            case RREADLINK -> new Rreadlink(r.str("target"));
            case TGETATTR -> new Tgetattr(r.u32("fid"), r.u64("request_mask"));
            case RGETATTR -> new Rgetattr(r.u64("valid"), r.qid("qid"), r.u32("mode"), r.u32("uid"), r.u32("gid"),
                    r.u64("nlink"), r.u64("rdev"), r.u64("size"), r.u64("blksize"), r.u64("blocks"),
                    r.u64("atime_sec"), r.u64("atime_nsec"), r.u64("mtime_sec"), r.u64("mtime_nsec"),
                    r.u64("ctime_sec"), r.u64("ctime_nsec"), r.u64("btime_sec"), r.u64("btime_nsec"),
                    r.u64("gen"), r.u64("data_version"));
            case TSETATTR -> new Tsetattr(r.u32("fid"), r.u32("valid"), r.u32("mode"), r.u32("uid"), r.u32("gid"),
                    r.u64("size"), r.u64("atime_sec"), r.u64("atime_nsec"), r.u64("mtime_sec"), r.u64("mtime_nsec"));
            case RSETATTR -> new Rsetattr();
            case TXATTRWALK -> new Txattrwalk(r.u32("fid"), r.u32("newfid"), r.str("name"));
            case RXATTRWALK -> new Rxattrwalk(r.u64("size"));
            case TXATTRCREATE -> new Txattrcreate(r.u32("fid"), r.str("name"), r.u64("attr_size"), r.u32("flags"));
            case RXATTRCREATE -> new Rxattrcreate();
            case TREADDIR -> new Treaddir(r.u32("fid"), r.u64("offset"), r.u32("count"));
            case RREADDIR -> {
                WireReader d = r.sub(Integer.toUnsignedLong(r.u32("count")), "Rreaddir data");
                List<Dirent> entries = new ArrayList<>();
                while (d.remaining() > 0)
                    entries.add(new Dirent(d.qid("dirent qid"), d.u64("dirent offset"), d.u8("dirent type"),
                            d.str("dirent name")));
                yield new Rreaddir(entries);
            }
            case TFSYNC -> new Tfsync(r.u32("fid"), r.u32("datasync"));
            case RFSYNC -> new Rfsync();
            case TLOCK -> new Tlock(r.u32("fid"), r.u8("type"), r.u32("flags"), r.u64("start"), r.u64("length"),
                    r.u32("proc_id"), r.str("client_id"));
            case RLOCK -> new Rlock(r.u8("status"));
            case TGETLOCK -> new Tgetlock(r.u32("fid"), r.u8("type"), r.u64("start"), r.u64("length"),
                    r.u32("proc_id"), r.str("client_id"));
            case RGETLOCK -> new Rgetlock(r.u8("type"), r.u64("start"), r.u64("length"), r.u32("proc_id"),
                    r.str("client_id"));
            case TLINK -> new Tlink(r.u32("dfid"), r.u32("fid"), r.str("name"));
            case RLINK -> new Rlink();
            case TMKDIR -> new Tmkdir(r.u32("dfid"), r.str("name"), r.u32("mode"), r.u32("gid"));
            case RMKDIR -> new Rmkdir(r.qid("qid"));
            case TRENAMEAT -> new Trenameat(r.u32("olddirfid"), r.str("oldname"), r.u32("newdirfid"), r.str("newname"));
            case RRENAMEAT -> new Rrenameat();
            case TUNLINKAT -> new Tunlinkat(r.u32("dirfd"), r.str("name"), r.u32("flags"));
            case RUNLINKAT -> new Runlinkat();
            default -> throw new NinePException("unknown message type " + type);   // unreachable: has() said no
        };
    }

    /** stat[n] of Rstat and Twstat: n[2], then a stat whose own size[2] must be n − 2. */
    private Stat statN(WireReader r) throws NinePException {
        int n = r.u16("stat[n]");
        WireReader s = r.sub(n, "stat[n]");
        Stat st = stat(s);
        s.done("stat[n]");
        return st;
    }

    /** One stat: size[2] and exactly size bytes of fields. */
    private Stat stat(WireReader r) throws NinePException {
        WireReader s = r.sub(r.u16("stat size"), "stat");
        boolean dotu = dialect == Dialect.P9P2000U;
        Stat st = new Stat(s.u16("stat type"), s.u32("stat dev"), s.qid("stat qid"), s.u32("stat mode"),
                s.u32("stat atime"), s.u32("stat mtime"), s.u64("stat length"), s.str("stat name"),
                s.str("stat uid"), s.str("stat gid"), s.str("stat muid"),
                dotu ? s.str("stat extension") : "", dotu ? s.u32("stat n_uid") : NONUNAME,
                dotu ? s.u32("stat n_gid") : NONUNAME, dotu ? s.u32("stat n_muid") : NONUNAME);
        s.done("stat");
        return st;
    }

    /**
     * The stats packed in the data of an Rread from a directory (9P2000 and .u, read(5)): an
     * integral number of entries, each as in stat(5).
     */
    public List<Stat> decodeStats(byte[] data) throws NinePException {
        if (dialect == Dialect.P9P2000L) throw new NinePException("9P2000.L reads directories with Treaddir");
        WireReader r = new WireReader(data, 0, data.length, dialect == Dialect.P9P2000);
        List<Stat> out = new ArrayList<>();
        while (r.remaining() > 0) out.add(stat(r));
        return out;
    }

    /** One stat as a directory read returns it (size[2] first), for a server packing an Rread. */
    public byte[] encodeStat(Stat st) throws NinePException {
        if (dialect == Dialect.P9P2000L) throw new NinePException("9P2000.L has no stat structure");
        WireWriter w = new WireWriter(st.wireSize(dialect), 2 + 0xFFFF, dialect == Dialect.P9P2000);
        stat(w, st);
        return w.toByteArray();
    }

    // ================================ encoding ================================

    /**
     * The bytes of {@code m} with {@code tag}, size field first.
     *
     * @throws NinePException if the dialect has no such message, a string cannot be sent (too
     *                        long, NUL, a char above 0xFF, not UTF-8 in 9P2000), a qid type or
     *                        stat does not fit its field, or the message would exceed msize
     */
    public byte[] encode(Message m, int tag) throws NinePException {
        if (tag < 0 || tag > 0xFFFF) throw new IllegalArgumentException("tag " + tag + " is not a u16");
        if (!dialect.has(m.type()))
            throw new NinePException(NineP.typeName(m.type()) + " is not a " + dialect.version() + " message");
        int hint = switch (m) {
            case Rread r -> RREAD_HEADER + r.data().length;
            case Twrite t -> IOHDRSZ + t.data().length;
            default -> 64;
        };
        WireWriter w = new WireWriter(hint, msize, dialect == Dialect.P9P2000);
        w.u32(0);                                   // size, patched below
        w.u8(m.type());
        w.u16(tag);
        body(w, m);
        w.put32(0, w.position());
        return w.toByteArray();
    }

    private void body(WireWriter w, Message m) throws NinePException {
        boolean dotu = dialect == Dialect.P9P2000U;
        boolean nUname = dialect != Dialect.P9P2000;
        switch (m) {
            case Tversion t -> { w.u32(t.msize()); w.str(t.version(), "version"); }
            case Rversion r -> { w.u32(r.msize()); w.str(r.version(), "version"); }
            case Tauth t -> {
                w.u32(t.afid()); w.str(t.uname(), "uname"); w.str(t.aname(), "aname");
                if (nUname) w.u32(t.nUname());
            }
            case Rauth r -> w.qid(r.aqid(), "aqid");
            case Tattach t -> {
                w.u32(t.fid()); w.u32(t.afid()); w.str(t.uname(), "uname"); w.str(t.aname(), "aname");
                if (nUname) w.u32(t.nUname());
            }
            case Rattach r -> w.qid(r.qid(), "qid");
            case Rerror r -> { w.str(r.ename(), "ename"); if (dotu) w.u32(r.errno()); }
            case Tflush t -> w.u16(t.oldtag());
            case Rflush _ -> { }
            case Twalk t -> {
                w.u32(t.fid()); w.u32(t.newfid()); w.u16(t.wnames().size());
                for (String s : t.wnames()) w.str(s, "wname");
            }
            case Rwalk r -> { w.u16(r.qids().size()); for (Qid q : r.qids()) w.qid(q, "wqid"); }
            case Topen t -> { w.u32(t.fid()); w.u8(t.mode()); }
            case Ropen r -> { w.qid(r.qid(), "qid"); w.u32(r.iounit()); }
            case Tcreate t -> {
                w.u32(t.fid()); w.str(t.name(), "name"); w.u32(t.perm()); w.u8(t.mode());
                if (dotu) w.str(t.extension(), "extension");
            }
            case Rcreate r -> { w.qid(r.qid(), "qid"); w.u32(r.iounit()); }
            case Tread t -> { w.u32(t.fid()); w.u64(t.offset()); w.u32(t.count()); }
            case Rread r -> w.data(r.data());
            case Twrite t -> { w.u32(t.fid()); w.u64(t.offset()); w.data(t.data()); }
            case Rwrite r -> w.u32(r.count());
            case Tclunk t -> w.u32(t.fid());
            case Rclunk _ -> { }
            case Tremove t -> w.u32(t.fid());
            case Rremove _ -> { }
            case Tstat t -> w.u32(t.fid());
            case Rstat r -> statN(w, r.stat());
            case Twstat t -> { w.u32(t.fid()); statN(w, t.stat()); }
            case Rwstat _ -> { }

            case Rlerror r -> w.u32(r.ecode());
            case Tstatfs t -> w.u32(t.fid());
            case Rstatfs r -> {
                w.u32(r.fsType()); w.u32(r.bsize()); w.u64(r.blocks()); w.u64(r.bfree()); w.u64(r.bavail());
                w.u64(r.files()); w.u64(r.ffree()); w.u64(r.fsid()); w.u32(r.namelen());
            }
            case Tlopen t -> { w.u32(t.fid()); w.u32(t.flags()); }
            case Rlopen r -> { w.qid(r.qid(), "qid"); w.u32(r.iounit()); }
            case Tlcreate t -> { w.u32(t.fid()); w.str(t.name(), "name"); w.u32(t.flags()); w.u32(t.mode()); w.u32(t.gid()); }
            case Rlcreate r -> { w.qid(r.qid(), "qid"); w.u32(r.iounit()); }
            case Tsymlink t -> { w.u32(t.fid()); w.str(t.name(), "name"); w.str(t.symtgt(), "symtgt"); w.u32(t.gid()); }
            case Rsymlink r -> w.qid(r.qid(), "qid");
            case Tmknod t -> {
                w.u32(t.dfid()); w.str(t.name(), "name"); w.u32(t.mode()); w.u32(t.major()); w.u32(t.minor());
                w.u32(t.gid());
            }
            case Rmknod r -> w.qid(r.qid(), "qid");
            case Trename t -> { w.u32(t.fid()); w.u32(t.dfid()); w.str(t.name(), "name"); }
            case Rrename _ -> { }
            case Treadlink t -> w.u32(t.fid());
            case Rreadlink r -> w.str(r.target(), "target");
            case Tgetattr t -> { w.u32(t.fid()); w.u64(t.requestMask()); }
            case Rgetattr r -> {
                w.u64(r.valid()); w.qid(r.qid(), "qid"); w.u32(r.mode()); w.u32(r.uid()); w.u32(r.gid());
                w.u64(r.nlink()); w.u64(r.rdev()); w.u64(r.size()); w.u64(r.blksize()); w.u64(r.blocks());
                w.u64(r.atimeSec()); w.u64(r.atimeNsec()); w.u64(r.mtimeSec()); w.u64(r.mtimeNsec());
                w.u64(r.ctimeSec()); w.u64(r.ctimeNsec()); w.u64(r.btimeSec()); w.u64(r.btimeNsec());
                w.u64(r.gen()); w.u64(r.dataVersion());
            }
            case Tsetattr t -> {
                w.u32(t.fid()); w.u32(t.valid()); w.u32(t.mode()); w.u32(t.uid()); w.u32(t.gid()); w.u64(t.size());
                w.u64(t.atimeSec()); w.u64(t.atimeNsec()); w.u64(t.mtimeSec()); w.u64(t.mtimeNsec());
            }
            case Rsetattr _ -> { }
            case Txattrwalk t -> { w.u32(t.fid()); w.u32(t.newfid()); w.str(t.name(), "name"); }
            case Rxattrwalk r -> w.u64(r.size());
            case Txattrcreate t -> { w.u32(t.fid()); w.str(t.name(), "name"); w.u64(t.attrSize()); w.u32(t.flags()); }
            case Rxattrcreate _ -> { }
            case Treaddir t -> { w.u32(t.fid()); w.u64(t.offset()); w.u32(t.count()); }
            case Rreaddir r -> {
                int at = w.position();
                w.u32(0);                           // count, patched below
                for (Dirent d : r.entries()) {
                    w.qid(d.qid(), "dirent qid"); w.u64(d.offset()); w.u8(d.type()); w.str(d.name(), "dirent name");
                }
                w.put32(at, w.position() - at - 4);
            }
            case Tfsync t -> { w.u32(t.fid()); w.u32(t.datasync()); }
            case Rfsync _ -> { }
            case Tlock t -> {
                w.u32(t.fid()); w.u8(t.lockType()); w.u32(t.flags()); w.u64(t.start()); w.u64(t.length());
                w.u32(t.procId()); w.str(t.clientId(), "client_id");
            }
            case Rlock r -> w.u8(r.status());
            case Tgetlock t -> {
                w.u32(t.fid()); w.u8(t.lockType()); w.u64(t.start()); w.u64(t.length()); w.u32(t.procId());
                w.str(t.clientId(), "client_id");
            }
            case Rgetlock r -> {
                w.u8(r.lockType()); w.u64(r.start()); w.u64(r.length()); w.u32(r.procId());
                w.str(r.clientId(), "client_id");
            }
            case Tlink t -> { w.u32(t.dfid()); w.u32(t.fid()); w.str(t.name(), "name"); }
            case Rlink _ -> { }
            case Tmkdir t -> { w.u32(t.dfid()); w.str(t.name(), "name"); w.u32(t.mode()); w.u32(t.gid()); }
            case Rmkdir r -> w.qid(r.qid(), "qid");
            case Trenameat t -> {
                w.u32(t.olddirfid()); w.str(t.oldname(), "oldname"); w.u32(t.newdirfid()); w.str(t.newname(), "newname");
            }
            case Rrenameat _ -> { }
            case Tunlinkat t -> { w.u32(t.dirfid()); w.str(t.name(), "name"); w.u32(t.flags()); }
            case Runlinkat _ -> { }
        }
    }

    /** stat[n]: n[2] = the stat's bytes, then the stat (which begins with its own size[2] = n − 2). */
    private void statN(WireWriter w, Stat st) throws NinePException {
        int n = st.wireSize(dialect);
        if (n > 0xFFFF) throw new NinePException("stat of " + n + " bytes does not fit stat[n]");
        w.u16(n);
        stat(w, st);
    }

    private void stat(WireWriter w, Stat st) throws NinePException {
        int n = st.wireSize(dialect);
        if (n - 2 > 0xFFFF) throw new NinePException("stat of " + n + " bytes does not fit its size field");
        int start = w.position();
        w.u16(n - 2);
        w.u16(st.type()); w.u32(st.dev()); w.qid(st.qid(), "stat qid"); w.u32(st.mode()); w.u32(st.atime());
        w.u32(st.mtime()); w.u64(st.length()); w.str(st.name(), "stat name"); w.str(st.uid(), "stat uid");
        w.str(st.gid(), "stat gid"); w.str(st.muid(), "stat muid");
        if (dialect == Dialect.P9P2000U) {
            w.str(st.extension(), "stat extension"); w.u32(st.nUid()); w.u32(st.nGid()); w.u32(st.nMuid());
        }
        assert w.position() - start == n : "Stat.wireSize disagrees with the encoder";
    }
}
