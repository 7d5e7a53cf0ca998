package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Advisory file locks, one table per kernel: fcntl record locks and flock(2) locks, with Linux's
 * rules (fs/locks.c).
 *
 * <ul>
 *   <li>Record locks cover a byte range [start, end] (end {@link #EOF} = to end of file, however
 *       it grows) and are shared (F_RDLCK) or exclusive (F_WRLCK). Two locks conflict when their
 *       owners differ, their ranges overlap and one is exclusive.
 *   <li>POSIX locks (F_SETLK) are owned by the process (every thread shares them): they are not
 *       inherited by fork, survive execve, and all of a process's locks on a file go when it
 *       closes <em>any</em> descriptor of that file, or exits ({@link #closed}, {@link #release}).
 *       A process's own locks never conflict with each other: a new lock replaces, splits and
 *       merges them, so a process holds at most one lock per byte.
 *   <li>OFD locks (F_OFD_SETLK) are owned by the open file description: shared by dup and fork,
 *       gone when the last descriptor of the description closes. They share the record table
 *       with POSIX locks and conflict with them (and with OFD locks of other descriptions, even
 *       in the same process).
 *   <li>flock locks cover the whole file, are owned by the open file description, and live in
 *       their own table: they never conflict with record locks. Converting a flock lock first
 *       drops the old one (not atomic), as Linux does.
 *   <li>A blocked F_SETLKW gives EDEADLK when waiting would close a cycle of POSIX owners each
 *       waiting for the next (OFD and flock waits are not checked, as on Linux). Blocked calls end
 *       with EINTR when the thread is interrupted (a signal).
 * </ul>
 *
 * <p>A file is identified as 9P identifies it: its server and qid path (for files outside the
 * namespace, the {@link OpenFile} itself). Owners are compared by identity.
 *
 * <p>Locking: {@code this} guards every table; waiters wait on {@code this} and every change
 * that can grant a waiter notifies all. Callers hold no other lock; nothing here calls out.
 */
public final class FileLocks {
    public static final int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    /** The end of a lock that reaches the end of the file (Linux's OFFSET_MAX). */
    public static final long EOF = Long.MAX_VALUE;

    /** A file's identity: its server (or the open file itself) and its qid path. */
    public record Key(Object server, long path) { }

    /**
     * A held lock. {@code owner} is a process (POSIX) or a {@link FileDescription} (OFD, flock);
     * {@code pid} is what F_GETLK reports: the owning process, or -1 for OFD locks.
     */
    public record Lock(Object owner, int pid, int type, long start, long end) {
        boolean overlaps(long s, long e) { return start <= e && s <= end; }
        Lock range(long s, long e) { return new Lock(owner, pid, type, s, e); }
    }

    // guarded by this: record locks (POSIX and OFD) and flock locks, by file, ordered by start
    private final Map<Key, List<Lock>> records = new HashMap<>();
    private final Map<Key, List<Lock>> flocks = new HashMap<>();
    /** The files on which each owner holds record or flock locks (for release without a scan). */
    private final Map<Object, Set<Key>> held = new IdentityHashMap<>();
    /** Blocked POSIX F_SETLKW calls: the waiting owner and the lock it waits for (deadlock check). */
    private final List<Lock[]> waiting = new ArrayList<>();
    /** Threads asleep in a lock call. */
    private int sleepers;

    /** The identity of {@code f} for locking. */
    public static Key keyOf(OpenFile f) {
        if (f instanceof ChanFile cf) return new Key(cf.chan().server(), cf.chan().qid().path());
        return new Key(f, 0);
    }

    // ------------------------------------------------------------------ record locks

    /**
     * F_GETLK: the first lock of another owner that would conflict with a {@code type} lock on
     * [start, end] by {@code owner}, or null if it could be granted.
     */
    public synchronized Lock test(Key file, Object owner, int type, long start, long end) {
        return conflict(records.get(file), owner, type, start, end);
    }

    /**
     * F_SETLK/F_SETLKW (and the OFD forms): sets, changes or removes ({@code F_UNLCK})
     * {@code owner}'s lock on [start, end]. A conflict is EAGAIN, or with {@code wait} a sleep
     * until it goes (EINTR if interrupted; EDEADLK first, for POSIX owners, if the wait would
     * close a cycle). {@code posix} says the owner is a process, whose waits are deadlock-checked.
     */
    public synchronized void set(Key file, Object owner, int pid, int type, long start, long end, boolean wait,
                                 boolean posix) {
        if (start < 0 || end < start) throw new IllegalArgumentException("lock range " + start + ".." + end);
        Lock[] me = null;
        try {
            for (;;) {
                Lock c = type == F_UNLCK ? null : conflict(records.get(file), owner, type, start, end);
                if (c == null) break;
                if (!wait) throw new SysError(Errno.EAGAIN);
                if (posix && wouldDeadlock(owner, c)) throw new SysError(Errno.EDEADLK);
                if (me == null) {
                    me = new Lock[] {new Lock(owner, pid, type, start, end), c};
                    if (posix) waiting.add(me);
                }
                me[1] = c;
                sleep();
            }
        } finally {
            if (me != null) waiting.remove(me);
        }
        List<Lock> list = records.computeIfAbsent(file, k -> new ArrayList<>());
        apply(list, owner, pid, type, start, end);
        settle(records, file, owner);
        notifyAll();
    }

    /**
     * A process closed a descriptor of {@code file} (close, dup2 over it, close-on-exec): all its
     * POSIX locks on the file go, whichever description they were taken through.
     */
    public synchronized void closed(Object process, Key file) {
        Set<Key> files = held.get(process);
        if (files == null || !files.contains(file)) return;
        List<Lock> list = records.get(file);
        if (list != null) list.removeIf(l -> l.owner() == process);
        settle(records, file, process);
        notifyAll();
    }

    /** {@code owner} is gone (a process exited, a description's last descriptor closed): all its locks go. */
    public synchronized void release(Object owner) {
        Set<Key> files = held.remove(owner);
        if (files == null) return;
        for (Key k : files) {
            for (Map<Key, List<Lock>> table : List.of(records, flocks)) {
                List<Lock> list = table.get(k);
                if (list == null) continue;
                list.removeIf(l -> l.owner() == owner);
                if (list.isEmpty()) table.remove(k);
            }
        }
        notifyAll();
    }

    // ------------------------------------------------------------------ flock

    /**
     * flock(2): {@code owner} (a description) takes a shared ({@code F_RDLCK}) or exclusive
     * ({@code F_WRLCK}) lock on the whole file, or drops its lock ({@code F_UNLCK}). A held lock of
     * the other kind is dropped before the new one is sought. A conflict is EAGAIN (EWOULDBLOCK),
     * or with {@code wait} a sleep until it goes (EINTR if interrupted).
     */
    public synchronized void flock(Key file, Object owner, int type, boolean wait) {
        List<Lock> list = flocks.get(file);
        Lock mine = null;
        if (list != null) for (Lock l : list) if (l.owner() == owner) mine = l;
        if (mine != null) {
            if (mine.type() == type) return;
            list.remove(mine);
            settle(flocks, file, owner);
            notifyAll();
        }
        if (type == F_UNLCK) return;
        for (;;) {
            Lock c = conflict(flocks.get(file), owner, type, 0, EOF);
            if (c == null) break;
            if (!wait) throw new SysError(Errno.EAGAIN);
            sleep();
        }
        flocks.computeIfAbsent(file, k -> new ArrayList<>()).add(new Lock(owner, -1, type, 0, EOF));
        held.computeIfAbsent(owner, o -> new HashSet<>()).add(file);
    }

    // ------------------------------------------------------------------ inside

    /** Threads asleep waiting for a lock (tests). */
    public synchronized int waiters() { return sleepers; }

    /** The number of locks held (tests). */
    public synchronized int count() {
        int n = 0;
        for (List<Lock> l : records.values()) n += l.size();
        for (List<Lock> l : flocks.values()) n += l.size();
        return n;
    }

    private static Lock conflict(List<Lock> list, Object owner, int type, long start, long end) {
        if (list == null) return null;
        for (Lock l : list) {
            if (l.owner() == owner || !l.overlaps(start, end)) continue;
            if (type == F_WRLCK || l.type() == F_WRLCK) return l;
        }
        return null;
    }

    /**
     * Whether POSIX owner {@code me}, about to wait for {@code blocker}, would wait for itself: the
     * blocker's owner waits for a lock whose owner waits ... for a lock of {@code me}.
     */
    private boolean wouldDeadlock(Object me, Lock blocker) {
        Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> next = new ArrayList<>(List.of(blocker.owner()));
        while (!next.isEmpty()) {
            Object o = next.removeLast();
            if (o == me) return true;
            if (!seen.add(o)) continue;
            for (Lock[] w : waiting) if (w[0].owner() == o) next.add(w[1].owner());
        }
        return false;
    }

    /**
     * Gives {@code owner} a {@code type} lock on [start, end] in {@code list} (or none there, for
     * F_UNLCK): its locks overlapping the range are cut back, and those of the same type that
     * overlap or touch it merge with it. Keeps the list ordered by start.
     */
    private static void apply(List<Lock> list, Object owner, int pid, int type, long start, long end) {
        long s = start, e = end;
        List<Lock> out = new ArrayList<>(list.size() + 2);
        for (Lock l : list) {
            if (l.owner() != owner) {
                out.add(l);
                continue;
            }
            boolean touches = l.start() <= plusOne(e) && s <= plusOne(l.end());
            if (type != F_UNLCK && l.type() == type && touches) {
                s = Math.min(s, l.start());
                e = Math.max(e, l.end());
                continue;
            }
            if (!l.overlaps(s, e)) {
                out.add(l);
                continue;
            }
            if (l.start() < s) out.add(l.range(l.start(), s - 1));
            if (l.end() > e) out.add(l.range(e + 1, l.end()));
        }
        if (type != F_UNLCK) out.add(new Lock(owner, pid, type, s, e));
        out.sort(java.util.Comparator.comparingLong(Lock::start));
        list.clear();
        list.addAll(out);
    }

    private static long plusOne(long v) { return v == EOF ? EOF : v + 1; }

    /** Keeps {@link #held} and the table's emptiness in step after {@code owner}'s locks on {@code file} changed. */
    private void settle(Map<Key, List<Lock>> table, Key file, Object owner) {
        List<Lock> list = table.get(file);
        boolean has = false;
        if (list != null) for (Lock l : list) if (l.owner() == owner) { has = true; break; }
        if (list != null && list.isEmpty()) table.remove(file);
        if (has) {
            held.computeIfAbsent(owner, o -> new HashSet<>()).add(file);
            return;
        }
        // The owner may still hold a lock on this file in the other table.
        Map<Key, List<Lock>> other = table == records ? flocks : records;
        List<Lock> o = other.get(file);
        if (o != null) for (Lock l : o) if (l.owner() == owner) return;
        Set<Key> files = held.get(owner);
        if (files != null) {
            files.remove(file);
            if (files.isEmpty()) held.remove(owner);
        }
    }

    /** Waits for a change; EINTR if the thread is interrupted. Holds {@code this}. */
    private void sleep() {
        sleepers++;
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        } finally {
            sleepers--;
        }
    }
}
