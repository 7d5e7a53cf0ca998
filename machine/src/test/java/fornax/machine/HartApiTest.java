package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import fornax.machine.cpu.Hart;
import org.junit.jupiter.api.Test;

/** The kernel-facing register interface of a hart: contexts, x0, fcsr. */
class HartApiTest {

    @Test
    void x0IsAlwaysZero() {
        try (Guest g = new Guest(true)) {
            g.hart.setX(0, 42);
            assertEquals(0L, g.hart.x(0));
        }
    }

    @Test
    void fcsrIsMasked() {
        try (Guest g = new Guest(true)) {
            g.hart.setFcsr(0xFFF);
            assertEquals(0xFF, g.hart.fcsr());
            g.hart.setFcsr(0x45);
            assertEquals(0x45, g.hart.fcsr());
        }
    }

    @Test
    void contextRoundTripsBetweenHarts() {
        try (Guest g = new Guest(2, true)) {
            Hart a = g.machine.hart(0), b = g.machine.hart(1);
            for (int i = 1; i < 32; i++) a.setX(i, 0x1000L * i + i);
            for (int i = 0; i < 32; i++) a.setF(i, Double.doubleToRawLongBits(i + 0.5));
            a.setPc(0x12344);
            a.setFcsr(0xA3);
            long[] ctx = new long[Hart.CONTEXT_SIZE];
            ctx[0] = 99;
            a.saveContext(ctx);
            assertEquals(0L, ctx[0]);
            assertEquals(0x12344L, ctx[Hart.CTX_PC]);
            assertEquals(0xA3L, ctx[Hart.CTX_FCSR]);
            assertEquals(Double.doubleToRawLongBits(3.5), ctx[Hart.CTX_F + 3]);
            ctx[0] = 7;                                   // garbage in the x0 slot must not leak in
            b.loadContext(ctx);
            assertEquals(0L, b.x(0));
            for (int i = 1; i < 32; i++) assertEquals(a.x(i), b.x(i), "x" + i);
            for (int i = 0; i < 32; i++) assertEquals(a.f(i), b.f(i), "f" + i);
            assertEquals(0x12344L, b.pc());
            assertEquals(0xA3, b.fcsr());
        }
    }

    @Test
    void loadContextDropsTheReservation() {
        try (Guest g = new Guest(true)) {
            long d = g.alloc(4096);
            g.setX(A0, d);
            Guest.expectEcall(g.exec(new Asm().i(lrD(A1, A0), ecall())));
            long[] ctx = new long[Hart.CONTEXT_SIZE];
            g.hart.saveContext(ctx);
            g.hart.loadContext(ctx);                      // a context switch (back to the same task)
            g.setX(A2, 5);
            Guest.expectEcall(g.exec(new Asm().i(scD(A3, A2, A0), ecall())));
            assertEquals(1L, g.x(A3), "SC after a context switch must fail");
            assertEquals(0L, g.read64(d));
        }
    }

    @Test
    void contextSwitchBetweenTasksOnOneHart() {
        try (Guest g = new Guest(true)) {
            long code = g.load(new Asm().label("l").i(addi(A0, A0, 1)).i(ecall()).j("l").assemble());
            long[] t1 = new long[Hart.CONTEXT_SIZE], t2 = new long[Hart.CONTEXT_SIZE];
            t1[Hart.CTX_PC] = code;
            t2[Hart.CTX_PC] = code;
            t1[A0] = 100;
            t2[A0] = 200;
            for (int round = 0; round < 100; round++) {
                for (long[] t : new long[][] {t1, t2}) {
                    g.hart.loadContext(t);
                    Trap trap = g.run();
                    Guest.expectEcall(trap);
                    g.hart.setPc(trap.pc() + 4);
                    g.hart.saveContext(t);
                }
            }
            assertEquals(200L, t1[A0]);
            assertEquals(300L, t2[A0]);
        }
    }
}
