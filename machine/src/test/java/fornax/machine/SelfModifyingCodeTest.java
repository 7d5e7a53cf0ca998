package fornax.machine;

import static fornax.machine.Guest.URWX;
import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Code that changes after it ran: a guest store is not guaranteed to be seen by instruction fetch
 * until FENCE.I (either the old or the new instruction may run before it); after FENCE.I the new
 * instruction must run, also when the old one had been translated into a block.
 */
class SelfModifyingCodeTest {

    @BothModes
    void fenceIMakesAGuestStoreVisibleToFetch(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.la(T1, "target");
            a.li(T0, addi(A0, ZERO, 2) & 0xFFFFFFFFL);
            a.li(S4, 200);
            a.label("warm");                                  // make target hot (translated)
            a.jal(RA, "target");
            a.i(addi(S4, S4, -1));
            a.bne(S4, ZERO, "warm");
            a.i(addi(S1, A0, 0));
            a.i(sw(T0, T1, 0));                               // patch: addi a0,zero,1 → addi a0,zero,2
            a.jal(RA, "target");
            a.i(addi(S2, A0, 0));                             // old or new: both allowed without FENCE.I
            a.i(fenceI());
            a.jal(RA, "target");
            a.i(addi(S3, A0, 0));
            a.i(ecall());
            a.label("target");
            a.i(addi(A0, ZERO, 1), jalr(ZERO, RA, 0));
            long va = g.load(a.assemble(), URWX);
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(1L, g.x(S1));
            assertTrue(g.x(S2) == 1 || g.x(S2) == 2, "without FENCE.I: old or new, got " + g.x(S2));
            assertEquals(2L, g.x(S3), "after FENCE.I the new instruction must run");
            assertEquals(addi(A0, ZERO, 2), g.read32(va + a.labelPos("target")));
        }
    }

    @BothModes
    void patchingTheRunningHotLoopItself(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.la(T1, "target");
            a.li(T0, addi(A0, A0, 2) & 0xFFFFFFFFL);
            a.i(addi(A0, ZERO, 0), addi(S2, ZERO, 0), addi(S3, ZERO, 100), addi(S4, ZERO, 200));
            a.label("loop");
            a.label("target");
            a.i(addi(A0, A0, 1));
            a.i(addi(S2, S2, 1));
            a.bne(S2, S3, "skip");
            a.i(sw(T0, T1, 0), fenceI());
            a.label("skip");
            a.bne(S2, S4, "loop");
            a.i(ecall());
            long va = g.load(a.assemble(), URWX);
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(200L, g.x(S2));
            assertEquals(100L + 2 * 100, g.x(A0), "100 iterations of +1, then 100 of +2");
        }
    }

    @BothModes
    void codeWrittenThroughAWritableAliasAndFenceI(boolean jit) {
        // W^X style: the code frame is mapped twice, writable at one address and executable at another.
        try (Guest g = new Guest(jit)) {
            byte[] v1 = new Asm().i(addi(A0, ZERO, 1), ecall()).assemble();
            long xva = g.load(v1, Guest.URX);
            long wva = g.unmapped();
            g.map(wva, g.pa(xva) & ~0xFFFL, Guest.URW);
            for (int k = 0; k < 100; k++) {
                g.hart.setPc(xva);
                Guest.expectEcall(g.run());
                assertEquals(1L, g.x(A0));
            }
            g.setX(T1, wva);
            g.setX(T0, addi(A0, ZERO, 7));
            Guest.expectEcall(g.exec(new Asm().i(sw(T0, T1, 0), fenceI(), ecall())));
            g.hart.setPc(xva);
            Guest.expectEcall(g.run());
            assertEquals(7L, g.x(A0));
        }
    }

    /**
     * CodeCache's contract: kernel-side writes to RAM through PhysicalMemory drop the decoded
     * pages they touch, so the next run executes the new code even though the hart's fetch TLB
     * still holds the page. (Regression test: the fetch TLB used to keep the stale decoded page.)
     */
    @BothModes
    void kernelWriteToACodePageIsSeenByTheNextRun(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.load(new Asm().i(addi(A0, ZERO, 1), ecall()).assemble());
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(1L, g.x(A0));
            g.write32(va, addi(A0, ZERO, 2));                 // kernel write: PhysicalMemory.write
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(2L, g.x(A0), "stale decoded code ran after a kernel-side write to the code page");
        }
    }

    @BothModes
    void kernelWriteToACodePageIsSeenAfterFlushInstructionCachePath(boolean jit) {
        // What Kernel.flushInstructionCaches does: invalidate decoded code and flush the hart's TLB.
        try (Guest g = new Guest(jit)) {
            long va = g.load(new Asm().i(addi(A0, ZERO, 1), ecall()).assemble());
            for (int k = 0; k < 100; k++) {
                g.hart.setPc(va);
                Guest.expectEcall(g.run());
            }
            g.write32(va, addi(A0, ZERO, 2));
            g.machine.codeCache().invalidateAll();
            g.hart.flushTlb(-1, -1);
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(2L, g.x(A0));
        }
    }
}
