package fornax.machine;

import static fornax.machine.Guest.A;
import static fornax.machine.Guest.D;
import static fornax.machine.Guest.R;
import static fornax.machine.Guest.U;
import static fornax.machine.Guest.UR;
import static fornax.machine.Guest.URW;
import static fornax.machine.Guest.URX;
import static fornax.machine.Guest.V;
import static fornax.machine.Guest.W;
import static fornax.machine.Guest.X;
import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Sv48/Sv39 translation: page faults by permission, reserved PTE encodings, canonical addresses,
 * A/D bit updates by the walker, superpages, instructions that straddle pages.
 */
class PagingTest {

    private static Trap load(Guest g, long va) {
        g.setX(A0, va);
        return g.exec(new Asm().i(ld(A1, A0, 0)).i(ecall()));
    }

    private static Trap store(Guest g, long va) {
        g.setX(A0, va);
        g.setX(A1, 0x5555);
        return g.exec(new Asm().i(sd(A1, A0, 0)).i(ecall()));
    }

    /** Jumps to {@code va}; returns the trap. */
    private static Trap jumpTo(Guest g, long va) {
        g.setX(A0, va);
        return g.exec(new Asm().i(jalr(RA, A0, 0)).i(ecall()));
    }

    private static void expectFault(Trap t, long cause, long tval, long pc) {
        assertEquals(cause, t.cause(), t.describe());
        assertEquals(tval, t.tval(), "tval: " + t.describe());
        assertEquals(pc, t.pc(), "pc: " + t.describe());
    }

    @BothModes
    void loadFromAnUnmappedPage(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.unmapped() + 0x123;
            g.setX(A0, va);
            g.setX(A1, 77);
            Trap[] t = new Trap[1];
            long pc = g.execAt(new Asm().i(ld(A1, A0, 0)).i(ecall()), t);
            expectFault(t[0], Trap.LOAD_PAGE_FAULT, va, pc);
            assertEquals(pc, g.hart.pc());
            assertEquals(77L, g.x(A1));
        }
    }

    @BothModes
    void storeToAReadOnlyPage(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.alloc(4096, UR);
            g.write64(va + 8, 42);
            g.setX(A0, va + 8);
            Trap[] t = new Trap[1];
            long pc = g.execAt(new Asm().i(ld(A2, A0, 0)).i(sd(A0, A0, 0)).i(ecall()), t);
            expectFault(t[0], Trap.STORE_PAGE_FAULT, va + 8, pc + 4);
            assertEquals(42L, g.x(A2), "loads from a read-only page work");
            assertEquals(42L, g.read64(va + 8), "a faulting store must not write");
        }
    }

    @BothModes
    void fetchFromANonExecutablePage(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long data = g.alloc(4096, URW);
            g.write32(data, addi(A0, ZERO, 1));
            g.write32(data + 4, ecall());
            Trap t = jumpTo(g, data);
            expectFault(t, Trap.INSTRUCTION_PAGE_FAULT, data, data);
            long nowhere = g.unmapped();
            t = jumpTo(g, nowhere + 0x40);
            expectFault(t, Trap.INSTRUCTION_PAGE_FAULT, nowhere + 0x40, nowhere + 0x40);
        }
    }

    @BothModes
    void executeOnlyPageRunsButCannotBeRead(boolean jit) {
        try (Guest g = new Guest(jit)) {
            byte[] code = new Asm().i(addi(A2, ZERO, 9)).i(ecall()).assemble();
            long va = g.load(code, V | X | U);
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(9L, g.x(A2));
            Trap t = load(g, va);
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(va, t.tval());
        }
    }

    @BothModes
    void pagesWithoutTheUserBitFault(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.alloc(4096, V | R | W | X | A | D);   // supervisor page
            g.setX(A0, va);
            Trap[] t = new Trap[1];
            long pc = g.execAt(new Asm().i(ld(A1, A0, 0)).i(ecall()), t);
            expectFault(t[0], Trap.LOAD_PAGE_FAULT, va, pc);
        }
    }

    @BothModes
    void supervisorPageFaultsForEveryAccessKind(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.alloc(4096, V | R | W | X | A | D);
            g.write32(va, ecall());
            assertEquals(Trap.LOAD_PAGE_FAULT, load(g, va).cause());
            assertEquals(Trap.STORE_PAGE_FAULT, store(g, va).cause());
            Trap t = jumpTo(g, va);
            expectFault(t, Trap.INSTRUCTION_PAGE_FAULT, va, va);
        }
    }

    @BothModes
    void writeWithoutReadIsAReservedEncoding(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.alloc(4096, V | W | U | A | D);
            Trap t = load(g, va);
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            t = store(g, va);
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(va, t.tval());
            long vb = g.alloc(4096, V | W | X | U | A | D);
            g.write32(vb, ecall());
            t = jumpTo(g, vb);
            assertEquals(Trap.INSTRUCTION_PAGE_FAULT, t.cause(), t.describe());
        }
    }

    @Test
    void reservedHighPteBitsFault() {
        try (Guest g = new Guest(true)) {
            long va = g.alloc(4096);
            g.setPte(va, g.pteOf(va) | 1L << 54);      // reserved bits 63:54 (no Svpbmt/Svnapot)
            assertEquals(Trap.LOAD_PAGE_FAULT, load(g, va).cause());
            long vb = g.alloc(4096);
            g.setPte(vb, g.pteOf(vb) | 1L << 63);
            assertEquals(Trap.STORE_PAGE_FAULT, store(g, vb).cause());
        }
    }

    @Test
    void nonLeafPteAtTheLastLevelFaults() {
        try (Guest g = new Guest(true)) {
            long va = g.alloc(4096);
            g.setPte(va, Guest.pte(g.frame(), V));   // a pointer where a leaf must be
            // leafSlot no longer finds it as a leaf; the hart must fault.
            Trap t = load(g, va);
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(va, t.tval());
        }
    }

    @Test
    void leafPointingOutsideRamIsAnAccessFault() {
        try (Guest g = new Guest(true)) {
            long va = g.unmapped();
            g.map(va, Machine.UART0_BASE & ~0xFFFL, URW);
            Trap t = load(g, va);
            assertEquals(Trap.LOAD_ACCESS_FAULT, t.cause(), t.describe());
            assertEquals(va, t.tval());
            t = store(g, va);
            assertEquals(Trap.STORE_ACCESS_FAULT, t.cause(), t.describe());
        }
    }

    @Test
    void pageTablePointerOutsideRamIsAnAccessFault() {
        try (Guest g = new Guest(true)) {
            long va = 0x7F00_0000_0000L;                    // a level-3 slot nothing else uses
            long slot = g.pteSlot(g.root, 4, va, 3);
            g.ram.write64(slot, Guest.pte(0x4000_0000L, V)); // next-level table "below" RAM
            Trap t = load(g, va);
            assertEquals(Trap.LOAD_ACCESS_FAULT, t.cause(), t.describe());
            assertEquals(va, t.tval());
        }
    }

    @Test
    void unsupportedSatpModeIsRejected() {
        try (Guest g = new Guest(true)) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> g.hart.setSatp(10L << 60 | g.root >>> 12));
            assertEquals(g.satp(), g.hart.satp(), "satp unchanged");
        }
    }

    @Test
    void nonCanonicalSv48AddressesFault() {
        try (Guest g = new Guest(true)) {
            for (long va : new long[] {1L << 47, 1L << 48, 0x8000_0000_0000_0000L, 0xFFFF_0000_0000_0000L}) {
                Trap t = load(g, va);
                assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), Long.toHexString(va) + ": " + t.describe());
                assertEquals(va, t.tval());
            }
        }
    }

    @Test
    void canonicalHighHalfAddressesTranslate() {
        try (Guest g = new Guest(true)) {
            long va = 0xFFFF_8000_0000_0000L + 0x5000;
            long pa = g.mapNew(va, URW);
            g.ram.write64(pa + 16, 0xABCDL);
            assertEquals(Trap.ECALL_FROM_U, load(g, va + 16).cause());
            assertEquals(0xABCDL, g.x(A1));
        }
    }

    @Test
    void walkerSetsAccessedAndDirtyBits() {
        try (Guest g = new Guest(true)) {
            long va = g.unmapped();
            g.map(va, g.frame(), URW);              // A and D clear
            assertEquals(0L, g.pteOf(va) & (A | D));
            assertEquals(Trap.ECALL_FROM_U, load(g, va).cause());
            assertEquals(A, g.pteOf(va) & (A | D), "a load sets A only");
            assertEquals(Trap.ECALL_FROM_U, store(g, va).cause());
            assertEquals(A | D, g.pteOf(va) & (A | D), "a store sets D");
            assertEquals(0x5555L, g.read64(va));

            long vb = g.unmapped();
            g.map(vb, g.frame(), URW);
            assertEquals(Trap.ECALL_FROM_U, store(g, vb).cause());
            assertEquals(A | D, g.pteOf(vb) & (A | D), "a first access by a store sets A and D");

            // Code pages get A when fetched from.
            byte[] code = new Asm().i(ecall()).assemble();
            long cv = g.load(code);
            assertEquals(0L, g.pteOf(cv) & (A | D));
            g.hart.setPc(cv);
            Guest.expectEcall(g.run());
            assertEquals(A, g.pteOf(cv) & (A | D));
        }
    }

    @Test
    void storeAfterCachedLoadStillSetsDirty() {
        try (Guest g = new Guest(true)) {
            long va = g.unmapped();
            g.map(va, g.frame(), URW);
            g.setX(A0, va);
            // load, then store, in the same run: the read TLB entry exists when the store comes.
            Guest.expectEcall(g.exec(new Asm().i(ld(A1, A0, 0), addi(A1, A1, 1), sd(A1, A0, 0), ecall())));
            assertEquals(A | D, g.pteOf(va) & (A | D));
            assertEquals(1L, g.read64(va));
        }
    }

    @Test
    void amoSetsDirty() {
        try (Guest g = new Guest(true)) {
            long va = g.unmapped();
            g.map(va, g.frame(), URW);
            g.setX(A0, va);
            g.setX(A1, 3);
            Guest.expectEcall(g.exec(new Asm().i(amoaddD(A2, A1, A0), ecall())));
            assertEquals(A | D, g.pteOf(va) & (A | D));
        }
    }

    @BothModes
    void twoMegabyteSuperpage(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = 0x4000_0000L;
            long pa = Machine.RAM_BASE + (2 << 20);       // 2 MiB aligned, in the reserved low RAM
            g.map(g.root, 4, va, pa, URWX(), 1);
            g.ram.write64(pa + 0x1234 * 8, 0x600DL);
            g.ram.write64(pa + 0x1F_FFF8, 0xE4DL);
            g.setX(A0, va + 0x1234 * 8);
            g.setX(A1, va + 0x1F_FFF8);
            g.setX(A2, va + 0x10_0000);
            g.runHot(a -> a.i(ld(S2, A0, 0), ld(S3, A1, 0), sd(S3, A2, 0)));
            assertEquals(0x600DL, g.x(S2));
            assertEquals(0xE4DL, g.x(S3));
            assertEquals(0xE4DL, g.ram.read64(pa + 0x10_0000));
            assertEquals(A | D, g.ram.read64(g.leafSlot(va)) & (A | D));

            // Code in the superpage runs too.
            long code = pa + 0x8_0000;
            byte[] prog = new Asm().i(addi(A3, ZERO, 31)).i(ecall()).assemble();
            g.ram.write(code, prog, 0, prog.length);
            g.hart.setPc(va + 0x8_0000);
            Guest.expectEcall(g.run());
            assertEquals(31L, g.x(A3));
        }
    }

    private static long URWX() { return V | R | W | X | U; }

    /** A gigapage whose tail lies beyond the end of RAM: inside works, beyond is an access fault. */
    @Test
    void gigapageReachingPastTheEndOfRam() {
        try (Guest g = new Guest(true)) {
            long gva = 0x40_0000_0000L;
            g.map(g.root, 4, gva, Machine.RAM_BASE, URW, 2);              // 1 GiB over 64 MiB of RAM
            g.ram.write64(Machine.RAM_BASE + Guest.RAM_BYTES - 8, 0x1A57L);
            assertEquals(Trap.ECALL_FROM_U, load(g, gva + Guest.RAM_BYTES - 8).cause());
            assertEquals(0x1A57L, g.x(A1));
            Trap t = load(g, gva + Guest.RAM_BYTES);
            assertEquals(Trap.LOAD_ACCESS_FAULT, t.cause(), "beyond the end of RAM: " + t.describe());
            assertEquals(gva + Guest.RAM_BYTES, t.tval());
            t = store(g, gva + Guest.RAM_BYTES + 0x1234_5000L);
            assertEquals(Trap.STORE_ACCESS_FAULT, t.cause(), t.describe());
            t = load(g, gva + Guest.RAM_BYTES - 4);                         // straddles the end of RAM
            assertEquals(Trap.LOAD_ACCESS_FAULT, t.cause(), t.describe());
            assertEquals(gva + Guest.RAM_BYTES, t.tval());
        }
    }

    @Test
    void misalignedSuperpageFaults() {
        try (Guest g = new Guest(true)) {
            long va = 0x4000_0000L;
            g.map(g.root, 4, va, Machine.RAM_BASE + (2 << 20) + 4096, URW, 1);   // PPN not 2 MiB aligned
            Trap t = load(g, va + 8);
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(va + 8, t.tval());
        }
    }

    @Test
    void gigapage() {
        try (Guest g = new Guest(true)) {
            long va = 0x80_0000_0000L;                    // 512 GiB: its own level-3 slot
            g.map(g.root, 4, va, Machine.RAM_BASE, URW, 2);
            long off = (4L << 20) + 0x238;                // inside the reserved low RAM
            g.ram.write64(Machine.RAM_BASE + off, 0x6161L);
            Trap t = load(g, va + off);
            Guest.expectEcall(t);
            assertEquals(0x6161L, g.x(A1));
            long misaligned = 0x100_0000_0000L;
            g.map(g.root, 4, misaligned, Machine.RAM_BASE + (2 << 20), URW, 2);
            assertEquals(Trap.LOAD_PAGE_FAULT, load(g, misaligned).cause());
        }
    }

    @BothModes
    void sv39Works(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long root39 = g.newRoot();
            long code = 0x20_0000L, data = 0x3F_FFFF_0000L;      // data near the top of the lower half
            long codePa = g.frame(), dataPa = g.frame();
            g.map(root39, 3, code, codePa, URX, 0);
            g.map(root39, 3, data, dataPa, URW, 0);
            long high = 0xFFFF_FFC0_0000_0000L + 0x7000;          // lowest canonical upper-half address
            long highPa = g.frame();
            g.map(root39, 3, high, highPa, URW, 0);
            g.ram.write64(dataPa + 8, 0x39L);
            Asm a = new Asm();
            a.li(T6, Guest.HOT).label("loop");
            a.i(ld(A1, A0, 8), addi(A1, A1, 1), sd(A1, A2, 0), addi(T6, T6, -1));
            a.bne(T6, ZERO, "loop");
            a.i(ecall());
            byte[] prog = a.assemble();
            g.ram.write(codePa, prog, 0, prog.length);
            g.hart.setSatp(Guest.satp(8, 5, root39));
            g.setX(A0, data);
            g.setX(A2, high);
            g.hart.setPc(code);
            Guest.expectEcall(g.run());
            assertEquals(0x3AL, g.x(A1));
            assertEquals(0x3AL, g.ram.read64(highPa));

            // Non-canonical in Sv39: bit 38 set without the bits above it.
            g.setX(A0, 0x40_0000_0000L - 8);
            g.hart.setPc(code);
            Trap t = g.run();
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(0x40_0000_0000L, t.tval());
            // A valid Sv48 address that Sv39 cannot express.
            g.setX(A0, 0x80_0000_0000L);
            g.hart.setPc(code);
            t = g.run();
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
        }
    }

    @Test
    void sv39SuperpageAtLevelOne() {
        try (Guest g = new Guest(true)) {
            long root39 = g.newRoot();
            long code = 0x20_0000L, codePa = g.frame();
            g.map(root39, 3, code, codePa, URX, 0);
            long va = 0x4000_0000L, pa = Machine.RAM_BASE + (4 << 20);
            g.map(root39, 3, va, pa, URW, 1);
            g.ram.write64(pa + 0x12_3450, 0x77L);
            byte[] prog = new Asm().i(ld(A1, A0, 0)).i(ecall()).assemble();
            g.ram.write(codePa, prog, 0, prog.length);
            g.hart.setSatp(Guest.satp(8, 6, root39));
            g.setX(A0, va + 0x12_3450);
            g.hart.setPc(code);
            Guest.expectEcall(g.run());
            assertEquals(0x77L, g.x(A1));
        }
    }

    @BothModes
    void instructionStraddlingTwoPagesExecutes(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.unmapped();
            long p0 = g.mapNew(va, URX), p1 = g.mapNew(va + 4096, URX);
            // 4090: addi a0,zero,1   4094: addi a0,a0,5 (straddles)   4098: ecall
            byte[] first = new Asm().i(addi(A0, ZERO, 1)).i(addi(A0, A0, 5)).i(ecall()).assemble();
            g.ram.write(p0 + 4090, first, 0, 6);
            g.ram.write(p1, first, 6, 6);
            g.hart.setPc(va + 4090);
            Trap t = g.run();
            Guest.expectEcall(t);
            assertEquals(va + 4098, t.pc());
            assertEquals(6L, g.x(A0));
        }
    }

    @BothModes
    void instructionStraddlingIntoANonExecutablePageFaults(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long va = g.unmapped();
            long p0 = g.mapNew(va, URX), p1 = g.mapNew(va + 4096, URW);
            byte[] first = new Asm().i(addi(A0, ZERO, 1)).i(addi(A0, A0, 5)).i(ecall()).assemble();
            g.ram.write(p0 + 4090, first, 0, 6);
            g.ram.write(p1, first, 6, 6);
            g.hart.setPc(va + 4090);
            Trap t = g.run();
            assertEquals(Trap.INSTRUCTION_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(va + 4094, t.pc(), "sepc is the start of the straddling instruction");
            assertEquals(va + 4096, t.tval(), "stval is the part of the instruction that faulted");
            assertEquals(1L, g.x(A0));
        }
    }

    @Test
    void probeTranslatesLikeALoad() {
        try (Guest g = new Guest(true)) {
            long va = g.unmapped();
            long pa = g.frame();
            g.map(va, pa, URW);
            assertEquals(pa + 0x10, g.hart.probe(va + 0x10));
            assertTrue((g.pteOf(va) & A) != 0);
            assertEquals(-1L, g.hart.probe(g.unmapped()));
            long xo = g.unmapped();
            g.map(xo, g.frame(), V | X | U);
            assertEquals(-1L, g.hart.probe(xo), "execute-only pages are not readable");
        }
    }

    @Test
    void bareModeUsesPhysicalAddresses() {
        try (Guest g = new Guest(true)) {
            long pa = g.frame();
            byte[] prog = new Asm().i(ld(A1, A0, 0)).i(ecall()).assemble();
            g.ram.write(pa, prog, 0, prog.length);
            long data = g.frame();
            g.ram.write64(data, 0xBA5EL);
            g.hart.setSatp(0);
            g.setX(A0, data);
            g.hart.setPc(pa);
            Guest.expectEcall(g.run());
            assertEquals(0xBA5EL, g.x(A1));
        }
    }
}
