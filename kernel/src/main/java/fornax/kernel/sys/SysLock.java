package fornax.kernel.sys;

import fornax.kernel.proc.Process;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.FileLocks;
import fornax.kernel.vfs.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Advisory locks: fcntl's record-lock commands (F_GETLK/F_SETLK/F_SETLKW and the OFD forms,
 * called from {@link SysFile}'s fcntl) and flock(2). This layer decodes struct flock and checks
 * arguments in Linux's order; the lock table is {@link FileLocks}.
 *
 * <pre>
 *   struct flock (riscv64, 32 bytes): 0 l_type:2  2 l_whence:2  8 l_start  16 l_len  24 l_pid:4
 * </pre>
 */
final class SysLock {
    private SysLock() { }

    static final int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;
    private static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

    static void register(SyscallTable t) {
        t.supported(32, "flock", SysLock::flock);
    }

    /** fcntl lock command {@code cmd} on description {@code d} (acquired by the caller) with struct flock at {@code va}. */
    static long fcntl(SyscallContext c, FileDescription d, int cmd, long va) {
        byte[] raw = new byte[32];
        c.memory().copyIn(va, raw, 0, raw.length);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(0), whence = b.getShort(2), pid = b.getInt(24);
        long lStart = b.getLong(8), lLen = b.getLong(16);
        boolean ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
        boolean get = cmd == F_GETLK || cmd == F_OFD_GETLK;
        Process p = c.process();
        Object owner = ofd ? d : p;
        FileLocks locks = c.kernel().fileLocks();
        FileLocks.Key file = FileLocks.keyOf(d.file());
        // The checks come in Linux's order (fcntl_getlk, fcntl_setlk), so the first failing one wins.
        if (get) {
            if (type != FileLocks.F_RDLCK && type != FileLocks.F_WRLCK) throw new SysError(Errno.EINVAL);
            if (ofd && pid != 0) throw new SysError(Errno.EINVAL, "OFD locks need l_pid 0");
            long[] range = range(d, whence, lStart, lLen);
            FileLocks.Lock l = locks.test(file, owner, type, range[0], range[1]);
            if (l == null) {
                b.putShort(0, (short) FileLocks.F_UNLCK);
            } else {
                b.putShort(0, (short) l.type()).putShort(2, (short) SEEK_SET).putLong(8, l.start())
                        .putLong(16, l.end() == FileLocks.EOF ? 0 : l.end() - l.start() + 1).putInt(24, l.pid() > 0 ? c.pids().numberOf(l.pid()) : l.pid());
            }
            c.memory().copyOut(va, raw, 0, raw.length);
            return 0;
        }
        long[] range = range(d, whence, lStart, lLen);
        if (type != FileLocks.F_RDLCK && type != FileLocks.F_WRLCK && type != FileLocks.F_UNLCK)
            throw new SysError(Errno.EINVAL);
        int flags = d.statusFlags();
        if (type == FileLocks.F_RDLCK && !OpenFlags.readable(flags)) throw new SysError(Errno.EBADF, "not open for reading");
        if (type == FileLocks.F_WRLCK && !OpenFlags.writable(flags)) throw new SysError(Errno.EBADF, "not open for writing");
        if (ofd && pid != 0) throw new SysError(Errno.EINVAL, "OFD locks need l_pid 0");
        if (ofd) d.ownsLocksIn(locks);
        else p.ownsLocksIn(locks);
        locks.set(file, owner, ofd ? -1 : p.pid(), type, range[0], range[1], cmd == F_SETLKW || cmd == F_OFD_SETLKW, !ofd);
        return 0;
    }

    /** The absolute byte range [start, end] of a struct flock, as Linux's flock_to_posix_lock works it out. */
    private static long[] range(FileDescription d, int whence, long lStart, long lLen) {
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> d.offset();
            case SEEK_END -> d.file().stat().size();
            default -> throw new SysError(Errno.EINVAL, "l_whence " + whence);
        };
        if (lStart > FileLocks.EOF - base) throw new SysError(Errno.EOVERFLOW);
        long start = base + lStart;
        if (start < 0) throw new SysError(Errno.EINVAL, "lock before the start of the file");
        if (lLen > 0) {
            if (lLen - 1 > FileLocks.EOF - start) throw new SysError(Errno.EOVERFLOW);
            return new long[] {start, start + lLen - 1};
        }
        if (lLen < 0) {
            long end = start - 1;
            start += lLen;
            if (start < 0) throw new SysError(Errno.EINVAL, "lock before the start of the file");
            return new long[] {start, end};
        }
        return new long[] {start, FileLocks.EOF};
    }

    /**
     * flock(fd, operation): LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB for no wait. LOCK_MAND
     * requests succeed at once without looking at anything, not even the descriptor: Linux
     * dropped mandatory flock locks and keeps the old answer.
     */
    private static long flock(SyscallContext c, long[] a) {
        int fd = (int) a[0], op = (int) a[1];
        if ((op & LOCK_MAND) != 0) return 0;
        int type = switch (op & ~LOCK_NB) {
            case LOCK_SH -> FileLocks.F_RDLCK;
            case LOCK_EX -> FileLocks.F_WRLCK;
            case LOCK_UN -> FileLocks.F_UNLCK;
            default -> throw new SysError(Errno.EINVAL, "flock operation " + op);
        };
        FileDescription d = c.process().fds().acquire(fd);
        try {
            if (d.file() instanceof ChanFile cf && cf.pathOnly()) throw new SysError(Errno.EBADF, "O_PATH descriptor");
            FileLocks locks = c.kernel().fileLocks();
            d.ownsLocksIn(locks);
            locks.flock(FileLocks.keyOf(d.file()), d, type, (op & LOCK_NB) == 0);
            return 0;
        } finally {
            d.release();
        }
    }
}
