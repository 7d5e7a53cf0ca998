package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

/**
 * Synchronous traps (ecall, ebreak, illegal instructions) and asynchronous ones (timer, IPI,
 * external): causes, sepc/stval, and resuming after them. Each test runs with translation on and off.
 */
class TrapTest {

    @BothModes
    void ecallReportsItsOwnPc(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Trap[] t = new Trap[1];
            long va = g.execAt(new Asm().i(addi(A0, ZERO, 1), addi(A0, A0, 1), ecall(), addi(A0, A0, 10), ecall()), t);
            assertEquals(Trap.ECALL_FROM_U, t[0].cause());
            assertEquals(va + 8, t[0].pc());
            assertEquals(0L, t[0].tval());
            assertEquals(va + 8, g.hart.pc());
            assertEquals(2L, g.x(A0));
            // The kernel resumes after the ecall.
            g.hart.setPc(t[0].pc() + 4);
            Trap t2 = g.run();
            assertEquals(Trap.ECALL_FROM_U, t2.cause());
            assertEquals(va + 16, t2.pc());
            assertEquals(12L, g.x(A0));
        }
    }

    /** A hot loop that makes a "system call" every iteration; the kernel answers in a0. */
    @BothModes
    void hotLoopOfSystemCalls(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.i(addi(S2, ZERO, 0), addi(S3, ZERO, 300));
            a.label("loop");
            a.i(addi(A7, ZERO, 64), addi(A0, S2, 0), ecall(), add(S4, S4, A0), addi(S2, S2, 1));
            a.bne(S2, S3, "loop");
            a.i(ebreak());
            long va = g.load(a.assemble());
            g.setX(S4, 0);
            g.hart.setPc(va);
            int calls = 0;
            for (;;) {
                Trap t = g.run();
                if (t.cause() != Trap.ECALL_FROM_U) {
                    assertEquals(Trap.BREAKPOINT, t.cause(), t.describe());
                    break;
                }
                assertEquals(64L, g.x(A7));
                g.setX(A0, g.x(A0) * 2);               // "return value"
                g.hart.setPc(t.pc() + 4);
                calls++;
            }
            assertEquals(300, calls);
            assertEquals(2L * (299 * 300 / 2), g.x(S4));
        }
    }

    @BothModes
    void ebreakIsABreakpoint(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Trap[] t = new Trap[1];
            long va = g.execAt(new Asm().i(addi(A0, ZERO, 5), ebreak(), ecall()), t);
            assertEquals(Trap.BREAKPOINT, t[0].cause(), t[0].describe());
            assertEquals(va + 4, t[0].pc());
            assertEquals(5L, g.x(A0));
            va = g.execAt(new Asm().c(cLi(A0, 6)).c(cEbreak()).i(ecall()), t);
            assertEquals(Trap.BREAKPOINT, t[0].cause(), t[0].describe());
            assertEquals(va + 2, t[0].pc());
            assertEquals(6L, g.x(A0));
        }
    }

    private static void expectIllegal(Guest g, Asm prefix, int bits, boolean compressed) {
        int at = prefix.pos();
        if (compressed) prefix.c(bits); else prefix.i(bits);
        prefix.i(ecall());
        Trap[] t = new Trap[1];
        long va = g.execAt(prefix, t);
        String m = String.format("%08x: %s", bits, t[0].describe());
        assertEquals(Trap.ILLEGAL_INSTRUCTION, t[0].cause(), m);
        assertEquals(va + at, t[0].pc(), m);
        long want = compressed ? bits & 0xFFFFL : bits & 0xFFFFFFFFL;
        assertEquals(want, t[0].tval(), "tval must hold the instruction bits: " + m);
    }

    @BothModes
    void illegalInstructionsReportTheirBits(boolean jit) {
        try (Guest g = new Guest(jit)) {
            expectIllegal(g, new Asm().i(addi(A0, ZERO, 1)), 0xFFFFFFFF, false);
            assertEquals(1L, g.x(A0), "instructions before the illegal one completed");
            expectIllegal(g, new Asm(), 0x0000007F, false);
            expectIllegal(g, new Asm(), 0x10500073, false);                  // wfi
            expectIllegal(g, new Asm(), faddD(1, 2, 3, 5), false);           // reserved rm
            expectIllegal(g, new Asm().c(cNop()), 0x0000, true);
            expectIllegal(g, new Asm(), 0x0004, true);                       // c.addi4spn, imm 0
            expectIllegal(g, new Asm(), 0x8002, true);                       // c.jr x0
        }
    }

    @BothModes
    void illegalInstructionReachedFromAHotLoopIsPrecise(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.i(addi(S2, ZERO, 0), addi(S3, ZERO, 150));
            a.label("loop");
            a.i(addi(S2, S2, 1), slli(S4, S2, 1));
            a.beq(S2, S3, "bad");
            a.j("loop");
            a.label("bad");
            a.i(addi(S5, S2, 7));
            int at = a.pos();
            a.i(0xFFFFFFFF);
            a.i(ecall());
            long va = g.load(a.assemble());
            g.hart.setPc(va);
            Trap t = g.run();
            assertEquals(Trap.ILLEGAL_INSTRUCTION, t.cause(), t.describe());
            assertEquals(va + at, t.pc());
            assertEquals(150L, g.x(S2));
            assertEquals(300L, g.x(S4));
            assertEquals(157L, g.x(S5));
        }
    }

    // ------------------------------------------------------------------ interrupts

    /** An endless loop keeping the invariant a0 == a2 at its head; it ends when a0 reaches a1. */
    private static long loadCountingLoop(Guest g, int[] headOut) {
        Asm a = new Asm();
        a.label("loop");
        a.i(addi(A0, A0, 1), addi(A2, A2, 1));
        a.bne(A0, A1, "loop");
        a.i(ecall());
        long va = g.load(a.assemble());
        headOut[0] = 0;
        return va;
    }

    private static void resumeAndFinish(Guest g, Trap t, long loopVa) {
        assertTrue(t.pc() >= loopVa && t.pc() < loopVa + 12, "interrupted outside the loop: " + t.describe());
        assertEquals(t.pc(), g.hart.pc(), "hart pc = sepc after an interrupt");
        assertEquals(0L, t.tval());
        // Let it finish a little further on: resuming must neither skip nor repeat instructions.
        long a0 = g.x(A0);
        long a2 = g.x(A2);
        assertEquals(t.pc() == loopVa + 4 ? a2 + 1 : a2, a0, "loop invariant at the interrupted pc");
        g.setX(A1, a0 + 1000);
        Trap end = g.run();
        Guest.expectEcall(end);
        assertEquals(a0 + 1000, g.x(A0));
        assertEquals(a0 + 1000, g.x(A2));
    }

    @BothModes
    void expiredTimerInterruptsImmediately(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.load(new Asm().i(addi(A0, ZERO, 3), ecall()).assemble());
            g.hart.setPc(va);
            g.hart.setTimer(System.nanoTime());
            Trap t = g.run();
            assertEquals(Trap.TIMER_INTERRUPT, t.cause(), t.describe());
            assertTrue(t.isInterrupt());
            assertEquals(va, t.pc());
            assertEquals(va, g.hart.pc());
            Trap t2 = g.run();
            Guest.expectEcall(t2);     // the timer is one-shot
            assertEquals(3L, g.x(A0));
        }
    }

    @BothModes
    void timerInterruptStopsAnEndlessLoopAndItResumes(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = loadCountingLoop(g, new int[1]);
            g.setX(A0, 0);
            g.setX(A2, 0);
            g.setX(A1, -1);
            g.hart.setPc(va);
            g.hart.setTimer(System.nanoTime() + 5_000_000);
            Trap t = g.run();
            assertEquals(Trap.TIMER_INTERRUPT, t.cause(), t.describe());
            assertTrue(g.x(A0) > 0, "the loop ran");
            resumeAndFinish(g, t, va);
        }
    }

    @BothModes
    void softwareInterruptFromAnotherThreadStopsAnEndlessLoop(boolean jit) throws Exception {
        try (Guest g = new Guest(jit)) {
            long va = loadCountingLoop(g, new int[1]);
            g.setX(A0, 0);
            g.setX(A2, 0);
            g.setX(A1, -1);
            g.hart.setPc(va);
            g.hart.setTimer(System.nanoTime() + 30_000_000_000L);    // backstop so a bug cannot hang the build
            Thread ipi = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                g.hart.interrupt();
            });
            Trap t = g.run();
            ipi.join();
            g.hart.setTimer(Long.MAX_VALUE);
            assertEquals(Trap.SOFTWARE_INTERRUPT, t.cause(), t.describe());
            resumeAndFinish(g, t, va);
        }
    }

    @BothModes
    void pendingInterruptIsTakenBeforeTheFirstInstruction(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.load(new Asm().i(addi(A0, ZERO, 3), ecall()).assemble());
            g.setX(A0, 0);
            g.hart.setPc(va);
            g.hart.interrupt();
            Trap t = g.run();
            assertEquals(Trap.SOFTWARE_INTERRUPT, t.cause());
            assertEquals(va, t.pc());
            assertEquals(0L, g.x(A0));
            Guest.expectEcall(g.run());
            assertEquals(3L, g.x(A0));
        }
    }

    @BothModes
    void simultaneousInterruptsAreAllDeliveredOnce(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.load(new Asm().i(ecall()).assemble());
            g.hart.setPc(va);
            g.hart.interrupt();
            g.hart.raise(9);
            g.hart.interrupt();                               // coalesces with the first
            g.hart.setTimer(System.nanoTime());
            Set<Long> seen = new HashSet<>();
            for (int k = 0; k < 3; k++) {
                Trap t = g.run();
                assertTrue(t.isInterrupt(), t.describe());
                assertEquals(va, t.pc());
                assertTrue(seen.add(t.cause()), "delivered twice: " + t.describe());
            }
            assertEquals(Set.of(Trap.SOFTWARE_INTERRUPT, Trap.EXTERNAL_INTERRUPT, Trap.TIMER_INTERRUPT), seen);
            Guest.expectEcall(g.run());
        }
    }

    /** Jump-to-self loops (a translated region that never leaves on its own) still see interrupts. */
    @BothModes
    void selfLoopsAreInterruptible(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm[] programs = {
                new Asm().label("l").j("l"),                                  // jal x0, 0
                new Asm().c(cJ(0)),                                            // c.j 0
                new Asm().label("l").i(addi(A0, A0, 1)).beq(ZERO, ZERO, "l"),  // beq x0,x0 backwards
                new Asm().i(auipc(T0, 0)).label("l").i(addi(A0, A0, 1), jalr(ZERO, T0, 4)),   // indirect
            };
            for (Asm p : programs) {
                long va = g.load(p.assemble());
                g.hart.setPc(va);
                g.hart.setTimer(System.nanoTime() + 2_000_000);
                Trap t = g.run();
                assertEquals(Trap.TIMER_INTERRUPT, t.cause(), t.describe());
                assertTrue(t.pc() >= va && t.pc() < va + 12, t.describe());
                g.hart.interrupt();
                t = g.run();
                assertEquals(Trap.SOFTWARE_INTERRUPT, t.cause(), t.describe());
            }
        }
    }
}
