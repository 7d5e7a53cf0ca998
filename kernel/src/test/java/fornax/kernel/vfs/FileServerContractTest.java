package fornax.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The {@link FileServer} contract, written once and run against every server (Netty's
 * AbstractByteBufTest style): subclasses say how to make a server and which file it holds. It
 * checks the fid protocol states of {@link Fid}, walks, "." and "..", readdir against walk and
 * stat, access modes, wstat, foreign fids, and creation where the server allows it.
 */
public abstract class FileServerContractTest {
    protected FileServer server;

    /** A fresh server. */
    protected abstract FileServer newServer();

    /** An existing non-directory entry of the root of a server from {@link #newServer()} after {@link #prepare}. */
    protected abstract String fileName();

    /** Whether clients may create and remove entries. */
    protected abstract boolean canCreate();

    /** Makes {@link #fileName()} exist if the server does not have it by itself. */
    protected void prepare(FileServer s) { }

    @BeforeEach
    void setUpServer() {
        server = newServer();
        prepare(server);
    }

    protected static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    private Fid file() { return server.walk(root(), fileName()); }

    private Fid root() { return server.attach(); }

    private Fid opened(Fid f, int flags) {
        server.open(f, flags);
        return f;
    }

    // ------------------------------------------------------------------ walking

    @Test
    void attachGivesAWalkedDirectory() {
        Fid r = root();
        assertEquals(Fid.State.WALKED, r.state());
        assertTrue(r.qid().isDir());
        Dir d = server.stat(r);
        assertTrue(d.isDir());
        assertEquals(r.qid().path(), d.ino(), "ino is the qid path");
        assertTrue(d.nlink() >= 2, "a directory has . and its name");
        assertSame(server, r.server());
        server.clunk(r);
    }

    @Test
    void dotAndDotDotAtTheRootAreTheRoot() {
        Fid r = root();
        Fid dot = server.walk(r, "."), dotdot = server.walk(r, "..");
        assertEquals(r.qid().path(), dot.qid().path());
        assertEquals(r.qid().path(), dotdot.qid().path());
        assertTrue(dotdot.qid().isDir());
    }

    @Test
    void walkToAMissingNameIsEnoent() {
        assertErrno(Errno.ENOENT, () -> server.walk(root(), "no-such-entry"));
    }

    @Test
    void walkFromAFileIsEnotdir() {
        Fid f = file();
        assertFalse(f.qid().isDir());
        assertErrno(Errno.ENOTDIR, () -> server.walk(f, "x"));
        assertErrno(Errno.ENOTDIR, () -> server.walk(f, ".."));
    }

    @Test
    void walkMakesANewFidAndLeavesTheOldOne() {
        Fid r = root();
        Fid f = server.walk(r, fileName());
        assertNotEquals(r, f);
        assertEquals(Fid.State.WALKED, r.state());
        assertEquals(server.stat(f).ino(), f.qid().path());
        Fid again = server.walk(r, fileName());
        assertEquals(f.qid().path(), again.qid().path(), "qid paths name files");
    }

    @Test
    void cloneNamesTheSameFile() {
        Fid f = file();
        Fid c = server.clone(f);
        assertNotEquals(f, c);
        assertEquals(f.qid().path(), c.qid().path());
        server.clunk(f);
        assertEquals(Fid.State.WALKED, c.state(), "clunking the original leaves the clone");
        server.stat(c);
    }

    // ------------------------------------------------------------------ protocol states

    @Test
    void anOpenedFidIsNotWalkedClonedOrOpenedAgain() {
        Fid r = opened(root(), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        assertEquals(Fid.State.OPEN, r.state());
        assertErrno(Errno.EBADF, () -> server.walk(r, fileName()));
        assertErrno(Errno.EBADF, () -> server.clone(r));
        assertErrno(Errno.EBADF, () -> server.open(r, OpenFlags.O_RDONLY));
        server.stat(r);
        server.clunk(r);
    }

    @Test
    void aWalkedFidDoesNoIo() {
        Fid f = file();
        assertErrno(Errno.EBADF, () -> server.read(f, 0, new byte[1], 0, 1));
        assertErrno(Errno.EBADF, () -> server.write(f, 0, new byte[1], 0, 1));
        assertErrno(Errno.EBADF, () -> server.readdir(root(), 0, 10));
    }

    @Test
    void aClunkedFidIsDead() {
        Fid f = file();
        server.clunk(f);
        assertEquals(Fid.State.CLUNKED, f.state());
        assertErrno(Errno.EBADF, () -> server.stat(f));
        assertErrno(Errno.EBADF, () -> server.open(f, OpenFlags.O_RDONLY));
        assertErrno(Errno.EBADF, () -> server.clone(f));
        assertErrno(Errno.EBADF, () -> server.wstat(f, Dir.chmod(0600)));
        assertErrno(Errno.EBADF, () -> server.clunk(f));
        Fid r = root();
        server.clunk(r);
        assertErrno(Errno.EBADF, () -> server.walk(r, fileName()));
    }

    @Test
    void anOpenedFileClunksCleanly() {
        Fid f = opened(file(), OpenFlags.O_WRONLY);
        server.clunk(f);
        assertErrno(Errno.EBADF, () -> server.write(f, 0, new byte[1], 0, 1));
    }

    @Test
    void fidsOfAnotherServerAreRefused() {
        FileServer other = newServer();
        prepare(other);
        Fid foreign = other.attach();
        assertErrno(Errno.EBADF, () -> server.stat(foreign));
        assertErrno(Errno.EBADF, () -> server.walk(foreign, fileName()));
        assertErrno(Errno.EBADF, () -> server.clunk(foreign));
        other.clunk(foreign);
    }

    // ------------------------------------------------------------------ open and I/O

    @Test
    void aDirectoryCannotBeOpenedForWriting() {
        assertErrno(Errno.EISDIR, () -> server.open(root(), OpenFlags.O_WRONLY));
        assertErrno(Errno.EISDIR, () -> server.open(root(), OpenFlags.O_RDWR));
    }

    @Test
    void readingADirectoryIsEisdir() {
        Fid r = opened(root(), OpenFlags.O_RDONLY);
        assertErrno(Errno.EISDIR, () -> server.read(r, 0, new byte[8], 0, 8));
    }

    @Test
    void theAccessModeIsEnforced() {
        Fid ro = opened(file(), OpenFlags.O_RDONLY);
        assertErrno(Errno.EBADF, () -> server.write(ro, 0, new byte[1], 0, 1));
        Fid wo = opened(file(), OpenFlags.O_WRONLY);
        assertErrno(Errno.EBADF, () -> server.read(wo, 0, new byte[1], 0, 1));
        Fid path = opened(file(), OpenFlags.O_PATH);
        assertErrno(Errno.EBADF, () -> server.read(path, 0, new byte[1], 0, 1));
    }

    @Test
    void readdirOfAFileIsEnotdir() {
        Fid f = opened(file(), OpenFlags.O_WRONLY);
        assertErrno(Errno.ENOTDIR, () -> server.readdir(f, 0, 10));
    }

    // ------------------------------------------------------------------ readdir

    private List<DirEntry> readAll(Fid dir, int batch) {
        List<DirEntry> all = new ArrayList<>();
        long off = 0;
        for (List<DirEntry> b; !(b = server.readdir(dir, off, batch)).isEmpty(); ) {
            assertTrue(b.size() <= batch);
            all.addAll(b);
            off = b.getLast().next();
        }
        return all;
    }

    @Test
    void readdirAgreesWithWalkAndStat() {
        Fid r = root();
        Fid d = opened(server.clone(r), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        List<DirEntry> all = readAll(d, 100);
        assertTrue(all.size() >= 3, "., .. and the file");
        assertEquals(".", all.get(0).name());
        assertEquals("..", all.get(1).name());
        assertEquals(r.qid().path(), all.get(0).ino());
        boolean sawFile = false;
        long prevNext = -1;
        for (DirEntry e : all) {
            assertTrue(e.next() > prevNext, "offsets increase");
            prevNext = e.next();
            Fid w = server.walk(r, e.name());
            Dir st = server.stat(w);
            assertEquals(w.qid().path(), e.ino(), e.name());
            assertEquals(st.ino(), e.ino(), e.name());
            assertEquals(Dir.dtype(st.mode()), e.type(), e.name());
            assertEquals(st.isDir(), w.qid().isDir(), e.name());
            sawFile |= e.name().equals(fileName());
            server.clunk(w);
        }
        assertTrue(sawFile, fileName() + " listed");
    }

    @Test
    void readdirResumesAtAnyOffset() {
        Fid d = opened(root(), OpenFlags.O_RDONLY);
        List<DirEntry> whole = readAll(d, 1000);
        assertEquals(whole, readAll(d, 1), "one entry at a time gives the same listing");
        assertTrue(server.readdir(d, whole.getLast().next(), 10).isEmpty(), "nothing after the end");
        assertEquals(whole.subList(1, whole.size()), server.readdir(d, whole.get(0).next(), 1000));
        assertErrno(Errno.EINVAL, () -> server.readdir(d, -1, 10));
    }

    // ------------------------------------------------------------------ attributes

    @Test
    void statOfAFileMatchesItsQid() {
        Fid f = file();
        Dir d = server.stat(f);
        assertEquals(f.qid().path(), d.ino());
        assertFalse(d.isDir());
        assertEquals(1, d.nlink());
        assertEquals(Qid.typeOf(d.mode()), f.qid().type() & (Qid.QTDIR | Qid.QTSYMLINK));
        Fid open = opened(server.clone(f), OpenFlags.O_WRONLY);
        assertEquals(d.ino(), server.stat(open).ino(), "an open fid stats too");
    }

    @Test
    void wstatChangesPermissionBitsNotTheType() {
        Fid f = file();
        Dir before = server.stat(f);
        server.wstat(f, Dir.chmod(0640 | Dir.S_IFDIR));
        Dir after = server.stat(f);
        assertEquals(0640, after.mode() & Dir.PERMS);
        assertEquals(before.type(), after.type());
        assertTrue(after.ctime() >= before.ctime());
        server.wstat(f, Dir.change(Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP, 5_000_000_123L, 7_000_000_456L));
        Dir timed = server.stat(f);
        assertEquals(5_000_000_123L, timed.atime());
        assertEquals(7_000_000_456L, timed.mtime());
    }

    @Test
    void wstatOfNothingChangesNothing() {
        Fid f = file();
        Dir before = server.stat(f);
        server.wstat(f, Dir.change(Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP_INT, Dir.KEEP, Dir.KEEP, Dir.KEEP));
        assertEquals(before, server.stat(f));
    }

    @Test
    void statfsAnswers() {
        StatFs s = server.statfs();
        assertNotNull(s);
        assertEquals(255, s.namelen());
        assertEquals(120, s.encode().length);
    }

    // ------------------------------------------------------------------ names

    @Test
    void createAndRemoveFollowTheRules() {
        Fid r = root();
        if (!canCreate()) {
            SysError e = assertThrows(SysError.class, () -> server.create(r, "new", Dir.S_IFREG | 0644, null));
            assertTrue(Set.of(Errno.EPERM, Errno.EROFS).contains(e.errno()), e.getMessage());
            SysError e2 = assertThrows(SysError.class, () -> server.remove(r, fileName(), false));
            assertTrue(Set.of(Errno.EPERM, Errno.EROFS).contains(e2.errno()), e2.getMessage());
            return;
        }
        Fid n = server.create(r, "new", Dir.S_IFREG | 0644, null);
        assertEquals(Fid.State.WALKED, n.state());
        assertEquals(0644, server.stat(n).mode() & Dir.PERMS);
        assertEquals(Dir.S_IFREG, server.stat(n).type());
        assertEquals(n.qid().path(), server.walk(r, "new").qid().path());
        assertErrno(Errno.EEXIST, () -> server.create(r, "new", Dir.S_IFREG | 0644, null));
        assertErrno(Errno.EEXIST, () -> server.create(r, "new", Dir.S_IFDIR | 0755, null));
        assertErrno(Errno.EISDIR, () -> server.remove(r, ".", false));
        assertErrno(Errno.ENOTDIR, () -> server.remove(r, "new", true));
        server.remove(r, "new", false);
        assertErrno(Errno.ENOENT, () -> server.walk(r, "new"));
        assertErrno(Errno.ENOENT, () -> server.remove(r, "new", false));
        server.stat(n);   // the fid outlives the name

        Fid sub = server.create(r, "sub", Dir.S_IFDIR | 0755, null);
        assertTrue(sub.qid().isDir());
        assertEquals(r.qid().path(), server.walk(sub, "..").qid().path());
        assertEquals(2, server.stat(sub).nlink());
        assertErrno(Errno.EISDIR, () -> server.remove(r, "sub", false));
        server.clunk(server.create(sub, "inner", Dir.S_IFREG | 0600, null));
        assertErrno(Errno.ENOTEMPTY, () -> server.remove(r, "sub", true));
        server.remove(sub, "inner", false);
        server.remove(r, "sub", true);
        assertErrno(Errno.ENOENT, () -> server.create(sub, "late", Dir.S_IFREG | 0600, null));
    }
}
