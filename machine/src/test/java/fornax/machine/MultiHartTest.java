package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.cpu.Hart;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Several harts on several Java threads sharing the decoded-code cache and its translated
 * regions: the same hot code runs concurrently on different data, in one address space and in
 * different address spaces that map the code frame at different addresses.
 */
class MultiHartTest {

    /** Starts every hart at its own pc on its own thread; waits for all to ecall. */
    private static void runAll(Machine m, long[] pcs) throws Exception {
        int n = pcs.length;
        CountDownLatch start = new CountDownLatch(1), done = new CountDownLatch(n);
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            Hart h = m.hart(i);
            long pc = pcs[i];
            Thread.ofPlatform().daemon().name("hart-" + i).start(() -> {
                try {
                    start.await();
                    h.setPc(pc);
                    for (;;) {
                        Trap t = h.run();
                        if (t.cause() == Trap.ECALL_FROM_U) break;
                        if (!t.isInterrupt()) throw new AssertionError("hart " + h.id() + ": " + t.describe());
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "harts did not finish");
        assertNull(error.get(), () -> "hart failed: " + error.get());
    }

    /** Sums a0[0..a1) into a2, s2 times over; the result goes to a2. */
    private static byte[] sumProgram() {
        Asm a = new Asm();
        a.i(addi(A2, ZERO, 0));
        a.label("pass");
        a.i(addi(T0, A0, 0), addi(T1, A1, 0));
        a.label("elem");
        a.i(ld(T2, T0, 0), add(A2, A2, T2), addi(T0, T0, 8), addi(T1, T1, -1));
        a.bne(T1, ZERO, "elem");
        a.i(addi(S2, S2, -1));
        a.bne(S2, ZERO, "pass");
        a.i(ecall());
        return a.assemble();
    }

    @BothModes
    void sameHotCodeOnFourHartsInOneAddressSpace(boolean jit) throws Exception {
        try (Guest g = new Guest(4, jit)) {
            long code = g.load(sumProgram());
            int n = 2048, passes = 30;
            long[] expected = new long[4];
            for (int h = 0; h < 4; h++) {
                long arr = g.alloc(8 * n);
                long[] v = new long[n];
                for (int k = 0; k < n; k++) { v[k] = (h + 1) * 1_000_003L * k; expected[h] += v[k]; }
                expected[h] *= passes;
                g.writeLongs(arr, v);
                Hart hart = g.machine.hart(h);
                hart.setX(A0, arr);
                hart.setX(A1, n);
                hart.setX(S2, passes);
            }
            runAll(g.machine, new long[] {code, code, code, code});
            for (int h = 0; h < 4; h++) assertEquals(expected[h], g.machine.hart(h).x(A2), "hart " + h);
        }
    }

    @BothModes
    void sharedCodeFrameAtDifferentAddressesInTwoAddressSpaces(boolean jit) throws Exception {
        try (Guest g = new Guest(2, jit)) {
            long code1 = g.load(sumProgram());
            long frame = g.pa(code1);
            long root2 = g.newRoot();
            long code2 = 0x7000_0000L;
            g.map(root2, 4, code2, frame, Guest.URX, 0);
            int n = 1024, passes = 40;
            long arr1 = g.alloc(8 * n), arr2 = 0x6000_0000L;
            long[] v1 = new long[n], v2 = new long[n];
            long s1 = 0, s2 = 0;
            for (int k = 0; k < n; k++) { v1[k] = k; v2[k] = 3L * k + 7; s1 += v1[k]; s2 += v2[k]; }
            g.writeLongs(arr1, v1);
            for (int p = 0; p < 2; p++) {
                long f = g.frame();
                g.map(root2, 4, arr2 + 4096L * p, f, Guest.URW, 0);
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < 512; k++) bb.putLong(v2[512 * p + k]);
                g.ram.write(f, bb.array(), 0, 4096);
            }
            Hart h1 = g.machine.hart(0), h2 = g.machine.hart(1);
            h2.setSatp(Guest.satp(9, 2, root2));
            h1.setX(A0, arr1); h1.setX(A1, n); h1.setX(S2, passes);
            h2.setX(A0, arr2); h2.setX(A1, n); h2.setX(S2, passes);
            runAll(g.machine, new long[] {code1, code2});
            assertEquals(s1 * passes, h1.x(A2));
            assertEquals(s2 * passes, h2.x(A2));
        }
    }
}
