package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.cpu.JitProbe;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Block translation against the interpreter: precise traps in the middle of translated blocks,
 * resuming after them, long and page-crossing blocks, a differential test on random programs,
 * and code shared between virtual addresses.
 */
class TranslationTest {

    private static long sumOfValues(int from, int to) {
        long s = 0;
        for (int k = from; k < to; k++) s += 3L * k + 1;
        return s;
    }

    /**
     * A hot loop walks an array through a mapped page into an unmapped one. The load that faults
     * is in the middle of a translated block: registers written by the block's earlier
     * instructions must be visible, pc must be the load. The kernel then maps the page ("demand
     * paging") and the loop resumes and completes.
     */
    @BothModes
    void loadFaultInTheMiddleOfAHotBlockIsPreciseAndResumable(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long arr = g.alloc(4096);
            long[] vals = new long[1024];
            for (int k = 0; k < vals.length; k++) vals[k] = 3L * k + 1;
            g.writeLongs(arr, java.util.Arrays.copyOf(vals, 512));
            g.setX(A0, arr);
            g.setX(S2, 0);
            g.setX(S3, 0);
            g.setX(S4, 0);
            int[] at = new int[1];
            Trap t = g.runLoop(1000, a -> {
                a.i(addi(S2, S2, 1), add(S3, S3, S2));
                at[0] = a.pos();
                a.i(ld(T0, A0, 0), add(S4, S4, T0), addi(A0, A0, 8));
            });
            long ldPc = g.lastProgramVa() + at[0];
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(arr + 4096, t.tval());
            assertEquals(ldPc, t.pc());
            assertEquals(ldPc, g.hart.pc());
            assertEquals(513L, g.x(S2), "written by an earlier instruction of the faulting block");
            assertEquals(513L * 514 / 2, g.x(S3));
            assertEquals(sumOfValues(0, 512), g.x(S4));
            assertEquals(arr + 4096, g.x(A0));
            assertEquals(1000L - 512, g.x(T6));
            if (jit) g.assertLoopTranslated();

            long pa = g.mapNew(arr + 4096, Guest.URW);
            g.ram.write(pa, toBytes(java.util.Arrays.copyOfRange(vals, 512, 1024)), 0, 4096);
            Trap end = g.run();
            Guest.expectEcall(end);
            assertEquals(1000L, g.x(S2));
            assertEquals(1000L * 1001 / 2, g.x(S3));
            assertEquals(sumOfValues(0, 1000), g.x(S4));
        }
    }

    /**
     * instret counts exactly the instructions retired, also when an instruction traps in the
     * middle of a translated region (the region's completed prefix did retire).
     */
    @BothModes
    void instretIsExactAcrossAFaultInATranslatedBlock(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long arr = g.alloc(4096);
            g.setX(A0, arr);
            Asm a = new Asm();
            a.i(rdinstret(S7));
            a.li(T6, 1000);
            a.label("loop");
            a.i(addi(S2, S2, 1), add(S3, S3, S2), ld(T0, A0, 0), add(S4, S4, T0), addi(A0, A0, 8), addi(T6, T6, -1));
            a.bne(T6, ZERO, "loop");
            a.i(rdinstret(S8), ecall());
            long va = g.load(a.assemble());
            g.hart.setPc(va);
            Trap t = g.run();
            assertEquals(Trap.LOAD_PAGE_FAULT, t.cause(), t.describe());
            g.mapNew(arr + 4096, Guest.URW);
            Guest.expectEcall(g.run());
            // rdinstret itself + li + 1000 iterations of 7; the faulting ld retires only when re-executed.
            assertEquals(2L + 1000 * 7, g.x(S8) - g.x(S7),
                    "instructions retired by a translated region before a trap in it must be counted");
        }
    }

    private static byte[] toBytes(long[] v) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long x : v) bb.putLong(x);
        return bb.array();
    }

    /**
     * Copy-on-write: a hot loop stores into a page that becomes read-only; the store faults in
     * the middle of a translated block, the kernel makes the page writable, the loop completes.
     */
    @BothModes
    void storeFaultInTheMiddleOfAHotBlockIsPreciseAndResumable(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long buf = g.alloc(8192);
            long secondPte = g.pteOf(buf + 4096);
            g.setPte(buf + 4096, secondPte & ~Guest.W);     // second page read-only
            g.setX(A0, buf);
            g.setX(S2, 0);
            g.setX(S5, 0);
            int[] at = new int[1];
            Trap t = g.runLoop(1000, a -> {
                a.i(addi(S2, S2, 1), slli(S6, S2, 4), xor(S5, S5, S6));
                at[0] = a.pos();
                a.i(sd(S2, A0, 0), addi(A0, A0, 8));
            });
            long sdPc = g.lastProgramVa() + at[0];
            assertEquals(Trap.STORE_PAGE_FAULT, t.cause(), t.describe());
            assertEquals(buf + 4096, t.tval());
            assertEquals(sdPc, t.pc());
            assertEquals(513L, g.x(S2));
            assertEquals(513L << 4, g.x(S6));
            long x = 0;
            for (long k = 1; k <= 513; k++) x ^= k << 4;
            assertEquals(x, g.x(S5));
            assertEquals(512L, g.read64(buf + 4088));
            assertEquals(0L, g.read64(buf + 4096));

            g.setPte(buf + 4096, secondPte);
            g.hart.flushTlb(buf + 4096, g.asid);
            Guest.expectEcall(g.run());
            assertEquals(1000L, g.x(S2));
            for (int k = 0; k < 1000; k++) assertEquals(k + 1L, g.read64(buf + 8L * k), "element " + k);
        }
    }

    /** An FP instruction with an invalid dynamic rounding mode traps precisely from inside a block. */
    @BothModes
    void illegalRoundingModeInAHotBlockIsPrecise(boolean jit) {
        try (Guest g = new Guest(jit)) {
            g.hart.setFcsr(0);
            g.hart.setF(1, Double.doubleToRawLongBits(1.0));
            g.hart.setF(2, Double.doubleToRawLongBits(0.5));
            g.setX(S2, 0);
            g.setX(S3, 150);
            g.setX(S4, 5);
            int[] at = new int[1];
            Trap t = g.runLoop(1000, a -> {
                a.i(addi(S2, S2, 1), addi(S5, S2, 100));
                at[0] = a.pos();
                a.i(faddD(1, 1, 2, DYN), addi(S6, S2, 0));
                a.bne(S2, S3, "ok");
                a.i(csrrw(ZERO, CSR_FRM, S4));           // frm = 5: invalid
                a.label("ok");
            });
            assertEquals(Trap.ILLEGAL_INSTRUCTION, t.cause(), t.describe());
            assertEquals(g.lastProgramVa() + at[0], t.pc());
            assertEquals(151L, g.x(S2));
            assertEquals(251L, g.x(S5));
            assertEquals(150L, g.x(S6));
            assertEquals(1.0 + 0.5 * 150, Double.longBitsToDouble(g.hart.f(1)));
        }
    }

    @BothModes
    void blocksLongerThanTheTranslationLimit(boolean jit) {
        try (Guest g = new Guest(jit)) {
            g.setX(A0, 0);
            g.setX(A1, 0);
            g.runHot(a -> {
                for (int k = 0; k < 150; k++) a.i(addi(A0, A0, k % 2 == 0 ? 1 : 2), xor(A1, A1, A0));
            });
            long a0 = 0, a1 = 0;
            for (int it = 0; it < Guest.HOT; it++)
                for (int k = 0; k < 150; k++) { a0 += k % 2 == 0 ? 1 : 2; a1 ^= a0; }
            assertEquals(a0, g.x(A0));
            assertEquals(a1, g.x(A1));
        }
    }

    @BothModes
    void straightLineCodeCrossingAPageBoundary(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.i(addi(A0, ZERO, 0), addi(S2, ZERO, 0), addi(S3, ZERO, 300));
            while (a.pos() < 4096 - 40) a.i(nop());
            a.label("loop");
            for (int k = 0; k < 20; k++) a.i(addi(A0, A0, k));      // crosses into the second page
            a.i(addi(S2, S2, 1));
            a.bne(S2, S3, "loop");
            a.i(ecall());
            long va = g.load(a.assemble());
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(300L * 190, g.x(A0));
            if (jit) assertTrue(JitProbe.blockAt(g.machine, g.pa(va + a.labelPos("loop"))));
        }
    }

    @BothModes
    void compressedAndStraddlingInstructionsInAHotLoop(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.i(addi(A0, ZERO, 0), addi(S2, ZERO, 0), addi(S3, ZERO, 300));
            while (a.pos() < 4096 - 10) a.c(cNop());
            a.label("loop");
            a.c(cAddi(A0, 1));                 // 4086
            a.c(cAddi(A0, 2));                 // 4088
            a.c(cAddi(A0, 3));                 // 4090
            a.c(cAddi(A0, 4));                 // 4092
            a.i(addi(A0, A0, 5));              // 4094: straddles the page boundary
            a.c(cAddi(S2, 1));
            a.bne(S2, S3, "loop");
            a.i(ecall());
            long va = g.load(a.assemble());
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(300L * 15, g.x(A0));
        }
    }

    // ------------------------------------------------------------------ differential: random programs

    private static final int[] DEST = {A0, A1, A2, A3, A4, A5, A6, A7, S2, S3, S4, S5, T0, T1, T2, T3, T4, S1};
    private static final int[] SRC = {ZERO, A0, A1, A2, A3, A4, A5, A6, A7, S2, S3, S4, S5, T0, T1, T2, T3, T4, S1, S0};

    /** A random loop body over the registers in DEST; S0 points at a data page, T6 is the counter. */
    private static void randomBody(Asm a, long seed) {
        Random r = new Random(seed);
        int skip = 0;
        for (int k = 0; k < 60; k++) {
            int rd = DEST[r.nextInt(DEST.length)], rs1 = SRC[r.nextInt(SRC.length)], rs2 = SRC[r.nextInt(SRC.length)];
            int imm = r.nextInt(4096) - 2048;
            int sh = r.nextInt(64), shw = r.nextInt(32);
            int off = (r.nextInt(4096 - 16) - 2048) & (r.nextBoolean() ? ~7 : ~0);   // S0 = page + 2048
            switch (r.nextInt(24)) {
                case 0 -> a.i(add(rd, rs1, rs2));
                case 1 -> a.i(sub(rd, rs1, rs2));
                case 2 -> a.i(r.nextBoolean() ? sll(rd, rs1, rs2) : srl(rd, rs1, rs2));
                case 3 -> a.i(r.nextBoolean() ? sra(rd, rs1, rs2) : slt(rd, rs1, rs2));
                case 4 -> a.i(r.nextBoolean() ? sltu(rd, rs1, rs2) : xor(rd, rs1, rs2));
                case 5 -> a.i(r.nextBoolean() ? or(rd, rs1, rs2) : and(rd, rs1, rs2));
                case 6 -> a.i(r.nextBoolean() ? addi(rd, rs1, imm) : xori(rd, rs1, imm));
                case 7 -> a.i(r.nextBoolean() ? slti(rd, rs1, imm) : sltiu(rd, rs1, imm));
                case 8 -> a.i(r.nextBoolean() ? ori(rd, rs1, imm) : andi(rd, rs1, imm));
                case 9 -> a.i(r.nextBoolean() ? slli(rd, rs1, sh) : srli(rd, rs1, sh));
                case 10 -> a.i(r.nextBoolean() ? srai(rd, rs1, sh) : addiw(rd, rs1, imm));
                case 11 -> a.i(r.nextBoolean() ? slliw(rd, rs1, shw) : srliw(rd, rs1, shw));
                case 12 -> a.i(r.nextBoolean() ? sraiw(rd, rs1, shw) : addw(rd, rs1, rs2));
                case 13 -> a.i(switch (r.nextInt(4)) {
                    case 0 -> subw(rd, rs1, rs2); case 1 -> sllw(rd, rs1, rs2);
                    case 2 -> srlw(rd, rs1, rs2); default -> sraw(rd, rs1, rs2);
                });
                case 14 -> a.i(switch (r.nextInt(4)) {
                    case 0 -> mul(rd, rs1, rs2); case 1 -> mulh(rd, rs1, rs2);
                    case 2 -> mulhsu(rd, rs1, rs2); default -> mulhu(rd, rs1, rs2);
                });
                case 15 -> a.i(switch (r.nextInt(4)) {
                    case 0 -> div(rd, rs1, rs2); case 1 -> divu(rd, rs1, rs2);
                    case 2 -> rem(rd, rs1, rs2); default -> remu(rd, rs1, rs2);
                });
                case 16 -> a.i(switch (r.nextInt(5)) {
                    case 0 -> mulw(rd, rs1, rs2); case 1 -> divw(rd, rs1, rs2); case 2 -> divuw(rd, rs1, rs2);
                    case 3 -> remw(rd, rs1, rs2); default -> remuw(rd, rs1, rs2);
                });
                case 17 -> a.i(switch (r.nextInt(7)) {
                    case 0 -> lb(rd, S0, off); case 1 -> lh(rd, S0, off); case 2 -> lw(rd, S0, off);
                    case 3 -> ld(rd, S0, off); case 4 -> lbu(rd, S0, off); case 5 -> lhu(rd, S0, off);
                    default -> lwu(rd, S0, off);
                });
                case 18 -> a.i(switch (r.nextInt(4)) {
                    case 0 -> sb(rs2, S0, off); case 1 -> sh(rs2, S0, off);
                    case 2 -> sw(rs2, S0, off); default -> sd(rs2, S0, off);
                });
                case 19 -> {     // forward branch over one instruction
                    int f3 = new int[] {0, 1, 4, 5, 6, 7}[r.nextInt(6)];
                    a.i(Rv.b(f3, rs1, rs2, 8));
                    a.i(addi(rd, rd, 1 + r.nextInt(100)));
                }
                case 20 -> a.i(r.nextBoolean() ? lui(rd, r.nextInt(1 << 20)) : auipc(rd, r.nextInt(1 << 20)));
                case 21 -> {
                    int cd = 8 + r.nextInt(8), cs = 8 + r.nextInt(8);
                    if (cd == S0) cd = A0;
                    switch (r.nextInt(6)) {
                        case 0 -> a.c(cAdd(rd, rs2 == 0 ? A0 : rs2));
                        case 1 -> a.c(cMv(rd, rs2 == 0 ? A1 : rs2));
                        case 2 -> a.c(cAddi(rd, r.nextInt(64) - 32));
                        case 3 -> a.c(cSlli(rd, 1 + r.nextInt(63)));
                        case 4 -> a.c(cSub(cd, cs));
                        default -> a.c(cAddw(cd, cs));
                    }
                }
                case 22 -> {     // forward jump over one instruction, with link
                    String l = "j" + (skip++);
                    a.jal(rd, l);
                    a.i(addi(rd, rd, 3));
                    a.label(l);
                }
                default -> a.i(r.nextBoolean() ? fence() : nop());
            }
        }
    }

    private static long[] runRandom(boolean jit, long seed) {
        try (Guest g = new Guest(jit)) {
            long data = g.alloc(4096);
            Random r = new Random(~seed);
            byte[] init = new byte[4096];
            r.nextBytes(init);
            g.write(data, init);
            for (int reg : DEST) g.setX(reg, r.nextLong() >> r.nextInt(64));
            g.setX(S0, data + 2048);
            Trap t = g.runLoop(Guest.HOT, a -> randomBody(a, seed));
            Guest.expectEcall(t);
            if (jit) g.assertLoopTranslated();
            long[] out = new long[32 + 512];
            for (int i = 0; i < 32; i++) out[i] = g.x(i);
            // (Both guests load the program at the same address, so link and auipc values compare directly.)
            long[] mem = g.readLongs(data, 512);
            System.arraycopy(mem, 0, out, 32, 512);
            return out;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void translatedAndInterpretedRandomProgramsAgree(long seed) {
        long[] interp = runRandom(false, seed);
        long[] jit = runRandom(true, seed);
        for (int i = 0; i < 32; i++) assertEquals(interp[i], jit[i], "x" + i + " differs (seed " + seed + ")");
        assertArrayEquals(interp, jit, "memory differs (seed " + seed + ")");
    }

    /** Random integer + FP loop bodies: FP registers, fcsr, and x registers written by FP ops. */
    private static void randomFpBody(Asm a, long seed) {
        Random r = new Random(seed);
        for (int k = 0; k < 50; k++) {
            int fd = r.nextInt(8), f1 = r.nextInt(8), f2 = r.nextInt(8), f3 = r.nextInt(8);
            int xd = DEST[r.nextInt(DEST.length)], xs = SRC[r.nextInt(SRC.length)];
            int rm = new int[] {RNE, RTZ, RDN, RUP, RMM, DYN}[r.nextInt(6)];
            int off = (r.nextInt(4096 - 16) - 2048) & ~(r.nextBoolean() ? 7 : 0);
            switch (r.nextInt(14)) {
                case 0 -> a.i(faddD(fd, f1, f2, rm));
                case 1 -> a.i(fmulD(fd, f1, f2, rm));
                case 2 -> a.i(fdivD(fd, f1, f2, rm));
                case 3 -> a.i(fmaddD(fd, f1, f2, f3, rm));
                case 4 -> a.i(faddS(fd, f1, f2, rm));
                case 5 -> a.i(feqD(xd, f1, f2));
                case 6 -> a.i(fcvtLD(xd, f1, rm));
                case 7 -> a.i(fcvtDL(fd, xs, rm));
                case 8 -> a.i(fmvXD(xd, f1));
                case 9 -> a.i(fmvDX(fd, xs));
                case 10 -> a.i(r.nextBoolean() ? fld(fd, S0, off) : fsd(f1, S0, off));
                case 11 -> a.i(r.nextBoolean() ? flw(fd, S0, off) : fsw(f1, S0, off));
                case 12 -> a.i(add(xd, xs, xd), addi(xd, xd, r.nextInt(100)));
                default -> a.i(fsgnjxD(fd, f1, f2), fclassD(xd, fd));
            }
        }
    }

    private static long[] runRandomFp(boolean jit, long seed) {
        try (Guest g = new Guest(jit)) {
            long data = g.alloc(4096);
            Random r = new Random(~seed);
            long[] init = new long[512];
            for (int k = 0; k < 512; k++) init[k] = Double.doubleToRawLongBits((r.nextDouble() - 0.5) * 1e6);
            g.writeLongs(data, init);
            for (int reg : DEST) g.setX(reg, r.nextLong() >> r.nextInt(64));
            for (int f = 0; f < 8; f++) g.hart.setF(f, Double.doubleToRawLongBits(r.nextGaussian() * 100));
            g.hart.setFcsr(0);
            g.setX(S0, data + 2048);
            Trap t = g.runLoop(Guest.HOT, a -> randomFpBody(a, seed));
            Guest.expectEcall(t);
            if (jit) g.assertLoopTranslated();
            long[] out = new long[32 + 32 + 1 + 512];
            for (int i = 0; i < 32; i++) out[i] = g.x(i);
            for (int i = 0; i < 32; i++) out[32 + i] = g.hart.f(i);
            out[64] = g.hart.fcsr();
            System.arraycopy(g.readLongs(data, 512), 0, out, 65, 512);
            return out;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {101, 102, 103, 104, 105, 106, 107, 108})
    void translatedAndInterpretedFloatingPointProgramsAgree(long seed) {
        long[] interp = runRandomFp(false, seed);
        long[] jit = runRandomFp(true, seed);
        for (int i = 0; i < 32; i++) assertEquals(interp[i], jit[i], "x" + i + " differs (seed " + seed + ")");
        for (int i = 0; i < 32; i++) assertEquals(interp[32 + i], jit[32 + i], "f" + i + " differs (seed " + seed + ")");
        assertEquals(interp[64], jit[64], "fcsr differs");
        assertArrayEquals(interp, jit, "memory differs (seed " + seed + ")");
    }

    /** A loop far longer than a region's time budget: it leaves and re-enters the region many times. */
    @BothModes
    void longLoopInsideOneRegion(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Asm a = new Asm();
            a.i(addi(A0, ZERO, 0), addi(A1, ZERO, 0), rdinstret(S7));
            a.li(S2, 100_000);
            a.label("loop");
            a.i(addi(A0, A0, 1), add(A1, A1, A0));
            a.bne(A0, S2, "loop");
            a.i(rdinstret(S8), ecall());
            long va = g.load(a.assemble());
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            assertEquals(100_000L, g.x(A0));
            assertEquals(100_000L * 100_001 / 2, g.x(A1));
            assertEquals(1L + 2 + 300_000, g.x(S8) - g.x(S7), "instret across region exits and re-entries");
        }
    }

    /** Random programs with nested loops, calls and returns (JAL/JALR) and data-dependent branches. */
    private static byte[] randomControlFlow(long seed) {
        Random r = new Random(seed);
        Asm a = new Asm();
        int[] regs = {A0, A1, A2, A3, A4, A5, S2, S3};
        a.i(addi(S4, ZERO, 0));
        a.li(S5, 40);                                     // outer loop count
        a.label("outer");
        a.li(S6, 5 + r.nextInt(20));                      // inner loop count
        a.label("inner");
        for (int k = 0; k < 12; k++) {
            int rd = regs[r.nextInt(regs.length)], rs1 = regs[r.nextInt(regs.length)], rs2 = regs[r.nextInt(regs.length)];
            switch (r.nextInt(7)) {
                case 0 -> a.i(add(rd, rs1, rs2));
                case 1 -> a.i(xor(rd, rs1, rs2), srli(rd, rd, 1 + r.nextInt(5)));
                case 2 -> a.i(mul(rd, rs1, rs2), addi(rd, rd, r.nextInt(200) - 100));
                case 3 -> {
                    String l = "f" + k;
                    a.i(Rv.b(new int[] {0, 1, 4, 5, 6, 7}[r.nextInt(6)], rs1, rs2, 12));
                    a.i(addi(rd, rd, 7), sltu(rd, rs1, rd));
                    a.label(l);
                }
                case 4 -> a.jal(RA, "fn" + (r.nextInt(2)));
                case 5 -> a.i(sd(rs1, S0, 8 * r.nextInt(32)), ld(rd, S0, 8 * r.nextInt(32)));
                default -> a.i(andi(rd, rs1, 0x7FF), or(rd, rd, rs2));
            }
        }
        a.i(addi(S4, S4, 1), addi(S6, S6, -1));
        a.bne(S6, ZERO, "inner");
        a.i(addi(S5, S5, -1));
        a.bne(S5, ZERO, "outer");
        a.i(ecall());
        a.label("fn0");
        a.i(addi(A0, A0, 3), xor(A1, A1, A0), jalr(ZERO, RA, 0));
        a.label("fn1");
        a.i(slli(A2, A2, 1), add(A2, A2, A1));
        a.bge(A2, ZERO, "fn1ret");
        a.i(sub(A2, ZERO, A2));
        a.label("fn1ret");
        a.i(jalr(ZERO, RA, 0));
        return a.assemble();
    }

    private static long[] runControlFlow(boolean jit, long seed) {
        try (Guest g = new Guest(jit)) {
            long data = g.alloc(4096);
            Random r = new Random(seed * 31);
            for (int reg : new int[] {A0, A1, A2, A3, A4, A5, S2, S3}) g.setX(reg, r.nextLong() >> r.nextInt(64));
            g.setX(S0, data);
            long va = g.load(randomControlFlow(seed));
            g.hart.setPc(va);
            Guest.expectEcall(g.run());
            long[] out = new long[32 + 32];
            for (int i = 0; i < 32; i++) out[i] = g.x(i) - (i == RA ? va : 0);
            System.arraycopy(g.readLongs(data, 32), 0, out, 32, 32);
            return out;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {201, 202, 203, 204, 205, 206, 207, 208})
    void translatedAndInterpretedControlFlowAgree(long seed) {
        long[] interp = runControlFlow(false, seed);
        long[] jit = runControlFlow(true, seed);
        for (int i = 0; i < 32; i++) assertEquals(interp[i], jit[i], "x" + i + " differs (seed " + seed + ")");
        assertArrayEquals(interp, jit, "memory differs (seed " + seed + ")");
    }

    // ------------------------------------------------------------------ one physical page, two virtual addresses

    private static final class Aliased {
        final long va1, va2, frame;
        final Asm code = new Asm();

        Aliased(Guest g) {
            code.label("loop");
            code.i(auipc(T0, 0));
            code.i(addi(A0, A0, -1));
            code.bne(A0, ZERO, "loop");
            code.i(ecall());
            va1 = g.load(code.assemble());
            frame = g.pa(va1);
            va2 = g.unmapped() + 0x10_0000;
            g.map(va2, frame, Guest.URX);
        }
    }

    /**
     * Translated regions are cached per physical page (CodeCache.CodePage.blocks), so they must
     * be position independent: the same frame executed at another virtual address (a file or
     * shared library mapped at different addresses, a double-mapped JIT buffer) must compute
     * addresses of that mapping (AUIPC, links, branch targets, trap pcs). (Regression test: the
     * first execution's absolute pcs used to be baked into the region.)
     */
    @BothModes
    void samePhysicalCodeAtTwoVirtualAddresses(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Aliased al = new Aliased(g);
            g.setX(A0, Guest.HOT);
            g.hart.setPc(al.va1);
            Trap t = g.run();
            Guest.expectEcall(t);
            assertEquals(al.va1 + 12, t.pc());
            assertEquals(al.va1, g.x(T0));

            g.setX(A0, Guest.HOT);
            g.hart.setPc(al.va2);
            t = g.run();
            Guest.expectEcall(t);
            assertEquals(al.va2, g.x(T0), "auipc in a region translated at another virtual address");
            assertEquals(al.va2 + 12, t.pc(), "control flow returned to the other mapping");
        }
    }

    /** The same frame at different addresses in two address spaces (two processes). */
    @BothModes
    void samePhysicalCodeInTwoAddressSpacesAtDifferentAddresses(boolean jit) {
        try (Guest g = new Guest(jit)) {
            Aliased al = new Aliased(g);
            long root2 = g.newRoot();
            g.map(root2, 4, al.va2, al.frame, Guest.URX, 0);
            long satp2 = Guest.satp(9, 2, root2);
            g.setX(A0, Guest.HOT);
            g.hart.setPc(al.va1);
            Guest.expectEcall(g.run());

            g.hart.setSatp(satp2);                       // al.va1 is not mapped in this space
            g.setX(A0, Guest.HOT);
            g.hart.setPc(al.va2);
            Trap t = g.run();
            assertEquals(Trap.ECALL_FROM_U, t.cause(), t.describe());
            assertEquals(al.va2, g.x(T0));
            assertEquals(al.va2 + 12, t.pc());
        }
    }

    @BothModes
    void turningTranslationOffAfterBlocksExistUsesTheInterpreter(boolean jit) {
        try (Guest g = new Guest(jit)) {
            g.setX(A0, 0);
            g.runHot(a -> a.i(addi(A0, A0, 3)));
            assertEquals(3L * Guest.HOT, g.x(A0));
            g.hart.setTranslation(!jit);
            g.hart.setPc(g.lastProgramVa());
            Guest.expectEcall(g.run());
            assertEquals(6L * Guest.HOT, g.x(A0));
        }
    }
}
