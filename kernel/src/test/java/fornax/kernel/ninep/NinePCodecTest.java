package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Message.*;
import fornax.kernel.vfs.Qid;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NinePCodecTest {
    static final int MSIZE = 8192;

    static NinePCodec codec(Dialect d) { return new NinePCodec(d, MSIZE); }

    static NinePException fails(NinePCodec c, byte[] b) {
        return assertThrows(NinePException.class, () -> c.decode(b), () -> "accepted " + Bytes.hex(b));
    }

    // ------------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyMessageRoundTripsAndReencodesToTheSameBytes(Dialect d) throws Exception {
        NinePCodec c = codec(d);
        int tag = 0;
        for (Message m : Samples.all(d)) {
            byte[] b = c.encode(m, tag);
            assertEquals(b.length, c.frameLength(b, 0), m + ": size field");
            assertEquals(m.type(), b[4] & 0xFF, m + ": type byte");
            Frame f = c.decode(b);
            assertEquals(tag, f.tag());
            assertEquals(m, f.message(), "round trip in " + d);
            assertArrayEquals(b, c.encode(f.message(), f.tag()), m + ": re-encoding");
            tag = (tag * 31 + 7) & 0xFFFF;
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void samplesCoverEveryTypeOfTheDialectAndNoOther(Dialect d) {
        Set<Integer> sampled = new TreeSet<>();
        for (Message m : Samples.all(d)) {
            assertTrue(d.has(m.type()), m + " in " + d);
            sampled.add(m.type());
        }
        Set<Integer> has = new TreeSet<>();
        for (int t = 0; t < 256; t++) if (d.has(t)) has.add(t);
        assertEquals(has, sampled);
        assertEquals(d == Dialect.P9P2000L ? 9 * 2 + 19 * 2 + 1 : 13 * 2 + 1, has.size());
    }

    @Test
    void everyRecordIsSampledInSomeDialectWithItsOwnTypeNumber() {
        Set<Class<?>> records = new HashSet<>();
        for (Class<?> side : Message.class.getPermittedSubclasses())
            records.addAll(Arrays.asList(side.getPermittedSubclasses()));
        assertEquals(13 + 14 + 19 + 20, records.size());      // T and R of 9P2000 + Rerror; .L T, R + Rlerror
        Set<Class<?>> sampled = new HashSet<>();
        Set<Integer> types = new HashSet<>();
        for (Dialect d : Dialect.values())
            for (Message m : Samples.all(d)) {
                sampled.add(m.getClass());
                assertEquals(m instanceof Request, m.type() % 2 == 0, m + ": T even, R odd");
                assertFalse(NineP.typeName(m.type()).startsWith("type "));
                assertEquals(m.getClass().getSimpleName(), NineP.typeName(m.type()));
                types.add(m.type());
            }
        assertEquals(records, sampled);
        assertEquals(records.size(), types.size(), "one type number per record");
    }

    @Test
    void byteBufferDecodingReadsConsecutiveMessagesFromHeapAndDirectBuffers() throws Exception {
        NinePCodec c = codec(Dialect.P9P2000L);
        List<Message> ms = Samples.all(Dialect.P9P2000L);
        ByteBuffer heap = ByteBuffer.allocate(64 * 1024), direct = ByteBuffer.allocateDirect(64 * 1024);
        for (int i = 0; i < ms.size(); i++) {
            byte[] b = c.encode(ms.get(i), i);
            heap.put(b);
            direct.put(b);
        }
        for (ByteBuffer buf : List.of(heap.flip(), direct.flip())) {
            for (int i = 0; i < ms.size(); i++) {
                Frame f = c.decode(buf);
                assertEquals(new Frame(i, ms.get(i)), f);
            }
            assertEquals(0, buf.remaining());
            assertThrows(NinePException.class, () -> c.decode(buf));
        }
        // a buffer ending mid-message: an error, not a partial read
        byte[] b = c.encode(new Tclunk(5), 1);
        assertThrows(NinePException.class, () -> c.decode(ByteBuffer.wrap(b, 0, b.length - 1)));
        // the array offset of a sliced buffer is honored
        byte[] padded = new byte[b.length + 10];
        System.arraycopy(b, 0, padded, 5, b.length);
        assertEquals(new Frame(1, new Tclunk(5)), c.decode(ByteBuffer.wrap(padded).position(5).slice()));
    }

    @Test
    void plainStatsOfADirectoryReadRoundTrip() throws Exception {
        for (Dialect d : List.of(Dialect.P9P2000, Dialect.P9P2000U)) {
            NinePCodec c = codec(d);
            List<Stat> stats = List.of(
                    new Stat(0, 0, Samples.DIR, DMDIR | 0755, 1, 2, 0, "d", "u", "g", "m"),
                    new Stat(0, 0, Samples.FILE, 0644, 3, 4, 5, "f", "u", "g", ""));
            ByteBuffer all = ByteBuffer.allocate(1024);
            for (Stat s : stats) all.put(c.encodeStat(s));
            byte[] data = Arrays.copyOf(all.array(), all.position());
            assertEquals(stats, c.decodeStats(data));
            assertThrows(NinePException.class, () -> c.decodeStats(Arrays.copyOf(data, data.length - 1)));
        }
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000L).decodeStats(new byte[0]));
    }

    // ------------------------------------------------------------------ golden encodings

    @Test
    void goldenTversionAndRlerror() throws Exception {
        NinePCodec c = codec(Dialect.P9P2000L);
        byte[] tversion = new Bytes().hex("15000000 64 ffff 00200000 0800").raw("9P2000.L".getBytes()).bytes();
        assertArrayEquals(tversion, c.encode(new Tversion(8192, "9P2000.L"), NOTAG));
        assertEquals(new Frame(NOTAG, new Tversion(8192, "9P2000.L")), c.decode(tversion));
        // diod's sample: "P9_RLERROR tag 1 ecode 2"
        byte[] rlerror = new Bytes().hex("0b000000 07 0100 02000000").bytes();
        assertArrayEquals(rlerror, c.encode(new Rlerror(2), 1));
    }

    @Test
    void goldenTwalkAndTattachInEachDialect() throws Exception {
        byte[] twalk = new Bytes().u32(1).u32(2).u16(1).str("foo").message(TWALK, 1);
        assertEquals(22, twalk.length);
        for (Dialect d : Dialect.values())
            assertArrayEquals(twalk, codec(d).encode(new Twalk(1, 2, List.of("foo")), 1));
        // diod's sample: "P9_TATTACH tag 1 fid 0 afid -1 uname 'root' aname '/tmp/9' n_uname P9_NONUNAME"
        byte[] plain = new Bytes().u32(0).u32(0xFFFFFFFFL).str("root").str("/tmp/9").message(TATTACH, 1);
        byte[] dotl = new Bytes().u32(0).u32(0xFFFFFFFFL).str("root").str("/tmp/9").u32(0xFFFFFFFFL).message(TATTACH, 1);
        Tattach t = new Tattach(0, NOFID, "root", "/tmp/9", NONUNAME);
        assertArrayEquals(plain, codec(Dialect.P9P2000).encode(t, 1));
        assertArrayEquals(dotl, codec(Dialect.P9P2000U).encode(t, 1));
        assertArrayEquals(dotl, codec(Dialect.P9P2000L).encode(t, 1));
        assertEquals(t, codec(Dialect.P9P2000).decode(plain).message());
        fails(codec(Dialect.P9P2000), dotl);                    // 4 bytes too many for 9P2000
        fails(codec(Dialect.P9P2000L), plain);                  // n_uname missing
    }

    @Test
    void goldenRerrorAndTcreateDifferBetweenPlainAndDotU() throws Exception {
        byte[] plain = new Bytes().str("No such file or directory").message(RERROR, 3);
        byte[] dotu = new Bytes().str("No such file or directory").u32(2).message(RERROR, 3);
        assertArrayEquals(plain, codec(Dialect.P9P2000).encode(new Rerror("No such file or directory", 2), 3));
        assertArrayEquals(dotu, codec(Dialect.P9P2000U).encode(new Rerror("No such file or directory", 2), 3));
        assertEquals(new Rerror("No such file or directory", 0), codec(Dialect.P9P2000).decode(plain).message());
        assertEquals(new Rerror("No such file or directory", 2), codec(Dialect.P9P2000U).decode(dotu).message());
        fails(codec(Dialect.P9P2000L), plain);                  // .L has no Rerror

        byte[] cplain = new Bytes().u32(7).str("l").u32(0x02000000L | 0777).u8(1).message(TCREATE, 4);
        byte[] cdotu = new Bytes().u32(7).str("l").u32(0x02000000L | 0777).u8(1).str("/t").message(TCREATE, 4);
        Tcreate t = new Tcreate(7, "l", DMSYMLINK | 0777, OWRITE, "/t");
        assertArrayEquals(cplain, codec(Dialect.P9P2000).encode(t, 4));
        assertArrayEquals(cdotu, codec(Dialect.P9P2000U).encode(t, 4));
        fails(codec(Dialect.P9P2000L), cdotu);
    }

    @Test
    void goldenRgetattrTsetattrAndTlockFollowDiodsFieldOrder() throws Exception {
        NinePCodec c = codec(Dialect.P9P2000L);
        Rgetattr g = new Rgetattr(GETATTR_BASIC, Samples.DIR, 040755, 500, 501, 56, 7, 8, 4096, 2664,
                11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
        byte[] want = new Bytes().u64(0x7ff).qid(0x80, 0, 0x2c1fac).u32(040755).u32(500).u32(501).u64(56).u64(7)
                .u64(8).u64(4096).u64(2664).u64(11).u64(12).u64(13).u64(14).u64(15).u64(16).u64(17).u64(18)
                .u64(19).u64(20).message(RGETATTR, 1);
        assertEquals(7 + 8 + 13 + 12 + 15 * 8, want.length);
        assertArrayEquals(want, c.encode(g, 1));

        Tsetattr s = new Tsetattr(2, SETATTR_MODE | SETATTR_CTIME, 040000, 1, 2, 3, 4, 5, 6, 7);
        assertArrayEquals(new Bytes().u32(2).u32(0x41).u32(040000).u32(1).u32(2).u64(3).u64(4).u64(5).u64(6).u64(7)
                .message(TSETATTR, 1), c.encode(s, 1));

        Tlock l = new Tlock(2, LOCK_TYPE_WRLCK, LOCK_FLAGS_BLOCK, 100, 0, 4242, "node");
        assertArrayEquals(new Bytes().u32(2).u8(1).u32(1).u64(100).u64(0).u32(4242).str("node").message(TLOCK, 9),
                c.encode(l, 9));
        assertArrayEquals(new Bytes().u32(9).u32(1).message(TFSYNC, 2), c.encode(new Tfsync(9, 1), 2));
        assertArrayEquals(new Bytes().u32(1).str("a").u32(6).str("b").message(TRENAMEAT, 2),
                c.encode(new Trenameat(1, "a", 6, "b"), 2));
    }

    @Test
    void goldenRreaddirDecodesTheFirstEntriesOfDiodsSampleDump() throws Exception {
        // protocol.md's "P9_RREADDIR tag 1 count 4457" dump, cut after its first two entries
        byte[] entries = new Bytes().hex("""
                80000000 00ac1f2c 00000000 00010000 00000000 00040100 2e800000 0000ffff
                25000000 00002658 ea000000 00000402 002e2e""").bytes();
        byte[] msg = new Bytes().u32(entries.length).raw(entries).message(RREADDIR, 1);
        Rreaddir r = (Rreaddir) codec(Dialect.P9P2000L).decode(msg).message();
        assertEquals(List.of(new Dirent(new Qid(0x80, 0, 0x2c1fac), 1, 4, "."),
                new Dirent(new Qid(0x80, 0, 0x25ffff), 0xea5826, 4, "..")), r.entries());
        assertArrayEquals(msg, codec(Dialect.P9P2000L).encode(r, 1));
        // one byte short: the second entry's name is cut
        byte[] cut = new Bytes().u32(entries.length - 1).raw(Arrays.copyOf(entries, entries.length - 1))
                .message(RREADDIR, 1);
        fails(codec(Dialect.P9P2000L), cut);
    }

    @Test
    void goldenRstatCarriesStatNAroundTheStatsOwnSize() throws Exception {
        Stat st = new Stat(0, 0, Samples.FILE, 0644, 10, 20, 30, "f", "u", "g", "m");
        Bytes stat = new Bytes().u16(0).u32(0).qid(0, 7, 0xFFFF_FFFF_FFFF_FFFEL).u32(0644).u32(10).u32(20).u64(30)
                .str("f").str("u").str("g").str("m");
        byte[] body = stat.bytes();
        byte[] withSize = new Bytes().u16(body.length).raw(body).bytes();
        byte[] want = new Bytes().u16(withSize.length).raw(withSize).message(RSTAT, 6);
        assertArrayEquals(want, codec(Dialect.P9P2000).encode(new Rstat(st), 6));
        assertEquals(st.wireSize(Dialect.P9P2000), withSize.length);
        // stat[n] one more than the stat: rejected
        byte[] badN = new Bytes().u16(withSize.length + 1).raw(withSize).u8(0).message(RSTAT, 6);
        fails(codec(Dialect.P9P2000), badN);
        // the stat's own size one less than its fields: rejected
        byte[] badSize = new Bytes().u16(withSize.length).u16(body.length - 1).raw(body).message(RSTAT, 6);
        fails(codec(Dialect.P9P2000), badSize);
    }

    // ------------------------------------------------------------------ strictness

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void truncationAtEveryOffsetIsAnError(Dialect d) throws Exception {
        NinePCodec c = codec(d);
        for (Message m : Samples.all(d)) {
            byte[] b = c.encode(m, 1);
            for (int k = 0; k < b.length; k++) {
                byte[] cut = Arrays.copyOf(b, k);
                fails(c, cut);                                      // size field disagrees
                assertThrows(NinePException.class, () -> c.decode(ByteBuffer.wrap(cut)));
                if (k >= 4) {
                    byte[] fixed = cut.clone();                     // size field agrees: body is short
                    ByteBuffer.wrap(fixed).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, k);
                    fails(c, fixed);
                }
            }
            byte[] longer = Arrays.copyOf(b, b.length + 1);         // one trailing byte, size agreeing
            ByteBuffer.wrap(longer).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, longer.length);
            fails(c, longer);
        }
    }

    @Test
    void sizeMustBeExactAndWithinMsize() throws Exception {
        NinePCodec c = codec(Dialect.P9P2000L);
        byte[] ok = c.encode(new Rread(new byte[MSIZE - RREAD_HEADER]), 1);
        assertEquals(MSIZE, ok.length);
        assertEquals(MSIZE - RREAD_HEADER, ((Rread) c.decode(ok).message()).data().length);
        assertThrows(NinePException.class, () -> c.encode(new Rread(new byte[MSIZE - RREAD_HEADER + 1]), 1));
        assertThrows(NinePException.class, () -> c.encode(new Twrite(1, 0, new byte[MSIZE - IOHDRSZ + 1]), 1));
        assertEquals(MSIZE, c.encode(new Twrite(1, 0, new byte[c.maxWriteData()]), 1).length);
        // an Rread one byte over msize, as a peer with a larger msize would send it
        byte[] big = new NinePCodec(Dialect.P9P2000L, MSIZE * 2).encode(new Rread(new byte[MSIZE - RREAD_HEADER + 1]), 1);
        assertTrue(fails(c, big).reason().contains("exceeds msize"));
        fails(c, new Bytes().hex("06000000 7800").bytes());                     // size 6 < header
        fails(c, new Bytes().hex("ffffffff 78 0000").bytes());                  // size 4 GiB
        fails(c, new Bytes().hex("08000000 78 0100").bytes());                  // says 8, has 7
    }

    @Test
    void typesOutsideTheDialectAreErrors() throws Exception {
        for (Dialect d : Dialect.values())
            for (int t = 0; t < 256; t++) {
                if (d.has(t)) continue;
                byte[] b = new Bytes().u32(0).message(t, 1);
                NinePException e = fails(codec(d), b);
                assertTrue(e.reason().contains("not a") || e.reason().contains("unknown"), e.reason());
            }
        assertTrue(fails(codec(Dialect.P9P2000L), new Bytes().u32(1).u8(0).message(TOPEN, 1)).reason()
                .contains("Topen is not a 9P2000.L message"));
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000).encode(new Rlerror(2), 1));
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000L).encode(new Tstat(1), 1));
    }

    @Test
    void walkCountsAreLimitedToSixteen() throws Exception {
        Bytes b = new Bytes().u32(1).u32(2).u16(17);
        for (int i = 0; i < 17; i++) b.str("x");
        assertTrue(fails(codec(Dialect.P9P2000), b.message(TWALK, 1)).reason().contains("nwname 17"));
        Bytes q = new Bytes().u16(17);
        for (int i = 0; i < 17; i++) q.qid(0, 0, i);
        assertTrue(fails(codec(Dialect.P9P2000), q.message(RWALK, 1)).reason().contains("nwqid 17"));
        // a huge count with nothing behind it: rejected without reading further
        fails(codec(Dialect.P9P2000), new Bytes().u32(1).u32(2).u16(0xFFFF).message(TWALK, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Twalk(1, 2, List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
                        "14", "15", "16", "17")));
    }

    @Test
    void stringsHaveNoNulAndAreUtf8InPlain9P() throws Exception {
        byte[] walkNul = new Bytes().u32(1).u32(2).u16(1).str("a\0b").message(TWALK, 1);
        for (Dialect d : Dialect.values()) assertTrue(fails(codec(d), walkNul).reason().contains("NUL"));
        byte[] latin = new Bytes().u32(1).u32(2).u16(1).raw(new byte[] {2, 0, (byte) 0xE9, 'x'}).message(TWALK, 1);
        assertTrue(fails(codec(Dialect.P9P2000), latin).reason().contains("UTF-8"));
        assertEquals(new Twalk(1, 2, List.of(Samples.latin1(new byte[] {(byte) 0xE9, 'x'}))),
                codec(Dialect.P9P2000L).decode(latin).message());               // Linux names are bytes
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82}))
            assertFalse(Utf8.valid(bad, 0, bad.length), Bytes.hex(bad));
        byte[] good = "aé€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(Utf8.valid(good, 0, good.length));
        // the encoder refuses what the decoder would
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000L).encode(new Rreadlink("a\0"), 1));
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000L).encode(new Rreadlink("€"), 1));
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000).encode(new Rerror(Samples.RAW), 1));
        assertThrows(NinePException.class,
                () -> new NinePCodec(Dialect.P9P2000L, MAX_MSIZE).encode(new Rreadlink("x".repeat(0x10000)), 1));
        assertEquals(7 + 2 + 0xFFFF, new NinePCodec(Dialect.P9P2000L, MAX_MSIZE)
                .encode(new Rreadlink("x".repeat(0xFFFF)), 1).length);
        assertThrows(NinePException.class, () -> codec(Dialect.P9P2000L).encode(new Rattach(new Qid(256, 0, 0)), 1));
    }

    @Test
    void hostileLengthsAreRejectedWithoutAllocatingForThem() throws Exception {
        NinePCodec c = new NinePCodec(Dialect.P9P2000L, MAX_MSIZE);
        List<byte[]> hostile = List.of(
                new Bytes().u32(0xFFFFFFF0L).message(RREAD, 1),                         // count 4 GiB
                new Bytes().u32(0x7FFFFFFFL).message(RREAD, 1),
                new Bytes().u32(1).u64(0).u32(0x80000000L).message(TWRITE, 1),
                new Bytes().u32(0xFFFFFFFFL).message(RREADDIR, 1),
                new Bytes().u16(0xFFFF).message(RREADLINK, 1),                          // string 64 KiB
                new Bytes().u32(1).u32(2).u16(16).u16(0xFFFF).message(TWALK, 1),
                new Bytes().u32(0).u32(0).message(TVERSION, 0xFFFF),
                new Bytes().hex("ffffff7f 75 0100").bytes(),                            // size 2 GiB
                new Bytes().hex("00000001 75 0100").bytes());                           // size 16 MiB + 0
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (byte[] h : hostile) fails(c, h);                                           // warm up
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 1000; i++) for (byte[] h : hostile) assertThrows(NinePException.class, () -> c.decode(h));
        long perDecode = (threads.getThreadAllocatedBytes(tid) - before) / (1000L * hostile.size());
        assertTrue(perDecode < 4096, "a hostile message cost " + perDecode + " bytes of allocation");
    }

    @Test
    void constructorsRejectOutOfRangeSmallFields() {
        assertThrows(IllegalArgumentException.class, () -> new Topen(1, 256));
        assertThrows(IllegalArgumentException.class, () -> new Tflush(0x10000));
        assertThrows(IllegalArgumentException.class, () -> new Rlock(-1));
        assertThrows(IllegalArgumentException.class, () -> new Dirent(Samples.DIR, 0, 300, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Frame(-1, new Rflush()));
        assertThrows(IllegalArgumentException.class, () -> new NinePCodec(Dialect.P9P2000, MIN_MSIZE - 1));
        assertThrows(IllegalArgumentException.class, () -> codec(Dialect.P9P2000).encode(new Rflush(), 0x10000));
    }
}
