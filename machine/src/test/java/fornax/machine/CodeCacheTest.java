package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.cpu.JitProbe;
import org.junit.jupiter.api.Test;

/** Which kernel-side writes drop decoded (and translated) code, and which must not. */
class CodeCacheTest {

    @Test
    void kernelWritesDropOnlyThePagesTheyTouch() {
        try (Guest g = new Guest(true)) {
            long code = g.load(new Asm().i(addi(A0, ZERO, 1), ecall()).assemble());
            long pa = g.pa(code);
            Object page = JitProbe.decodedPage(g.machine, pa);
            long other = g.frame();
            g.ram.write(other, new byte[100], 0, 100);                 // another frame
            g.ram.zero(pa + 4096, 4096);                              // the next frame
            g.ram.write64(pa - 8, 0);                                  // the previous frame
            assertSame(page, JitProbe.decodedPage(g.machine, pa), "writes elsewhere must not drop the page");
            g.ram.write8(pa + 4095, (byte) 0);
            assertNotSame(page, JitProbe.decodedPage(g.machine, pa), "a write into the page drops it");
        }
    }

    /**
     * BUG (minor, performance only): a zero-length kernel write (e.g. copying 0 bytes) touches
     * nothing, but CodeCache.invalidate(pa, len) (CodeCache.java:77) computes the last page as
     * (pa + len - 1 - base) >>> 12; for len == 0 at pa == RAM base that is (-1) >>> 12, i.e.
     * "every page", so all decoded and translated code is thrown away.
     */
    @Test
    void zeroLengthWritesDropNothing() {
        try (Guest g = new Guest(true)) {
            long code = g.load(new Asm().i(addi(A0, ZERO, 1), ecall()).assemble());
            long pa = g.pa(code);
            Object page = JitProbe.decodedPage(g.machine, pa);
            g.ram.write(pa + 4096, new byte[0], 0, 0);                // just after the page
            g.ram.zero(pa + 4096, 0);
            assertSame(page, JitProbe.decodedPage(g.machine, pa), "zero-length write after the page dropped it");
            g.ram.write(Machine.RAM_BASE, new byte[0], 0, 0);          // at the very start of RAM
            assertSame(page, JitProbe.decodedPage(g.machine, pa), "zero-length write at the RAM base dropped all code");
            assertTrue(pa > Machine.RAM_BASE);
        }
    }
}
