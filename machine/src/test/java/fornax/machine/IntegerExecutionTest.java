package fornax.machine;

import static fornax.machine.Guest.HOT;
import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RV64I + M execution, each test with block translation on (hot loops, really translated) and off.
 * Expected values come from the ISA manual's definitions, computed with Java arithmetic and
 * BigInteger, never from the implementation.
 */
class IntegerExecutionTest {
    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    private static long run(Guest g, int insn, long a, long b) { return g.compute(insn, a, b); }

    private static String hex(long v) { return String.format("%#018x", v); }

    // ------------------------------------------------------------------ add / sub / shifts

    @BothModes
    void addAndSubWrapAround(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(Long.MIN_VALUE, run(g, add(A2, A0, A1), Long.MAX_VALUE, 1));
            assertEquals(0L, run(g, add(A2, A0, A1), -1, 1));
            assertEquals(-2L, run(g, add(A2, A0, A1), Long.MAX_VALUE, Long.MAX_VALUE));
            assertEquals(Long.MAX_VALUE, run(g, sub(A2, A0, A1), Long.MIN_VALUE, 1));
            assertEquals(Long.MIN_VALUE, run(g, sub(A2, A0, A1), 0, Long.MIN_VALUE));
            assertEquals(1L, run(g, sub(A2, A0, A1), 0, -1));
            assertEquals(Long.MIN_VALUE, run(g, addi(A2, A0, 1), Long.MAX_VALUE, 0));
            assertEquals(Long.MAX_VALUE, run(g, addi(A2, A0, -1), Long.MIN_VALUE, 0));
        }
    }

    @BothModes
    void registerShiftAmountsUseOnlyTheLowSixBits(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long v = 0x8123456789ABCDEFL;
            assertEquals(v, run(g, sll(A2, A0, A1), v, 64));
            assertEquals(v << 1, run(g, sll(A2, A0, A1), v, 65));
            assertEquals(v << 63, run(g, sll(A2, A0, A1), v, 127));
            assertEquals(v << 63, run(g, sll(A2, A0, A1), v, -1));
            assertEquals(v << 32, run(g, sll(A2, A0, A1), v, 32));
            assertEquals(v << 63, run(g, sll(A2, A0, A1), v, 63));
            assertEquals(v, run(g, srl(A2, A0, A1), v, 64));
            assertEquals(v >>> 1, run(g, srl(A2, A0, A1), v, 0x1_0000_0041L));
            assertEquals(1L, run(g, srl(A2, A0, A1), v, 63));
            assertEquals(v >>> 40, run(g, srl(A2, A0, A1), v, 40));
            assertEquals(v, run(g, sra(A2, A0, A1), v, 128));
            assertEquals(-1L, run(g, sra(A2, A0, A1), v, 63));
            assertEquals(v >> 33, run(g, sra(A2, A0, A1), v, 33));
        }
    }

    @BothModes
    void arithmeticRightShiftOfNegativeValues(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(-4L, run(g, sra(A2, A0, A1), -8, 1));
            assertEquals(-1L, run(g, sra(A2, A0, A1), -1, 40));
            assertEquals(-1L, run(g, sra(A2, A0, A1), Long.MIN_VALUE, 63));
            assertEquals(0xC000000000000000L, run(g, srai(A2, A0, 1), Long.MIN_VALUE, 0));
            assertEquals(-1L, run(g, srai(A2, A0, 63), -2, 0));
            assertEquals(1L, run(g, srli(A2, A0, 63), -1, 0));
            assertEquals(0x7FFFFFFFFFFFFFFFL, run(g, srli(A2, A0, 1), -1, 0));
            assertEquals(Long.MIN_VALUE, run(g, slli(A2, A0, 63), 1, 0));
            assertEquals(-3L, run(g, srai(A2, A0, 0), -3, 0));
        }
    }

    @BothModes
    void wordShiftAmountsUseOnlyTheLowFiveBits(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(0x12345678L, run(g, sllw(A2, A0, A1), 0xFFFF_FFFF_1234_5678L, 32));
            assertEquals(0x2468ACF0L, run(g, sllw(A2, A0, A1), 0x1234_5678L, 33));
            assertEquals(0xFFFFFFFF80000000L, run(g, sllw(A2, A0, A1), 1, 63));
            assertEquals(0xFFFFFFFF80000000L, run(g, srlw(A2, A0, A1), 0x8000_0000L, 32));
            assertEquals(0x40000000L, run(g, srlw(A2, A0, A1), 0x8000_0000L, 33));
            assertEquals(1L, run(g, srlw(A2, A0, A1), 0x8000_0000L, 31));
            assertEquals(0xFFFFFFFFF8000000L, run(g, sraw(A2, A0, A1), 0x8000_0000L, 4));
            assertEquals(0xFFFFFFFFF8000000L, run(g, sraw(A2, A0, A1), 0x8000_0000L, 36));
            assertEquals(1L, run(g, sraw(A2, A0, A1), 0x7FFF_FFFF_0000_0010L, 36));
            assertEquals(-1L, run(g, sraw(A2, A0, A1), 0x0000_0000_8000_0000L, 31));
        }
    }

    @BothModes
    void wordOpsSignExtendTheirResult(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(0xffffffff80000000L, run(g, addw(A2, A0, A1), 0x7fffffffL, 1));
            assertEquals(0xffffffff80000000L, run(g, addiw(A2, A0, 1), 0x7fffffffL, 0));
            assertEquals(2L, run(g, addw(A2, A0, A1), 0x1_0000_0001L, 0x7_0000_0001L));
            assertEquals(0x7fffffffL, run(g, subw(A2, A0, A1), 0x80000000L, 1));
            assertEquals(-1L, run(g, addiw(A2, A0, -1), 0xFFFF_FFFF_0000_0000L, 0));
            assertEquals(0x12345678L, run(g, addiw(A2, A0, 0), 0xABCD_0000_1234_5678L, 0));   // sext.w
            assertEquals(0xffffffff80000000L, run(g, slliw(A2, A0, 31), 1, 0));
            assertEquals(0L, run(g, slliw(A2, A0, 31), 2, 0));
            assertEquals(0x40000000L, run(g, srliw(A2, A0, 1), 0xFFFF_FFFF_8000_0000L, 0));
            assertEquals(0x0FFFFFFFL, run(g, srliw(A2, A0, 4), -1, 0));
            assertEquals(0xFFFFFFFF80000000L, run(g, srliw(A2, A0, 0), 0x0000_0000_8000_0000L, 0));
            assertEquals(1L, run(g, srliw(A2, A0, 31), 0xFFFF_FFFF_8000_0000L, 0));
            assertEquals(0xFFFFFFFFF8000000L, run(g, sraiw(A2, A0, 4), 0x8000_0000L, 0));
            assertEquals(0x07FFFFFFL, run(g, sraiw(A2, A0, 4), 0xFFFF_FFFF_7FFF_FFFFL, 0));
            assertEquals(0xFFFFFFFF80000000L, run(g, mulw(A2, A0, A1), 0x10000L, 0x8000L));
            assertEquals(1L, run(g, mulw(A2, A0, A1), 0xFFFF_FFFF_FFFF_FFFFL, 0x1234_5678_FFFF_FFFFL));
        }
    }

    // ------------------------------------------------------------------ comparisons

    @BothModes
    void setLessThanSignedAndUnsigned(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(1L, run(g, slt(A2, A0, A1), -1, 1));
            assertEquals(0L, run(g, sltu(A2, A0, A1), -1, 1));
            assertEquals(1L, run(g, sltu(A2, A0, A1), 1, -1));
            assertEquals(1L, run(g, slt(A2, A0, A1), Long.MIN_VALUE, Long.MAX_VALUE));
            assertEquals(0L, run(g, sltu(A2, A0, A1), Long.MIN_VALUE, Long.MAX_VALUE));
            assertEquals(0L, run(g, slt(A2, A0, A1), 5, 5));
            assertEquals(0L, run(g, sltu(A2, A0, A1), 5, 5));
            assertEquals(1L, run(g, sltu(A2, ZERO, A1), 0, 7));        // snez
            assertEquals(1L, run(g, slti(A2, A0, -4), -5, 0));
            assertEquals(0L, run(g, slti(A2, A0, -4), -4, 0));
            assertEquals(0L, run(g, slti(A2, A0, 0), Long.MAX_VALUE, 0));
            assertEquals(1L, run(g, slti(A2, A0, 0), Long.MIN_VALUE, 0));
            // SLTIU: the immediate is sign-extended, then compared unsigned.
            assertEquals(1L, run(g, sltiu(A2, A0, -1), 5, 0));
            assertEquals(0L, run(g, sltiu(A2, A0, -1), -1, 0));
            assertEquals(1L, run(g, sltiu(A2, A0, -1), -2, 0));
            assertEquals(1L, run(g, sltiu(A2, A0, 1), 0, 0));          // seqz
            assertEquals(0L, run(g, sltiu(A2, A0, 1), Long.MIN_VALUE, 0));
            assertEquals(0L, run(g, sltiu(A2, A0, 2047), 0x8000_0000_0000_0000L, 0));
        }
    }

    // ------------------------------------------------------------------ lui / auipc / jumps

    @BothModes
    void luiAndAuipcWithNegativeImmediates(boolean jit) {
        try (Guest g = new Guest(jit)) {
            int[] at = new int[3];
            g.runHot(a -> {
                a.i(lui(A2, 0x80000), lui(A3, 0xFFFFF), lui(A4, 0x7FFFF));
                at[0] = a.pos();
                a.i(auipc(A5, 0xFFFFF));
                at[1] = a.pos();
                a.i(auipc(A6, 0x80000));
                at[2] = a.pos();
                a.i(auipc(A7, 1));
            });
            long base = g.lastProgramVa();
            assertEquals(0xFFFFFFFF80000000L, g.x(A2));
            assertEquals(-4096L, g.x(A3));
            assertEquals(0x7FFFF000L, g.x(A4));
            assertEquals(base + at[0] - 4096, g.x(A5));
            assertEquals(base + at[1] - 0x80000000L, g.x(A6));
            assertEquals(base + at[2] + 4096, g.x(A7));
        }
    }

    @BothModes
    void jalAndJalrLinkValuesAndJalrClearsBitZero(boolean jit) {
        try (Guest g = new Guest(jit)) {
            int[] p = new int[8];
            g.setX(S3, 0);
            g.runHot(a -> {
                a.jal(S2, "l1");
                p[0] = a.pos();
                a.i(addi(S3, S3, 1));          // skipped
                a.label("l1");
                a.la(T0, "l2");
                a.i(addi(T0, T0, 1));          // set bit 0: JALR must clear it
                a.i(jalr(S4, T0, 0));
                p[1] = a.pos();
                a.i(addi(S3, S3, 2));          // skipped
                a.label("l2");
                a.la(T1, "l3");
                a.i(jalr(T1, T1, 0));          // rd == rs1: target uses the old value
                p[2] = a.pos();
                a.i(addi(S3, S3, 4));
                a.label("l3");
                a.la(T2, "l4");
                a.i(addi(T2, T2, 8));
                a.i(jalr(S5, T2, -8));         // negative offset
                p[3] = a.pos();
                a.i(addi(S3, S3, 8));
                a.label("l4");
                a.la(T3, "l5");
                p[4] = a.pos();
                a.c(cJalr(T3));                // c.jalr: link = pc + 2
                a.i(addi(S3, S3, 16));
                a.label("l5");
                a.jal(ZERO, "l6");             // j: no link
                a.i(addi(S3, S3, 32));
                a.label("l6");
            });
            long base = g.lastProgramVa();
            assertEquals(0L, g.x(S3), "an instruction that should have been jumped over ran");
            assertEquals(base + p[0], g.x(S2));
            assertEquals(base + p[1], g.x(S4));
            assertEquals(base + p[2], g.x(T1));
            assertEquals(base + p[3], g.x(S5));
            assertEquals(base + p[4] + 2, g.x(RA));
        }
    }

    @BothModes
    void jalrTargetIsComputedBeforeTheLinkIsWritten(boolean jit) {
        try (Guest g = new Guest(jit)) {
            int[] p = new int[1];
            g.setX(S3, 0);
            g.runHot(a -> {
                a.la(RA, "target");
                a.c(cJalr(RA));                // c.jalr ra: jump to old ra, then ra = pc + 2
                p[0] = a.pos();
                a.i(addi(S3, S3, 1));
                a.label("target");
            });
            assertEquals(0L, g.x(S3));
            assertEquals(g.lastProgramVa() + p[0], g.x(RA));
        }
    }

    // ------------------------------------------------------------------ branches

    private static final long[][] BRANCH_PAIRS = {
        {1, 1}, {-1, 1}, {1, -1}, {-1, -1}, {0, -1}, {-1, 0}, {Long.MIN_VALUE, Long.MAX_VALUE},
        {Long.MAX_VALUE, Long.MIN_VALUE}, {0x80000000L, 0x7FFFFFFFL}, {0xFFFFFFFFL, -1}, {0, 0},
    };

    private static boolean branchTaken(Guest g, int f3, long a, long b) {
        g.setX(A0, a);
        g.setX(A1, b);
        g.runHot(as -> {
            as.i(addi(A2, ZERO, 0));
            as.i(Rv.b(f3, A0, A1, 8));
            as.i(jal(ZERO, 8));
            as.i(addi(A2, ZERO, 1));
        });
        return g.x(A2) == 1;
    }

    @BothModes
    void allSixBranchesTakenAndNotTaken(boolean jit) {
        try (Guest g = new Guest(jit)) {
            for (long[] pr : BRANCH_PAIRS) {
                long a = pr[0], b = pr[1];
                String m = hex(a) + " vs " + hex(b);
                assertEquals(a == b, branchTaken(g, 0, a, b), "beq " + m);
                assertEquals(a != b, branchTaken(g, 1, a, b), "bne " + m);
                assertEquals(a < b, branchTaken(g, 4, a, b), "blt " + m);
                assertEquals(a >= b, branchTaken(g, 5, a, b), "bge " + m);
                assertEquals(Long.compareUnsigned(a, b) < 0, branchTaken(g, 6, a, b), "bltu " + m);
                assertEquals(Long.compareUnsigned(a, b) >= 0, branchTaken(g, 7, a, b), "bgeu " + m);
            }
        }
    }

    @BothModes
    void backwardBranchesAndCompressedBranches(boolean jit) {
        try (Guest g = new Guest(jit)) {
            // Count down a0 from 10 with a backward c.bnez, inside the hot loop.
            g.runHot(a -> {
                a.i(addi(A0, ZERO, 10), addi(A1, ZERO, 0));
                a.label("back");
                a.i(addi(A1, A1, 3));
                a.c(cAddi(A0, -1));
                a.cbnez(A0, "back");
                a.i(addi(A2, ZERO, 0));
                a.cbeqz(A0, "zero");           // taken
                a.i(addi(A2, A2, 100));
                a.label("zero");
                a.cbnez(A0, "never");          // not taken
                a.i(addi(A2, A2, 1));
                a.cj("end");
                a.label("never");
                a.i(addi(A2, A2, 1000));
                a.label("end");
            });
            assertEquals(0L, g.x(A0));
            assertEquals(30L, g.x(A1));
            assertEquals(1L, g.x(A2));
        }
    }

    // ------------------------------------------------------------------ x0

    @BothModes
    void writesToX0AreIgnored(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long data = g.alloc(4096);
            g.write64(data, 0x1234);
            g.setX(S0, data);
            g.setX(0, 99);
            assertEquals(0L, g.x(0));
            g.runHot(a -> {
                a.i(addi(ZERO, ZERO, 5), lui(ZERO, 0x12345), add(ZERO, S0, S0), ld(ZERO, S0, 0));
                a.i(auipc(ZERO, 1), slli(ZERO, S0, 3), mul(ZERO, S0, S0), div(ZERO, S0, S0));
                a.c(cLi(ZERO, 7));             // hint: no effect
                a.c(cMv(ZERO, S0));
                a.c(cAdd(ZERO, S0));
                a.jal(ZERO, "next");
                a.label("next");
                a.i(add(A2, ZERO, ZERO), addi(A3, ZERO, 7), or(A4, S0, ZERO), sltu(A5, ZERO, S0));
            });
            assertEquals(0L, g.x(0));
            assertEquals(0L, g.x(A2));
            assertEquals(7L, g.x(A3));
            assertEquals(data, g.x(A4));
            assertEquals(1L, g.x(A5));
        }
    }

    // ------------------------------------------------------------------ M extension

    @BothModes
    void highMultipliesOnMixedSigns(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long[] vals = {0, 1, -1, 2, -2, Long.MAX_VALUE, Long.MIN_VALUE, 0x7FFFFFFFL, 0xFFFFFFFFL, 0x123456789ABCDEFL};
            for (long a : vals) {
                for (long b : vals) {
                    String m = hex(a) + " * " + hex(b);
                    assertEquals(a * b, run(g, mul(A2, A0, A1), a, b), "mul " + m);
                    assertEquals(Math.multiplyHigh(a, b), run(g, mulh(A2, A0, A1), a, b), "mulh " + m);
                    assertEquals(Math.unsignedMultiplyHigh(a, b), run(g, mulhu(A2, A0, A1), a, b), "mulhu " + m);
                    assertEquals(mulhsuRef(a, b), run(g, mulhsu(A2, A0, A1), a, b), "mulhsu " + m);
                }
            }
        }
    }

    @BothModes
    void divisionByZero(boolean jit) {
        try (Guest g = new Guest(jit)) {
            for (long a : new long[] {0, 1, -1, 12345, Long.MIN_VALUE, Long.MAX_VALUE}) {
                assertEquals(-1L, run(g, div(A2, A0, A1), a, 0), "div " + a + "/0");
                assertEquals(-1L, run(g, divu(A2, A0, A1), a, 0), "divu " + a + "/0");
                assertEquals(a, run(g, rem(A2, A0, A1), a, 0), "rem " + a + "%0");
                assertEquals(a, run(g, remu(A2, A0, A1), a, 0), "remu " + a + "%0");
                assertEquals(-1L, run(g, divw(A2, A0, A1), a, 0x1_0000_0000L), "divw by a zero low word");
                assertEquals(-1L, run(g, divuw(A2, A0, A1), a, 0), "divuw " + a + "/0");
                assertEquals((long) (int) a, run(g, remw(A2, A0, A1), a, 0), "remw " + a + "%0");
                assertEquals((long) (int) a, run(g, remuw(A2, A0, A1), a, 0), "remuw " + a + "%0");
            }
        }
    }

    @BothModes
    void signedDivisionOverflow(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(Long.MIN_VALUE, run(g, div(A2, A0, A1), Long.MIN_VALUE, -1));
            assertEquals(0L, run(g, rem(A2, A0, A1), Long.MIN_VALUE, -1));
            assertEquals(0xFFFFFFFF80000000L, run(g, divw(A2, A0, A1), 0x8000_0000L, -1));
            assertEquals(0L, run(g, remw(A2, A0, A1), 0x8000_0000L, -1));
            assertEquals(0L, run(g, divu(A2, A0, A1), Long.MIN_VALUE, -1));
            assertEquals(Long.MIN_VALUE, run(g, remu(A2, A0, A1), Long.MIN_VALUE, -1));
        }
    }

    @BothModes
    void divisionRoundsTowardZeroAndRemainderTakesDividendSign(boolean jit) {
        try (Guest g = new Guest(jit)) {
            assertEquals(-2L, run(g, div(A2, A0, A1), -7, 3));
            assertEquals(-1L, run(g, rem(A2, A0, A1), -7, 3));
            assertEquals(-2L, run(g, div(A2, A0, A1), 7, -3));
            assertEquals(1L, run(g, rem(A2, A0, A1), 7, -3));
            assertEquals(0x5555555555555553L, run(g, divu(A2, A0, A1), -7, 3));
            assertEquals(0L, run(g, remu(A2, A0, A1), -7, 3));
        }
    }

    @BothModes
    void wordDivisionEdgeCases(boolean jit) {
        try (Guest g = new Guest(jit)) {
            // Upper halves of the operands are ignored; results are sign-extended 32-bit values.
            assertEquals(3L, run(g, divw(A2, A0, A1), 0x7_0000_0007L, 0x5_0000_0002L));
            assertEquals(-3L, run(g, divw(A2, A0, A1), 0xFFFF_FFF9L, 2));
            assertEquals(-1L, run(g, remw(A2, A0, A1), 0xFFFF_FFF9L, 2));
            assertEquals(0xFFFFFFFF80000000L, run(g, divuw(A2, A0, A1), 0x8000_0000L, 1));
            assertEquals(0x7FFFFFFCL, run(g, divuw(A2, A0, A1), 0xFFFF_FFF9L, 2));
            assertEquals(1L, run(g, remuw(A2, A0, A1), 0xFFFF_FFF9L, 2));
            assertEquals(0xFFFFFFFF80000000L, run(g, remuw(A2, A0, A1), 0x8000_0000L, 0x8000_0001L));
            assertEquals(0xFFFFFFFF80000000L, run(g, remw(A2, A0, A1), 0x8000_0000L, 0));
            assertEquals(-1L, run(g, divuw(A2, A0, A1), 5, 0xFFFF_FFFF_0000_0000L));
        }
    }

    // ------------------------------------------------------------------ sweeps against the reference

    static BigInteger unsigned(long v) { return v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v).add(TWO64); }

    static long mulhsuRef(long a, long b) {
        return BigInteger.valueOf(a).multiply(unsigned(b)).shiftRight(64).longValue();
    }

    private static long sext32(long v) { return (int) v; }

    private static long divwRef(long a, long b) {
        int x = (int) a, y = (int) b;
        if (y == 0) return -1;
        if (x == Integer.MIN_VALUE && y == -1) return x;
        return BigInteger.valueOf(x).divide(BigInteger.valueOf(y)).intValue();
    }

    private static long remwRef(long a, long b) {
        int x = (int) a, y = (int) b;
        if (y == 0) return x;
        if (x == Integer.MIN_VALUE && y == -1) return 0;
        return BigInteger.valueOf(x).remainder(BigInteger.valueOf(y)).intValue();
    }

    static Stream<Arguments> rTypeOps() {
        List<Arguments> l = new ArrayList<>();
        BigInteger m64 = TWO64.subtract(BigInteger.ONE);
        Object[][] ops = {
            {"add", add(A2, A0, A1), (LongBinaryOperator) (a, b) -> a + b},
            {"sub", sub(A2, A0, A1), (LongBinaryOperator) (a, b) -> a - b},
            {"sll", sll(A2, A0, A1), (LongBinaryOperator) (a, b) -> unsigned(a).shiftLeft((int) (b & 63)).and(m64).longValue()},
            {"srl", srl(A2, A0, A1), (LongBinaryOperator) (a, b) -> unsigned(a).shiftRight((int) (b & 63)).longValue()},
            {"sra", sra(A2, A0, A1), (LongBinaryOperator) (a, b) -> BigInteger.valueOf(a).shiftRight((int) (b & 63)).longValue()},
            {"slt", slt(A2, A0, A1), (LongBinaryOperator) (a, b) -> BigInteger.valueOf(a).compareTo(BigInteger.valueOf(b)) < 0 ? 1 : 0},
            {"sltu", sltu(A2, A0, A1), (LongBinaryOperator) (a, b) -> unsigned(a).compareTo(unsigned(b)) < 0 ? 1 : 0},
            {"xor", xor(A2, A0, A1), (LongBinaryOperator) (a, b) -> a ^ b},
            {"or", or(A2, A0, A1), (LongBinaryOperator) (a, b) -> a | b},
            {"and", and(A2, A0, A1), (LongBinaryOperator) (a, b) -> a & b},
            {"addw", addw(A2, A0, A1), (LongBinaryOperator) (a, b) -> sext32(a + b)},
            {"subw", subw(A2, A0, A1), (LongBinaryOperator) (a, b) -> sext32(a - b)},
            {"sllw", sllw(A2, A0, A1), (LongBinaryOperator) (a, b) -> sext32(unsigned(a & 0xFFFFFFFFL).shiftLeft((int) (b & 31)).longValue())},
            {"srlw", srlw(A2, A0, A1), (LongBinaryOperator) (a, b) -> sext32((a & 0xFFFFFFFFL) >> (b & 31))},
            {"sraw", sraw(A2, A0, A1), (LongBinaryOperator) (a, b) -> sext32(BigInteger.valueOf((int) a).shiftRight((int) (b & 31)).longValue())},
            {"mul", mul(A2, A0, A1), (LongBinaryOperator) (a, b) -> BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).longValue()},
            {"mulh", mulh(A2, A0, A1), (LongBinaryOperator) (a, b) -> BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).shiftRight(64).longValue()},
            {"mulhu", mulhu(A2, A0, A1), (LongBinaryOperator) (a, b) -> unsigned(a).multiply(unsigned(b)).shiftRight(64).longValue()},
            {"mulhsu", mulhsu(A2, A0, A1), (LongBinaryOperator) IntegerExecutionTest::mulhsuRef},
            {"div", div(A2, A0, A1), (LongBinaryOperator) (a, b) -> b == 0 ? -1 : BigInteger.valueOf(a).divide(BigInteger.valueOf(b)).longValue()},
            {"divu", divu(A2, A0, A1), (LongBinaryOperator) (a, b) -> b == 0 ? -1 : unsigned(a).divide(unsigned(b)).longValue()},
            {"rem", rem(A2, A0, A1), (LongBinaryOperator) (a, b) -> b == 0 ? a : BigInteger.valueOf(a).remainder(BigInteger.valueOf(b)).longValue()},
            {"remu", remu(A2, A0, A1), (LongBinaryOperator) (a, b) -> b == 0 ? a : unsigned(a).remainder(unsigned(b)).longValue()},
            {"mulw", mulw(A2, A0, A1), (LongBinaryOperator) (a, b) -> sext32((long) (int) a * (int) b)},
            {"divw", divw(A2, A0, A1), (LongBinaryOperator) IntegerExecutionTest::divwRef},
            {"divuw", divuw(A2, A0, A1), (LongBinaryOperator) (a, b) -> (int) b == 0 ? -1 : sext32((a & 0xFFFFFFFFL) / (b & 0xFFFFFFFFL))},
            {"remw", remw(A2, A0, A1), (LongBinaryOperator) IntegerExecutionTest::remwRef},
            {"remuw", remuw(A2, A0, A1), (LongBinaryOperator) (a, b) -> (int) b == 0 ? sext32(a) : sext32((a & 0xFFFFFFFFL) % (b & 0xFFFFFFFFL))},
        };
        for (Object[] o : ops) {
            for (boolean jit : new boolean[] {true, false}) l.add(Arguments.of(o[0], o[1], o[2], jit));
        }
        return l.stream();
    }

    static final long[] EDGE = {
        0, 1, -1, 2, -2, 3, -3, 7, 31, 32, 33, 63, 64, 65, 127, -128,
        0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0x100000000L, -0x80000000L, -0x80000001L,
        Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 0x123456789ABCDEF0L, 0xFEDCBA9876543210L,
    };

    @ParameterizedTest(name = "{0} jit={3}")
    @MethodSource("rTypeOps")
    void registerOpSweepMatchesReference(String name, int insn, LongBinaryOperator ref, boolean jit) {
        long[][] p = Guest.pairs(EDGE);
        Random rnd = new Random(name.hashCode());
        int extra = 100;
        long[] a = new long[p[0].length + extra], b = new long[p[0].length + extra];
        System.arraycopy(p[0], 0, a, 0, p[0].length);
        System.arraycopy(p[1], 0, b, 0, p[1].length);
        for (int k = p[0].length; k < a.length; k++) {
            a[k] = rnd.nextLong() >> rnd.nextInt(64);
            b[k] = rnd.nextLong() >> rnd.nextInt(64);
        }
        try (Guest g = new Guest(jit)) {
            long[] got = g.sweep(insn, a, b);
            for (int k = 0; k < a.length; k++) {
                long want = ref.applyAsLong(a[k], b[k]);
                if (want != got[k]) {
                    assertEquals(hex(want), hex(got[k]), name + "(" + hex(a[k]) + ", " + hex(b[k]) + ")");
                }
            }
        }
    }

    static Stream<Arguments> immediateOps() {
        List<Arguments> l = new ArrayList<>();
        for (boolean jit : new boolean[] {true, false}) {
            for (int imm : new int[] {-2048, -1, 0, 1, 5, 2047}) {
                l.add(Arguments.of("addi " + imm, addi(A2, A0, imm), (LongBinaryOperator) (a, b) -> a + imm, jit));
                l.add(Arguments.of("slti " + imm, slti(A2, A0, imm), (LongBinaryOperator) (a, b) -> a < imm ? 1 : 0, jit));
                l.add(Arguments.of("sltiu " + imm, sltiu(A2, A0, imm),
                        (LongBinaryOperator) (a, b) -> unsigned(a).compareTo(unsigned(imm)) < 0 ? 1 : 0, jit));
                l.add(Arguments.of("xori " + imm, xori(A2, A0, imm), (LongBinaryOperator) (a, b) -> a ^ imm, jit));
                l.add(Arguments.of("ori " + imm, ori(A2, A0, imm), (LongBinaryOperator) (a, b) -> a | imm, jit));
                l.add(Arguments.of("andi " + imm, andi(A2, A0, imm), (LongBinaryOperator) (a, b) -> a & imm, jit));
                l.add(Arguments.of("addiw " + imm, addiw(A2, A0, imm), (LongBinaryOperator) (a, b) -> sext32(a + imm), jit));
            }
            for (int sh : new int[] {0, 1, 31, 32, 63}) {
                l.add(Arguments.of("slli " + sh, slli(A2, A0, sh), (LongBinaryOperator) (a, b) -> a << sh, jit));
                l.add(Arguments.of("srli " + sh, srli(A2, A0, sh), (LongBinaryOperator) (a, b) -> a >>> sh, jit));
                l.add(Arguments.of("srai " + sh, srai(A2, A0, sh), (LongBinaryOperator) (a, b) -> a >> sh, jit));
                if (sh < 32) {
                    l.add(Arguments.of("slliw " + sh, slliw(A2, A0, sh), (LongBinaryOperator) (a, b) -> sext32(a << sh), jit));
                    l.add(Arguments.of("srliw " + sh, srliw(A2, A0, sh), (LongBinaryOperator) (a, b) -> sext32((a & 0xFFFFFFFFL) >>> sh), jit));
                    l.add(Arguments.of("sraiw " + sh, sraiw(A2, A0, sh), (LongBinaryOperator) (a, b) -> sext32((int) a >> sh), jit));
                }
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0} jit={3}")
    @MethodSource("immediateOps")
    void immediateOpSweepMatchesReference(String name, int insn, LongBinaryOperator ref, boolean jit) {
        try (Guest g = new Guest(jit)) {
            long[] b = new long[EDGE.length];
            long[] got = g.sweep(insn, EDGE, b);
            for (int k = 0; k < EDGE.length; k++) {
                assertEquals(hex(ref.applyAsLong(EDGE[k], 0)), hex(got[k]), name + "(" + hex(EDGE[k]) + ")");
            }
        }
    }

    // ------------------------------------------------------------------ compressed instructions

    @BothModes
    void compressedArithmeticExecutes(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long stack = g.alloc(4096) + 2048;
            g.setX(SP, stack);
            g.runHot(a -> {
                a.c(cLi(A0, -5));                // a0 = -5
                a.c(cAddi(A0, 3));               // a0 = -2
                a.c(cLui(A1, -1));               // a1 = 0xFFFFFFFFFFFFF000
                a.c(cMv(A2, A1));
                a.c(cSrli(A2, 4));               // a2 = 0x0FFFFFFFFFFFFF00
                a.c(cMv(A3, A1));
                a.c(cSrai(A3, 8));               // a3 = 0xFFFFFFFFFFFFFFF0
                a.c(cLi(A4, 0x1F));
                a.c(cAndi(A4, -6));              // a4 = 0x1F & ~5 = 0x1A
                a.c(cLi(A5, 12));
                a.c(cLi(S0, 5));
                a.c(cSub(A5, S0));               // a5 = 7
                a.c(cLi(S1, 12));
                a.c(cXor(S1, S0));               // s1 = 9
                a.c(cMv(T1, A5));
                a.c(cAdd(T1, A0));               // t1 = 7 + -2 = 5
                a.c(cAddi4spn(A5, 16));          // a5 = sp + 16
                a.c(cSlli(T1, 60));              // t1 = 5 << 60
                a.c(cAddiw(A0, 0));              // sext.w
            });
            assertEquals(-2L, g.x(A0));
            assertEquals(0xFFFFFFFFFFFFF000L, g.x(A1));
            assertEquals(0x0FFFFFFFFFFFFF00L, g.x(A2));
            assertEquals(0xFFFFFFFFFFFFFFF0L, g.x(A3));
            assertEquals(0x1AL, g.x(A4));
            assertEquals(stack + 16, g.x(A5));
            assertEquals(9L, g.x(S1));
            assertEquals(5L << 60, g.x(T1));
        }
    }

    @BothModes
    void compressedWordOpsAndLogic(boolean jit) {
        try (Guest g = new Guest(jit)) {
            g.setX(S0, 0x7FFFFFFFL);
            g.setX(S1, 1);
            g.setX(A4, 0xF0F0L);
            g.setX(A5, 0x0FF0L);
            g.runHot(a -> {
                a.c(cMv(A0, S0));
                a.c(cAddw(A0, S1));              // 0x7fffffff + 1 → sign-extended
                a.c(cLi(A1, 0));
                a.c(cSubw(A1, S1));              // 0 - 1 = -1
                a.c(cMv(A2, A4));
                a.c(cOr(A2, A5));
                a.c(cMv(A3, A4));
                a.c(cAnd(A3, A5));
            });
            assertEquals(0xFFFFFFFF80000000L, g.x(A0));
            assertEquals(-1L, g.x(A1));
            assertEquals(0xFFF0L, g.x(A2));
            assertEquals(0x00F0L, g.x(A3));
        }
    }

    @BothModes
    void compressedStackPointerAdjustAndJumps(boolean jit) {
        try (Guest g = new Guest(jit)) {
            long stack = g.alloc(4096) + 2048;
            g.setX(SP, stack);
            int[] p = new int[1];
            g.setX(S2, 0);
            g.runHot(a -> {
                a.c(cAddi16sp(-512));
                a.c(cMv(A0, SP));
                a.c(cAddi16sp(496));
                a.c(cAddi16sp(16));
                a.c(cMv(A1, SP));
                a.la(T0, "f");
                a.c(cJalr(T0));                  // call f
                p[0] = a.pos();
                a.cj("over");
                a.label("f");
                a.c(cMv(A2, RA));
                a.c(cJr(RA));                    // return
                a.i(addi(S2, S2, 1));            // never
                a.label("over");
            });
            assertEquals(stack - 512, g.x(A0));
            assertEquals(stack, g.x(A1));
            assertEquals(stack, g.x(SP));
            assertEquals(g.lastProgramVa() + p[0], g.x(A2));
            assertEquals(0L, g.x(S2));
        }
    }

    @BothModes
    void liMaterializesArbitraryConstants(boolean jit) {
        // Self-check of the test assembler's li sequences (they run in every other test).
        try (Guest g = new Guest(jit)) {
            Random rnd = new Random(42);
            long[] vals = new long[40];
            for (int k = 0; k < vals.length; k++) vals[k] = k < EDGE.length ? EDGE[k] : rnd.nextLong() >> rnd.nextInt(64);
            long out = g.alloc(8 * vals.length);
            g.setX(S0, out);
            g.runHot(a -> {
                for (int k = 0; k < vals.length; k++) a.li(A0, vals[k]).i(sd(A0, S0, 8 * k));
            });
            long[] got = g.readLongs(out, vals.length);
            for (int k = 0; k < vals.length; k++) assertEquals(hex(vals[k]), hex(got[k]));
        }
    }

    /** Sanity: HOT loops run far more often than the translation threshold. */
    @BothModes
    void hotLoopsReallyLoop(boolean jit) {
        try (Guest g = new Guest(jit)) {
            g.setX(A0, 0);
            g.runHot(a -> a.i(addi(A0, A0, 1)));
            assertEquals(HOT, g.x(A0));
        }
    }
}
