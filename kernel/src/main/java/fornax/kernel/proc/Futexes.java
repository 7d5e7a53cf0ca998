package fornax.kernel.proc;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * The kernel's futex wait queues: tasks sleeping on a 32-bit word of user memory until another
 * task wakes that word.
 *
 * <p>A futex is named by a {@link Key}: the address space and virtual address for a private
 * mapping (every thread of a process shares them), or the physical address for a MAP_SHARED page
 * (the same word seen from several processes). Linux's rule is the same: a "shared" futex in a
 * private mapping is still keyed by (mm, address).
 *
 * <p>The lost-wake-up race is closed the way Linux closes it: a waiter reads the word and enqueues
 * itself under {@code this}; a waker changes the word in user memory (outside any lock) and then
 * takes {@code this} to wake. A waiter that saw the old value is therefore already queued when the
 * wake looks. Waiters then sleep outside the lock and are released by their {@code woken} flag.
 *
 * <p>Locking: {@code this} guards the queues and every waiter's {@code woken}/{@code key}; callers
 * may hold nothing else but the address-space lock taken inside {@code currentValue}. Lock order:
 * Futexes → AddressSpace.
 */
public final class Futexes {
    /** A futex word's identity: {@code space} is the AddressSpace for private keys, null for physical ones. */
    public record Key(Object space, long address) { }

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final int bitset;
        Key key;           // moves on requeue
        boolean woken;

        Waiter(Key key, int bitset) {
            this.key = key;
            this.bitset = bitset;
        }
    }

    // guarded by this
    private final Map<Key, ArrayDeque<Waiter>> queues = new HashMap<>();

    /**
     * FUTEX_WAIT(_BITSET): sleeps until woken, if the word still holds {@code expected}
     * (EAGAIN otherwise). {@code deadlineNanos} is on {@link System#nanoTime()}'s clock, or
     * {@link Long#MAX_VALUE}; ETIMEDOUT when it passes, EINTR when a signal interrupts the thread.
     */
    public void await(Key key, IntSupplier currentValue, int expected, int bitset, long deadlineNanos) {
        if (bitset == 0) throw new SysError(Errno.EINVAL);
        Waiter w = new Waiter(key, bitset);
        synchronized (this) {
            if (currentValue.getAsInt() != expected) throw new SysError(Errno.EAGAIN);
            queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(w);
        }
        for (;;) {
            synchronized (this) {
                if (w.woken) return;
            }
            if (Thread.interrupted()) {
                if (leave(w)) return;       // woken after all: the wake is not lost
                Thread.currentThread().interrupt();
                throw new SysError(Errno.EINTR);
            }
            long left = deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
            if (left <= 0) {
                if (leave(w)) return;
                throw new SysError(Errno.ETIMEDOUT);
            }
            LockSupport.parkNanos(this, Math.min(left, 1_000_000_000L));
        }
    }

    /** Dequeues a waiter giving up; true if it was woken meanwhile. */
    private synchronized boolean leave(Waiter w) {
        if (w.woken) return true;
        ArrayDeque<Waiter> q = queues.get(w.key);
        if (q != null) {
            q.remove(w);
            if (q.isEmpty()) queues.remove(w.key);
        }
        return false;
    }

    /** FUTEX_WAKE(_BITSET): wakes up to {@code count} waiters whose bitset intersects; returns how many. */
    public synchronized int wake(Key key, int count, int bitset) {
        if (bitset == 0) throw new SysError(Errno.EINVAL);
        ArrayDeque<Waiter> q = queues.get(key);
        if (q == null) return 0;
        int woken = 0;
        for (Iterator<Waiter> it = q.iterator(); it.hasNext() && woken < count; ) {
            Waiter w = it.next();
            if ((w.bitset & bitset) == 0) continue;
            it.remove();
            release(w);
            woken++;
        }
        if (q.isEmpty()) queues.remove(key);
        return woken;
    }

    /**
     * FUTEX_(CMP_)REQUEUE: wakes up to {@code wakeCount} waiters on {@code from} and moves up to
     * {@code requeueCount} of the rest to {@code to}; with {@code expected} non-null the word must
     * still hold it (EAGAIN). Returns woken + requeued (as Linux does for CMP_REQUEUE).
     */
    public synchronized int requeue(Key from, Key to, int wakeCount, int requeueCount, IntSupplier currentValue,
                                    Integer expected) {
        if (expected != null && currentValue.getAsInt() != expected) throw new SysError(Errno.EAGAIN);
        int woken = wake(from, wakeCount, -1);
        ArrayDeque<Waiter> q = queues.get(from);
        int moved = 0;
        if (q != null && !from.equals(to)) {
            ArrayDeque<Waiter> target = queues.computeIfAbsent(to, k -> new ArrayDeque<>());
            while (moved < requeueCount && !q.isEmpty()) {
                Waiter w = q.pollFirst();
                w.key = to;
                target.addLast(w);
                moved++;
            }
            if (q.isEmpty()) queues.remove(from);
        }
        return woken + moved;
    }

    private static void release(Waiter w) {
        w.woken = true;
        LockSupport.unpark(w.thread);
    }

    /** Number of sleeping waiters (tests and /proc). */
    public synchronized int waiting() {
        int n = 0;
        for (ArrayDeque<Waiter> q : queues.values()) n += q.size();
        return n;
    }
}
