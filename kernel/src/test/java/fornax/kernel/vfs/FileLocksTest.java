package fornax.kernel.vfs;

import static fornax.kernel.vfs.FileLocks.EOF;
import static fornax.kernel.vfs.FileLocks.F_RDLCK;
import static fornax.kernel.vfs.FileLocks.F_UNLCK;
import static fornax.kernel.vfs.FileLocks.F_WRLCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The lock table's rules, one owner against another (owners are plain objects here). */
class FileLocksTest {
    private final FileLocks locks = new FileLocks();
    private final FileLocks.Key f = new FileLocks.Key("server", 1), g = new FileLocks.Key("server", 2);
    private final Object a = "A", b = "B", c = "C";

    /** What owner {@code who} would run into with a {@code type} lock on [s, e], as "TYPE s..e", or null. */
    private String seen(Object who, int type, long s, long e) {
        FileLocks.Lock l = locks.test(f, who, type, s, e);
        return l == null ? null : (l.type() == F_RDLCK ? "RD " : "WR ") + l.start() + ".." + (l.end() == EOF ? "EOF" : l.end());
    }

    private void set(Object who, int type, long s, long e) { locks.set(f, who, 10, type, s, e, false, true); }

    private static int errno(Runnable r) { return assertThrows(SysError.class, r::run).errno(); }

    @Test
    void readLocksShareWriteLocksExclude() {
        set(a, F_RDLCK, 0, 99);
        set(b, F_RDLCK, 50, 149);
        assertNull(seen(c, F_RDLCK, 0, EOF));
        assertEquals("RD 0..99", seen(c, F_WRLCK, 0, 10));
        assertEquals(Errno.EAGAIN, errno(() -> set(c, F_WRLCK, 120, 120)));
        assertNull(seen(a, F_WRLCK, 0, 49), "an owner never conflicts with itself");
        assertEquals("RD 50..149", seen(a, F_WRLCK, 0, 99));
        set(c, F_WRLCK, 150, EOF);
        assertEquals(Errno.EAGAIN, errno(() -> set(a, F_RDLCK, 1000, 1000)));
        assertEquals(3, locks.count());
    }

    @Test
    void anOwnersLocksSplitAndMerge() {
        set(a, F_WRLCK, 0, 99);
        set(a, F_UNLCK, 40, 59);
        assertNull(seen(b, F_WRLCK, 40, 59));
        assertEquals("WR 0..39", seen(b, F_WRLCK, 0, 45));
        assertEquals("WR 60..99", seen(b, F_WRLCK, 50, 200));
        set(a, F_RDLCK, 10, 19);
        assertEquals("WR 0..9", seen(b, F_RDLCK, 0, 19));
        assertEquals("RD 10..19", seen(b, F_WRLCK, 10, 19));
        assertEquals(4, locks.count(), "WR 0..9, RD 10..19, WR 20..39, WR 60..99");
        set(a, F_WRLCK, 40, 59);
        assertEquals("WR 20..99", seen(b, F_RDLCK, 25, 25), "same type, touching: one lock");
        set(a, F_WRLCK, 100, 100);
        assertEquals("WR 20..100", seen(b, F_RDLCK, 100, 100));
        assertEquals(3, locks.count());
        set(a, F_RDLCK, 200, EOF);
        set(a, F_WRLCK, 300, 309);
        assertEquals("RD 310..EOF", seen(b, F_WRLCK, 1L << 40, 1L << 40));
        set(a, F_UNLCK, 0, EOF);
        assertEquals(0, locks.count());
    }

    @Test
    void closingAnyDescriptorDropsTheProcesssLocksOnThatFileOnly() {
        set(a, F_WRLCK, 0, 9);
        locks.set(g, a, 10, F_WRLCK, 0, 9, false, true);
        set(b, F_RDLCK, 20, 29);
        locks.closed(a, f);
        assertNull(seen(c, F_WRLCK, 0, 9));
        assertEquals("RD 20..29", seen(c, F_WRLCK, 0, EOF));
        assertEquals(a, locks.test(g, c, F_RDLCK, 0, 0).owner(), "the other file keeps its lock");
        locks.release(a);
        assertNull(locks.test(g, c, F_WRLCK, 0, EOF));
        locks.release(b);
        assertEquals(0, locks.count());
    }

    @Test
    void flockConvertsByDroppingFirstAndIgnoresRecordLocks() {
        set(c, F_WRLCK, 0, EOF);
        locks.flock(f, a, F_WRLCK, false);
        assertEquals(Errno.EAGAIN, errno(() -> locks.flock(f, b, F_RDLCK, false)));
        locks.flock(f, a, F_RDLCK, false);
        locks.flock(f, b, F_RDLCK, false);
        assertEquals(Errno.EAGAIN, errno(() -> locks.flock(f, b, F_WRLCK, false)));
        locks.flock(f, a, F_WRLCK, false);   // b's shared lock went with its failed conversion
        locks.flock(f, a, F_UNLCK, false);
        locks.flock(f, a, F_UNLCK, false);
        assertEquals(1, locks.count(), "only c's record lock");
    }

    @Test
    void aWaiterIsGrantedWhenTheHolderLetsGo() throws Exception {
        set(a, F_WRLCK, 0, 9);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                locks.set(f, b, 11, F_WRLCK, 5, 5, true, true);
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        awaitWaiters(1);
        set(a, F_UNLCK, 0, 9);
        t.join(60_000);
        assertFalse(t.isAlive());
        assertNull(failed.get());
        assertEquals("WR 5..5", seen(c, F_RDLCK, 0, EOF));
    }

    @Test
    void aWaitThatClosesACycleIsEdeadlk() throws Exception {
        set(a, F_WRLCK, 0, 0);
        set(b, F_WRLCK, 1, 1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                locks.set(f, b, 11, F_WRLCK, 0, 0, true, true);   // b waits for a
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        awaitWaiters(1);
        assertEquals(Errno.EDEADLK, errno(() -> locks.set(f, a, 10, F_WRLCK, 1, 1, true, true)));
        // An OFD owner (posix false) is not checked: it would simply wait. c is no part of the cycle.
        set(a, F_UNLCK, 0, 0);
        t.join(60_000);
        assertFalse(t.isAlive());
        assertNull(failed.get());
    }

    @Test
    void anInterruptedWaitIsEintrAndLeavesNothingBehind() throws Exception {
        set(a, F_WRLCK, 0, 9);
        AtomicReference<Integer> errno = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                locks.flock(f, b, F_WRLCK, false);
                locks.set(f, b, 11, F_RDLCK, 0, 0, true, true);
            } catch (SysError e) {
                errno.set(e.errno());
            }
        });
        awaitWaiters(1);
        t.interrupt();
        t.join(60_000);
        assertFalse(t.isAlive());
        assertEquals(Errno.EINTR, errno.get());
        assertEquals(0, locks.waiters());
        assertEquals(2, locks.count(), "a's record lock and b's flock");
        assertTrue(locks.test(f, c, F_RDLCK, 0, 0) != null);
    }

    private void awaitWaiters(int n) throws InterruptedException {
        while (locks.waiters() < n) Thread.sleep(1);
    }
}
