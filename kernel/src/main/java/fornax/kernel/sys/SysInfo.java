package fornax.kernel.sys;

import fornax.machine.cpu.Hart;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/** System information and time: uname, getrandom, clocks, sleeping, riscv_hwprobe, icache flush. */
public final class SysInfo {
    private SysInfo() { }

    /** uname(2)'s fields (also in /proc/version and /proc/sys/kernel). */
    public static final String SYSNAME = "Linux", NODENAME = "fornax", RELEASE = "6.12.0-fornax",
            VERSION = "#1 SMP Fornax/J", MACHINE = "riscv64", DOMAINNAME = "(none)";

    static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
            CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
    static final int TIMER_ABSTIME = 1;

    static void register(SyscallTable t) {
        t.partial(142, "reboot", "POWER_OFF, HALT and RESTART end every process and the launcher (a restart does "
                + "not boot again); CAD_ON/CAD_OFF accepted; others EINVAL", SysInfo::reboot);
        t.supported(160, "uname", SysInfo::uname);
        t.supported(278, "getrandom", SysInfo::getrandom);
        t.supported(113, "clock_gettime", SysInfo::clockGettime);
        t.supported(114, "clock_getres", SysInfo::clockGetres);
        t.supported(169, "gettimeofday", SysInfo::gettimeofday);
        t.supported(101, "nanosleep", SysInfo::nanosleep);
        t.supported(115, "clock_nanosleep", SysInfo::clockNanosleep);
        t.partial(179, "sysinfo", "no swap; bufferram 0 (no buffer cache)", SysInfo::sysinfo);
        t.supported(258, "riscv_hwprobe", SysInfo::hwprobe);
        t.supported(259, "riscv_flush_icache", (c, a) -> { c.kernel().flushInstructionCaches(); return 0; });
    }

    private static long uname(SyscallContext c, long[] a) {
        byte[] buf = new byte[6 * 65];
        String[] fields = {SYSNAME, NODENAME, RELEASE, VERSION, MACHINE, DOMAINNAME};
        for (int i = 0; i < fields.length; i++) {
            byte[] f = fields[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(f, 0, buf, 65 * i, Math.min(64, f.length));
        }
        c.memory().copyOut(a[0], buf, 0, buf.length);
        return 0;
    }

    /** struct sysinfo (112 bytes on riscv64): uptime, loads[3], RAM and swap sizes, procs, mem_unit. */
    private static long sysinfo(SyscallContext c, long[] a) {
        var frames = c.kernel().frames();
        ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, c.kernel().monotonicNanos() / 1_000_000_000L);
        long[] loads = c.kernel().cpuAccounting().loadAverages();
        for (int i = 0; i < 3; i++) b.putLong(8 + 8 * i, loads[i] << 5);   // SI_LOAD_SHIFT 16 from FSHIFT 11
        b.putLong(32, (long) frames.totalFrames() * 4096);
        b.putLong(40, (long) frames.freeFrames() * 4096);
        b.putLong(48, c.kernel().shmemBytes());                            // sharedram: tmpfs, as /proc/meminfo's Shmem
        b.putShort(80, (short) c.kernel().processCount());
        b.putInt(104, 1);
        c.memory().copyOut(a[0], b.array(), 0, 112);
        return 0;
    }

    /** Bytes from the kernel's random(): the machine's virtio-rng, or the host's SecureRandom without one. */
    private static long getrandom(SyscallContext c, long[] a) {
        long len = a[1];
        int flags = (int) a[2];
        if ((flags & ~7) != 0) throw new SysError(Errno.EINVAL);   // GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE
        if ((flags & 6) == 6) throw new SysError(Errno.EINVAL);    // GRND_RANDOM with GRND_INSECURE
        if (len < 0) throw new SysError(Errno.EINVAL);
        int n = (int) Math.min(len, 1 << 25);
        byte[] buf = new byte[n];
        c.kernel().random().nextBytes(buf);
        c.memory().copyOut(a[0], buf, 0, n);
        return n;
    }

    /** Current value of {@code clock} in nanoseconds. */
    static long clockNanos(SyscallContext c, int clock) {
        return switch (clock) {
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE -> c.kernel().realtimeNanos();
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME -> c.kernel().monotonicNanos();
            case CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID -> c.kernel().cpuTimeNanos();
            default -> throw new SysError(Errno.EINVAL);
        };
    }

    private static byte[] timespec(long nanos) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(Math.floorDiv(nanos, 1_000_000_000L)).putLong(Math.floorMod(nanos, 1_000_000_000L)).array();
    }

    /** Reads a struct timespec; EINVAL when tv_nsec is out of range or tv_sec negative. */
    static long readTimespec(SyscallContext c, long va) {
        byte[] raw = new byte[16];
        c.memory().copyIn(va, raw, 0, 16);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long sec = b.getLong(), nsec = b.getLong();
        if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) throw new SysError(Errno.EINVAL);
        if (sec > Long.MAX_VALUE / 1_000_000_000L - 1) return Long.MAX_VALUE;
        return sec * 1_000_000_000L + nsec;
    }

    private static long clockGettime(SyscallContext c, long[] a) {
        byte[] ts = timespec(clockNanos(c, (int) a[0]));
        c.memory().copyOut(a[1], ts, 0, 16);
        return 0;
    }

    private static long clockGetres(SyscallContext c, long[] a) {
        clockNanos(c, (int) a[0]);
        if (a[1] != 0) c.memory().copyOut(a[1], timespec(1), 0, 16);
        return 0;
    }

    private static long gettimeofday(SyscallContext c, long[] a) {
        long now = c.kernel().realtimeNanos();
        if (a[0] != 0) {
            byte[] tv = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(now / 1_000_000_000L).putLong((now % 1_000_000_000L) / 1000).array();
            c.memory().copyOut(a[0], tv, 0, 16);
        }
        if (a[1] != 0) c.memory().copyOut(a[1], new byte[8], 0, 8);
        return 0;
    }

    /** Sleeps; returns the time left when a signal interrupted the sleep (0 if it completed). */
    private static long sleepNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) return left;
            LockSupport.parkNanos(left);
        }
        return 0;
    }

    private static long nanosleep(SyscallContext c, long[] a) {
        long left = sleepNanos(readTimespec(c, a[0]));
        if (a[1] != 0) c.memory().copyOut(a[1], timespec(left), 0, 16);
        if (left > 0) throw new SysError(Errno.EINTR);
        return 0;
    }

    private static long clockNanosleep(SyscallContext c, long[] a) {
        int clock = (int) a[0], flags = (int) a[1];
        // The thread CPU-time clock has no nsleep in Linux (clock_thread): EOPNOTSUPP, whatever the
        // man page says.
        if (clock == CLOCK_THREAD_CPUTIME_ID) throw new SysError(Errno.EOPNOTSUPP);
        long now = clockNanos(c, clock);
        long t = readTimespec(c, a[2]);
        long left = sleepNanos((flags & TIMER_ABSTIME) != 0 ? t - now : t);
        if (left > 0) {
            if ((flags & TIMER_ABSTIME) == 0 && a[3] != 0) c.memory().copyOut(a[3], timespec(left), 0, 16);
            throw new SysError(Errno.EINTR);
        }
        return 0;
    }

    // riscv_hwprobe keys and values (arch/riscv/include/uapi/asm/hwprobe.h)
    static final int KEY_MVENDORID = 0, KEY_MARCHID = 1, KEY_MIMPID = 2, KEY_BASE_BEHAVIOR = 3, KEY_IMA_EXT_0 = 4,
            KEY_CPUPERF_0 = 5, KEY_ZICBOZ_BLOCK_SIZE = 6, KEY_HIGHEST_VIRT_ADDRESS = 7, KEY_TIME_CSR_FREQ = 8,
            KEY_MISALIGNED_SCALAR_PERF = 9;
    static final long BASE_BEHAVIOR_IMA = 1, IMA_FD = 1, IMA_C = 2, MISALIGNED_FAST = 3;

    private static long hwprobe(SyscallContext c, long[] a) {
        long pairs = a[0], count = a[1], cpusetsize = a[2], cpus = a[3], flags = a[4];
        if (flags != 0) throw new SysError(Errno.EINVAL);
        if (count < 0 || count > 4096) throw new SysError(Errno.EINVAL);
        if ((cpus == 0) != (cpusetsize == 0)) throw new SysError(Errno.EINVAL);
        byte[] raw = new byte[(int) count * 16];
        c.memory().copyIn(pairs, raw, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            long key = b.getLong(16 * i);
            long value;
            switch ((int) key) {
                case KEY_MVENDORID, KEY_MARCHID, KEY_MIMPID, KEY_ZICBOZ_BLOCK_SIZE -> value = 0;
                case KEY_BASE_BEHAVIOR -> value = BASE_BEHAVIOR_IMA;
                case KEY_IMA_EXT_0 -> value = IMA_FD | IMA_C;
                case KEY_CPUPERF_0, KEY_MISALIGNED_SCALAR_PERF -> value = MISALIGNED_FAST;
                case KEY_HIGHEST_VIRT_ADDRESS -> value = (1L << 47) - 1;
                case KEY_TIME_CSR_FREQ -> value = Hart.TIMEBASE_HZ;
                default -> { key = -1; value = 0; }
            }
            if (key < 0 || key > KEY_MISALIGNED_SCALAR_PERF) key = -1;
            b.putLong(16 * i, key);
            b.putLong(16 * i + 8, value);
        }
        c.memory().copyOut(pairs, raw, 0, raw.length);
        return 0;
    }

    private static final long REBOOT_MAGIC1 = 0xfee1deadL;
    private static final int RB_RESTART = 0x01234567, RB_HALT = 0xCDEF0123, RB_POWER_OFF = 0x4321FEDC,
            RB_CAD_ON = 0x89ABCDEF, RB_CAD_OFF = 0, RB_RESTART2 = 0xA1B2C3D4;

    /** reboot(magic, magic2, cmd, arg). */
    private static long reboot(SyscallContext c, long[] a) {
        int magic2 = (int) a[1];
        if ((a[0] & 0xFFFFFFFFL) != REBOOT_MAGIC1
                || magic2 != 672274793 && magic2 != 85072278 && magic2 != 369367448 && magic2 != 537993216)
            throw new SysError(Errno.EINVAL);
        switch ((int) a[2]) {
            case RB_CAD_ON, RB_CAD_OFF -> { return 0; }
            case RB_POWER_OFF -> c.kernel().shutdown("Power down");
            case RB_HALT -> c.kernel().shutdown("System halted");
            case RB_RESTART, RB_RESTART2 -> c.kernel().shutdown("Restarting system (a restart powers off: the JVM does not boot again)");
            default -> throw new SysError(Errno.EINVAL);
        }
        return 0;
    }
}
