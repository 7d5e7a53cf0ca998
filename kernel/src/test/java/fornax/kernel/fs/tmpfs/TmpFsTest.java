package fornax.kernel.fs.tmpfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.OpenFlags;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** tmpfs beyond the contract: data, space, links, rename rules, times, readdir cookies. */
class TmpFsTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private TmpFs fs = new TmpFs(9, clock::get, 64L << 20, 0755);
    private final Fid root = fs.attach();

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    private Fid create(Fid dir, String name, int mode) { return fs.create(dir, name, mode, null); }
    private Fid file(String name) { return create(root, name, Dir.S_IFREG | 0644); }
    private Fid dir(Fid parent, String name) { return create(parent, name, Dir.S_IFDIR | 0755); }

    private Fid open(Fid f, int flags) {
        Fid o = fs.clone(f);
        fs.open(o, flags);
        return o;
    }

    private byte[] read(Fid f, long off, int len) {
        byte[] b = new byte[len];
        int n = fs.read(f, off, b, 0, len);
        return java.util.Arrays.copyOf(b, n);
    }

    // ------------------------------------------------------------------ data

    @Test
    void writesAndReadsAcrossPages() {
        Fid f = open(file("f"), OpenFlags.O_RDWR);
        byte[] data = new byte[3 * 4096 + 123];
        new Random(1).nextBytes(data);
        assertEquals(data.length, fs.write(f, 100, data, 0, data.length));
        assertEquals(100 + data.length, fs.stat(f).size());
        assertArrayEquals(data, read(f, 100, data.length));
        assertArrayEquals(new byte[100], read(f, 0, 100), "the gap before the data reads as zeros");
        assertEquals(0, read(f, 100 + data.length, 10).length, "end of file");
        assertEquals(4 * 8, fs.stat(f).blocks(), "four pages touched, 8 blocks each");
        assertErrno(Errno.EINVAL, () -> fs.read(f, -1, new byte[1], 0, 1));
        assertErrno(Errno.EINVAL, () -> fs.write(f, -1, new byte[1], 0, 1));
    }

    @Test
    void aSparseFileCostsOnlyTheWrittenPages() {
        Fid f = open(file("sparse"), OpenFlags.O_RDWR);
        long far = 300L << 20;
        fs.write(f, far, new byte[] {42}, 0, 1);
        assertEquals(far + 1, fs.stat(f).size());
        assertEquals(4096, fs.usedBytes(), "one page for a 300 MiB file");
        assertArrayEquals(new byte[4096], read(f, 150L << 20, 4096));
        assertArrayEquals(new byte[] {42}, read(f, far, 10));
    }

    @Test
    void aBigFileIsWrittenAndReadBackInChunks() {
        fs = new TmpFs(9, clock::get, 256L << 20, 0755);
        Fid r = fs.attach();
        Fid f = fs.create(r, "big", Dir.S_IFREG | 0644, null);
        fs.open(f, OpenFlags.O_RDWR);
        byte[] chunk = new byte[64 * 1024];
        long size = 96L << 20;
        for (long off = 0; off < size; off += chunk.length) {
            chunk[0] = (byte) (off >>> 16);
            chunk[chunk.length - 1] = (byte) ~(off >>> 16);
            assertEquals(chunk.length, fs.write(f, off, chunk, 0, chunk.length));
        }
        assertEquals(size, fs.stat(f).size());
        for (long off = 0; off < size; off += chunk.length) {
            assertEquals(chunk.length, fs.read(f, off, chunk, 0, chunk.length));
            assertEquals((byte) (off >>> 16), chunk[0]);
            assertEquals((byte) ~(off >>> 16), chunk[chunk.length - 1]);
        }
        fs.wstat(f, Dir.truncate(0));
        assertEquals(0, fs.usedBytes(), "truncation frees every page");
    }

    @Test
    void truncationZeroesTheTailAndFreesPages() {
        Fid f = open(file("t"), OpenFlags.O_RDWR);
        byte[] ones = new byte[10_000];
        java.util.Arrays.fill(ones, (byte) 1);
        fs.write(f, 0, ones, 0, ones.length);
        assertEquals(3 * 4096, fs.usedBytes());
        fs.wstat(f, Dir.truncate(5000));
        assertEquals(2 * 4096, fs.usedBytes());
        fs.wstat(f, Dir.truncate(9000));
        byte[] back = read(f, 0, 9000);
        for (int i = 0; i < 5000; i++) assertEquals(1, back[i]);
        for (int i = 5000; i < 9000; i++) assertEquals(0, back[i], "byte " + i + " past the old cut");
        assertErrno(Errno.EINVAL, () -> fs.wstat(f, Dir.truncate(-1)));
        assertErrno(Errno.EFBIG, () -> fs.wstat(f, Dir.truncate(TmpFs.MAX_FILE_SIZE + 1)));
        assertErrno(Errno.EISDIR, () -> fs.wstat(root, Dir.truncate(0)));
    }

    @Test
    void appendGoesToTheEndAndSaysWhere() {
        Fid f = open(file("a"), OpenFlags.O_RDWR | OpenFlags.O_APPEND);
        assertEquals(3, fs.append(f, "abc".getBytes(), 0, 3));
        assertEquals(5, fs.append(f, "de".getBytes(), 0, 2));
        assertArrayEquals("abcde".getBytes(), read(f, 0, 10));
    }

    @Test
    void aFullFileSystemIsEnospcAfterAShortWrite() {
        fs = new TmpFs(9, clock::get, 16 * 1024, 0755);
        Fid f = fs.create(fs.attach(), "f", Dir.S_IFREG | 0644, null);
        fs.open(f, OpenFlags.O_WRONLY);
        byte[] big = new byte[20 * 1024];
        assertEquals(16 * 1024, fs.write(f, 0, big, 0, big.length), "what fits is written");
        assertErrno(Errno.ENOSPC, () -> fs.write(f, 16 * 1024, big, 0, 1));
        assertEquals(0, fs.statfs().bfree());
        assertErrno(Errno.EFBIG, () -> fs.write(f, TmpFs.MAX_FILE_SIZE, big, 0, 1));
    }

    // ------------------------------------------------------------------ links and lifetimes

    @Test
    void hardLinksCountNamesAndShareData() {
        Fid f = file("one");
        fs.link(f, root, "two");
        assertEquals(2, fs.stat(f).nlink());
        assertErrno(Errno.EEXIST, () -> fs.link(f, root, "two"));
        assertErrno(Errno.EPERM, () -> fs.link(root, root, "rootlink"));
        Fid w = open(fs.walk(root, "two"), OpenFlags.O_WRONLY);
        fs.write(w, 0, "shared".getBytes(), 0, 6);
        assertArrayEquals("shared".getBytes(), read(open(f, OpenFlags.O_RDONLY), 0, 6));
        fs.remove(root, "one", false);
        assertEquals(1, fs.stat(f).nlink());
        fs.remove(root, "two", false);
        assertEquals(0, fs.stat(f).nlink());
        assertErrno(Errno.ENOENT, () -> fs.link(f, root, "again"));   // no linking a file without names
    }

    @Test
    void anUnlinkedOpenFileKeepsItsDataUntilTheLastClunk() {
        Fid f = file("tmp");
        Fid w = open(f, OpenFlags.O_RDWR);
        fs.write(w, 0, new byte[8192], 0, 8192);
        fs.remove(root, "tmp", false);
        assertEquals(8192, fs.usedBytes());
        assertEquals(8192, read(w, 0, 8192).length);
        fs.clunk(w);
        assertEquals(0, fs.usedBytes());
    }

    @Test
    void directoryLinkCountsFollowSubdirectories() {
        Fid a = dir(root, "a"), b = dir(root, "b");
        assertEquals(4, fs.stat(root).nlink());
        Fid sub = dir(a, "sub");
        assertEquals(3, fs.stat(a).nlink());
        fs.rename(a, "sub", b, "sub", false);
        assertEquals(2, fs.stat(a).nlink());
        assertEquals(3, fs.stat(b).nlink());
        assertEquals(b.qid().path(), fs.walk(sub, "..").qid().path(), "the moved directory's .. follows it");
        fs.remove(b, "sub", true);
        assertEquals(0, fs.stat(sub).nlink());
        assertEquals(2, fs.stat(b).nlink());
        assertErrno(Errno.ENOENT, () -> create(sub, "x", Dir.S_IFREG | 0644));
        Fid dead = open(sub, OpenFlags.O_RDONLY);
        assertErrno(Errno.ENOENT, () -> fs.readdir(dead, 0, 10));
    }

    @Test
    void symlinksHoldTheirText() {
        Fid l = fs.create(root, "l", Dir.S_IFLNK | 0777, "some/where");
        assertTrue(l.qid().isSymlink());
        Dir d = fs.stat(l);
        assertEquals(Dir.S_IFLNK | 0777, d.mode());
        assertEquals(10, d.size());
        assertEquals("some/where", fs.readlink(l));
        assertErrno(Errno.EINVAL, () -> fs.readlink(root));
        assertErrno(Errno.ENOENT, () -> fs.create(root, "empty", Dir.S_IFLNK | 0777, ""));
        assertErrno(Errno.ELOOP, () -> fs.open(fs.clone(l), OpenFlags.O_RDONLY));
        assertErrno(Errno.EPERM, () -> create(root, "fifo", Dir.S_IFIFO | 0644));
    }

    @Test
    void inodeNumbersAreStableAndNeverReused() {
        Set<Long> seen = new HashSet<>();
        seen.add(root.qid().path());
        for (int i = 0; i < 50; i++) {
            Fid f = file("f" + i);
            assertTrue(seen.add(f.qid().path()), "fresh inode number");
            fs.rename(root, "f" + i, root, "g" + i, false);
            assertEquals(f.qid().path(), fs.walk(root, "g" + i).qid().path(), "rename keeps the inode");
            fs.remove(root, "g" + i, false);
        }
    }

    // ------------------------------------------------------------------ rename

    @Test
    void renameFollowsLinuxRules() {
        Fid a = dir(root, "a"), b = dir(root, "b");
        dir(a, "inner");
        Fid f = file("f");
        file("g");
        assertErrno(Errno.ENOENT, () -> fs.rename(root, "missing", root, "x", false));
        assertErrno(Errno.EISDIR, () -> fs.rename(root, "f", root, "a", false));
        assertErrno(Errno.ENOTDIR, () -> fs.rename(root, "a", root, "f", false));
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename(root, "b", root, "a", false));
        assertErrno(Errno.EINVAL, () -> fs.rename(root, "a", fs.walk(a, "inner"), "x", false));
        assertErrno(Errno.EINVAL, () -> fs.rename(root, "a", a, "self", false));
        assertErrno(Errno.EEXIST, () -> fs.rename(root, "f", root, "g", true));
        assertErrno(Errno.EBUSY, () -> fs.rename(root, ".", root, "x", false));

        fs.rename(root, "f", root, "g", false);   // replaces g
        assertEquals(f.qid().path(), fs.walk(root, "g").qid().path());
        assertErrno(Errno.ENOENT, () -> fs.walk(root, "f"));

        fs.link(f, root, "g2");
        fs.rename(root, "g", root, "g2", false);   // two names of one file: nothing happens
        assertEquals(2, fs.stat(f).nlink());
        assertEquals(f.qid().path(), fs.walk(root, "g").qid().path());

        fs.rename(root, "b", a, "inner", false);   // an empty directory replaces an empty directory
        assertEquals(b.qid().path(), fs.walk(a, "inner").qid().path());
        assertEquals(3, fs.stat(a).nlink());
        assertEquals(3, fs.stat(root).nlink(), "root lost b");
    }

    // ------------------------------------------------------------------ times

    @Test
    void timesMoveAsOnLinux() {
        long t0 = clock.get();
        Fid f = file("f");
        Dir d = fs.stat(f);
        assertEquals(t0, d.atime());
        assertEquals(t0, d.mtime());
        assertEquals(t0, d.ctime());
        assertEquals(t0, fs.stat(root).mtime(), "creating sets the directory's mtime");

        clock.addAndGet(1000);
        Fid w = open(f, OpenFlags.O_RDWR);
        fs.write(w, 0, new byte[3], 0, 3);
        d = fs.stat(f);
        assertEquals(t0 + 1000, d.mtime());
        assertEquals(t0 + 1000, d.ctime());
        assertEquals(t0, d.atime());

        clock.addAndGet(1000);
        read(w, 0, 3);
        assertEquals(t0 + 2000, fs.stat(f).atime(), "relatime: atime older than mtime moves");
        clock.addAndGet(1000);
        read(w, 0, 3);
        assertEquals(t0 + 2000, fs.stat(f).atime(), "relatime: a newer atime stays");

        clock.addAndGet(1000);
        fs.link(f, root, "f2");
        assertEquals(t0 + 4000, fs.stat(f).ctime(), "link changes ctime");
        assertEquals(t0 + 1000, fs.stat(f).mtime(), "but not mtime");
        assertEquals(t0 + 4000, fs.stat(root).mtime());

        clock.addAndGet(1000);
        fs.wstat(f, Dir.chmod(0600));
        assertEquals(t0 + 5000, fs.stat(f).ctime());
        fs.wstat(f, Dir.change(Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP, Dir.NOW, -5_000_000_000L));
        assertEquals(t0 + 5000, fs.stat(f).atime());
        assertEquals(-5_000_000_000L, fs.stat(f).mtime(), "times before the epoch");

        clock.addAndGet(1000);
        fs.remove(root, "f2", false);
        assertEquals(t0 + 6000, fs.stat(root).mtime());
        assertEquals(t0 + 6000, fs.stat(f).ctime(), "unlink changes the file's ctime");
    }

    @Test
    void chownClearsSetuidAndSetgidDirectoriesPassTheirGroup() {
        Fid f = file("suid");
        fs.wstat(f, Dir.chmod(06755));
        fs.wstat(f, Dir.change(Dir.KEEP_INT, 1000, 1000, Dir.KEEP, Dir.KEEP, Dir.KEEP));
        Dir d = fs.stat(f);
        assertEquals(0755, d.mode() & Dir.PERMS);
        assertEquals(1000, d.uid());

        Fid g = dir(root, "shared");
        fs.wstat(g, Dir.change(02775, Dir.KEEP_INT, 50, Dir.KEEP, Dir.KEEP, Dir.KEEP));
        assertEquals(50, fs.stat(create(g, "f", Dir.S_IFREG | 0644)).gid());
        Dir sub = fs.stat(dir(g, "sub"));
        assertEquals(50, sub.gid());
        assertEquals(Dir.S_ISGID, sub.mode() & Dir.S_ISGID);
    }

    // ------------------------------------------------------------------ readdir

    private List<String> names(List<DirEntry> entries) {
        List<String> n = new ArrayList<>();
        for (DirEntry e : entries) n.add(e.name());
        return n;
    }

    @Test
    void readdirCookiesSurviveChangesDuringAListing() {
        for (int i = 0; i < 10; i++) file("e" + i);
        Fid d = open(root, OpenFlags.O_RDONLY);
        List<DirEntry> first = fs.readdir(d, 0, 6);   // ., .., e0..e3
        assertEquals(List.of(".", "..", "e0", "e1", "e2", "e3"), names(first));
        fs.remove(root, "e1", false);   // already listed
        fs.remove(root, "e5", false);   // not yet listed: must not appear
        file("late");                   // added during the listing: comes at the end
        List<DirEntry> rest = fs.readdir(d, first.getLast().next(), 100);
        assertEquals(List.of("e4", "e6", "e7", "e8", "e9", "late"), names(rest));
        assertEquals(Dir.DT_REG, rest.getFirst().type());
        assertEquals(Dir.DT_DIR, first.getFirst().type());
    }

    @Test
    void everyFidIsAccountedFor() {
        long before = fs.liveFids();
        Fid a = dir(root, "a");
        Fid w = fs.walk(a, "..");
        Fid c = fs.clone(w);
        assertEquals(before + 3, fs.liveFids());
        fs.clunk(a);
        fs.clunk(w);
        fs.clunk(c);
        assertEquals(before, fs.liveFids());
    }
}
