package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.cpu.Hart;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The A extension: LR/SC, every AMO on words and doublewords, alignment, and atomicity across harts. */
class AtomicsTest {

    // ------------------------------------------------------------------ LR / SC

    @BothModes
    void lrScSucceedsOnAReservedWord(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write64(d, 0x1234_5678_FFFF_FFFFL);
            g.write64(d + 8, 41);
            g.setX(A0, d);
            g.setX(A3, d + 8);
            Guest.expectEcall(g.exec(new Asm().i(lrW(A1, A0), addi(A1, A1, 1), scW(A2, A1, A0),
                    lrD(A4, A3), addi(A4, A4, 1), scD(A5, A4, A3), ecall())));
            assertEquals(0L, g.x(A2), "sc.w must succeed");
            assertEquals(0x1234_5678_0000_0000L, g.read64(d), "sc.w writes the low word only");
            assertEquals(0L, g.x(A1), "lr.w sign-extends (-1 + 1)");
            assertEquals(0L, g.x(A5), "sc.d must succeed");
            assertEquals(42L, g.read64(d + 8));
        }
    }

    @BothModes
    void lrScIncrementLoopInOneHart(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.setX(A0, d);
            g.setX(S1, 0);
            g.runHot(a -> a.i(lrD(T0, A0), addi(T0, T0, 1), scD(T1, T0, A0), add(S1, S1, T1)));
            assertEquals(0L, g.x(S1), "no SC may fail without interference");
            assertEquals(Guest.HOT, g.read64(d));
        }
    }

    @BothModes
    void scWithoutReservationFails(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write64(d, 5);
            g.setX(A0, d);
            g.setX(A1, 99);
            Guest.expectEcall(g.exec(new Asm().i(scD(A2, A1, A0), scW(A3, A1, A0), ecall())));
            assertEquals(1L, g.x(A2));
            assertEquals(1L, g.x(A3));
            assertEquals(5L, g.read64(d), "a failed SC must not write");
        }
    }

    @BothModes
    void secondScAfterASuccessfulOneFails(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.setX(A0, d);
            g.setX(A1, 7);
            g.setX(A4, 8);
            Guest.expectEcall(g.exec(new Asm().i(lrD(A2, A0), scD(A3, A1, A0), scD(A5, A4, A0), ecall())));
            assertEquals(0L, g.x(A3));
            assertEquals(1L, g.x(A5), "the reservation is consumed by the first SC");
            assertEquals(7L, g.read64(d));
        }
    }

    @BothModes
    void scToADifferentAddressFails(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write64(d, 1);
            g.write64(d + 8, 2);
            g.setX(A0, d);
            g.setX(A1, d + 8);
            g.setX(A4, 77);
            Guest.expectEcall(g.exec(new Asm().i(lrD(A2, A0), scD(A3, A4, A1), scD(A5, A4, A0), ecall())));
            assertEquals(1L, g.x(A3), "SC to an address other than the reserved one fails");
            assertEquals(2L, g.read64(d + 8));
            assertEquals(1L, g.x(A5), "any SC, even a failed one, drops the reservation");
            assertEquals(1L, g.read64(d));
        }
    }

    @BothModes
    void scFailsWhenAnotherAgentWroteTheReservedWord(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write64(d, 10);
            g.setX(A0, d);
            Guest.expectEcall(g.exec(new Asm().i(lrD(A2, A0), ecall())));
            assertEquals(10L, g.x(A2));
            g.write64(d, 11);                              // another hart / the kernel stores
            g.setX(A1, 12);
            Guest.expectEcall(g.exec(new Asm().i(scD(A3, A1, A0), ecall())));
            assertEquals(1L, g.x(A3));
            assertEquals(11L, g.read64(d));
        }
    }

    // ------------------------------------------------------------------ AMOs

    private static long sext32(long v) { return (int) v; }

    static Stream<Arguments> amoOps() {
        Object[][] ops = {
            {"amoswap", AMOSWAP, (LongBinaryOperator) (m, b) -> b},
            {"amoadd", AMOADD, (LongBinaryOperator) (m, b) -> m + b},
            {"amoxor", AMOXOR, (LongBinaryOperator) (m, b) -> m ^ b},
            {"amoand", AMOAND, (LongBinaryOperator) (m, b) -> m & b},
            {"amoor", AMOOR, (LongBinaryOperator) (m, b) -> m | b},
            {"amomin", AMOMIN, (LongBinaryOperator) Math::min},
            {"amomax", AMOMAX, (LongBinaryOperator) Math::max},
            {"amominu", AMOMINU, (LongBinaryOperator) (m, b) -> Long.compareUnsigned(m, b) <= 0 ? m : b},
            {"amomaxu", AMOMAXU, (LongBinaryOperator) (m, b) -> Long.compareUnsigned(m, b) >= 0 ? m : b},
        };
        List<Arguments> l = new ArrayList<>();
        for (Object[] o : ops)
            for (boolean dword : new boolean[] {false, true})
                for (boolean jit : new boolean[] {true, false})
                    l.add(Arguments.of(o[0] + (dword ? ".d" : ".w"), o[1], o[2], dword, jit));
        return l.stream();
    }

    private static final long[] AMO_VALUES = {
        0, 1, -1, 5, -5, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0x1_0000_0000L, Long.MIN_VALUE, Long.MAX_VALUE,
        0x1234_5678_8765_4321L, 0xCAFE_0000_0000_0001L,
    };

    /**
     * For every (memory, operand) pair: scratch := memory; a2 = amo(scratch, operand); checks the
     * returned old value and the memory afterwards (for .W: the upper word must be untouched).
     */
    @ParameterizedTest(name = "{0} jit={4}")
    @MethodSource("amoOps")
    void amoResultsAndMemoryEffects(String name, int f5, LongBinaryOperator ref, boolean dword, boolean jit) {
        try (Guest g = new Guest(jit)) {
            long[][] p = Guest.pairs(AMO_VALUES);
            int n = p[0].length;
            long in = g.alloc(16 * n), out = g.alloc(16 * n), scratch = g.alloc(4096);
            long[] table = new long[2 * n];
            for (int k = 0; k < n; k++) { table[2 * k] = p[0][k]; table[2 * k + 1] = p[1][k]; }
            g.writeLongs(in, table);
            int insn = amo(f5, dword, A2, S3, A1);
            Trap t = g.runLoop(3, a -> {
                a.li(S0, in).li(S1, out).li(S2, n).li(S3, scratch + 8);
                a.label("inner");
                a.i(ld(T0, S0, 0), ld(A1, S0, 8), sd(T0, S3, 0), insn, ld(T1, S3, 0));
                a.i(sd(A2, S1, 0), sd(T1, S1, 8), addi(S0, S0, 16), addi(S1, S1, 16), addi(S2, S2, -1));
                a.bne(S2, ZERO, "inner");
            });
            Guest.expectEcall(t);
            long[] got = g.readLongs(out, 2 * n);
            for (int k = 0; k < n; k++) {
                long m = p[0][k], b = p[1][k];
                long wantRd, wantMem;
                if (dword) {
                    wantRd = m;
                    wantMem = ref.applyAsLong(m, b);
                } else {
                    long m32 = sext32(m), b32 = sext32(b);
                    long r = ref.applyAsLong(m32, b32);
                    if (name.startsWith("amominu") || name.startsWith("amomaxu")) {
                        // unsigned 32-bit comparison of the low words
                        long um = m & 0xFFFFFFFFL, ub = b & 0xFFFFFFFFL;
                        r = name.startsWith("amominu") ? Math.min(um, ub) : Math.max(um, ub);
                    }
                    wantRd = m32;
                    wantMem = (m & 0xFFFFFFFF00000000L) | (r & 0xFFFFFFFFL);
                }
                String msg = String.format("%s mem=%#x operand=%#x", name, m, b);
                assertEquals(wantRd, got[2 * k], msg + ": rd (old value)");
                assertEquals(wantMem, got[2 * k + 1], msg + ": memory");
            }
        }
    }

    @BothModes
    void amoWithRdEqualToRs2SwapsCorrectly(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write64(d, 111);
            g.setX(A0, d);
            g.setX(A1, 222);
            Guest.expectEcall(g.exec(new Asm().i(amo(AMOSWAP, true, A1, A0, A1), ecall())));
            assertEquals(111L, g.x(A1));
            assertEquals(222L, g.read64(d));
            // rd == rs1: the address is read before rd is written
            Guest.expectEcall(g.exec(new Asm().i(amo(AMOADD, true, A0, A0, A1), ecall())));
            assertEquals(222L, g.x(A0));
            assertEquals(333L, g.read64(d));
        }
    }

    @BothModes
    void amoToX0StillUpdatesMemory(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.setX(A0, d);
            g.setX(A1, 3);
            g.runHot(a -> a.i(amoaddD(ZERO, A1, A0)));
            assertEquals(3L * Guest.HOT, g.read64(d));
            assertEquals(0L, g.x(0));
        }
    }

    @BothModes
    void misalignedAtomicsTrap(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long d = g.alloc(4096);
            g.write64(d, 0x0102030405060708L);
            g.write64(d + 8, 0x1112131415161718L);
            g.setX(A1, 1);
            for (long off : new long[] {1, 2, 3}) {
                g.setX(A0, d + off);
                Trap[] t = new Trap[1];
                long pc = g.execAt(new Asm().i(amoaddW(A2, A1, A0), ecall()), t);
                assertEquals(Trap.STORE_MISALIGNED, t[0].cause(), "amoadd.w at +" + off + ": " + t[0].describe());
                assertEquals(d + off, t[0].tval());
                assertEquals(pc, t[0].pc());
            }
            for (long off : new long[] {1, 4, 7}) {
                g.setX(A0, d + off);
                Trap t = g.exec(new Asm().i(amoaddD(A2, A1, A0), ecall()));
                assertEquals(Trap.STORE_MISALIGNED, t.cause(), "amoadd.d at +" + off + ": " + t.describe());
                assertEquals(d + off, t.tval());
                t = g.exec(new Asm().i(amo(AMOSWAP, true, A2, A0, A1), ecall()));
                assertEquals(Trap.STORE_MISALIGNED, t.cause(), "amoswap.d: " + t.describe());
                t = g.exec(new Asm().i(scD(A2, A1, A0), ecall()));
                assertEquals(Trap.STORE_MISALIGNED, t.cause(), "sc.d: " + t.describe());
                t = g.exec(new Asm().i(lrD(A2, A0), ecall()));
                assertTrue(t.cause() == Trap.LOAD_MISALIGNED || t.cause() == Trap.LOAD_ACCESS_FAULT,
                        "lr.d misaligned: " + t.describe());
                assertEquals(d + off, t.tval());
            }
            assertEquals(0x0102030405060708L, g.read64(d), "misaligned AMOs must not write");
            assertEquals(0x1112131415161718L, g.read64(d + 8));
        }
    }

    @BothModes
    void atomicsReportStoreFaults(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long ro = g.alloc(4096, Guest.UR);
            g.setX(A0, ro);
            g.setX(A1, 1);
            Trap t = g.exec(new Asm().i(amoaddD(A2, A1, A0), ecall()));
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(ro, t.tval());
            t = g.exec(new Asm().i(lrD(A2, A0), ecall()));
            assertEquals(Trap.ECALL_FROM_U, t.cause(), "LR only needs read permission: " + t.describe());
            long none = g.unmapped();
            g.setX(A0, none);
            t = g.exec(new Asm().i(amo(AMOOR, false, A2, A0, A1), ecall()));
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(none, t.tval());
            t = g.exec(new Asm().i(lrW(A2, A0), ecall()));
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
        }
    }

    // ------------------------------------------------------------------ atomicity across harts

    /** Runs each hart on its own thread until it makes an ecall; fails on any other trap. */
    private static void runConcurrently(Guest g, long code) throws Exception {
        int n = g.machine.hartCount();
        CountDownLatch start = new CountDownLatch(1), done = new CountDownLatch(n);
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            Hart h = g.machine.hart(i);
            Thread th = Thread.ofPlatform().daemon().name("hart-" + i).start(() -> {
                try {
                    start.await();
                    h.setPc(code);
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
            assertTrue(th.isAlive() || done.getCount() < n);
        }
        start.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "harts did not finish");
        assertNull(error.get(), () -> "hart failed: " + error.get());
    }

    @BothModes
    void amoaddDoubleFromTwoHartsIsAtomic(boolean jit) throws Exception {
        try (Guest g = new Guest(2, jit)) {
            long d = g.alloc(4096);
            int iterations = 1_000_000;
            Asm a = new Asm().label("loop").i(amoaddD(ZERO, A1, A0), addi(T6, T6, -1));
            a.bne(T6, ZERO, "loop").i(ecall());
            long code = g.load(a.assemble());
            for (int i = 0; i < 2; i++) {
                g.machine.hart(i).setX(A0, d);
                g.machine.hart(i).setX(A1, 1);
                g.machine.hart(i).setX(T6, iterations);
            }
            runConcurrently(g, code);
            assertEquals(2L * iterations, g.read64(d));
        }
    }

    @BothModes
    void amoaddWordFromTwoHartsIsAtomic(boolean jit) throws Exception {
        try (Guest g = new Guest(2, jit)) {
            long d = g.alloc(4096);
            g.write64(d, 0x7777_7777_0000_0000L);
            int iterations = 300_000;
            Asm a = new Asm().label("loop").i(amoaddW(ZERO, A1, A0), addi(T6, T6, -1));
            a.bne(T6, ZERO, "loop").i(ecall());
            long code = g.load(a.assemble());
            for (int i = 0; i < 2; i++) {
                g.machine.hart(i).setX(A0, d);
                g.machine.hart(i).setX(A1, 1);
                g.machine.hart(i).setX(T6, iterations);
            }
            runConcurrently(g, code);
            assertEquals(0x7777_7777_0000_0000L + 2L * iterations, g.read64(d));
        }
    }

    @BothModes
    void lrScIncrementFromTwoHartsIsAtomic(boolean jit) throws Exception {
        try (Guest g = new Guest(2, jit)) {
            long d = g.alloc(4096);
            int iterations = 300_000;
            Asm a = new Asm();
            a.label("retry").i(lrD(T0, A0), addi(T0, T0, 1), scD(T1, T0, A0));
            a.bne(T1, ZERO, "retry");
            a.i(addi(T6, T6, -1)).bne(T6, ZERO, "retry").i(ecall());
            long code = g.load(a.assemble());
            for (int i = 0; i < 2; i++) {
                g.machine.hart(i).setX(A0, d);
                g.machine.hart(i).setX(T6, iterations);
            }
            runConcurrently(g, code);
            assertEquals(2L * iterations, g.read64(d));
        }
    }
}
