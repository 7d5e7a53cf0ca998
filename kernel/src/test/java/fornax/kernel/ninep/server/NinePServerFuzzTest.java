package fornax.kernel.ninep.server;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.ninep.Dialect;
import fornax.kernel.ninep.Frame;
import fornax.kernel.ninep.Message;
import fornax.kernel.ninep.Message.*;
import fornax.kernel.ninep.NinePCodec;
import fornax.kernel.ninep.NinePException;
import fornax.kernel.ninep.Stat;
import fornax.kernel.ninep.transport.Channel;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Qid;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated 9P traffic, a bounded amount of it and from a fixed seed, against a server
 * over tmpfs: well-formed requests with fields drawn from small pools (so fids, names and offsets
 * collide and the handlers go deep), bursts with flushes in them, mutated encodings and raw junk
 * (which end their connection), in all three dialects. What must hold:
 *
 * <ul>
 *   <li>serve never throws: a connection ends only by returning, and then its fids are all
 *       clunked, on the 9P side ({@link NinePServer#liveFids}) and on tmpfs's;
 *   <li>every request gets exactly one reply, except a flushed one, which gets at most one and
 *       only before its Rflush; every reply decodes;
 *   <li>tmpfs never faults (a non-SysError would reach onFault);
 *   <li>when the fuzzing is over and what it created is removed, tmpfs holds no page and no
 *       inode more than before (so nothing was kept alive by a leaked fid).
 * </ul>
 * The timeout only guards against a hang; nothing is timed.
 */
@Timeout(300)
class NinePServerFuzzTest {
    static final int MESSAGES = 50_000;
    static final long SEED = 0x9F5E12L;

    private final Random rnd = new Random(SEED);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000_000_000L);
    private final TmpFs tmpfs = new TmpFs(7, clock::get, 16L << 20, 0755);
    private final List<Throwable> faults = new CopyOnWriteArrayList<>();
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private final AtomicLong logLines = new AtomicLong();
    private final NinePServer server = new NinePServer("fuzz", this::attach, 8192, faults::add, l -> logLines.incrementAndGet());
    private final Map<String, Integer> replies = new TreeMap<>();
    private int sent, connections, dropped;

    private Fid attach(String aname) {
        if (aname.equals("bad")) throw new SysError(fornax.kernel.sys.Errno.ENOENT);
        return tmpfs.attach();
    }

    /** One connection under test: the client's end, its codec, the thread serving the other end. */
    private final class Conn {
        final Transport end;
        final Thread serving;
        NinePCodec codec;
        Dialect dialect;
        int nextTag;
        /** What the client believes its fids are: fid → opened. A hint for the generator only. */
        final Map<Integer, Boolean> fids = new HashMap<>();

        /** A reply to {@code r} arrived: update the model. */
        void learn(Request r, Reply reply) {
            boolean ok = !(reply instanceof Rlerror) && !(reply instanceof Rerror);
            switch (r) {
                case Tattach t -> { if (ok) fids.put(t.fid(), false); }
                case Twalk t -> { if (ok && ((Rwalk) reply).qids().size() == t.wnames().size()) fids.put(t.newfid(), false); }
                case Tlopen t -> { if (ok) fids.put(t.fid(), true); }
                case Topen t -> { if (ok) fids.put(t.fid(), true); }
                case Tlcreate t -> { if (ok) fids.put(t.fid(), true); }
                case Tcreate t -> { if (ok) fids.put(t.fid(), true); }
                case Tclunk t -> fids.remove(t.fid());
                case Tremove t -> fids.remove(t.fid());
                default -> { }
            }
        }

        Conn() {
            Transport[] pair = Channel.pair("fuzz");
            end = pair[0];
            serving = Thread.ofVirtual().unstarted(() -> server.serve(pair[1]));
            serving.setUncaughtExceptionHandler((t, e) -> escaped.add(e));
            serving.start();
        }
    }

    @Test
    void theServerSurvivesFuzzingAndLeaksNothing() throws Exception {
        long bytesBefore = tmpfs.usedBytes(), inodesFree = tmpfs.statfs().ffree();
        while (sent < MESSAGES) session();
        assertEquals(List.of(), escaped, "exceptions out of serve");
        assertEquals(List.of(), faults, "tmpfs faults");
        assertEquals(0, server.liveFids());
        assertEquals(0, tmpfs.liveFids());
        assertEquals(0, server.connections());
        removeAll(tmpfs.attach());
        assertEquals(bytesBefore, tmpfs.usedBytes(), "tmpfs pages left");
        assertEquals(inodesFree, tmpfs.statfs().ffree(), "tmpfs inodes left");
        assertEquals(0, tmpfs.liveFids());
        System.out.printf("9P server fuzz: %d messages on %d connections (%d dropped for protocol errors, %d log lines); replies %s%n",
                sent, connections, dropped, logLines.get(), replies);
        // the generator must reach deep: successful opens, reads, writes, creates, and errors
        for (String r : List.of("Rlopen", "Rread", "Rwrite", "Rlcreate", "Rreaddir", "Rlerror", "Rflush", "Rwalk", "Ropen", "Rstat", "Rerror"))
            assertTrue(replies.getOrDefault(r, 0) > 20, r + ": " + replies);
        assertTrue(dropped > 50, "dropped only " + dropped);
    }

    /** Removes everything below directory {@code dir} (taken), through tmpfs itself. */
    private void removeAll(Fid dir) {
        Fid open = tmpfs.clone(dir);
        List<DirEntry> all = new ArrayList<>();
        try {
            tmpfs.open(open, OpenFlags.O_RDONLY);
            for (List<DirEntry> b; !(b = tmpfs.readdir(open, all.isEmpty() ? 0 : all.getLast().next(), 64)).isEmpty(); ) all.addAll(b);
        } finally {
            tmpfs.clunk(open);
        }
        for (DirEntry e : all) {
            if (e.name().equals(".") || e.name().equals("..")) continue;
            if (e.type() == Dir.DT_DIR) removeAll(tmpfs.walk(dir, e.name()));
            tmpfs.remove(dir, e.name(), e.type() == Dir.DT_DIR);
        }
        tmpfs.clunk(dir);
    }

    // ------------------------------------------------------------------ one connection

    /** A connection: negotiate, attach, then traffic until the budget of this connection is spent or it is dropped. */
    private void session() throws Exception {
        Conn c = new Conn();
        connections++;
        int budget = 50 + rnd.nextInt(400);
        boolean alive = true;
        try {
            int pick = rnd.nextInt(10);
            c.dialect = pick < 7 ? Dialect.P9P2000L : pick < 9 ? Dialect.P9P2000 : Dialect.P9P2000U;
            c.codec = new NinePCodec(c.dialect, 8192);
            NinePCodec boot = new NinePCodec(Dialect.P9P2000L, 8192);
            c.end.send(boot.encode(new Tversion(rnd.nextInt(4) == 0 ? 300 + rnd.nextInt(9000) : 8192, c.dialect.version()), NOTAG));
            Rversion rv = (Rversion) boot.decode(c.end.receive(8192)).message();
            assertEquals(c.dialect.version(), rv.version());
            c.codec = new NinePCodec(c.dialect, rv.msize());
            sent++;
            exchange(c, List.of(new Tattach(0, NOFID, "", "", NONUNAME)));
            for (int i = 0; i < budget && alive; i++) {
                int kind = rnd.nextInt(100);
                if (kind < 2) {                                     // raw junk or a mutated message: the end of it
                    alive = junk(c);
                } else if (kind < 10) {                             // a burst, with flushes of its own tags
                    alive = burst(c);
                } else {
                    alive = exchange(c, List.of(request(c)));
                }
            }
        } finally {
            if (alive && rnd.nextBoolean()) {
                // hang up with requests in flight sometimes: they must be aborted and clunked too
                for (int i = 0; i < 3; i++) {
                    try {
                        c.end.send(c.codec.encode(request(c), c.nextTag++ & 0x7FFF));
                    } catch (NinePException | IOException e) {
                        break;
                    }
                }
            }
            c.end.close();
            c.serving.join();
        }
        if (!alive) dropped++;
        assertEquals(0, server.liveFids(), "9P fids after connection " + connections);
        assertEquals(0, tmpfs.liveFids(), "tmpfs fids after connection " + connections);
    }

    /**
     * Sends {@code reqs} with distinct tags, turning some Tflushes into flushes of earlier requests
     * of the same burst, and checks the replies: each unflushed request gets exactly one, a
     * flushed one at most one and only before the Rflush naming it. False if the server hung up.
     */
    private boolean exchange(Conn c, List<Request> reqs) throws Exception {
        Map<Integer, Request> outstanding = new HashMap<>();
        Map<Integer, Integer> flushOf = new HashMap<>();       // Tflush tag → the tag it flushes
        List<String> trace = new ArrayList<>();
        for (Request r : reqs) {
            int t = c.nextTag++ & 0x7FFF;
            if (r instanceof Tflush) {
                List<Integer> targets = outstanding.entrySet().stream()
                        .filter(e -> !(e.getValue() instanceof Tflush) && !flushOf.containsValue(e.getKey()))
                        .map(Map.Entry::getKey).sorted().toList();
                if (!targets.isEmpty()) {
                    r = new Tflush(targets.get(rnd.nextInt(targets.size())));
                    flushOf.put(t, ((Tflush) r).oldtag());
                }
            }
            byte[] b;
            try {
                b = c.codec.encode(r, t);
            } catch (NinePException e) {
                flushOf.remove(t);
                continue;                                       // a field this dialect or msize cannot carry
            }
            try {
                c.end.send(b);
            } catch (IOException e) {
                return false;
            }
            sent++;
            outstanding.put(t, r);
            trace.add(t + ":" + r);
        }
        while (!outstanding.isEmpty()) {
            Frame f;
            try {
                f = c.codec.decode(c.end.receive(c.codec.msize()));
            } catch (EOFException e) {
                return false;
            }
            Request r = outstanding.remove(f.tag());
            trace.add("-> " + f.tag() + ":" + f.message());
            assertNotNull(r, "a reply for tag " + f.tag() + ", which is not in flight (flushed already?): " + f.message() + " " + trace);
            replies.merge(typeName(f.message()), 1, Integer::sum);
            c.learn(r, (Reply) f.message());
            if (r instanceof Tflush) {
                assertInstanceOf(Rflush.class, f.message());
                // the flushed request is over: a reply for it from now on is a bug (caught above, later)
                Integer old = flushOf.get(f.tag());
                if (old != null) outstanding.remove(old);
            }
        }
        return true;
    }

    private static String typeName(Message m) { return fornax.kernel.ninep.NineP.typeName(m.type()); }

    private boolean burst(Conn c) throws Exception {
        List<Request> reqs = new ArrayList<>();
        int n = 2 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) reqs.add(rnd.nextInt(5) == 0 ? new Tflush(0x7FFF) : request(c));
        return exchange(c, reqs);
    }

    /**
     * Junk: random bytes, or a request mutated. The server hangs up, or (the junk happening to be
     * a well-formed message) answers; then it must go on serving.
     */
    private boolean junk(Conn c) throws Exception {
        byte[] b;
        if (rnd.nextInt(3) == 0) {
            b = new byte[7 + rnd.nextInt(60)];
            rnd.nextBytes(b);
            int size = rnd.nextInt(4) == 0 ? rnd.nextInt() : b.length;
            b[0] = (byte) size; b[1] = (byte) (size >> 8); b[2] = (byte) (size >> 16); b[3] = (byte) (size >>> 24);
        } else {
            try {
                b = c.codec.encode(request(c), c.nextTag++ & 0x7FFF);
            } catch (NinePException e) {
                return true;
            }
            b = mutate(b);
        }
        try {
            c.end.send(b);
        } catch (IOException e) {
            return false;
        }
        sent++;
        Frame f;
        try {
            f = c.codec.decode(c.end.receive(c.codec.msize()));
        } catch (EOFException e) {
            return false;
        }
        replies.merge(typeName(f.message()), 1, Integer::sum);
        if (f.message() instanceof Rversion) return false;      // junk that renegotiated: start afresh
        return probe(c);
    }

    /** After junk the server answered: it must still serve (or hang up). */
    private boolean probe(Conn c) throws Exception {
        return exchange(c, List.of(new Tclunk(12345)));
    }

    private byte[] mutate(byte[] in) {
        byte[] b = in.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> { for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8)); }
            case 1 -> b = Arrays.copyOf(b, Math.max(7, rnd.nextInt(b.length + 1)));             // truncated, size not fixed
            case 2 -> { b = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(8)); fixSize(b); }       // trailing bytes
            case 3 -> { b[4] = (byte) rnd.nextInt(256); }                                          // another type
            default -> { b = Arrays.copyOf(b, Math.max(7, rnd.nextInt(b.length + 1))); fixSize(b); }
        }
        return b;
    }

    private static void fixSize(byte[] b) {
        b[0] = (byte) b.length; b[1] = (byte) (b.length >> 8); b[2] = (byte) (b.length >> 16); b[3] = (byte) (b.length >>> 24);
    }

    // ------------------------------------------------------------------ well-formed requests

    private static final String[] NAMES = {"a", "b", "c", "d", ".", "..", "", "x/y", "lnk", "a".repeat(300), "\u00ff\u00fe"};

    /** The connection whose fids the generator draws from. */
    private Conn current;

    /** A fid: mostly one the client holds (an opened one if {@code open}), sometimes any. */
    private int fid(boolean open) {
        if (current != null && !current.fids.isEmpty() && rnd.nextInt(10) < 8) {
            List<Integer> pool = current.fids.entrySet().stream().filter(e -> e.getValue() == open)
                    .map(Map.Entry::getKey).sorted().toList();
            if (!pool.isEmpty()) return pool.get(rnd.nextInt(pool.size()));
        }
        int r = rnd.nextInt(20);
        return r < 16 ? r : r == 16 ? NOFID : r == 17 ? -2 : rnd.nextInt();
    }

    private int fid() { return fid(false); }
    private int openFid() { return fid(true); }

    /** A new fid number, usually one the client does not hold. */
    private int newFid() {
        int f = 1 + rnd.nextInt(24);
        return current != null && current.fids.containsKey(f) && rnd.nextInt(4) != 0 ? 1 + rnd.nextInt(48) : f;
    }

    private String name() { return rnd.nextInt(4) == 0 ? NAMES[rnd.nextInt(NAMES.length)] : NAMES[rnd.nextInt(6)]; }

    private long offset() {
        return switch (rnd.nextInt(6)) {
            case 0, 1 -> 0;
            case 2 -> rnd.nextInt(5000);
            case 3 -> -1L;
            case 4 -> Long.MAX_VALUE - rnd.nextInt(3);
            default -> rnd.nextLong();
        };
    }

    private int count() {
        return switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(100);
            case 2 -> 8192;
            case 3 -> -1;
            default -> rnd.nextInt(20000);
        };
    }

    private int openFlags() {
        int[] common = {OpenFlags.O_RDONLY, OpenFlags.O_WRONLY, OpenFlags.O_RDWR, OpenFlags.O_RDWR | OpenFlags.O_TRUNC,
                OpenFlags.O_WRONLY | OpenFlags.O_APPEND, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 3};
        return rnd.nextInt(8) == 0 ? rnd.nextInt() : common[rnd.nextInt(common.length)];
    }

    private int mode() {
        int[] common = {0644, 0755, Dir.S_IFREG | 0600, Dir.S_IFDIR | 0700, Dir.S_IFIFO | 0600, Dir.S_IFCHR | 0600, 0};
        return rnd.nextInt(8) == 0 ? rnd.nextInt() : common[rnd.nextInt(common.length)];
    }

    private List<String> names() {
        int n = rnd.nextInt(10) == 0 ? 16 : rnd.nextInt(4);
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(name());
        return l;
    }

    private byte[] data() {
        byte[] d = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(6000) : rnd.nextInt(64)];
        rnd.nextBytes(d);
        return d;
    }

    /** A well-formed request of the dialect, weighted toward what builds up state (walks, opens, creates). */
    private Request request(Conn c) {
        current = c;
        Dialect d = c.dialect;
        int pick = rnd.nextInt(d == Dialect.P9P2000L ? 34 : 17);
        return switch (pick) {
            case 0, 1, 2, 3 -> new Twalk(fid(), rnd.nextInt(8) == 0 ? fid() : newFid(), names());
            case 4 -> new Tclunk(rnd.nextBoolean() ? openFid() : fid());
            case 5 -> new Tread(openFid(), rnd.nextBoolean() ? rnd.nextInt(100) : offset(), count());
            case 6 -> new Twrite(openFid(), rnd.nextBoolean() ? rnd.nextInt(100) : offset(), data());
            case 7 -> new Tremove(fid());
            case 8 -> new Tattach(newFid(), rnd.nextInt(10) == 0 ? fid() : NOFID, "u", rnd.nextInt(10) == 0 ? "bad" : "", NONUNAME);
            case 9 -> new Tflush(rnd.nextInt(0x10000));
            case 10 -> new Tauth(fid(), "u", "", NONUNAME);
            case 11 -> d == Dialect.P9P2000L ? new Tlopen(fid(), openFlags()) : new Topen(fid(), rnd.nextInt(256));
            case 12 -> d == Dialect.P9P2000L ? new Tlcreate(fid(), name(), openFlags(), mode(), 0)
                    : new Tcreate(fid(), name(), rnd.nextBoolean() ? 0644 : rnd.nextBoolean() ? DMDIR | 0755 : rnd.nextInt(), rnd.nextInt(256),
                    d == Dialect.P9P2000U && rnd.nextBoolean() ? "target" : "");
            case 13 -> d == Dialect.P9P2000L ? new Tgetattr(fid(), GETATTR_ALL) : new Tstat(fid());
            case 14 -> d == Dialect.P9P2000L ? new Treaddir(openFid(), rnd.nextInt(3) == 0 ? offset() : rnd.nextInt(10), count())
                    : new Tread(openFid(), rnd.nextBoolean() ? 0 : offset(), count());
            case 15 -> d == Dialect.P9P2000L ? new Tmkdir(fid(), name(), mode(), 0) : new Twstat(fid(), wstat());
            case 16 -> d == Dialect.P9P2000L ? new Tsetattr(fid(), rnd.nextInt(0x200), mode(), rnd.nextInt(3) - 1, 0, offset() & 0xFFFFF,
                    rnd.nextLong(), rnd.nextInt(2_000_000_000), rnd.nextInt(), rnd.nextInt(1_000_000_000))
                    : new Topen(fid(), rnd.nextBoolean() ? OREAD : ORDWR | (rnd.nextBoolean() ? ORCLOSE : OTRUNC));
            case 17 -> new Tsymlink(fid(), name(), rnd.nextBoolean() ? "a" : "", 0);
            case 18 -> new Tmknod(fid(), name(), mode(), 1, 3, 0);
            case 19 -> new Trename(fid(), fid(), name());
            case 20 -> new Treadlink(fid());
            case 21 -> new Txattrwalk(fid(), fid(), rnd.nextBoolean() ? "" : "user.x");
            case 22 -> new Txattrcreate(fid(), "user.x", rnd.nextInt(10), 0);
            case 23 -> new Tfsync(fid(), rnd.nextInt(2));
            case 24 -> new Tlock(openFid(), rnd.nextInt(3), rnd.nextInt(4), offset(), offset(), 1, "fuzz");
            case 25 -> new Tgetlock(openFid(), rnd.nextInt(3), offset(), offset(), 1, "fuzz");
            case 26 -> new Tlink(fid(), fid(), name());
            case 27 -> new Trenameat(fid(), name(), fid(), name());
            case 28 -> new Tunlinkat(fid(), name(), rnd.nextBoolean() ? 0 : rnd.nextBoolean() ? 0x200 : rnd.nextInt());
            case 29 -> new Tstatfs(fid());
            case 30 -> new Tread(openFid(), rnd.nextInt(100), 1 + rnd.nextInt(8000));
            case 31 -> new Twrite(openFid(), rnd.nextInt(5000), data());
            case 32 -> new Tlopen(fid(), openFlags());
            default -> new Tlcreate(fid(), name(), openFlags(), mode(), 0);
        };
    }

    private Stat wstat() {
        Stat d = Stat.dontTouch();
        int mode = rnd.nextBoolean() ? -1 : rnd.nextBoolean() ? 0600 : rnd.nextInt();
        long length = rnd.nextBoolean() ? -1L : rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(10000);
        String name = rnd.nextBoolean() ? "" : name();
        return new Stat(d.type(), d.dev(), new Qid(0xFF, -1, -1L), mode, -1, rnd.nextBoolean() ? -1 : rnd.nextInt(), length,
                name, rnd.nextInt(4) == 0 ? "root" : "", rnd.nextInt(4) == 0 ? "17" : "", "");
    }
}
