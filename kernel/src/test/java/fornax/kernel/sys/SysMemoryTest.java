package fornax.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.kernel.vfs.TestFs;
import fornax.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * File and shared mappings, mremap and msync through the syscall table, on a tmpfs that keeps
 * mapped pages in frames: what the guest programs mmap_file and mremap show end to end, plus the
 * cases qemu-riscv64 cannot be the reference for (its mremap errors differ from Linux's).
 */
class SysMemoryTest {
    private static final long PAGE = 4096;
    private static final long BUF = 0x10_0000;   // 16 scratch pages
    private static final int PROT_READ = 1, PROT_WRITE = 2, PROT_RW = 3;
    private static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;
    private static final int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0100;
    private static final int AT_FDCWD = -100;
    private static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
    private static final int MS_ASYNC = 1, MS_SYNC = 4;

    private Kernel kernel;
    private AddressSpace as;
    private Process process;
    private SyscallContext ctx;
    private int initialFree;

    @BeforeEach
    void setUp() {
        kernel = Kernel.boot(new KernelConfig(1, 32L << 20, InputStream.nullInputStream(),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        initialFree = kernel.frames().freeFrames();
        Machine m = kernel.machine();
        as = new AddressSpace(m.ram(), kernel.frames(), 1, m.hart(0)::flushTlb);
        process = new Process(1, as, "/prog", new TestFs(64L << 20, kernel.frames()).context("/tmp"));
        ctx = new SyscallContext(kernel, new Task(1, process));
        as.map(BUF, BUF + 16 * PAGE, PROT_RW, Vma.Kind.ANON);
    }

    @AfterEach
    void tearDown() {
        process.closeAll();
        as.destroy();
        assertEquals(0, kernel.frames().stats().pageCache(), "file frames outlived their file");
        assertEquals(initialFree, kernel.frames().freeFrames(), "frames leaked");
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

    private long path(String p) {
        put(BUF, (p + "\0").getBytes(StandardCharsets.UTF_8));
        return BUF;
    }

    private int open(String p, int flags) { return (int) sys(56, AT_FDCWD, path(p), flags, 0644); }

    private void pwrite(int fd, long pos, byte[] b) {
        put(BUF + PAGE, b);
        assertEquals(b.length, sys(68, fd, BUF + PAGE, b.length, pos));
    }

    private byte[] pread(int fd, long pos, int n) {
        long got = sys(67, fd, BUF + PAGE, n, pos);
        assertEquals(n, got);
        return get(BUF + PAGE, n);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ('a' + i % 26);
        return b;
    }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    /** A file of {@code size} pattern bytes, open O_RDWR. */
    private int file(String name, int size) {
        int fd = open(name, O_RDWR | O_CREAT);
        assertTrue(fd >= 0, "open: " + fd);
        pwrite(fd, 0, pattern(size));
        return fd;
    }

    private void unlink(String name) { assertEquals(0, sys(35, AT_FDCWD, path(name), 0)); }

    @Test
    void sharedFileMappingIsTheFileForReadWriteAndOtherProcesses() {
        int fd = file("f", 10000);
        long a = sys(222, 0, 10000, PROT_RW, MAP_SHARED, fd, 0);
        assertTrue(a > 0, "mmap: " + a);
        assertArrayEquals(Arrays.copyOf(pattern(10000), 64), get(a, 64));
        put(a + 5, ascii("XYZ"));
        assertArrayEquals(ascii("XYZ"), pread(fd, 5, 3), "a store through the mapping is what read(2) returns");
        pwrite(fd, 4096, ascii("hello"));
        assertArrayEquals(ascii("hello"), get(a + 4096, 5), "write(2) shows in the mapping");
        assertTrue(kernel.frames().stats().pageCache() >= 2, "mapped pages live in frames the file owns");

        AddressSpace child = as.fork(2, (va, asid) -> { });
        child.copyOut(a + 8000, ascii("kid"), 0, 3);
        assertArrayEquals(ascii("kid"), pread(fd, 8000, 3), "a forked child's store reaches the file");
        assertArrayEquals(ascii("kid"), get(a + 8000, 3));
        child.destroy();

        assertEquals(0, sys(227, a, 3 * PAGE, MS_SYNC));
        assertEquals(0, sys(215, a, 3 * PAGE));
        assertEquals(0, sys(57, fd));
        int again = open("f", O_RDONLY);
        assertArrayEquals(ascii("XYZ"), pread(again, 5, 3), "the file keeps what was stored after munmap and close");
        sys(57, again);
        unlink("f");
    }

    @Test
    void privateFileMappingCopiesOnWriteAndFaultsPastTheEndWithSigbus() {
        int fd = file("p", 10000);
        long a = sys(222, 0, 5 * PAGE, PROT_RW, MAP_PRIVATE, fd, 0);
        put(a, ascii("Q"));
        assertArrayEquals(ascii("a"), pread(fd, 0, 1), "private stores stay private");
        assertArrayEquals(ascii("Q"), get(a, 1));
        pwrite(fd, PAGE, ascii("new"));
        assertArrayEquals(ascii("new"), get(a + PAGE, 3), "an unwritten private page follows the file, as on Linux");
        assertEquals(0, get(a + 10000, 1)[0], "past the end in the last page: zero");
        assertEquals(AddressSpace.BUS_ADRERR, as.fault(a + 3 * PAGE, AddressSpace.Access.READ), "past the end: SIGBUS");
        SysError e = assertThrows(SysError.class, () -> get(a + 3 * PAGE, 1));
        assertEquals(Errno.EFAULT, e.errno(), "kernel access past the end: EFAULT");
        AddressSpace child = as.fork(2, (va, asid) -> { });
        child.copyOut(a, ascii("C"), 0, 1);
        assertArrayEquals(ascii("Q"), get(a, 1), "the parent keeps its copy");
        child.destroy();
        sys(215, a, 5 * PAGE);
        sys(57, fd);
        unlink("p");
    }

    @Test
    void devZeroAndSharedAnonymousMemory() {
        int z = open("/dev/zero", O_RDWR);
        long p = sys(222, 0, 2 * PAGE, PROT_RW, MAP_PRIVATE, z, 0);
        long s = sys(222, 0, PAGE, PROT_RW, MAP_SHARED, z, 0);
        long anon = sys(222, 0, PAGE, PROT_RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        assertEquals(0, get(p + PAGE, 1)[0]);
        AddressSpace child = as.fork(2, (va, asid) -> { });
        assertEquals(0, kernel.frames().stats().pageCache(), "fork populates no shared page");
        child.copyOut(s + 1, new byte[] {42}, 0, 1);
        child.copyOut(anon + 2, new byte[] {43}, 0, 1);
        child.copyOut(p, new byte[] {9}, 0, 1);
        assertEquals(42, get(s + 1, 1)[0]);
        assertEquals(43, get(anon + 2, 1)[0]);
        assertEquals(0, get(p, 1)[0], "private /dev/zero memory is not shared");
        child.destroy();
        sys(57, z);
    }

    @Test
    void filesThatCannotBeMappedAndAccessModes() {
        put(BUF + 2 * PAGE, new byte[8]);
        assertEquals(0, sys(59, BUF + 2 * PAGE, 0));
        ByteBuffer fds = ByteBuffer.wrap(get(BUF + 2 * PAGE, 8)).order(ByteOrder.LITTLE_ENDIAN);
        int r = fds.getInt(0), w = fds.getInt(4);
        assertEquals(-Errno.ENODEV, sys(222, 0, PAGE, PROT_READ, MAP_PRIVATE, r, 0), "pipe");
        assertEquals(-Errno.EACCES, sys(222, 0, PAGE, PROT_READ, MAP_SHARED, w, 0), "write end: not readable");
        int dir = open("/tmp", O_RDONLY);
        assertEquals(-Errno.ENODEV, sys(222, 0, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), "directory");
        int fd = file("m", 100);
        int ro = open("m", O_RDONLY);
        assertEquals(-Errno.EACCES, sys(222, 0, PAGE, PROT_RW, MAP_SHARED, ro, 0));
        long priv = sys(222, 0, PAGE, PROT_RW, MAP_PRIVATE, ro, 0);
        assertTrue(priv > 0, "a private writable mapping of a read-only descriptor is fine");
        long shr = sys(222, 0, PAGE, PROT_READ, MAP_SHARED, ro, 0);
        assertEquals(-Errno.EACCES, sys(226, shr, PAGE, PROT_RW), "mprotect cannot add write to it either");
        assertEquals(-Errno.EBADF, sys(222, 0, PAGE, PROT_READ, MAP_PRIVATE, 77, 0));
        assertEquals(-Errno.EINVAL, sys(222, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), "unaligned offset");
        sys(215, priv, PAGE);
        sys(215, shr, PAGE);
        for (int f : new int[] {r, w, dir, fd, ro}) sys(57, f);
        unlink("m");
    }

    @Test
    void mremapErrorsAsLinux() {
        long a = sys(222, 0, 4 * PAGE, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertEquals(-Errno.EINVAL, sys(216, a, PAGE, 0, MREMAP_MAYMOVE), "zero new size");
        assertEquals(-Errno.EINVAL, sys(216, a, 0, PAGE, MREMAP_MAYMOVE), "zero old size of a private mapping");
        assertEquals(-Errno.EINVAL, sys(216, a + 1, PAGE, PAGE, 0), "unaligned");
        assertEquals(-Errno.EINVAL, sys(216, a, PAGE, 2 * PAGE, 0x80), "unknown flag");
        assertEquals(-Errno.EINVAL, sys(216, a, PAGE, 2 * PAGE, MREMAP_FIXED, a + 8 * PAGE), "FIXED needs MAYMOVE");
        assertEquals(-Errno.EINVAL, sys(216, a, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), "DONTUNMAP resizing");
        assertEquals(-Errno.EFAULT, sys(216, a, 8 * PAGE, 10 * PAGE, MREMAP_MAYMOVE), "old range past the mapping");
        sys(215, a + 2 * PAGE, 2 * PAGE);
        assertEquals(-Errno.EFAULT, sys(216, a + 2 * PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE), "unmapped");
        sys(215, a, 2 * PAGE);
    }

    @Test
    void mremapDuplicatesSharedMappingsAndDontUnmapLeavesTheOldRangeEmpty() {
        long s = sys(222, 0, 2 * PAGE, PROT_RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        put(s, ascii("shared"));
        long dup = sys(216, s, 0, 2 * PAGE, MREMAP_MAYMOVE);
        assertTrue(dup > 0 && dup != s, "old size 0 makes a second view");
        assertArrayEquals(ascii("shared"), get(dup, 6));
        put(dup, ascii("S"));
        assertArrayEquals(ascii("S"), get(s, 1));

        long p = sys(222, 0, 2 * PAGE, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        put(p, ascii("moved"));
        long q = sys(216, p, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
        assertNotEquals(p, q);
        assertArrayEquals(ascii("moved"), get(q, 5));
        assertEquals(0, get(p, 1)[0], "the old range stays mapped, its pages gone (refault as zero)");
        for (long x : new long[] {s, dup, p, q}) sys(215, x, 2 * PAGE);
    }

    @Test
    void msyncChecksLikeLinux() {
        int fd = file("s", 100);
        long a = sys(222, 0, PAGE, PROT_RW, MAP_SHARED, fd, 0);
        assertEquals(0, sys(227, a, PAGE, MS_SYNC));
        assertEquals(0, sys(227, a, PAGE, MS_ASYNC));
        assertEquals(-Errno.EINVAL, sys(227, a, PAGE, MS_SYNC | MS_ASYNC));
        assertEquals(-Errno.EINVAL, sys(227, a, PAGE, 8));
        assertEquals(-Errno.EINVAL, sys(227, a + 1, PAGE, MS_SYNC));
        assertEquals(-Errno.ENOMEM, sys(227, a, 2 * PAGE, MS_SYNC), "a hole in the range");
        assertEquals(0, sys(227, a, 0, MS_SYNC));
        sys(215, a, PAGE);
        sys(57, fd);
        unlink("s");
    }

    @Test
    void frameStatisticsByUse() {
        FrameAllocator.Stats before = kernel.frames().stats();
        long a = sys(222, 0, 8 * PAGE, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < 8; i++) put(a + i * PAGE, new byte[] {1});
        FrameAllocator.Stats after = kernel.frames().stats();
        assertEquals(before.user() + 8, after.user());
        assertEquals(after.total(), after.free() + after.user() + after.pageTables() + after.pageCache() + after.kernel());
        assertTrue(after.pageTables() > 0 && after.kernel() > 0);
        sys(215, a, 8 * PAGE);
        assertEquals(before.user(), kernel.frames().stats().user());
    }
}
