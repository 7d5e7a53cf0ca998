package fornax.kernel.mm;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.BitSet;

/**
 * Address-space identifiers for satp (16 bits; 0 is never handed out). An ASID is owned by one
 * live address space and returned when it is destroyed; the owner must have flushed every hart's
 * TLB entries for it first, so a recycled ASID never finds stale translations.
 *
 * <p>Locking: guarded by {@code this}.
 */
public final class AsidAllocator {
    public static final int MAX = 0xFFFF;
    private final BitSet used = new BitSet(MAX + 1);
    private int next = 1;

    public synchronized int allocate() {
        int a = used.nextClearBit(next);
        if (a > MAX) a = used.nextClearBit(1);
        if (a > MAX) throw new SysError(Errno.EAGAIN, "out of address-space identifiers");
        used.set(a);
        next = a + 1;
        return a;
    }

    public synchronized void free(int asid) {
        if (asid < 1 || asid > MAX || !used.get(asid)) throw new IllegalArgumentException("ASID " + asid + " not allocated");
        used.clear(asid);
    }

    public synchronized int inUse() { return used.cardinality(); }
}
