package fornax.kernel.mm;

import java.util.List;

/**
 * The out-of-memory policy for page faults (Linux's OOM killer, simplified). When a user page
 * fault finds no free frame, {@link #outOfMemory} picks a victim instead of blindly killing the
 * faulting process:
 *
 * <ol>
 *   <li>If a victim chosen earlier still holds memory, nobody new is chosen: the faulting task
 *       waits for that victim to go (Linux's "OOM victim already exiting").
 *   <li>Otherwise the victim is the live process with the most resident pages, never pid 1; on a
 *       tie the higher pid (the younger process). The faulting process may be the victim.
 *   <li>With no other candidate (only init left, and init is faulting), the faulting process
 *       dies, as Linux panics with "no killable processes".
 * </ol>
 *
 * <p>Inside a container: when the fault failed because the faulting process's container
 * {@link MemoryLimit} (or one enclosing it) is full, the same policy runs among the processes
 * charged to that limit only, and "memory is free again" means the limit has room again. A
 * container's hog is killed; nothing outside the container is touched.
 *
 * <p>The choice goes to the kernel log with pid, resident size and the faulting pid. The faulting
 * task then gives up its hart, waits (bounded) until frames are free again, and retries the
 * fault; if the retry finds none, the policy runs again. Syscalls that need frames do not come
 * here: they fail with ENOMEM.
 *
 * <p>Locking: {@code this} serialises decisions and guards {@code dying}; it is taken with no
 * address-space lock held (the fault has unwound), and the host's calls take process locks only.
 */
public final class OomKiller {
    /** How long a faulting task waits for a victim's memory before the policy runs again. */
    private static final long WAIT_NANOS = 2_000_000_000L;

    /** A process as the policy sees it. */
    public interface Candidate {
        int pid();
        /** Resident pages now (0 once its address space is gone). */
        long residentPages();
        /** True once it is exiting (killed or exited): it is not chosen again. */
        boolean exiting();
        /** The container memory limit its pages are charged to, or null. */
        default MemoryLimit limit() { return null; }
    }

    /** What the policy needs from the kernel. */
    public interface Host {
        List<? extends Candidate> candidates();
        void kill(Candidate victim);
        void log(String line);
    }

    private final FrameAllocator frames;
    private final Host host;
    /** The scope (a full MemoryLimit, or {@link #MACHINE}) → the victim last chosen there; guarded by this. */
    private final java.util.Map<Object, Candidate> dying = new java.util.WeakHashMap<>();
    private static final Object MACHINE = new Object();
    /** When the victim of each scope was chosen (System.nanoTime); guarded by this. */
    private final java.util.Map<Object, Long> killedAt = new java.util.WeakHashMap<>();

    public OomKiller(FrameAllocator frames, Host host) {
        this.frames = frames;
        this.host = host;
    }

    /** The victim among {@code all}: most resident pages, never pid 1, ties to the higher pid; null if none. */
    public static Candidate choose(List<? extends Candidate> all) {
        Candidate best = null;
        for (Candidate c : all) {
            if (c.pid() == 1 || c.exiting()) continue;
            if (best == null || c.residentPages() > best.residentPages()
                    || c.residentPages() == best.residentPages() && c.pid() > best.pid())
                best = c;
        }
        return best;
    }

    /**
     * A page fault of {@code faulting} found no frame. Returns true if the faulting task should
     * wait ({@link #awaitMemory}) and retry, false if it is itself the victim (already killed).
     */
    public synchronized boolean outOfMemory(Candidate faulting) {
        MemoryLimit full = fullLimit(faulting.limit());
        if (full == null && frames.freeFrames() > 0) return true;   // someone freed memory meanwhile
        Object scope = full != null ? full : MACHINE;
        Candidate d = dying.get(scope);
        // The last victim is still dying, or has just released its pages and the frames are on
        // their way back (its resident count drops before the allocator sees them): wait for it
        // rather than kill a second process for the same shortage.
        Long since = killedAt.get(scope);
        boolean recent = since != null && System.nanoTime() - since < WAIT_NANOS;
        if (d != null && !d.equals(faulting) && (d.residentPages() > 0 || recent)) return true;
        List<? extends Candidate> pool = host.candidates();
        if (full != null) pool = pool.stream().filter(c -> within(c.limit(), full)).toList();
        Candidate victim = choose(pool);
        if (victim == null) victim = faulting;
        String why = full == null ? "out of memory"
                : "container memory limit (" + full.maxBytes() / 1024 + " KiB) reached";
        host.log(String.format("%s: killed pid %d (%d KiB resident) for a page fault of pid %d", why,
                victim.pid(), victim.residentPages() * (FrameAllocator.PAGE / 1024), faulting.pid()));
        host.kill(victim);
        dying.put(scope, victim);
        killedAt.put(scope, System.nanoTime());
        return !victim.equals(faulting);
    }

    /** The innermost full limit of {@code l}'s chain (the one the fault ran into), or null. */
    private static MemoryLimit fullLimit(MemoryLimit l) {
        for (; l != null; l = l.parent()) if (l.usedBytes() >= l.maxBytes()) return l;
        return null;
    }

    /** True if {@code l} is {@code scope} or lies inside it. */
    private static boolean within(MemoryLimit l, MemoryLimit scope) {
        for (; l != null; l = l.parent()) if (l == scope) return true;
        return false;
    }

    /** Waits (without a hart, bounded) until some frame is free. */
    public void awaitMemory() { awaitMemory(null); }

    /**
     * Waits (without a hart, bounded) until some frame is free and {@code faulting}'s container
     * limit, if it has one, has room ({@code faulting} may be null).
     */
    public void awaitMemory(Candidate faulting) {
        MemoryLimit limit = faulting == null ? null : faulting.limit();
        long deadline = System.nanoTime() + WAIT_NANOS;
        while ((frames.freeFrames() == 0 || limit != null && limit.full()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;   // a signal for the waiting task: let it retry and see
            }
        }
    }
}
