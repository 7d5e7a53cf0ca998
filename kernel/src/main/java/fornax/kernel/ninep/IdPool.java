package fornax.kernel.ninep;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out the small numbers a 9P client chooses: tags (u16, never {@link NineP#NOTAG}) for
 * requests in flight, and fids (u32, never {@link NineP#NOFID}) for files it holds. A number is
 * in use from {@link #allocate} until {@link #release}; releasing a number not in use is a bug in
 * the caller and is refused. Released numbers are reused first, so numbers stay small (Linux's
 * client does the same with its idr).
 *
 * <p>Thread-safe: every method holds the pool's monitor; the fields are guarded by it.
 */
public final class IdPool {
    private final long limit;                               // ids are in [0, limit)
    private final ArrayDeque<Integer> free = new ArrayDeque<>();   // guarded by this
    private final Set<Integer> inUse = new HashSet<>();             // guarded by this
    private long next;                                      // guarded by this: never handed out yet

    private IdPool(long limit) { this.limit = limit; }

    /** Tags 0..0xFFFE: NOTAG (0xFFFF) belongs to Tversion. */
    public static IdPool tags() { return new IdPool(NineP.NOTAG); }

    /** Fids 0..0xFFFFFFFE: NOFID (~0) means "no fid". */
    public static IdPool fids() { return new IdPool(Integer.toUnsignedLong(NineP.NOFID)); }

    /**
     * A number not in use, as the wire's unsigned bits.
     *
     * @throws NinePException if every number is in use (65535 requests in flight, for tags)
     */
    public synchronized int allocate() throws NinePException {
        Integer id = free.pollFirst();
        if (id == null) {
            if (next >= limit) throw new NinePException("all " + limit + " ids are in use");
            id = (int) next++;
        }
        inUse.add(id);
        return id;
    }

    /** Returns a number to the pool. @throws IllegalStateException if it was not in use */
    public synchronized void release(int id) {
        if (!inUse.remove(id)) throw new IllegalStateException("id " + Integer.toUnsignedLong(id) + " is not in use");
        free.addFirst(id);
    }

    public synchronized boolean inUse(int id) { return inUse.contains(id); }

    /** How many numbers are in use now: a client that leaks fids shows here. */
    public synchronized int count() { return inUse.size(); }
}
