package fornax.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.Kernel;
import fornax.kernel.KernelConfig;
import fornax.kernel.dev.ConsoleFile;
import fornax.kernel.dev.UartDriver;
import fornax.kernel.dev.tty.KernelJobControl;
import fornax.kernel.dev.tty.Tty;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.proc.Task;
import fornax.kernel.vfs.Stat;
import fornax.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The syscall handler families called through the table with a hand-built process (no guest code):
 * argument checking and errno values as Linux riscv64 returns them.
 */
class SyscallHandlersTest {
    private static final long PAGE = 4096;
    private static final long BUF = 0x10_0000;   // 16 scratch pages, read-write
    private static final long HEAP = 0x40_0000;
    private static final int PROT_READ = 1, PROT_WRITE = 2, PROT_RW = 3;
    private static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_FIXED_NOREPLACE = 0x100000;
    private static final int AT_FDCWD = -100;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Kernel kernel;
    private AddressSpace as;
    private Process process;
    private SyscallContext ctx;
    private int initialFree;

    @BeforeEach
    void setUp() {
        kernel = Kernel.boot(new KernelConfig(1, 32L << 20, InputStream.nullInputStream(), out, err));
        initialFree = kernel.frames().freeFrames();
        Machine m = kernel.machine();
        as = new AddressSpace(m.ram(), kernel.frames(), 1, m.hart(0)::flushTlb);
        process = new Process(1, as, "/host/bin/prog", new fornax.kernel.vfs.TestFs().context("/tmp"));
        UartDriver uart = new UartDriver(m.bus(), Machine.UART0_BASE, m.plic(), Machine.PLIC_BASE, Machine.UART0_IRQ);
        ConsoleFile pipeLike = new ConsoleFile(uart, 0);
        process.installFd(0, pipeLike);
        process.installFd(1, pipeLike);
        process.installFd(5, new Tty(uart::write, new KernelJobControl(kernel)).open(1));
        ctx = new SyscallContext(kernel, new Task(1, process));
        as.map(BUF, BUF + 16 * PAGE, PROT_RW, Vma.Kind.ANON);
        as.setBrkStart(HEAP);
    }

    @AfterEach
    void tearDown() {
        as.destroy();
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

    private long putString(long va, String s) {
        put(va, (s + "\0").getBytes(StandardCharsets.UTF_8));
        return va;
    }

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    // ------------------------------------------------------------------ I/O

    @Test
    void writeGoesToTheConsole() {
        put(BUF, "hello\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(6, sys(64, 1, BUF, 6));
        assertEquals(0, sys(64, 1, BUF, 0));
        kernel.close();
        assertEquals("hello\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void writeErrors() {
        assertEquals(-Errno.EBADF, sys(64, 9, BUF, 1));
        assertEquals(-Errno.EBADF, sys(64, -1, BUF, 1));
        assertEquals(-Errno.EFAULT, sys(64, 1, 0x1000, 1));
        assertEquals(-Errno.EINVAL, sys(64, 1, BUF, -1));
    }

    @Test
    void writevGathersAndStopsAtAFault() {
        put(BUF + 100, "ab".getBytes(StandardCharsets.US_ASCII));
        put(BUF + 200, "cd\n".getBytes(StandardCharsets.US_ASCII));
        byte[] iov = le(new byte[48]).putLong(0, BUF + 100).putLong(8, 2).putLong(16, BUF + 200).putLong(24, 3)
                .putLong(32, 0x1000).putLong(40, 4).array();
        put(BUF, iov);
        assertEquals(5, sys(66, 1, BUF, 3), "partial success: bytes before the bad vector");
        assertEquals(-Errno.EFAULT, sys(66, 1, BUF + 32, 1));
        assertEquals(-Errno.EINVAL, sys(66, 1, BUF, 1025));
        kernel.close();
        assertEquals("abcd\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void fstatOfPipeLikeAndTerminalConsole() {
        assertEquals(0, sys(80, 1, BUF));
        assertEquals(Stat.S_IFIFO, le(get(BUF, 128)).getInt(16) & 0170000);
        assertEquals(0, sys(80, 5, BUF));
        ByteBuffer st = le(get(BUF, 128));
        assertEquals(Stat.S_IFCHR, st.getInt(16) & 0170000);
        assertEquals(Stat.makedev(5, 1), st.getLong(32));
        assertEquals(-Errno.EBADF, sys(80, 7, BUF));
        assertEquals(-Errno.EFAULT, sys(80, 1, 0x1000));
    }

    @Test
    void newfstatatWithEmptyPath() {
        long path = putString(BUF + 4096, "");
        assertEquals(0, sys(79, 1, path, BUF, 0x1000));
        assertEquals(Stat.S_IFIFO, le(get(BUF, 128)).getInt(16) & 0170000);
        assertEquals(-Errno.ENOENT, sys(79, 1, path, BUF, 0));
        assertEquals(-Errno.EINVAL, sys(79, 1, path, BUF, 0x1));
    }

    @Test
    void terminalIoctlsOnlyOnATerminal() {
        assertEquals(-Errno.ENOTTY, sys(29, 1, Tty.TCGETS, BUF));
        assertEquals(0, sys(29, 5, Tty.TCGETS, BUF));
        assertEquals(0, sys(29, 5, Tty.TIOCGWINSZ, BUF + 64));
        ByteBuffer ws = le(get(BUF + 64, 8));
        assertEquals(24, ws.getShort(0));
        assertEquals(80, ws.getShort(2));
        assertEquals(-Errno.ENOTTY, sys(29, 5, 0x9999, BUF));
        assertEquals(-Errno.EFAULT, sys(29, 5, Tty.TCGETS, 0x1000));
        assertEquals(-Errno.EBADF, sys(29, 8, Tty.TCGETS, BUF));
    }

    @Test
    void closeThenUseIsEbadf() {
        assertEquals(0, sys(57, 1));
        assertEquals(-Errno.EBADF, sys(57, 1));
        assertEquals(-Errno.EBADF, sys(64, 1, BUF, 1));
        assertEquals(-Errno.EBADF, sys(57, 4096));
    }

    @Test
    void getcwdAndReadlinkOfProcSelfExe() {
        assertEquals(-Errno.ERANGE, sys(17, BUF, 4));
        assertEquals(5, sys(17, BUF, 100));
        assertArrayEquals("/tmp\0".getBytes(StandardCharsets.US_ASCII), get(BUF, 5));

        long path = putString(BUF + 1024, "/proc/self/exe");
        assertEquals("/host/bin/prog".length(), sys(78, AT_FDCWD, path, BUF + 2048, 100));
        assertEquals("/host/bin/prog", new String(get(BUF + 2048, 14), StandardCharsets.UTF_8));
        assertEquals(5, sys(78, AT_FDCWD, path, BUF + 2048, 5), "truncated to the buffer");
        assertEquals(-Errno.EINVAL, sys(78, AT_FDCWD, path, BUF + 2048, 0));
        assertEquals(-Errno.ENOENT, sys(78, AT_FDCWD, putString(BUF + 3072, "/etc/passwd"), BUF + 2048, 100));
    }

    // ------------------------------------------------------------------ memory

    @Test
    void brkQueriesGrowsAndHonoursRlimitData() {
        assertEquals(HEAP, sys(214, 0));
        assertEquals(HEAP + 100, sys(214, HEAP + 100));
        put(HEAP, new byte[] {1, 2, 3});
        // RLIMIT_DATA = 32 pages: it counts every private writable mapping (BUF's 16) and the heap
        put(BUF, le(new byte[16]).putLong(0, 32 * PAGE).putLong(8, -1L).array());
        assertEquals(0, sys(261, 0, Process.RLIMIT_DATA, BUF, 0));
        assertEquals(HEAP + 100, sys(214, HEAP + 17 * PAGE), "beyond RLIMIT_DATA: unchanged");
        assertEquals(HEAP + 16 * PAGE, sys(214, HEAP + 16 * PAGE));
    }

    @Test
    void anonymousMmapMunmap() {
        long a = sys(222, 0, 3 * PAGE, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertTrue(a > 0 && (a & (PAGE - 1)) == 0, Long.toHexString(a));
        assertTrue(a + 3 * PAGE <= AddressSpace.MMAP_BASE);
        assertArrayEquals(new byte[(int) (3 * PAGE)], get(a, (int) (3 * PAGE)));
        put(a + PAGE, new byte[] {9});
        long b = sys(222, 0, 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertTrue(b + PAGE <= a || b >= a + 3 * PAGE, "no overlap");
        assertEquals(0, sys(215, a, 3 * PAGE));
        assertThrows(SysError.class, () -> get(a + PAGE, 1));
        assertEquals(0, sys(215, a, 3 * PAGE), "munmap of nothing is fine");
        assertEquals(0, sys(215, b, PAGE));
    }

    @Test
    void mmapHintIsUsedWhenFree() {
        long hint = 0x2000_0000L;
        assertEquals(hint, sys(222, hint, PAGE, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        long other = sys(222, hint, PAGE, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertTrue(other != hint && other > 0, "occupied hint: somewhere else");
    }

    @Test
    void mmapArgumentErrors() {
        int anon = MAP_PRIVATE | MAP_ANONYMOUS;
        assertEquals(-Errno.EINVAL, sys(222, 0, 0, PROT_RW, anon, -1, 0), "length 0");
        assertEquals(-Errno.EINVAL, sys(222, 0, PAGE, 8, anon, -1, 0), "unknown PROT bit");
        assertEquals(-Errno.EINVAL, sys(222, 0, PAGE, PROT_RW, MAP_ANONYMOUS, -1, 0), "neither shared nor private");
        assertEquals(-Errno.EINVAL, sys(222, 0, PAGE, PROT_RW, anon, -1, 100), "unaligned offset");
        assertEquals(-Errno.EINVAL, sys(222, BUF + 1, PAGE, PROT_RW, anon | MAP_FIXED, -1, 0), "unaligned MAP_FIXED");
        assertEquals(-Errno.ENOMEM, sys(222, 0, -1L, PROT_RW, anon, -1, 0), "length rounds to 0");
        assertEquals(-Errno.EBADF, sys(222, 0, PAGE, PROT_READ, MAP_PRIVATE, 42, 0), "file mapping, bad fd");
        assertEquals(-Errno.ENODEV, sys(222, 0, PAGE, PROT_READ, MAP_SHARED, 1, 0), "file mapping not supported");
    }

    @Test
    void mapFixedReplacesAndNoreplaceRefuses() {
        put(BUF + PAGE, new byte[] {7});
        assertEquals(-Errno.EEXIST, sys(222, BUF, PAGE * 2, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
        assertEquals(7, get(BUF + PAGE, 1)[0], "NOREPLACE left the old mapping alone");
        assertEquals(BUF + PAGE, sys(222, BUF + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
        assertEquals(0, get(BUF + PAGE, 1)[0], "MAP_FIXED gave fresh zero memory");
        assertThrows(SysError.class, () -> put(BUF + PAGE, new byte[1]), "new mapping is read-only");
    }

    @Test
    void munmapArgumentErrors() {
        assertEquals(-Errno.EINVAL, sys(215, BUF + 1, PAGE), "unaligned");
        assertEquals(-Errno.EINVAL, sys(215, BUF, 0), "length 0");
        assertEquals(-Errno.EINVAL, sys(215, AddressSpace.USER_TOP - PAGE, 2 * PAGE), "past the top");
    }

    /** Linux: munmap with a length that page-aligns to 0 (or runs past TASK_SIZE) is EINVAL. */
    @Test
    void munmapWithHugeLengthIsEinval() {
        put(BUF, new byte[] {5});
        assertEquals(-Errno.EINVAL, sys(215, BUF, -1L));
        assertEquals(5, get(BUF, 1)[0]);
    }

    @Test
    void mprotectBehaviour() {
        assertEquals(0, sys(226, BUF, 0, PROT_READ), "length 0 is a no-op");
        assertEquals(-Errno.EINVAL, sys(226, BUF + 1, PAGE, PROT_READ), "unaligned");
        assertEquals(-Errno.EINVAL, sys(226, BUF, PAGE, 0x10), "unknown PROT bit");
        assertEquals(-Errno.ENOMEM, sys(226, BUF + 15 * PAGE, 2 * PAGE, PROT_READ), "runs into a hole");
        assertEquals(0, sys(226, BUF, PAGE, PROT_READ | 0x01000000), "PROT_GROWSDOWN accepted");
        assertThrows(SysError.class, () -> put(BUF, new byte[1]));
        assertEquals(0, sys(226, BUF, 1, PROT_RW), "length rounds up to a page");
        put(BUF, new byte[1]);
    }

    /** Linux: mprotect with a length that page-aligns to 0 (end <= start) is ENOMEM. */
    @Test
    void mprotectWithWrappingLengthIsEnomem() {
        assertEquals(-Errno.ENOMEM, sys(226, BUF, -1L, PROT_READ));
    }

    @Test
    void madviseDontneedZeroes() {
        put(BUF, new byte[] {1, 2, 3});
        assertEquals(0, sys(233, BUF, PAGE, 4));
        assertArrayEquals(new byte[3], get(BUF, 3));
        assertEquals(0, sys(233, BUF, PAGE, 0), "MADV_NORMAL");
        assertEquals(-Errno.EINVAL, sys(233, BUF + 1, PAGE, 4));
        assertEquals(-Errno.ENOMEM, sys(233, BUF + 15 * PAGE, 2 * PAGE, 4));
    }

    /** Linux: madvise with a length that page-aligns to 0 from a non-zero value is EINVAL. */
    @Test
    void madviseWithWrappingLengthIsEinval() {
        assertEquals(-Errno.EINVAL, sys(233, BUF, -1L, 4));
    }

    // ------------------------------------------------------------------ process

    @Test
    void identity() {
        assertEquals(1, sys(172));
        assertEquals(1, sys(178));
        assertEquals(0, sys(173));
        assertEquals(0, sys(174));
        assertEquals(1, sys(96, BUF), "set_tid_address returns the tid");
        assertEquals(0, sys(99, BUF, 24));
        assertEquals(-Errno.EINVAL, sys(99, BUF, 16));
    }

    @Test
    void exitGroupRecordsTheLowEightBits() {
        assertFalse(process.hasExited());
        sys(94, 300);
        assertTrue(process.hasExited());
        assertEquals(300 & 0xFF, process.shellStatus());
        sys(94, 1);
        assertEquals(300 & 0xFF, process.shellStatus(), "the first exit wins");
    }

    @Test
    void prlimitGetSetAndErrors() {
        assertEquals(0, sys(261, 0, Process.RLIMIT_STACK, 0, BUF));
        ByteBuffer r = le(get(BUF, 16));
        assertEquals(8L << 20, r.getLong(0));
        assertEquals(-1L, r.getLong(8));

        put(BUF + 64, le(new byte[16]).putLong(0, 1 << 20).putLong(8, 2 << 20).array());
        assertEquals(0, sys(261, 0, Process.RLIMIT_STACK, BUF + 64, BUF + 128));
        assertEquals(8L << 20, le(get(BUF + 128, 16)).getLong(0), "old value returned");
        assertEquals(0, sys(163, Process.RLIMIT_STACK, BUF + 192));
        assertEquals(1L << 20, le(get(BUF + 192, 16)).getLong(0));
        assertEquals(2L << 20, le(get(BUF + 192, 16)).getLong(8));

        put(BUF + 256, le(new byte[16]).putLong(0, 3 << 20).putLong(8, 2 << 20).array());
        assertEquals(-Errno.EINVAL, sys(261, 0, Process.RLIMIT_STACK, BUF + 256, 0), "soft above hard");
        assertEquals(-Errno.EINVAL, sys(261, 0, 99, 0, BUF));
        assertEquals(-Errno.ESRCH, sys(261, 4242, Process.RLIMIT_STACK, 0, BUF));
        assertEquals(-Errno.EFAULT, sys(261, 0, Process.RLIMIT_STACK, 0, 0x1000));
    }

    @Test
    void rtSigactionRoundTripAndErrors() {
        byte[] act = le(new byte[24]).putLong(0, 0x12345).putLong(8, 0x4000000).putLong(16, 0x5).array();
        put(BUF, act);
        assertEquals(0, sys(134, Signals.SIGUSR1, BUF, 0, 8));
        assertEquals(0, sys(134, Signals.SIGUSR1, 0, BUF + 64, 8));
        assertArrayEquals(act, get(BUF + 64, 24));
        assertEquals(-Errno.EINVAL, sys(134, Signals.SIGKILL, BUF, 0, 8));
        assertEquals(-Errno.EINVAL, sys(134, Signals.SIGSTOP, BUF, 0, 8));
        assertEquals(0, sys(134, Signals.SIGKILL, 0, BUF + 64, 8), "querying SIGKILL is fine");
        assertEquals(-Errno.EINVAL, sys(134, 0, BUF, 0, 8));
        assertEquals(-Errno.EINVAL, sys(134, 65, BUF, 0, 8));
        assertEquals(-Errno.EINVAL, sys(134, Signals.SIGUSR1, BUF, 0, 16));
    }

    @Test
    void rtSigprocmaskCannotBlockKillOrStop() {
        long set = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1)) | (1L << (Signals.SIGUSR1 - 1));
        put(BUF, le(new byte[8]).putLong(0, set).array());
        assertEquals(0, sys(135, 0 /* SIG_BLOCK */, BUF, 0, 8));
        assertEquals(0, sys(135, 0, 0, BUF + 8, 8));
        assertEquals(1L << (Signals.SIGUSR1 - 1), le(get(BUF + 8, 8)).getLong(0));
        assertEquals(-Errno.EINVAL, sys(135, 7, BUF, 0, 8));
        assertEquals(-Errno.EINVAL, sys(135, 0, BUF, 0, 4));
    }

    // ------------------------------------------------------------------ info

    private static String cstr(byte[] b, int off) {
        int end = off;
        while (b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    @Test
    void unameFields() {
        assertEquals(0, sys(160, BUF));
        byte[] u = get(BUF, 6 * 65);
        assertEquals("Linux", cstr(u, 0));
        assertEquals("riscv64", cstr(u, 4 * 65));
        assertFalse(cstr(u, 2 * 65).isEmpty(), "release");
        assertEquals(-Errno.EFAULT, sys(160, 0x1000));
    }

    @Test
    void clockGettime() {
        assertEquals(0, sys(113, 1, BUF));
        ByteBuffer ts = le(get(BUF, 16));
        assertTrue(ts.getLong(0) >= 0);
        assertTrue(ts.getLong(8) >= 0 && ts.getLong(8) < 1_000_000_000L);
        assertEquals(0, sys(113, 0, BUF));
        assertTrue(le(get(BUF, 16)).getLong(0) > 1_600_000_000L, "CLOCK_REALTIME is wall-clock time");
        assertEquals(-Errno.EINVAL, sys(113, 99, BUF));
        assertEquals(-Errno.EFAULT, sys(113, 1, 0x1000));
    }

    @Test
    void sleepsValidateTheirTimespec() {
        put(BUF, le(new byte[16]).putLong(0, 0).putLong(8, 1_000_000_000L).array());
        assertEquals(-Errno.EINVAL, sys(101, BUF, 0));
        put(BUF, le(new byte[16]).putLong(0, -1).putLong(8, 0).array());
        assertEquals(-Errno.EINVAL, sys(101, BUF, 0));
        put(BUF, le(new byte[16]).putLong(0, 0).putLong(8, 0).array());
        assertEquals(0, sys(101, BUF, 0));
        // Linux: the thread CPU clock has no nsleep, EOPNOTSUPP (the man page's EINVAL is out of date).
        assertEquals(-Errno.EOPNOTSUPP, sys(115, 3 /* CLOCK_THREAD_CPUTIME_ID */, 0, BUF, 0));
    }

    @Test
    void getrandom() {
        assertEquals(32, sys(278, BUF, 32, 0));
        assertEquals(-Errno.EINVAL, sys(278, BUF, 32, 0x100));
        assertEquals(-Errno.EFAULT, sys(278, 0x1000, 32, 0));
    }

    @Test
    void riscvHwprobe() {
        put(BUF, le(new byte[48]).putLong(0, 4).putLong(16, 100).putLong(32, 3).array());
        assertEquals(0, sys(258, BUF, 3, 0, 0, 0));
        ByteBuffer p = le(get(BUF, 48));
        assertEquals(4, p.getLong(0));
        assertEquals(3, p.getLong(8), "IMA_FD | IMA_C");
        assertEquals(-1, p.getLong(16), "unknown key");
        assertEquals(0, p.getLong(24));
        assertEquals(3, p.getLong(32));
        assertEquals(1, p.getLong(40), "BASE_BEHAVIOR_IMA");
        assertEquals(-Errno.EINVAL, sys(258, BUF, 1, 0, 0, 1), "flags must be 0");
    }
}
