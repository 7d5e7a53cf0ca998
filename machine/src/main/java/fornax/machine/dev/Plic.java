package fornax.machine.dev;

import java.util.function.IntConsumer;

/**
 * Platform-level interrupt controller (the RISC-V PLIC register layout, one S-mode context per
 * hart). Devices raise and lower source lines; a driver enables sources per context, claims the
 * highest-priority pending source and completes it.
 *
 * <pre>
 *   0x000000 + 4*src        priority (0 = never)
 *   0x001000                pending bits (read-only)
 *   0x002000 + 0x80*ctx     enable bits
 *   0x200000 + 0x1000*ctx   threshold
 *   0x200004 + 0x1000*ctx   claim (read) / complete (write)
 * </pre>
 *
 * Level-triggered: a source stays pending while its line is high and it is not claimed. When a
 * context has an enabled source above its threshold, {@code notifyHart} is called with the
 * context number (the machine turns that into an external interrupt on that hart) and threads in
 * {@link #awaitPending} wake up.
 *
 * <p>Thread safety: all state is guarded by {@code this}.
 */
public final class Plic implements MmioDevice {
    public static final int SOURCES = 64;
    private final int contexts;
    private final IntConsumer notifyHart;
    // guarded by this
    private final int[] priority = new int[SOURCES];
    private long level;      // line state per source
    private long claimed;    // sources claimed and not yet completed
    private final long[] enable;
    private final int[] threshold;

    public Plic(int contexts, IntConsumer notifyHart) {
        this.contexts = contexts;
        this.notifyHart = notifyHart;
        this.enable = new long[contexts];
        this.threshold = new int[contexts];
    }

    @Override public String name() { return "plic"; }
    @Override public long size() { return 0x200000L + 0x1000L * contexts; }

    /** Sets the level of source line {@code src} (1..63). */
    public void setLine(int src, boolean high) {
        synchronized (this) {
            long bit = 1L << src;
            level = high ? level | bit : level & ~bit;
            if (high) notifyAll();
        }
        if (high) for (int c = 0; c < contexts; c++) if (best(c) != 0) notifyHart.accept(c);
    }

    private synchronized long pending() { return level & ~claimed; }

    /** Highest-priority pending enabled source for context {@code ctx} above its threshold, or 0. */
    private synchronized int best(int ctx) {
        long p = pending() & enable[ctx];
        int bestSrc = 0, bestPrio = threshold[ctx];
        while (p != 0) {
            int s = Long.numberOfTrailingZeros(p);
            p &= p - 1;
            if (priority[s] > bestPrio) { bestPrio = priority[s]; bestSrc = s; }
        }
        return bestSrc;
    }

    /** Blocks until context {@code ctx} has a claimable source or the timeout passes. */
    public synchronized boolean awaitPending(int ctx, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (best(ctx) == 0) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    @Override public synchronized long read(long off, int width) {
        if (off < 0x1000) return priority[(int) (off >>> 2) % SOURCES];
        if (off == 0x1000) return pending() & 0xFFFFFFFFL;
        if (off == 0x1004) return pending() >>> 32;
        if (off >= 0x2000 && off < 0x2000 + 0x80L * contexts) {
            int ctx = (int) ((off - 0x2000) / 0x80), word = (int) ((off - 0x2000) % 0x80) >>> 2;
            return word > 1 ? 0 : (enable[ctx] >>> (32 * word)) & 0xFFFFFFFFL;
        }
        if (off >= 0x200000) {
            int ctx = (int) ((off - 0x200000) / 0x1000), reg = (int) ((off - 0x200000) % 0x1000);
            if (ctx >= contexts) return 0;
            if (reg == 0) return threshold[ctx];
            if (reg == 4) {
                int s = best(ctx);
                if (s != 0) claimed |= 1L << s;
                return s;
            }
        }
        return 0;
    }

    @Override public void write(long off, int width, long value) {
        boolean recheck = false;
        synchronized (this) {
            if (off < 0x1000) {
                priority[(int) (off >>> 2) % SOURCES] = (int) value & 7;
                recheck = true;
            } else if (off >= 0x2000 && off < 0x2000 + 0x80L * contexts) {
                int ctx = (int) ((off - 0x2000) / 0x80), word = (int) ((off - 0x2000) % 0x80) >>> 2;
                if (word <= 1) {
                    long mask = 0xFFFFFFFFL << (32 * word);
                    enable[ctx] = (enable[ctx] & ~mask) | ((value & 0xFFFFFFFFL) << (32 * word) & mask) & ~1L;
                    recheck = true;
                }
            } else if (off >= 0x200000) {
                int ctx = (int) ((off - 0x200000) / 0x1000), reg = (int) ((off - 0x200000) % 0x1000);
                if (ctx < contexts && reg == 0) { threshold[ctx] = (int) value & 7; recheck = true; }
                if (ctx < contexts && reg == 4 && value > 0 && value < SOURCES) { claimed &= ~(1L << value); recheck = true; }
            }
            if (recheck) notifyAll();
        }
        if (recheck) for (int c = 0; c < contexts; c++) if (best(c) != 0) notifyHart.accept(c);
    }
}
