package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;

import fornax.kernel.ninep.Message.*;
import fornax.kernel.vfs.Qid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One or more sample messages of every type each dialect has, with values that exercise the
 * unsigned ranges (fids near ~0, u64s with the top bit set), empty strings and lists, and names
 * that are UTF-8 (all dialects) or arbitrary bytes (.u and .L only).
 */
final class Samples {
    private Samples() { }

    static final Qid DIR = new Qid(Qid.QTDIR, 0, 0x2c1facL);
    static final Qid FILE = new Qid(Qid.QTFILE, 7, 0xFFFF_FFFF_FFFF_FFFEL);
    static final Qid LINK = new Qid(Qid.QTSYMLINK, -1, 1L << 63);

    /** "héllo wörld" as its UTF-8 bytes, one char per byte. */
    static final String UTF8 = latin1("héllo wörld ☃".getBytes(StandardCharsets.UTF_8));
    /** A Linux name that is not UTF-8. */
    static final String RAW = latin1(new byte[] {'x', (byte) 0xFF, (byte) 0xC0, '/', 1});

    static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    static List<Message> all(Dialect d) {
        boolean dotu = d == Dialect.P9P2000U, plain = d == Dialect.P9P2000;
        String name = plain ? UTF8 : RAW;
        int nUname = plain ? NONUNAME : 1000;
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        List<Message> m = new ArrayList<>(List.of(
                new Tversion(8192, d.version()), new Tversion(-1, ""), new Rversion(8192, d.version()),
                new Rversion(MIN_MSIZE, Dialect.UNKNOWN),
                new Tauth(5, "glenda", "", nUname), new Tauth(NOFID, "", name, nUname), new Rauth(new Qid(Qid.QTAUTH, 0, 9)),
                new Tattach(0, NOFID, "root", "/tmp/9", nUname), new Tattach(-2, 3, name, "", nUname), new Rattach(DIR),
                new Tflush(0), new Tflush(0xFFFF), new Rflush(),
                new Twalk(1, 2, List.of()), new Twalk(1, 2, List.of("foo")),
                new Twalk(-2, -3, List.of("a", "", name, "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p")),
                new Rwalk(List.of()), new Rwalk(List.of(DIR, FILE, LINK)), new Rwalk(List.of(
                        DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, DIR, FILE)),
                new Tread(4, 0, 8192), new Tread(-1, Long.MIN_VALUE, -1),
                new Rread(new byte[0]), new Rread(data),
                new Twrite(4, 0, new byte[0]), new Twrite(4, 0xFFFF_FFFF_0000L, data),
                new Rwrite(0), new Rwrite(-1),
                new Tclunk(0), new Tclunk(-2), new Rclunk(),
                new Tremove(17), new Rremove()));
        if (d != Dialect.P9P2000L) {
            Stat st = dotu
                    ? new Stat(0, 0, FILE, 0100644, 1, -1, 6, name, "glenda", "sys", "", "ext", 1000, 1001, NONUNAME)
                    : new Stat(0xFFFF, 3, FILE, DMDIR | 0755, 1_700_000_000, 1_700_000_001, 1L << 40, name, "glenda", "sys", "bootes");
            m.addAll(List.of(
                    new Rerror("file does not exist", dotu ? 2 : 0), new Rerror("", 0),
                    new Topen(1, OREAD), new Topen(1, ORDWR | OTRUNC | ORCLOSE), new Ropen(FILE, 8169), new Ropen(DIR, 0),
                    new Tcreate(1, name, DMDIR | 0777, OREAD, dotu ? "" : ""),
                    new Tcreate(1, "lnk", DMSYMLINK | 0777, OWRITE, dotu ? "/target" : ""),
                    new Rcreate(FILE, 8169),
                    new Tstat(9), new Rstat(st), new Rstat(Stat.dontTouch()),
                    new Twstat(9, Stat.dontTouch()), new Twstat(9, st), new Rwstat()));
        } else {
            m.addAll(List.of(
                    new Rlerror(2), new Rlerror(-1),
                    new Tstatfs(0), new Rstatfs(0x01021997, 4096, 1L << 33, 12, -1L, 100, 99, 0x1234_5678_9abc_def0L, 255),
                    new Tlopen(2, 0100000), new Tlopen(2, 02304000), new Rlopen(DIR, 0), new Rlopen(FILE, 65512),
                    new Tlcreate(2, "foo", 0x8241, 0100644, 500), new Tlcreate(2, name, 0, 0, -1), new Rlcreate(FILE, 4096),
                    new Tsymlink(1, "newsymlink", "/tmp/9/newdir", 500), new Tsymlink(1, name, "", 0), new Rsymlink(LINK),
                    new Tmknod(1, "null", 020666, 1, 3, 0), new Rmknod(FILE),
                    new Trename(3, 1, "renamed"), new Rrename(),
                    new Treadlink(4), new Rreadlink("/tmp/9/newdir"), new Rreadlink(name),
                    new Tgetattr(1, GETATTR_BASIC), new Tgetattr(1, -1L),
                    new Rgetattr(GETATTR_ALL, DIR, 040755, 500, 500, 56, 0, 0, 4096, 2664, 1296863838, 1, 1296863107, 2,
                            1297047624, 3, 4, 5, 6, 7),
                    new Rgetattr(-1L, FILE, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1),
                    new Tsetattr(2, SETATTR_MODE | SETATTR_CTIME, 040000, 0, 0, 0, 0, 0, 0, 0),
                    new Tsetattr(-2, -1, -1, -1, -1, -1, -1, -1, -1, -1), new Rsetattr(),
                    new Txattrwalk(1, 5, ""), new Txattrwalk(1, 5, "user.comment"), new Rxattrwalk(42), new Rxattrwalk(-1),
                    new Txattrcreate(5, "user.comment", 11, 1), new Rxattrcreate(),
                    new Treaddir(2, 0, 65488), new Treaddir(2, Long.MAX_VALUE, -1),
                    new Rreaddir(List.of()),
                    new Rreaddir(List.of(new Dirent(DIR, 1, 4, "."), new Dirent(DIR, 2, 4, ".."),
                            new Dirent(FILE, -1L, 8, name), new Dirent(LINK, 4, 10, ""))),
                    new Tfsync(2, 0), new Tfsync(2, 1), new Rfsync(),
                    new Tlock(2, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 0, 0, 1234, "fornax"),
                    new Tlock(2, 0xFF, -1, -1, -1, -1, ""), new Rlock(LOCK_SUCCESS), new Rlock(LOCK_GRACE),
                    new Tgetlock(2, LOCK_TYPE_RDLCK, 10, 20, 99, "host"),
                    new Rgetlock(LOCK_TYPE_UNLCK, 0, 0, 0, ""), new Rgetlock(LOCK_TYPE_WRLCK, 5, -1, 77, "other"),
                    new Tlink(1, 3, "hard"), new Rlink(),
                    new Tmkdir(1, "newdir", 040755, 500), new Rmkdir(DIR),
                    new Trenameat(1, "a", 6, name), new Rrenameat(),
                    new Tunlinkat(1, "newdir", 0x200), new Runlinkat()));
        }
        return m;
    }
}
