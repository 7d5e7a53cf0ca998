package fornax.kernel.vfs;

/**
 * The kernel's poll wait queue: a file whose readiness may have changed calls {@link #changed()},
 * and ppoll waits here instead of sleeping blindly. One queue for all files (a change wakes every
 * poller, which then rechecks its own descriptors): simple, and pollers are few.
 *
 * <p>A poller reads {@link #generation()} before it checks its files and passes it to
 * {@link #await}, which returns at once if anything changed since: a change made between the
 * check and the wait is never lost.
 *
 * <p>Locking: the class monitor guards the generation; it is a leaf lock (files call
 * {@link #changed()} with their own locks held).
 */
public final class PollQueue {
    private PollQueue() { }

    private static long generation;   // guarded by PollQueue.class

    /** The current generation: read it before checking readiness. */
    public static synchronized long generation() { return generation; }

    /** Readiness of some file may have changed: wake every poller. */
    public static synchronized void changed() {
        generation++;
        PollQueue.class.notifyAll();
    }

    /**
     * Waits until the generation moves past {@code seen} or {@code nanos} pass.
     *
     * @throws InterruptedException if the thread is interrupted (a signal arrived)
     */
    public static synchronized void await(long seen, long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        while (generation == seen) {
            long left = end - System.nanoTime();
            if (left <= 0) return;
            PollQueue.class.wait(left / 1_000_000L, (int) (left % 1_000_000L));
        }
    }
}
