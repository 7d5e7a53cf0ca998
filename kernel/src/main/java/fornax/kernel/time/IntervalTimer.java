package fornax.kernel.time;

import java.util.concurrent.ScheduledFuture;

/**
 * One kernel timer (a Linux hrtimer with an interval): armed with an absolute expiry on the
 * {@link KernelTimers} clock and an optional period. When it fires it works out how many periods
 * have passed since the expiry it was armed for (more than one when the timer thread ran late),
 * moves the expiry past now by whole periods, so a periodic timer never drifts, and reports the
 * count to its owner, outside its lock.
 *
 * <pre>
 *   arm(e, i) ─► ARMED ──fire at e──► i == 0: DISARMED, expired(1)
 *                  ▲                 i &gt; 0:  e += n·i (n = 1 + (now - e) / i), expired(n)
 *                  └── arm / disarm cancel the scheduled firing; destroy is final
 * </pre>
 *
 * <p>A firing scheduled before a re-arm is recognised by its generation number and does nothing,
 * so cancel racing with a firing that has already started is harmless.
 *
 * <p>Locking: {@code this} guards every field; {@link Expiry#expired} runs without it.
 */
public final class IntervalTimer {
    /** What a timer does when it fires; runs on the timer thread and must not block. */
    public interface Expiry {
        void expired(long count);
    }

    private final KernelTimers service;
    private final Expiry expiry;
    // guarded by this
    private long when;        // absolute expiry on the service clock; 0 = disarmed
    private long interval;    // period in ns; 0 = one-shot
    private ScheduledFuture<?> pending;
    private long generation;
    private boolean destroyed;

    IntervalTimer(KernelTimers service, Expiry expiry) {
        this.service = service;
        this.expiry = expiry;
    }

    /**
     * Arms the timer to expire at {@code when} (service clock, ns; values at or before now expire
     * at once) and then every {@code interval} ns (0: once). {@code when} == 0 disarms. Returns
     * the previous setting as {@link #get()} would have.
     */
    public synchronized long[] arm(long when, long interval) {
        long[] old = get();
        if (destroyed) return old;
        if (pending != null) pending.cancel(false);
        pending = null;
        generation++;
        this.when = when;
        this.interval = when == 0 ? 0 : Math.max(0, interval);
        if (when != 0) schedule();
        return old;
    }

    /** Disarms; returns the previous setting. */
    public long[] disarm() { return arm(0, 0); }

    /**
     * {time left, interval} in ns; time left is 0 when disarmed and at least 1 while armed (a timer
     * due but not yet run still counts as armed, as Linux reports it).
     */
    public synchronized long[] get() {
        if (when == 0) return new long[] {0, interval};
        return new long[] {Math.max(1, when - service.now()), interval};
    }

    /** Disarms for good and tells the service; idempotent. */
    public synchronized void destroy() {
        if (destroyed) return;
        disarm();
        destroyed = true;
        service.destroyed();
    }

    /** Schedules the firing for the current expiry. Caller holds this. */
    private void schedule() {
        long gen = generation;
        pending = service.schedule(() -> fire(gen), when - service.now());
    }

    private void fire(long gen) {
        long n;
        synchronized (this) {
            if (gen != generation || when == 0 || destroyed) return;
            long now = service.now();
            if (now < when) {           // the executor's clock ran slightly ahead of ours
                schedule();
                return;
            }
            if (interval > 0) {
                n = 1 + (now - when) / interval;
                when += n * interval;
                schedule();
            } else {
                n = 1;
                when = 0;
                pending = null;
            }
        }
        expiry.expired(n);
    }
}
