package fornax.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.StatFs;
import fornax.kernel.vfs.TestFs;
import fornax.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The file syscalls through the table with a hand-built process on the test file tree: argument
 * decoding, pointer/descriptor/flag validation, and the Linux structure layouts (stat, statx,
 * dirent64, statfs, flock).
 */
class SysFileTest {
    private static final long PAGE = 4096, BUF = 0x10_0000, PATHS = BUF + 8 * PAGE, UNMAPPED = 0x1000;
    private static final int AT_FDCWD = -100;
    // riscv64 syscall numbers
    private static final int GETCWD = 17, DUP = 23, DUP3 = 24, FCNTL = 25, IOCTL = 29, MKNODAT = 33, MKDIRAT = 34,
            UNLINKAT = 35, SYMLINKAT = 36, LINKAT = 37, STATFS = 43, FSTATFS = 44, TRUNCATE = 45, FTRUNCATE = 46,
            FACCESSAT = 48, CHDIR = 49, FCHDIR = 50, FCHMOD = 52, FCHMODAT = 53, FCHOWNAT = 54, OPENAT = 56,
            CLOSE = 57, PIPE2 = 59, GETDENTS64 = 61, LSEEK = 62, READ = 63, WRITE = 64, PREAD = 67, PWRITE = 68,
            READLINKAT = 78, NEWFSTATAT = 79, FSTAT = 80, FSYNC = 82, UTIMENSAT = 88, UMASK = 166,
            RENAMEAT2 = 276, STATX = 291, CLOSE_RANGE = 436, FACCESSAT2 = 439;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Kernel kernel;
    private AddressSpace as;
    private Process process;
    private SyscallContext ctx;
    private TestFs fs;
    private long nextPath;

    @BeforeEach
    void setUp() {
        kernel = Kernel.boot(new KernelConfig(1, 32L << 20, InputStream.nullInputStream(), out, out));
        Machine m = kernel.machine();
        as = new AddressSpace(m.ram(), kernel.frames(), 1, m.hart(0)::flushTlb);
        fs = new TestFs();
        process = new Process(1, as, "/host/bin/prog", fs.context("/tmp"));
        ctx = new SyscallContext(kernel, new Task(1, process));
        as.map(BUF, BUF + 16 * PAGE, 3, Vma.Kind.ANON);
        nextPath = PATHS;
    }

    @AfterEach
    void tearDown() {
        process.closeAll();
        process.fs().release();
        as.destroy();
        kernel.close();
    }

    private long sys(int nr, long... a) {
        long[] args = new long[6];
        System.arraycopy(a, 0, args, 0, a.length);
        return kernel.syscalls().dispatch(ctx, nr, args);
    }

    private void put(long va, byte[] b) { as.copyOut(va, b, 0, b.length); }

    private byte[] get(long va, int n) {
        byte[] b = new byte[n];
        as.copyIn(va, b, 0, n);
        return b;
    }

    /** A NUL-terminated string in the path area; returns its address. */
    private long str(String s) {
        long va = nextPath;
        byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
        put(va, b);
        nextPath += (b.length + 15) & ~15;
        return va;
    }

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    private long open(String path, int flags, int mode) { return sys(OPENAT, AT_FDCWD, str(path), flags, mode); }

    private int statMode(String path, int flags) {
        assertEquals(0, sys(NEWFSTATAT, AT_FDCWD, str(path), BUF, flags));
        return le(get(BUF, 128)).getInt(16);
    }

    private long statSize(long fd) {
        assertEquals(0, sys(FSTAT, fd, BUF));
        return le(get(BUF, 128)).getLong(48);
    }

    // ------------------------------------------------------------------ open, read, write, seek

    @Test
    void openReadWriteSeek() {
        long fd = open("f", OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0666);
        assertTrue(fd >= 0);
        put(BUF, "hello world".getBytes());
        assertEquals(11, sys(WRITE, fd, BUF, 11));
        assertEquals(11, sys(LSEEK, fd, 0, 1));
        assertEquals(6, sys(LSEEK, fd, 6, 0));
        assertEquals(5, sys(READ, fd, BUF + 100, 64));
        assertArrayEquals("world".getBytes(), get(BUF + 100, 5));
        assertEquals(0, sys(READ, fd, BUF + 100, 64));
        assertEquals(3, sys(PREAD, fd, BUF + 200, 3, 0));
        assertArrayEquals("hel".getBytes(), get(BUF + 200, 3));
        assertEquals(11, sys(LSEEK, fd, 0, 1), "pread leaves the offset");
        assertEquals(2, sys(PWRITE, fd, BUF, 2, 20));
        assertEquals(22, statSize(fd));
        assertEquals(-Errno.EINVAL, sys(PREAD, fd, BUF, 1, -1));
        assertEquals(-Errno.EINVAL, sys(LSEEK, fd, -1, 0));
        assertEquals(-Errno.EINVAL, sys(LSEEK, fd, 0, 9));
        assertEquals(-Errno.ENXIO, sys(LSEEK, fd, 22, 3));
        assertEquals(5, sys(LSEEK, fd, 5, 3), "SEEK_DATA");
        assertEquals(22, sys(LSEEK, fd, 5, 4), "SEEK_HOLE");
        assertEquals(-Errno.EOVERFLOW, sys(LSEEK, fd, Long.MAX_VALUE, 2));
        assertEquals(0644, statMode("f", 0) & 07777, "umask 022");
        assertEquals(-Errno.EFAULT, sys(PREAD, fd, UNMAPPED, 1, 0));
        assertEquals(-Errno.EFAULT, sys(WRITE, fd, UNMAPPED, 1));
        assertEquals(0, sys(CLOSE, fd));
        assertEquals(-Errno.EBADF, sys(READ, fd, BUF, 1));
    }

    @Test
    void appendWritesGoToTheEnd() {
        long fd = open("log", OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_APPEND, 0600);
        put(BUF, "abcdef".getBytes());
        assertEquals(3, sys(WRITE, fd, BUF, 3));
        assertEquals(0, sys(LSEEK, fd, 0, 0));
        assertEquals(3, sys(WRITE, fd, BUF + 3, 3));
        assertEquals(6, sys(LSEEK, fd, 0, 1), "the offset follows the appended data");
        assertEquals(1, sys(PWRITE, fd, BUF, 1, 0), "pwrite on O_APPEND appends too");
        assertEquals(7, statSize(fd));
        long rd = open("log", OpenFlags.O_RDONLY, 0);
        assertEquals(7, sys(READ, rd, BUF + 100, 100));
        assertArrayEquals("abcdefa".getBytes(), get(BUF + 100, 7));
        assertEquals(-Errno.EBADF, sys(WRITE, rd, BUF, 1));
        assertEquals(-Errno.EBADF, sys(READ, fd, BUF, 1));
    }

    // ------------------------------------------------------------------ directories

    @Test
    void getdents64LaysOutLinuxDirents() {
        assertEquals(0, sys(MKDIRAT, AT_FDCWD, str("d"), 0755));
        assertEquals(0, sys(MKDIRAT, AT_FDCWD, str("d/sub"), 0755));
        long f = open("d/file", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644);
        sys(CLOSE, f);
        assertEquals(0, sys(SYMLINKAT, str("file"), AT_FDCWD, str("d/link")));
        long dfd = open("d", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0);
        List<String> seen = new ArrayList<>();
        long total = 0;
        for (long n; (n = sys(GETDENTS64, dfd, BUF, 48)) > 0; ) {   // small buffer: one or two per call
            total += n;
            ByteBuffer b = le(get(BUF, (int) n));
            for (int off = 0; off < n; ) {
                int reclen = b.getShort(off + 16) & 0xFFFF;
                assertEquals(0, reclen % 8, "records are 8-byte aligned");
                int type = b.get(off + 18);
                int end = off + 19;
                while (b.get(end) != 0) end++;
                String name = new String(get(BUF + off + 19, end - off - 19), StandardCharsets.ISO_8859_1);
                seen.add(name + ":" + type);
                off += reclen;
            }
        }
        assertTrue(total > 0);
        assertEquals(List.of(".:4", "..:4", "sub:4", "file:8", "link:10"), seen);
        assertEquals(0, sys(LSEEK, dfd, 0, 0), "rewinddir");
        assertEquals(-Errno.EINVAL, sys(GETDENTS64, dfd, BUF, 10), "too small for one entry");
        assertEquals(-Errno.EFAULT, sys(GETDENTS64, dfd, UNMAPPED, 4096));
        long file = open("d/file", OpenFlags.O_RDONLY, 0);
        assertEquals(-Errno.ENOTDIR, sys(GETDENTS64, file, BUF, 4096));
        assertEquals(-Errno.EBADF, sys(GETDENTS64, 99, BUF, 4096));
        assertEquals(-Errno.EINVAL, sys(LSEEK, dfd, 0, 2), "no SEEK_END on a directory");
    }

    @Test
    void namesAndTheirErrors() {
        assertEquals(0, sys(MKDIRAT, AT_FDCWD, str("a"), 0777));
        assertEquals(Dir.S_IFDIR | 0755, statMode("a", 0));
        assertEquals(-Errno.EEXIST, sys(MKDIRAT, AT_FDCWD, str("a"), 0777));
        assertEquals(-Errno.EINVAL, sys(UNLINKAT, AT_FDCWD, str("a"), 0x1));
        assertEquals(-Errno.EISDIR, sys(UNLINKAT, AT_FDCWD, str("a"), 0));
        assertEquals(0, sys(MKNODAT, AT_FDCWD, str("node"), Dir.S_IFREG | 0600, 0));
        assertEquals(Dir.S_IFREG | 0600, statMode("node", 0));
        assertEquals(-Errno.EPERM, sys(MKNODAT, AT_FDCWD, str("fifo"), Dir.S_IFIFO | 0600, 0));
        assertEquals(-Errno.EEXIST, sys(MKNODAT, AT_FDCWD, str("node"), Dir.S_IFREG | 0600, 0));
        assertEquals(0, sys(LINKAT, AT_FDCWD, str("node"), AT_FDCWD, str("node2"), 0));
        assertEquals(-Errno.EINVAL, sys(LINKAT, AT_FDCWD, str("node"), AT_FDCWD, str("node3"), 0x1));
        assertEquals(0, sys(RENAMEAT2, AT_FDCWD, str("node2"), AT_FDCWD, str("a/moved"), 0));
        assertEquals(-Errno.EEXIST, sys(RENAMEAT2, AT_FDCWD, str("node"), AT_FDCWD, str("a/moved"), 1));
        assertEquals(-Errno.EINVAL, sys(RENAMEAT2, AT_FDCWD, str("node"), AT_FDCWD, str("a/moved"), 2), "no RENAME_EXCHANGE yet");
        assertEquals(-Errno.EINVAL, sys(RENAMEAT2, AT_FDCWD, str("node"), AT_FDCWD, str("a/moved"), 8));
        assertEquals(0, sys(UNLINKAT, AT_FDCWD, str("a/moved"), 0));
        assertEquals(-Errno.ENOTEMPTY, sys(UNLINKAT, AT_FDCWD, str("/tmp"), 0x200));
        assertEquals(0, sys(UNLINKAT, AT_FDCWD, str("a"), 0x200));
        // readlinkat: real links, and /proc/self/exe until procfs exists.
        assertEquals(0, sys(SYMLINKAT, str("node"), AT_FDCWD, str("ln")));
        assertEquals(4, sys(READLINKAT, AT_FDCWD, str("ln"), BUF, 100));
        assertArrayEquals("node".getBytes(), get(BUF, 4));
        assertEquals(2, sys(READLINKAT, AT_FDCWD, str("ln"), BUF, 2));
        assertEquals(-Errno.EINVAL, sys(READLINKAT, AT_FDCWD, str("node"), BUF, 100));
        assertEquals(-Errno.EINVAL, sys(READLINKAT, AT_FDCWD, str("ln"), BUF, 0));
        assertEquals(14, sys(READLINKAT, AT_FDCWD, str("/proc/self/exe"), BUF, 100));
        assertArrayEquals("/host/bin/prog".getBytes(), get(BUF, 14));
        // truncate
        assertEquals(0, sys(TRUNCATE, str("node"), 1000));
        assertEquals(Dir.S_IFREG | 0600, statMode("node", 0));
        assertEquals(-Errno.EISDIR, sys(TRUNCATE, str("/tmp"), 0));
        assertEquals(-Errno.EINVAL, sys(TRUNCATE, str("node"), -1));
        long ro = open("node", OpenFlags.O_RDONLY, 0);
        assertEquals(-Errno.EINVAL, sys(FTRUNCATE, ro, 0));
        long rw = open("node", OpenFlags.O_RDWR, 0);
        assertEquals(0, sys(FTRUNCATE, rw, 10));
        assertEquals(10, statSize(rw));
        assertEquals(0, sys(FSYNC, rw));
        assertEquals(-Errno.EBADF, sys(FSYNC, 99));
    }

    // ------------------------------------------------------------------ validation

    @Test
    void pointersDescriptorsAndFlagsAreChecked() {
        assertEquals(-Errno.EFAULT, sys(OPENAT, AT_FDCWD, 0, OpenFlags.O_RDONLY, 0));
        assertEquals(-Errno.EFAULT, sys(OPENAT, AT_FDCWD, UNMAPPED, OpenFlags.O_RDONLY, 0));
        assertEquals(-Errno.EFAULT, sys(MKDIRAT, AT_FDCWD, UNMAPPED, 0755));
        // A path that runs to the end of mapped memory without a NUL.
        byte[] noNul = new byte[64];
        java.util.Arrays.fill(noNul, (byte) 'a');
        put(BUF + 16 * PAGE - 64, noNul);
        assertEquals(-Errno.EFAULT, sys(OPENAT, AT_FDCWD, BUF + 16 * PAGE - 64, 0, 0));
        byte[] longPath = new byte[5000];
        java.util.Arrays.fill(longPath, (byte) 'b');
        put(BUF, longPath);
        put(BUF + 5000, new byte[1]);
        assertEquals(-Errno.ENAMETOOLONG, sys(OPENAT, AT_FDCWD, BUF, 0, 0));
        assertEquals(-Errno.ENOENT, sys(OPENAT, AT_FDCWD, str(""), 0, 0));

        long file = open("f", OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0644);
        assertEquals(-Errno.EBADF, sys(OPENAT, 77, str("f"), 0, 0), "a bad dirfd with a relative path");
        assertTrue(sys(OPENAT, 77, str("/tmp/f"), 0, 0) >= 0, "an absolute path ignores the dirfd");
        assertEquals(-Errno.ENOTDIR, sys(OPENAT, file, str("x"), 0, 0));
        long dir = open("/tmp", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0);
        assertTrue(sys(OPENAT, dir, str("f"), 0, 0) >= 0, "relative to a directory descriptor");

        assertEquals(-Errno.EFAULT, sys(FSTAT, file, UNMAPPED));
        assertEquals(-Errno.EFAULT, sys(NEWFSTATAT, AT_FDCWD, str("f"), UNMAPPED, 0));
        assertEquals(-Errno.EINVAL, sys(NEWFSTATAT, AT_FDCWD, str("f"), BUF, 0x1));
        assertEquals(-Errno.EINVAL, sys(STATX, AT_FDCWD, str("f"), 0x6000, 0x7FF, BUF));
        assertEquals(-Errno.EINVAL, sys(STATX, AT_FDCWD, str("f"), 0, 0x80000000L, BUF));
        assertEquals(-Errno.EINVAL, sys(FACCESSAT2, AT_FDCWD, str("f"), 0, 0x8));
        assertEquals(-Errno.EINVAL, sys(FACCESSAT, AT_FDCWD, str("f"), 8));
        assertEquals(-Errno.EACCES, sys(FACCESSAT, AT_FDCWD, str("f"), 1));
        assertEquals(0, sys(FACCESSAT, AT_FDCWD, str("f"), 6));
        assertEquals(-Errno.ENOENT, sys(FACCESSAT2, AT_FDCWD, str("nope"), 0, 0));
        assertEquals(-Errno.EINVAL, sys(FCHOWNAT, AT_FDCWD, str("f"), 0, 0, 0x1));
        assertEquals(-Errno.EINVAL, sys(UTIMENSAT, AT_FDCWD, str("f"), 0, 0x1));
        assertEquals(-Errno.EBADF, sys(FCHMOD, 88, 0644));
    }

    // ------------------------------------------------------------------ stat family

    @Test
    void statStatxAndStatfsLayouts() {
        long fd = open("f", OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0640);
        put(BUF, new byte[5000]);
        sys(WRITE, fd, BUF, 5000);
        assertEquals(0, sys(FSTAT, fd, BUF));
        ByteBuffer st = le(get(BUF, 128));
        assertEquals(Dir.S_IFREG | 0640, st.getInt(16));
        assertEquals(1, st.getInt(20), "nlink");
        assertEquals(5000, st.getLong(48));
        assertEquals(16, st.getLong(64), "two pages in 512-byte blocks");
        long ino = st.getLong(8);

        assertEquals(0, sys(STATX, AT_FDCWD, str("f"), 0, 0x7FF, BUF));
        ByteBuffer sx = le(get(BUF, 256));
        assertEquals(0x7FF, sx.getInt(0), "STATX_BASIC_STATS");
        assertEquals(1, sx.getInt(16));
        assertEquals(Dir.S_IFREG | 0640, sx.getShort(28) & 0xFFFF);
        assertEquals(ino, sx.getLong(32));
        assertEquals(5000, sx.getLong(40));
        assertEquals(0, sx.getInt(136), "dev major of tmpfs");
        assertEquals(1, sx.getInt(140), "dev minor");

        assertEquals(0, sys(STATX, fd, str(""), 0x1000, 0x7FF, BUF), "AT_EMPTY_PATH");
        assertEquals(ino, le(get(BUF, 256)).getLong(32));
        assertEquals(0, sys(NEWFSTATAT, AT_FDCWD, str(""), BUF, 0x1000), "AT_EMPTY_PATH with AT_FDCWD: the cwd");
        assertEquals(Dir.S_IFDIR, le(get(BUF, 128)).getInt(16) & Dir.S_IFMT);
        assertEquals(-Errno.ENOENT, sys(NEWFSTATAT, fd, str(""), BUF, 0));

        assertEquals(0, sys(SYMLINKAT, str("f"), AT_FDCWD, str("l")));
        assertEquals(Dir.S_IFLNK | 0777, statMode("l", 0x100));
        assertEquals(Dir.S_IFREG | 0640, statMode("l", 0));

        assertEquals(0, sys(STATFS, str("/tmp"), BUF));
        assertEquals(StatFs.TMPFS_MAGIC, le(get(BUF, 120)).getLong(0));
        assertEquals(255, le(get(BUF, 120)).getLong(64));
        long pipe = pipe()[0];
        assertEquals(0, sys(FSTATFS, pipe, BUF));
        assertEquals(StatFs.PIPEFS_MAGIC, le(get(BUF, 120)).getLong(0));
        assertEquals(-Errno.ENOENT, sys(STATFS, str("/nope"), BUF));
    }

    @Test
    void attributesChange() {
        long fd = open("f", OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0644);
        assertEquals(0, sys(FCHMODAT, AT_FDCWD, str("f"), 0600));
        assertEquals(Dir.S_IFREG | 0600, statMode("f", 0));
        assertEquals(0, sys(FCHMOD, fd, 07777));
        assertEquals(Dir.S_IFREG | 07777, statMode("f", 0));
        assertEquals(0, sys(FCHOWNAT, AT_FDCWD, str("f"), 1000, -1, 0));
        assertEquals(1000, statUid("f"));
        byte[] ts = le(new byte[32]).putLong(0, 100).putLong(8, 5).putLong(16, 200).putLong(24, (1L << 30) - 2).array();
        put(BUF + 1024, ts);
        long mtimeBefore = statMtime("f");
        assertEquals(0, sys(UTIMENSAT, AT_FDCWD, str("f"), BUF + 1024, 0));
        sys(NEWFSTATAT, AT_FDCWD, str("f"), BUF, 0);
        ByteBuffer st = le(get(BUF, 128));
        assertEquals(100, st.getLong(72));
        assertEquals(5, st.getLong(80));
        assertEquals(mtimeBefore, st.getLong(88), "UTIME_OMIT keeps mtime");
        put(BUF + 1024, le(new byte[32]).putLong(8, 1_000_000_000L).array());
        assertEquals(-Errno.EINVAL, sys(UTIMENSAT, AT_FDCWD, str("f"), BUF + 1024, 0));
        assertEquals(0, sys(UTIMENSAT, fd, 0, 0, 0), "futimens(fd, NULL): now");
        assertEquals(-Errno.EFAULT, sys(UTIMENSAT, AT_FDCWD, str("f"), UNMAPPED, 0));
        assertEquals(022, sys(UMASK, 077));
        assertEquals(077, sys(UMASK, 022));
    }

    private long statMtime(String p) {
        sys(NEWFSTATAT, AT_FDCWD, str(p), BUF, 0);
        return le(get(BUF, 128)).getLong(88);
    }

    private int statUid(String p) {
        sys(NEWFSTATAT, AT_FDCWD, str(p), BUF, 0);
        return le(get(BUF, 128)).getInt(24);
    }

    // ------------------------------------------------------------------ descriptors

    private long[] pipe() {
        assertEquals(0, sys(PIPE2, BUF + 2048, 0));
        ByteBuffer b = le(get(BUF + 2048, 8));
        return new long[] {b.getInt(0), b.getInt(4)};
    }

    @Test
    void dupFcntlAndCloseRange() {
        long fd = open("f", OpenFlags.O_CREAT | OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC, 0644);
        assertEquals(1, sys(FCNTL, fd, 1), "F_GETFD after O_CLOEXEC");
        long d = sys(DUP, fd);
        assertEquals(0, sys(FCNTL, d, 1), "dup clears close-on-exec");
        assertEquals(40, sys(DUP3, fd, 40, OpenFlags.O_CLOEXEC));
        assertEquals(1, sys(FCNTL, 40, 1));
        assertEquals(-Errno.EINVAL, sys(DUP3, fd, fd, 0));
        assertEquals(-Errno.EINVAL, sys(DUP3, fd, 41, OpenFlags.O_APPEND));
        assertEquals(-Errno.EBADF, sys(DUP3, 99, 41, 0));
        assertEquals(-Errno.EBADF, sys(DUP3, fd, 1 << 20, 0));
        assertEquals(50, sys(FCNTL, fd, 0, 50));
        assertEquals(51, sys(FCNTL, fd, 1030, 50));
        assertEquals(1, sys(FCNTL, 51, 1));
        assertEquals(-Errno.EINVAL, sys(FCNTL, fd, 0, -1));
        assertEquals(OpenFlags.O_RDWR | OpenFlags.O_LARGEFILE, sys(FCNTL, fd, 3));
        assertEquals(0, sys(FCNTL, fd, 4, OpenFlags.O_APPEND | OpenFlags.O_NONBLOCK | OpenFlags.O_WRONLY));
        assertEquals(OpenFlags.O_RDWR | OpenFlags.O_LARGEFILE | OpenFlags.O_APPEND | OpenFlags.O_NONBLOCK, sys(FCNTL, d, 3),
                "status flags live in the shared description; the access mode stays");
        put(BUF, le(new byte[32]).putShort(0, (short) 1).array());
        assertEquals(0, sys(FCNTL, fd, 6, BUF), "F_SETLK granted");
        assertEquals(0, sys(FCNTL, fd, 5, BUF));
        assertEquals(2, le(get(BUF, 32)).getShort(0), "F_GETLK: F_UNLCK");
        put(BUF, le(new byte[32]).putShort(0, (short) 9).array());
        assertEquals(-Errno.EINVAL, sys(FCNTL, fd, 6, BUF));
        assertEquals(-Errno.EFAULT, sys(FCNTL, fd, 6, UNMAPPED));
        assertEquals(-Errno.EINVAL, sys(FCNTL, fd, 12345));
        assertEquals(-Errno.EBADF, sys(FCNTL, 99, 1));

        assertEquals(0, sys(IOCTL, fd, 0x5450), "FIONCLEX");
        assertEquals(0, sys(FCNTL, fd, 1));
        assertEquals(0, sys(IOCTL, fd, 0x5451), "FIOCLEX");
        assertEquals(1, sys(FCNTL, fd, 1));

        assertEquals(0, sys(CLOSE_RANGE, 40, 60, 4), "CLOSE_RANGE_CLOEXEC");
        assertEquals(1, sys(FCNTL, 50, 1));
        assertEquals(0, sys(CLOSE_RANGE, 40, 0xFFFFFFFFL, 0));
        assertEquals(-Errno.EBADF, sys(FCNTL, 40, 1));
        assertEquals(-Errno.EBADF, sys(FCNTL, 51, 1));
        assertEquals(-Errno.EINVAL, sys(CLOSE_RANGE, 5, 4, 0));
        assertEquals(-Errno.EINVAL, sys(CLOSE_RANGE, 0, 4, 1));
        assertTrue(sys(FCNTL, fd, 1) >= 0, "below the range: still open");
    }

    @Test
    void pipe2MakesTwoEnds() {
        long[] p = pipe();
        put(BUF, "ping".getBytes());
        assertEquals(4, sys(WRITE, p[1], BUF, 4));
        assertEquals(4, sys(READ, p[0], BUF + 100, 100));
        assertArrayEquals("ping".getBytes(), get(BUF + 100, 4));
        assertEquals(-Errno.ESPIPE, sys(LSEEK, p[0], 0, 0));
        assertEquals(-Errno.ESPIPE, sys(PREAD, p[0], BUF, 1, 0));
        assertEquals(-Errno.EINVAL, sys(FSYNC, p[0]));
        assertEquals(OpenFlags.O_RDONLY, sys(FCNTL, p[0], 3));
        assertEquals(OpenFlags.O_WRONLY, sys(FCNTL, p[1], 3));
        assertEquals(65536, sys(FCNTL, p[0], 1032), "F_GETPIPE_SZ");
        assertEquals(0, sys(PIPE2, BUF + 2048, OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK));
        long r = le(get(BUF + 2048, 8)).getInt(0);
        assertEquals(1, sys(FCNTL, r, 1));
        assertEquals(-Errno.EAGAIN, sys(READ, r, BUF, 1));
        put(BUF + 3000, new byte[4]);
        assertEquals(0, sys(IOCTL, r, 0x5421, BUF + 3000), "FIONBIO off");
        assertEquals(OpenFlags.O_RDONLY, sys(FCNTL, r, 3), "O_NONBLOCK cleared");
        assertEquals(-Errno.EINVAL, sys(PIPE2, BUF + 2048, OpenFlags.O_DIRECT));
        int before = process.fds().count();
        assertEquals(-Errno.EFAULT, sys(PIPE2, UNMAPPED, 0));
        assertEquals(before, process.fds().count(), "no descriptors leak when the array cannot be written");
        sys(CLOSE, p[0]);
        assertEquals(-Errno.EPIPE, sys(WRITE, p[1], BUF, 1));
    }

    // ------------------------------------------------------------------ working directory

    @Test
    void chdirFchdirGetcwd() {
        assertEquals(5, sys(GETCWD, BUF, 100));
        assertArrayEquals("/tmp\0".getBytes(), get(BUF, 5));
        assertEquals(-Errno.ERANGE, sys(GETCWD, BUF, 4));
        assertEquals(-Errno.EFAULT, sys(GETCWD, UNMAPPED, 100));
        assertEquals(0, sys(MKDIRAT, AT_FDCWD, str("x"), 0755));
        assertEquals(0, sys(CHDIR, str("x")));
        assertEquals(7, sys(GETCWD, BUF, 100));
        assertArrayEquals("/tmp/x\0".getBytes(), get(BUF, 7));
        long root = open("/", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY, 0);
        assertEquals(0, sys(FCHDIR, root));
        assertEquals(2, sys(GETCWD, BUF, 100));
        long f = open("/tmp/file", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644);
        assertEquals(-Errno.ENOTDIR, sys(FCHDIR, f));
        assertEquals(-Errno.ENOTDIR, sys(CHDIR, str("/tmp/file")));
        assertEquals(-Errno.ENOENT, sys(CHDIR, str("/nope")));
        long path = open("/dev", OpenFlags.O_PATH, 0);
        assertEquals(0, sys(FCHDIR, path), "an O_PATH descriptor will do");
        assertEquals(5, sys(GETCWD, BUF, 100));
        assertArrayEquals("/dev\0".getBytes(), get(BUF, 5));
    }
}
