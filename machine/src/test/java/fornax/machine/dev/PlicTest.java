package fornax.machine.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PLIC: priorities, pending bits, per-context enables and thresholds, claim/complete. */
class PlicTest {
    private final List<Integer> notified = new ArrayList<>();
    private final Plic plic = new Plic(2, notified::add);

    private void priority(int src, int p) { plic.write(4L * src, 4, p); }
    private void enable(int ctx, long bits) {
        plic.write(0x2000 + 0x80L * ctx, 4, bits & 0xFFFFFFFFL);
        plic.write(0x2000 + 0x80L * ctx + 4, 4, bits >>> 32);
    }
    private void threshold(int ctx, int t) { plic.write(0x200000 + 0x1000L * ctx, 4, t); }
    private int claim(int ctx) { return (int) plic.read(0x200004 + 0x1000L * ctx, 4); }
    private void complete(int ctx, int src) { plic.write(0x200004 + 0x1000L * ctx, 4, src); }
    private long pending() { return plic.read(0x1000, 4) | plic.read(0x1004, 4) << 32; }

    @Test
    void prioritiesAreThreeBits() {
        priority(5, 3);
        assertEquals(3L, plic.read(4 * 5, 4));
        priority(6, 0xFF);
        assertEquals(7L, plic.read(4 * 6, 4));
        threshold(0, 9);
        assertEquals(1L, plic.read(0x200000, 4));
    }

    @Test
    void pendingBitsFollowTheLines() {
        plic.setLine(5, true);
        plic.setLine(40, true);
        assertEquals(1L << 5 | 1L << 40, pending());
        assertEquals(1L << 5, plic.read(0x1000, 4));
        assertEquals(1L << 8, plic.read(0x1004, 4));
        plic.setLine(5, false);
        assertEquals(1L << 40, pending());
    }

    @Test
    void claimReturnsTheHighestPriorityEnabledSource() {
        priority(3, 2);
        priority(4, 5);
        priority(7, 5);
        priority(9, 1);
        enable(0, 1L << 3 | 1L << 4 | 1L << 7 | 1L << 9);
        for (int s : new int[] {3, 4, 7, 9}) plic.setLine(s, true);
        assertEquals(4, claim(0), "highest priority; ties go to the lowest source number");
        assertEquals(7, claim(0), "a claimed source is no longer pending");
        assertEquals(3, claim(0));
        assertEquals(9, claim(0));
        assertEquals(0, claim(0));
        assertEquals(0L, pending() & (1L << 3 | 1L << 4 | 1L << 7 | 1L << 9), "claimed sources are not pending");
    }

    @Test
    void levelTriggeredSourceIsPendingAgainAfterCompleteWhileHigh() {
        priority(10, 1);
        enable(0, 1L << 10);
        plic.setLine(10, true);
        assertEquals(10, claim(0));
        assertEquals(0, claim(0), "not again until completed");
        complete(0, 10);
        assertEquals(10, claim(0), "line still high: pending again");
        plic.setLine(10, false);
        complete(0, 10);
        assertEquals(0, claim(0), "line low: nothing to claim");
    }

    @Test
    void priorityZeroAndThresholdMaskSources() {
        enable(0, 1L << 12 | 1L << 13);
        plic.setLine(12, true);
        plic.setLine(13, true);
        assertEquals(0, claim(0), "priority 0 means never");
        priority(12, 2);
        priority(13, 3);
        threshold(0, 3);
        assertEquals(0, claim(0), "priority must exceed the threshold");
        threshold(0, 2);
        assertEquals(13, claim(0));
        assertEquals(0, claim(0));
        threshold(0, 1);
        assertEquals(12, claim(0));
    }

    @Test
    void enablesArePerContextAndSourceZeroCannotBeEnabled() {
        priority(20, 1);
        priority(45, 1);
        enable(1, 1L << 20 | 1L << 45 | 1L);
        assertEquals(1L << 20, plic.read(0x2000 + 0x80, 4), "source 0 does not exist");
        assertEquals(1L << 13, plic.read(0x2000 + 0x84, 4));
        plic.setLine(20, true);
        plic.setLine(45, true);
        assertEquals(0, claim(0), "context 0 has nothing enabled");
        assertEquals(20, claim(1));
        assertEquals(45, claim(1));
    }

    @Test
    void contextsAreNotifiedWhenASourceBecomesClaimable() throws Exception {
        priority(10, 1);
        plic.setLine(10, true);
        assertTrue(notified.isEmpty(), "nothing enabled yet");
        enable(1, 1L << 10);
        assertTrue(notified.contains(1), "enabling a pending source notifies");
        assertFalse(notified.contains(0));
        notified.clear();
        plic.setLine(10, true);
        assertEquals(List.of(1), notified);
        assertTrue(plic.awaitPending(1, 10));
        assertFalse(plic.awaitPending(0, 10));
    }

    @Test
    void awaitPendingWakesUpWhenALineRises() throws Exception {
        priority(11, 1);
        enable(0, 1L << 11);
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try { Thread.sleep(20); } catch (InterruptedException e) { return; }
            plic.setLine(11, true);
        });
        assertTrue(plic.awaitPending(0, 10_000));
        t.join();
        assertEquals(11, claim(0));
    }

    @Test
    void windowCoversAllContexts() {
        assertEquals(0x200000L + 0x2000, plic.size());
    }
}
