package fornax.kernel.sys;

import fornax.kernel.Kernel;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.proc.Futexes;
import fornax.kernel.proc.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntSupplier;

/**
 * Thread syscalls: futex, the robust-futex list, set_tid_address, and what happens to them when
 * a thread exits (clear_child_tid, owner-died marking). Thread creation itself is clone's, in
 * {@link SysProc}.
 */
public final class SysThread {
    private SysThread() { }

    static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
            FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
    static final int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
    static final int FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3FFFFFFF;
    /** Linux's ROBUST_LIST_LIMIT: a corrupt or circular list stops here. */
    private static final int ROBUST_LIST_LIMIT = 2048;

    static void register(SyscallTable t) {
        t.partial(98, "futex", "WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAIT_BITSET, WAKE_BITSET, private and shared, "
                + "CLOCK_REALTIME; WAKE_OP and the PI operations return ENOSYS (glibc does not need them)",
                SysThread::futex);
        t.supported(96, "set_tid_address", (c, a) -> {
            c.task().clearChildTid = a[0];
            return c.pids().tidOf(c.task());
        });
        t.supported(99, "set_robust_list", (c, a) -> {
            if (a[1] != 24) throw new SysError(Errno.EINVAL);  // sizeof(struct robust_list_head)
            c.task().robustListHead = a[0];
            c.task().robustListLen = a[1];
            return 0;
        });
        t.supported(100, "get_robust_list", SysThread::getRobustList);
    }

    private static long futex(SyscallContext c, long[] a) {
        long uaddr = a[0];
        int op = (int) a[1], val = (int) a[2];
        int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
        boolean isPrivate = (op & FUTEX_PRIVATE_FLAG) != 0, realtime = (op & FUTEX_CLOCK_REALTIME) != 0;
        if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT) throw new SysError(Errno.ENOSYS);
        if ((uaddr & 3) != 0) throw new SysError(Errno.EINVAL, "unaligned futex");
        Kernel kernel = c.kernel();
        AddressSpace as = c.memory();
        Futexes futexes = kernel.futexes();
        return switch (cmd) {
            case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
                int bitset = cmd == FUTEX_WAIT ? -1 : (int) a[5];
                long deadline = Long.MAX_VALUE;
                if (a[3] != 0) {
                    long ns = SysInfo.readTimespec(c, a[3]);
                    if (cmd == FUTEX_WAIT) deadline = System.nanoTime() + ns;              // relative
                    else deadline = System.nanoTime() + ns
                            - (realtime ? kernel.realtimeNanos() : kernel.monotonicNanos()); // absolute
                }
                futexes.await(key(as, uaddr, isPrivate), word(as, uaddr), val, bitset, deadline);
                yield 0;
            }
            case FUTEX_WAKE, FUTEX_WAKE_BITSET -> {
                int bitset = cmd == FUTEX_WAKE ? -1 : (int) a[5];
                yield futexes.wake(key(as, uaddr, isPrivate), Math.max(val, 0), bitset);
            }
            case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
                int requeue = (int) a[3];
                if (val < 0 || requeue < 0) throw new SysError(Errno.EINVAL);
                if ((a[4] & 3) != 0) throw new SysError(Errno.EINVAL, "unaligned futex");
                yield futexes.requeue(key(as, uaddr, isPrivate), key(as, a[4], isPrivate), val, requeue,
                        word(as, uaddr), cmd == FUTEX_CMP_REQUEUE ? (Integer) (int) a[5] : null);
            }
            default -> throw new SysError(Errno.ENOSYS, "futex op " + cmd);
        };
    }

    /** The futex key of {@code uaddr}: private to the address space unless it lies in shared memory. */
    static Futexes.Key key(AddressSpace as, long uaddr, boolean isPrivate) {
        if (!isPrivate) {
            long pa = as.sharedPhysicalAddress(uaddr);
            if (pa >= 0) return new Futexes.Key(null, pa);
        }
        return new Futexes.Key(as, uaddr);
    }

    private static IntSupplier word(AddressSpace as, long uaddr) {
        return () -> readInt(as, uaddr);
    }

    private static int readInt(AddressSpace as, long va) {
        byte[] b = new byte[4];
        as.copyIn(va, b, 0, 4);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static void writeInt(AddressSpace as, long va, int v) {
        as.copyOut(va, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(), 0, 4);
    }

    private static long readLong(AddressSpace as, long va) {
        byte[] b = new byte[8];
        as.copyIn(va, b, 0, 8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static long getRobustList(SyscallContext c, long[] a) {
        int tid = (int) a[0];
        Task t = tid == 0 ? c.task() : c.pids().task(c.kernel().processes(), tid);
        if (t == null) throw new SysError(Errno.ESRCH);
        AddressSpace as = c.memory();
        as.copyOut(a[1], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(t.robustListHead).array(), 0, 8);
        as.copyOut(a[2], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(24).array(), 0, 8);
        return 0;
    }

    /**
     * Thread exit, part 1 (Linux's exit_robust_list): every robust mutex the thread still holds
     * gets FUTEX_OWNER_DIED, and one waiter is woken, so the next locker sees EOWNERDEAD instead
     * of waiting forever. A bad list is abandoned silently, as on Linux.
     */
    public static void releaseRobustList(Kernel kernel, Task task) {
        long head = task.robustListHead;
        if (head == 0) return;
        AddressSpace as = task.process().addressSpace();
        int tid = task.process().pidNamespace().tidOf(task);   // what the thread wrote as owner: its own number
        try {
            long entry = readLong(as, head) & ~1L;
            long offset = readLong(as, head + 8);
            long pending = readLong(as, head + 16) & ~1L;
            for (int i = 0; entry != head && entry != 0 && i < ROBUST_LIST_LIMIT; i++) {
                long next = readLong(as, entry) & ~1L;
                if (entry != pending) ownerDied(kernel, as, entry + offset, tid);
                entry = next;
            }
            if (pending != 0) ownerDied(kernel, as, pending + offset, tid);
        } catch (SysError e) {
            // an unreadable list: nothing more to do
        }
    }

    private static void ownerDied(Kernel kernel, AddressSpace as, long uaddr, int tid) {
        if ((uaddr & 3) != 0) return;
        int v = readInt(as, uaddr);
        if ((v & FUTEX_TID_MASK) != tid) return;
        writeInt(as, uaddr, (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
        if ((v & FUTEX_WAITERS) != 0) kernel.futexes().wake(key(as, uaddr, false), 1, -1);
    }

    /**
     * Thread exit, part 2 (CLONE_CHILD_CLEARTID / set_tid_address): zero the word and wake one
     * waiter — this is how pthread_join learns that the thread is gone.
     */
    public static void clearChildTid(Kernel kernel, Task task) {
        long addr = task.clearChildTid;
        if (addr == 0 || (addr & 3) != 0) return;
        AddressSpace as = task.process().addressSpace();
        try {
            writeInt(as, addr, 0);
            kernel.futexes().wake(key(as, addr, false), 1, -1);
        } catch (SysError e) {
            // unmapped: nothing to clear, nobody to wake
        }
    }
}
