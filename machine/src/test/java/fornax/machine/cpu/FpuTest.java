package fornax.machine.cpu;

import static fornax.machine.cpu.Fpu.DZ;
import static fornax.machine.cpu.Fpu.NV;
import static fornax.machine.cpu.Fpu.NX;
import static fornax.machine.cpu.Fpu.OF;
import static fornax.machine.cpu.Fpu.RDN;
import static fornax.machine.cpu.Fpu.RMM;
import static fornax.machine.cpu.Fpu.RNE;
import static fornax.machine.cpu.Fpu.RTZ;
import static fornax.machine.cpu.Fpu.RUP;
import static fornax.machine.cpu.Fpu.UF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link Fpu}: hand-checked cases for every rule that is easy to get wrong, plus a
 * randomized cross-check of the arithmetic against {@link Ref}, a slow exact model built on
 * BigDecimal that shares no code with the implementation.
 */
class FpuTest {

    private static final int[] MODES = {RNE, RTZ, RDN, RUP, RMM};
    private static final String[] MODE_NAMES = {"RNE", "RTZ", "RDN", "RUP", "RMM"};

    /** Random cases per operation and rounding mode; raise with -Dfpu.iterations=N. */
    private static final int ITERATIONS = Integer.getInteger("fpu.iterations", 2000);
    /** Mixed into every random seed; vary with -Dfpu.seed=N for fresh cases. */
    private static final long SEED = Long.getLong("fpu.seed", 0);

    private final Fpu fpu = new Fpu();

    // ---------------------------------------------------------------- encodings

    private static long bs(float f) {
        return bsb(Float.floatToRawIntBits(f));
    }

    private static long bsb(int bits) {
        return 0xffff_ffff_0000_0000L | (bits & 0xffff_ffffL);
    }

    private static long bd(double d) {
        return Double.doubleToRawLongBits(d);
    }

    private static final long CANON_S = bsb(0x7fc0_0000);
    private static final long CANON_D = 0x7ff8_0000_0000_0000L;
    private static final long SNAN_S = bsb(0x7f80_0001);
    private static final long QNAN_S_PAYLOAD = bsb(0xffc1_2345);
    private static final long SNAN_D = 0x7ff0_0000_0000_0001L;
    private static final long QNAN_D_PAYLOAD = 0xfff8_0000_0000_0123L;
    private static final long INF_S = bsb(0x7f80_0000), NINF_S = bsb(0xff80_0000);
    private static final long INF_D = 0x7ff0_0000_0000_0000L, NINF_D = 0xfff0_0000_0000_0000L;
    private static final long NZERO_D = 0x8000_0000_0000_0000L;
    private static final long NZERO_S = bsb(0x8000_0000);
    private static final long MAX_D = bd(Double.MAX_VALUE);
    private static final long MIN_NORMAL_D = bd(Double.MIN_NORMAL);

    // ---------------------------------------------------------------- assertion helpers

    private static String flagNames(int f) {
        StringBuilder sb = new StringBuilder("{");
        if ((f & NV) != 0) sb.append(" NV");
        if ((f & DZ) != 0) sb.append(" DZ");
        if ((f & OF) != 0) sb.append(" OF");
        if ((f & UF) != 0) sb.append(" UF");
        if ((f & NX) != 0) sb.append(" NX");
        return sb.append(" }").toString();
    }

    private static String show(long bits, int flags) {
        return String.format("%016x %s", bits, flagNames(flags));
    }

    /** Runs op on clean flags and checks both the result bits and the raised flags. */
    private void expect(long bits, int flags, LongSupplier op) {
        fpu.fflags = 0;
        long got = op.getAsLong();
        assertEquals(show(bits, flags), show(got, fpu.fflags));
    }

    /** Same check in all five modes, with per-mode expected results and common flags. */
    private void modes(int flags, IntToLongFunction op, long rne, long rtz, long rdn, long rup,
            long rmm) {
        long[] want = {rne, rtz, rdn, rup, rmm};
        for (int i = 0; i < 5; i++) {
            fpu.fflags = 0;
            long got = op.applyAsLong(MODES[i]);
            assertEquals(show(want[i], flags), show(got, fpu.fflags), MODE_NAMES[i]);
        }
    }

    // =============================================================================== rounding

    @Test
    void addTieAndAboveHalfInEveryModeSingle() {
        long one = bs(1f), ulp = bsb(0x3f80_0001);
        // 1 + 2^-24: exactly half an ulp above 1
        modes(NX, rm -> fpu.addS(one, bs(0x1p-24f), rm), one, one, one, ulp, ulp);
        // 1 + 1.5 * 2^-24: above the midpoint
        modes(NX, rm -> fpu.addS(one, bs(0x1.8p-24f), rm), ulp, one, one, ulp, ulp);
        long none = bs(-1f), nulp = bsb(0xbf80_0001);
        modes(NX, rm -> fpu.addS(none, bs(-0x1p-24f), rm), none, none, nulp, none, nulp);
        // exact sums raise nothing
        modes(0, rm -> fpu.addS(one, bs(0x1p-23f), rm), ulp, ulp, ulp, ulp, ulp);
    }

    @Test
    void addTieInEveryModeDouble() {
        long one = bd(1), up = bd(Math.nextUp(1.0));
        modes(NX, rm -> fpu.addD(one, bd(0x1p-53), rm), one, one, one, up, up);
        modes(NX, rm -> fpu.subD(one, bd(-0x1.8p-53), rm), up, one, one, up, up);
        // odd significand: ties go up under RNE
        long odd = bd(Math.nextUp(1.0)), odd2 = bd(Math.nextUp(Math.nextUp(1.0)));
        modes(NX, rm -> fpu.addD(odd, bd(0x1p-53), rm), odd2, odd, odd, odd2, odd2);
    }

    @Test
    void oneThirdInEveryMode() {
        modes(NX, rm -> fpu.divS(bs(1f), bs(3f), rm),
                bsb(0x3eaa_aaab), bsb(0x3eaa_aaaa), bsb(0x3eaa_aaaa), bsb(0x3eaa_aaab),
                bsb(0x3eaa_aaab));
        modes(NX, rm -> fpu.divS(bs(-1f), bs(3f), rm),
                bsb(0xbeaa_aaab), bsb(0xbeaa_aaaa), bsb(0xbeaa_aaab), bsb(0xbeaa_aaaa),
                bsb(0xbeaa_aaab));
        modes(NX, rm -> fpu.divD(bd(1), bd(3), rm),
                0x3fd5_5555_5555_5555L, 0x3fd5_5555_5555_5555L, 0x3fd5_5555_5555_5555L,
                0x3fd5_5555_5555_5556L, 0x3fd5_5555_5555_5555L);
        modes(NX, rm -> fpu.divD(bd(1), bd(-3), rm),
                0xbfd5_5555_5555_5555L, 0xbfd5_5555_5555_5555L, 0xbfd5_5555_5555_5556L,
                0xbfd5_5555_5555_5555L, 0xbfd5_5555_5555_5555L);
        modes(0, rm -> fpu.divD(bd(1), bd(4), rm), bd(0.25), bd(0.25), bd(0.25), bd(0.25),
                bd(0.25));
    }

    @Test
    void multiplyRoundingInEveryMode() {
        // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: a quarter ulp above the float 1 + 2^-22
        long a = bsb(0x3f80_0001), lo = bsb(0x3f80_0002), hi = bsb(0x3f80_0003);
        modes(NX, rm -> fpu.mulS(a, a, rm), lo, lo, lo, hi, lo);
        long na = bsb(0xbf80_0001), nlo = bsb(0xbf80_0002), nhi = bsb(0xbf80_0003);
        modes(NX, rm -> fpu.mulS(na, a, rm), nlo, nlo, nhi, nlo, nlo);
        // (1 + 2^-52)(1 + 2^-52) in double likewise
        long x = bd(Math.nextUp(1.0));
        long d2 = 0x3ff0_0000_0000_0002L, d3 = 0x3ff0_0000_0000_0003L;
        modes(NX, rm -> fpu.mulD(x, x, rm), d2, d2, d2, d3, d2);
        // a true tie: 3 * (1 + 2^-52) * 0.5 ... easier: (1 + 2^-52) * (1 + 2^-1) = 1.5 + 1.5*2^-52
        long t = bd(1.5 + 0x1p-52), t2 = bd(1.5 + 0x2p-52);
        modes(NX, rm -> fpu.mulD(x, bd(1.5), rm), t2, t, t, t2, t2);
    }

    @Test
    void sqrtRounding() {
        modes(NX, rm -> fpu.sqrtD(bd(2), rm), 0x3ff6_a09e_667f_3bcdL, 0x3ff6_a09e_667f_3bccL,
                0x3ff6_a09e_667f_3bccL, 0x3ff6_a09e_667f_3bcdL, 0x3ff6_a09e_667f_3bcdL);
        // the nearest float lies below sqrt(2), the nearest double above it
        modes(NX, rm -> fpu.sqrtS(bs(2f), rm), bsb(0x3fb5_04f3), bsb(0x3fb5_04f3),
                bsb(0x3fb5_04f3), bsb(0x3fb5_04f4), bsb(0x3fb5_04f3));
        modes(0, rm -> fpu.sqrtD(bd(0.25), rm), bd(0.5), bd(0.5), bd(0.5), bd(0.5), bd(0.5));
        // sqrt of the smallest subnormal is exactly 2^-537
        modes(0, rm -> fpu.sqrtD(1L, rm), bd(0x1p-537), bd(0x1p-537), bd(0x1p-537),
                bd(0x1p-537), bd(0x1p-537));
        long r = bs(0x1p-74f); // sqrt(2^-148)
        modes(0, rm -> fpu.sqrtS(bsb(2), rm), r, r, r, r, r);
    }

    // =============================================================================== overflow

    @Test
    void overflowResultDependsOnModeAndSign() {
        long maxS = bsb(0x7f7f_ffff), nmaxS = bsb(0xff7f_ffff);
        modes(OF | NX, rm -> fpu.mulD(MAX_D, bd(2), rm), INF_D, MAX_D, MAX_D, INF_D, INF_D);
        modes(OF | NX, rm -> fpu.mulD(MAX_D, bd(-2), rm), NINF_D, MAX_D | NZERO_D, NINF_D,
                MAX_D | NZERO_D, NINF_D);
        modes(OF | NX, rm -> fpu.addS(maxS, maxS, rm), INF_S, maxS, maxS, INF_S, INF_S);
        modes(OF | NX, rm -> fpu.addS(nmaxS, nmaxS, rm), NINF_S, nmaxS, NINF_S, nmaxS, NINF_S);
        modes(OF | NX, rm -> fpu.divD(MAX_D, bd(0.5), rm), INF_D, MAX_D, MAX_D, INF_D, INF_D);
        modes(OF | NX, rm -> fpu.fmaddD(MAX_D, bd(1.5), MAX_D, rm), INF_D, MAX_D, MAX_D, INF_D,
                INF_D);
    }

    @Test
    void justAboveMaxOverflowsOnlyWhereTheRoundedValueExceedsIt() {
        // MAX + quarter ulp: only RUP rounds beyond MAX
        long q = bd(0x1p970 / 2);
        expect(MAX_D, NX, () -> fpu.addD(MAX_D, q, RNE));
        expect(MAX_D, NX, () -> fpu.addD(MAX_D, q, RTZ));
        expect(MAX_D, NX, () -> fpu.addD(MAX_D, q, RMM));
        expect(INF_D, OF | NX, () -> fpu.addD(MAX_D, q, RUP));
        // MAX + half ulp (a tie): RNE and RMM round up to 2^1024 and overflow, RTZ does not
        long h = bd(0x1p970);
        expect(INF_D, OF | NX, () -> fpu.addD(MAX_D, h, RNE));
        expect(INF_D, OF | NX, () -> fpu.addD(MAX_D, h, RMM));
        expect(MAX_D, NX, () -> fpu.addD(MAX_D, h, RTZ));
        expect(MAX_D, NX, () -> fpu.addD(MAX_D, h, RDN));
        // single: a float sum is rounded through the same logic
        long maxS = bsb(0x7f7f_ffff);
        expect(maxS, NX, () -> fpu.addS(maxS, bs(0x1p103f), RTZ));
        expect(INF_S, OF | NX, () -> fpu.addS(maxS, bs(0x1p103f), RNE));
    }

    // ============================================================================= underflow

    @Test
    void exactSubnormalResultsRaiseNothing() {
        expect(0x0008_0000_0000_0000L, 0, () -> fpu.mulD(MIN_NORMAL_D, bd(0.5), RNE));
        expect(1L, 0, () -> fpu.divD(bd(Double.MIN_NORMAL), bd(0x1p52), RNE));
        expect(bsb(0x0040_0000), 0, () -> fpu.mulS(bs(Float.MIN_NORMAL), bs(0.5f), RUP));
        expect(bsb(1), 0, () -> fpu.subS(bsb(0x0080_0001), bs(Float.MIN_NORMAL), RNE));
        // subnormal sums are always exact
        expect(2L, 0, () -> fpu.addD(1L, 1L, RDN));
    }

    @Test
    void inexactTinyResultsRaiseUnderflow() {
        // 2^-1075: half of the smallest subnormal
        modes(UF | NX, rm -> fpu.mulD(1L, bd(0.5), rm), 0, 0, 0, 1L, 1L);
        modes(UF | NX, rm -> fpu.mulD(1L, bd(-0.5), rm), NZERO_D, NZERO_D, NZERO_D | 1,
                NZERO_D, NZERO_D | 1);
        // 1.5 * 2^-1074
        modes(UF | NX, rm -> fpu.mulD(3L, bd(0.5), rm), 2L, 1L, 1L, 2L, 2L);
        modes(UF | NX, rm -> fpu.divS(bsb(1), bs(3f), rm), bsb(0), bsb(0), bsb(0), bsb(1),
                bsb(0));
        // 2^-150 in single
        modes(UF | NX, rm -> fpu.mulS(bsb(1), bs(0.5f), rm), bsb(0), bsb(0), bsb(0), bsb(1),
                bsb(1));
    }

    @Test
    void tininessIsDetectedAfterRounding() {
        long minN = bs(Float.MIN_NORMAL), maxSub = bsb(0x007f_ffff);
        // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: representable with 24 bits, so tiny even
        // though the subnormal rounding reaches 2^-126.
        modes(UF | NX, rm -> fpu.mulS(bsb(0x3f7f_ffff), minN, rm), minN, maxSub, maxSub, minN,
                minN);
        // (1 - 2^-13) * 2^-126 (1 + 2^-13) = 2^-126 - 2^-152: with an unbounded exponent it
        // rounds to 2^-126 in RNE/RMM/RUP (not tiny: NX only) but stays below in RTZ/RDN.
        IntToLongFunction op = rm -> fpu.mulS(bsb(0x3f7f_f800), bsb(0x0080_0400), rm);
        expect(minN, NX, () -> op.applyAsLong(RNE));
        expect(minN, NX, () -> op.applyAsLong(RMM));
        expect(minN, NX, () -> op.applyAsLong(RUP));
        expect(maxSub, UF | NX, () -> op.applyAsLong(RTZ));
        expect(maxSub, UF | NX, () -> op.applyAsLong(RDN));
        // double: (1 - 2^-27) * 2^-1022 (1 + 2^-27) = 2^-1022 - 2^-1076, a tie at 53 bits
        long minD = MIN_NORMAL_D, maxSubD = 0x000f_ffff_ffff_ffffL;
        IntToLongFunction opd = rm -> fpu.mulD(bd(1 - 0x1p-27), bd(0x1p-1022 * (1 + 0x1p-27)), rm);
        expect(minD, NX, () -> opd.applyAsLong(RNE));
        expect(minD, NX, () -> opd.applyAsLong(RMM));
        expect(minD, NX, () -> opd.applyAsLong(RUP));
        expect(maxSubD, UF | NX, () -> opd.applyAsLong(RTZ));
        expect(maxSubD, UF | NX, () -> opd.applyAsLong(RDN));
        // (1 - 2^-53) * 2^-1022: exact at 53 bits, so tiny in every mode
        modes(UF | NX, rm -> fpu.mulD(bd(1 - 0x1p-53), minD, rm), minD, maxSubD, maxSubD, minD,
                minD);
    }

    // ============================================================== invalid and divide by zero

    @Test
    void divideByZeroAndInvalidOperations() {
        expect(INF_D, DZ, () -> fpu.divD(bd(1), 0, RNE));
        expect(NINF_D, DZ, () -> fpu.divD(bd(1), NZERO_D, RNE));
        expect(NINF_D, DZ, () -> fpu.divD(bd(-1e-310), 0, RTZ));
        expect(INF_S, DZ, () -> fpu.divS(bs(3f), bs(0f), RNE));
        expect(CANON_D, NV, () -> fpu.divD(0, 0, RNE));
        expect(CANON_S, NV, () -> fpu.divS(bs(-0f), bs(0f), RNE));
        expect(INF_D, 0, () -> fpu.divD(INF_D, 0, RNE)); // inf / 0 is an exact infinity
        expect(CANON_D, NV, () -> fpu.divD(INF_D, NINF_D, RNE));
        expect(NZERO_D, 0, () -> fpu.divD(bd(5), NINF_D, RNE));
        expect(CANON_D, NV, () -> fpu.addD(INF_D, NINF_D, RNE));
        expect(CANON_D, NV, () -> fpu.subD(INF_D, INF_D, RDN));
        expect(CANON_S, NV, () -> fpu.subS(INF_S, INF_S, RNE));
        expect(INF_D, 0, () -> fpu.addD(INF_D, MAX_D, RNE));
        expect(CANON_D, NV, () -> fpu.mulD(INF_D, NZERO_D, RNE));
        expect(CANON_S, NV, () -> fpu.mulS(bs(0f), NINF_S, RNE));
        expect(NINF_S, 0, () -> fpu.mulS(bs(-2f), INF_S, RNE));
    }

    @Test
    void squareRootSpecialCases() {
        expect(CANON_D, NV, () -> fpu.sqrtD(bd(-1), RNE));
        expect(CANON_S, NV, () -> fpu.sqrtS(bs(-1f), RNE));
        expect(CANON_D, NV, () -> fpu.sqrtD(NINF_D, RNE));
        expect(CANON_D, NV, () -> fpu.sqrtD(bd(-Double.MIN_VALUE), RNE));
        expect(NZERO_D, 0, () -> fpu.sqrtD(NZERO_D, RNE));
        expect(NZERO_S, 0, () -> fpu.sqrtS(NZERO_S, RDN));
        expect(0, 0, () -> fpu.sqrtD(0, RNE));
        expect(INF_D, 0, () -> fpu.sqrtD(INF_D, RNE));
        expect(INF_S, 0, () -> fpu.sqrtS(INF_S, RNE));
        expect(CANON_D, NV, () -> fpu.sqrtD(SNAN_D, RNE));
        expect(CANON_D, 0, () -> fpu.sqrtD(QNAN_D_PAYLOAD, RNE));
    }

    @Test
    void exactZeroSumSign() {
        modes(0, rm -> fpu.addD(bd(1), bd(-1), rm), 0, 0, NZERO_D, 0, 0);
        modes(0, rm -> fpu.subD(bd(1e-310), bd(1e-310), rm), 0, 0, NZERO_D, 0, 0);
        modes(0, rm -> fpu.addD(NZERO_D, NZERO_D, rm), NZERO_D, NZERO_D, NZERO_D, NZERO_D,
                NZERO_D);
        modes(0, rm -> fpu.addD(0, NZERO_D, rm), 0, 0, NZERO_D, 0, 0);
        modes(0, rm -> fpu.addD(0, 0, rm), 0, 0, 0, 0, 0);
        long z = bs(0f);
        modes(0, rm -> fpu.subS(bs(2.5f), bs(2.5f), rm), z, z, NZERO_S, z, z);
        modes(0, rm -> fpu.addS(NZERO_S, NZERO_S, rm), NZERO_S, NZERO_S, NZERO_S, NZERO_S,
                NZERO_S);
        modes(0, rm -> fpu.fmaddD(bd(1), bd(1), bd(-1), rm), 0, 0, NZERO_D, 0, 0);
        modes(0, rm -> fpu.fmaddD(0, bd(5), NZERO_D, rm), 0, 0, NZERO_D, 0, 0);
        modes(0, rm -> fpu.fmaddD(NZERO_D, bd(5), NZERO_D, rm), NZERO_D, NZERO_D, NZERO_D,
                NZERO_D, NZERO_D);
        modes(0, rm -> fpu.fmaddS(bs(3f), bs(2f), bs(-6f), rm), z, z, NZERO_S, z, z);
        // a tiny nonzero result that rounds to zero keeps the sign of the exact value
        expect(NZERO_D, UF | NX, () -> fpu.mulD(bd(-Double.MIN_VALUE), bd(0.25), RNE));
    }

    // ================================================================================== NaNs

    @Test
    void nanBoxingAndCanonicalNaNs() {
        long improper = 0x0000_0000_3f80_0000L; // 1.0f without the box
        expect(CANON_S, 0, () -> fpu.addS(improper, bs(1f), RNE));
        expect(CANON_S, 0, () -> fpu.mulS(bs(2f), 0x1234_5678_4000_0000L, RNE));
        expect(CANON_S, 0, () -> fpu.sqrtS(improper, RNE));
        expect(CANON_S, 0, () -> fpu.fmaddS(bs(1f), bs(1f), improper, RNE));
        expect(CANON_D, 0, () -> fpu.cvtDS(improper));
        expect(1L << 9, 0, () -> fpu.classS(improper));
        expect(bs(1f), 0, () -> fpu.minS(improper, bs(1f))); // canonical NaN loses
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWS(improper, RNE));
        expect(0, 0, () -> fpu.eqS(improper, improper));
        expect(bsb(0x7fc0_0000), 0, () -> fpu.sgnjS(improper, bs(1f)));
        expect(bsb(0xffc0_0000), 0, () -> fpu.sgnjnS(improper, bs(1f)));
        // results are always boxed
        fpu.fflags = 0;
        assertEquals(0xffff_ffff_4000_0000L, fpu.addS(bs(1f), bs(1f), RNE));
        // payloads never propagate; quiet NaN operands raise nothing, signaling ones NV
        expect(CANON_S, 0, () -> fpu.addS(QNAN_S_PAYLOAD, bs(1f), RNE));
        expect(CANON_S, NV, () -> fpu.addS(SNAN_S, bs(1f), RNE));
        expect(CANON_D, 0, () -> fpu.mulD(QNAN_D_PAYLOAD, bd(2), RNE));
        expect(CANON_D, NV, () -> fpu.divD(bd(2), SNAN_D, RNE));
        expect(CANON_D, NV, () -> fpu.fmaddD(bd(1), bd(1), SNAN_D, RNE));
        expect(CANON_D, NV, () -> fpu.sqrtD(SNAN_D | NZERO_D, RNE));
    }

    @Test
    void fmaInfinityTimesZeroIsInvalidEvenWithQuietNaNAddend() {
        expect(CANON_D, NV, () -> fpu.fmaddD(INF_D, 0, CANON_D, RNE));
        expect(CANON_D, NV, () -> fpu.fmaddD(NZERO_D, NINF_D, QNAN_D_PAYLOAD, RNE));
        expect(CANON_S, NV, () -> fpu.fmaddS(INF_S, bs(0f), CANON_S, RNE));
        expect(CANON_S, NV, () -> fpu.fnmaddS(bs(0f), INF_S, CANON_S, RNE));
        expect(CANON_D, 0, () -> fpu.fmaddD(INF_D, bd(1), CANON_D, RNE));
        expect(CANON_D, NV, () -> fpu.fmaddD(INF_D, bd(0), bd(1), RNE));
        expect(CANON_D, NV, () -> fpu.fmaddD(INF_D, bd(1), NINF_D, RNE));
        expect(CANON_D, NV, () -> fpu.fmsubD(INF_D, bd(1), INF_D, RNE));
        expect(INF_D, 0, () -> fpu.fmaddD(INF_D, bd(2), bd(5), RNE));
        expect(NINF_D, 0, () -> fpu.fmaddD(MAX_D, bd(2), NINF_D, RNE));
        expect(INF_S, 0, () -> fpu.fnmsubS(bs(-1f), INF_S, INF_S, RNE));
    }

    @Test
    void minMaxFollowMinimumNumberSemantics() {
        expect(NZERO_S, 0, () -> fpu.minS(bs(0f), NZERO_S));
        expect(NZERO_S, 0, () -> fpu.minS(NZERO_S, bs(0f)));
        expect(bs(0f), 0, () -> fpu.maxS(NZERO_S, bs(0f)));
        expect(NZERO_D, 0, () -> fpu.minD(0, NZERO_D));
        expect(0, 0, () -> fpu.maxD(NZERO_D, 0));
        expect(bs(1f), 0, () -> fpu.minS(CANON_S, bs(1f)));
        expect(bs(1f), 0, () -> fpu.maxS(bs(1f), QNAN_S_PAYLOAD));
        expect(bs(1f), NV, () -> fpu.minS(SNAN_S, bs(1f)));
        expect(CANON_S, 0, () -> fpu.maxS(QNAN_S_PAYLOAD, CANON_S));
        expect(CANON_S, NV, () -> fpu.maxS(QNAN_S_PAYLOAD, SNAN_S));
        expect(bd(-3), 0, () -> fpu.minD(bd(-3), bd(2)));
        expect(bd(2), 0, () -> fpu.maxD(bd(-3), bd(2)));
        expect(NINF_D, 0, () -> fpu.minD(NINF_D, MAX_D));
        expect(bd(7), NV, () -> fpu.maxD(bd(7), SNAN_D));
        expect(CANON_D, NV, () -> fpu.minD(SNAN_D, SNAN_D));
        expect(CANON_D, 0, () -> fpu.minD(QNAN_D_PAYLOAD, QNAN_D_PAYLOAD));
    }

    @Test
    void comparisons() {
        expect(1, 0, () -> fpu.eqD(0, NZERO_D));
        expect(0, 0, () -> fpu.ltD(NZERO_D, 0));
        expect(1, 0, () -> fpu.leD(NZERO_D, 0));
        expect(1, 0, () -> fpu.ltS(bs(-1f), bs(1f)));
        expect(0, 0, () -> fpu.eqS(CANON_S, bs(1f)));
        expect(0, NV, () -> fpu.eqS(SNAN_S, bs(1f)));
        expect(0, NV, () -> fpu.ltS(CANON_S, bs(1f)));
        expect(0, NV, () -> fpu.leD(bd(1), QNAN_D_PAYLOAD));
        expect(0, 0, () -> fpu.eqD(CANON_D, CANON_D));
        expect(0, NV, () -> fpu.eqD(bd(1), SNAN_D));
        expect(1, 0, () -> fpu.leS(INF_S, INF_S));
    }

    @Test
    void signInjection() {
        expect(bs(-1f), 0, () -> fpu.sgnjS(bs(1f), bs(-2f)));
        expect(bs(1f), 0, () -> fpu.sgnjnS(bs(1f), bs(-2f)));
        expect(bs(-1f), 0, () -> fpu.sgnjxS(bs(-1f), bs(2f)));
        expect(bs(1f), 0, () -> fpu.sgnjxS(bs(-1f), bs(-2f)));
        expect(bd(-1), 0, () -> fpu.sgnjD(bd(1), bd(-0.0)));
        expect(bd(-1), 0, () -> fpu.sgnjnD(bd(-1), bd(1)));
        expect(bd(1), 0, () -> fpu.sgnjxD(bd(-1), NINF_D));
        // pure bit operations: NaN payloads pass through untouched, no flags
        expect(SNAN_D | NZERO_D, 0, () -> fpu.sgnjnD(SNAN_D, 0));
        expect(SNAN_S, 0, () -> fpu.sgnjS(SNAN_S, bs(1f)));
    }

    @Test
    void classifyAllTenClasses() {
        long[] s = {NINF_S, bs(-1f), bsb(0x8000_0001), NZERO_S, bs(0f), bsb(1), bs(1f), INF_S,
            SNAN_S, CANON_S};
        long[] d = {NINF_D, bd(-1), 0x8000_0000_0000_0001L, NZERO_D, 0, 1L, bd(1), INF_D, SNAN_D,
            CANON_D};
        for (int i = 0; i < 10; i++) {
            final int k = i;
            expect(1L << k, 0, () -> fpu.classS(s[k]));
            expect(1L << k, 0, () -> fpu.classD(d[k]));
        }
        expect(1L << 8, 0, () -> fpu.classS(bsb(0xffbf_ffff))); // negative signaling NaN
        expect(1L << 9, 0, () -> fpu.classD(QNAN_D_PAYLOAD));
        expect(1L << 1, 0, () -> fpu.classD(MAX_D | NZERO_D));
        expect(1L << 5, 0, () -> fpu.classS(bsb(0x007f_ffff)));
    }

    // ============================================================================== conversions

    @Test
    void floatToWordSaturation() {
        long min32 = Integer.MIN_VALUE;
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWS(CANON_S, RNE));
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWS(INF_S, RNE));
        expect(min32, NV, () -> fpu.cvtWS(NINF_S, RNE));
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWS(bs(0x1p31f), RTZ));
        expect(min32, 0, () -> fpu.cvtWS(bs(-0x1p31f), RNE));
        expect(min32, NV, () -> fpu.cvtWS(bsb(0xcf00_0001), RNE));
        expect(2147483520L, 0, () -> fpu.cvtWS(bsb(0x4eff_ffff), RNE));
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWD(bd(2147483647.5), RNE));
        expect(0x7fff_ffffL, NX, () -> fpu.cvtWD(bd(2147483647.5), RTZ));
        expect(0x7fff_ffffL, NX, () -> fpu.cvtWD(bd(2147483647.5), RDN));
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWD(bd(2147483647.5), RMM));
        expect(min32, NX, () -> fpu.cvtWD(bd(-2147483648.5), RNE));
        expect(min32, NV, () -> fpu.cvtWD(bd(-2147483648.5), RDN));
        expect(min32, NV, () -> fpu.cvtWD(bd(-2147483648.5), RMM));
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWD(CANON_D, RNE));
        expect(0x7fff_ffffL, NV, () -> fpu.cvtWD(bd(1e300), RNE));
        expect(min32, NV, () -> fpu.cvtWD(bd(-1e300), RNE));
        expect(-5L, 0, () -> fpu.cvtWD(bd(-5), RNE));
    }

    @Test
    void floatToUnsignedWordSaturation() {
        expect(0, NX, () -> fpu.cvtWUS(bs(-0.5f), RTZ));
        expect(0, NX, () -> fpu.cvtWUS(bs(-0.5f), RNE)); // -0.5 ties to -0, in range
        expect(0, NV, () -> fpu.cvtWUS(bs(-0.5f), RDN)); // -1: out of range
        expect(0, NV, () -> fpu.cvtWUS(bs(-0.5f), RMM));
        expect(0, NV, () -> fpu.cvtWUS(bs(-1f), RTZ));
        expect(0, 0, () -> fpu.cvtWUS(NZERO_S, RNE));
        expect(0, NV, () -> fpu.cvtWUS(NINF_S, RNE));
        expect(-1L, NV, () -> fpu.cvtWUS(INF_S, RNE));
        expect(-1L, NV, () -> fpu.cvtWUS(CANON_S, RNE));
        expect(-1L, NV, () -> fpu.cvtWUS(bs(0x1p32f), RNE));
        expect(0xffff_ffff_ffff_ff00L, 0, () -> fpu.cvtWUS(bsb(0x4f7f_ffff), RNE));
        expect(0xffff_ffff_8000_0000L, 0, () -> fpu.cvtWUS(bs(0x1p31f), RNE));
        expect(-1L, 0, () -> fpu.cvtWUD(bd(4294967295.0), RNE));
        expect(-1L, NX, () -> fpu.cvtWUD(bd(4294967295.5), RTZ));
        expect(-1L, NV, () -> fpu.cvtWUD(bd(4294967295.5), RNE));
        expect(-1L, NV, () -> fpu.cvtWUD(bd(0x1p32), RTZ));
        expect(3L, NX, () -> fpu.cvtWUD(bd(2.5), RMM));
        expect(2L, NX, () -> fpu.cvtWUD(bd(2.5), RNE));
    }

    @Test
    void floatToLongSaturation() {
        expect(Long.MAX_VALUE, NV, () -> fpu.cvtLS(bs(0x1p63f), RNE));
        expect(Long.MIN_VALUE, 0, () -> fpu.cvtLS(bs(-0x1p63f), RNE));
        expect(Long.MAX_VALUE, NV, () -> fpu.cvtLS(QNAN_S_PAYLOAD, RNE));
        expect(Long.MIN_VALUE, NV, () -> fpu.cvtLS(NINF_S, RNE));
        expect(Long.MAX_VALUE, NV, () -> fpu.cvtLD(bd(0x1p63), RTZ));
        expect(Long.MIN_VALUE, 0, () -> fpu.cvtLD(bd(-0x1p63), RTZ));
        expect(Long.MIN_VALUE, NV, () -> fpu.cvtLD(bd(Math.nextDown(-0x1p63)), RTZ));
        expect(0x7fff_ffff_ffff_fc00L, 0, () -> fpu.cvtLD(bd(Math.nextDown(0x1p63)), RNE));
        expect(Long.MAX_VALUE, NV, () -> fpu.cvtLD(SNAN_D, RNE));
        expect(Long.MAX_VALUE, NV, () -> fpu.cvtLD(INF_D, RNE));
        expect(1L, NX, () -> fpu.cvtLD(bd(Double.MIN_VALUE), RUP));
        expect(0L, NX, () -> fpu.cvtLD(bd(Double.MIN_VALUE), RNE));
        expect(-1L, NX, () -> fpu.cvtLD(bd(-Double.MIN_VALUE), RDN));
        expect(-3L, NX, () -> fpu.cvtLD(bd(-2.5), RMM));
        expect(-3L, NX, () -> fpu.cvtLD(bd(-2.5), RDN));
        expect(-2L, NX, () -> fpu.cvtLD(bd(-2.5), RUP));
        expect(-2L, NX, () -> fpu.cvtLD(bd(-2.5), RTZ));
        expect(-2L, NX, () -> fpu.cvtLD(bd(-2.5), RNE));
        expect(-4L, NX, () -> fpu.cvtLD(bd(-3.5), RNE));
        expect(123456789012345L, 0, () -> fpu.cvtLD(bd(123456789012345.0), RNE));
    }

    @Test
    void floatToUnsignedLongSaturation() {
        expect(-1L, NV, () -> fpu.cvtLUS(bs(0x1p64f), RNE));
        expect(0xffff_ff00_0000_0000L, 0, () -> fpu.cvtLUS(bsb(0x5f7f_ffff), RNE));
        expect(0, NV, () -> fpu.cvtLUS(bs(-1f), RNE));
        expect(-1L, NV, () -> fpu.cvtLUS(CANON_S, RNE));
        expect(-1L, NV, () -> fpu.cvtLUD(bd(0x1p64), RNE));
        expect(0xffff_ffff_ffff_f800L, 0, () -> fpu.cvtLUD(bd(Math.nextDown(0x1p64)), RNE));
        expect(0x8000_0000_0000_0000L, 0, () -> fpu.cvtLUD(bd(0x1p63), RNE));
        expect(0, 0, () -> fpu.cvtLUD(NZERO_D, RNE));
        expect(0, NX, () -> fpu.cvtLUD(bd(-1e-300), RTZ));
        expect(0, NV, () -> fpu.cvtLUD(bd(-1e-300), RDN));
        expect(1, NX, () -> fpu.cvtLUD(bd(0.75), RNE));
        expect(0, NV, () -> fpu.cvtLUD(NINF_D, RNE));
    }

    @Test
    void integerToFloatRounding() {
        // 2^24 + 1 is a tie between 2^24 (even) and 2^24 + 2
        modes(NX, rm -> fpu.cvtSW(16777217L, rm), bsb(0x4b80_0000), bsb(0x4b80_0000),
                bsb(0x4b80_0000), bsb(0x4b80_0001), bsb(0x4b80_0001));
        modes(NX, rm -> fpu.cvtSW(-16777217L, rm), bsb(0xcb80_0000), bsb(0xcb80_0000),
                bsb(0xcb80_0001), bsb(0xcb80_0000), bsb(0xcb80_0001));
        // 2^24 + 3: tie between 2^24 + 2 (odd significand) and 2^24 + 4
        modes(NX, rm -> fpu.cvtSW(16777219L, rm), bsb(0x4b80_0002), bsb(0x4b80_0001),
                bsb(0x4b80_0001), bsb(0x4b80_0002), bsb(0x4b80_0002));
        modes(NX, rm -> fpu.cvtSW(Integer.MAX_VALUE, rm), bsb(0x4f00_0000), bsb(0x4eff_ffff),
                bsb(0x4eff_ffff), bsb(0x4f00_0000), bsb(0x4f00_0000));
        modes(0, rm -> fpu.cvtSW(0xffff_ffff_0000_0001L, rm), bs(1f), bs(1f), bs(1f), bs(1f),
                bs(1f)); // only the low 32 bits count
        modes(NX, rm -> fpu.cvtSWU(-1L, rm), bsb(0x4f80_0000), bsb(0x4f7f_ffff),
                bsb(0x4f7f_ffff), bsb(0x4f80_0000), bsb(0x4f80_0000));
        modes(0, rm -> fpu.cvtSL(Long.MIN_VALUE, rm), bsb(0xdf00_0000), bsb(0xdf00_0000),
                bsb(0xdf00_0000), bsb(0xdf00_0000), bsb(0xdf00_0000));
        modes(NX, rm -> fpu.cvtSL(Long.MAX_VALUE, rm), bsb(0x5f00_0000), bsb(0x5eff_ffff),
                bsb(0x5eff_ffff), bsb(0x5f00_0000), bsb(0x5f00_0000));
        modes(NX, rm -> fpu.cvtSLU(-1L, rm), bsb(0x5f80_0000), bsb(0x5f7f_ffff),
                bsb(0x5f7f_ffff), bsb(0x5f80_0000), bsb(0x5f80_0000));
        long p53 = 1L << 53;
        modes(NX, rm -> fpu.cvtDL(p53 + 1, rm), 0x4340_0000_0000_0000L, 0x4340_0000_0000_0000L,
                0x4340_0000_0000_0000L, 0x4340_0000_0000_0001L, 0x4340_0000_0000_0001L);
        modes(NX, rm -> fpu.cvtDL(-p53 - 1, rm), 0xc340_0000_0000_0000L, 0xc340_0000_0000_0000L,
                0xc340_0000_0000_0001L, 0xc340_0000_0000_0000L, 0xc340_0000_0000_0001L);
        modes(0, rm -> fpu.cvtDL(Long.MIN_VALUE, rm), 0xc3e0_0000_0000_0000L,
                0xc3e0_0000_0000_0000L, 0xc3e0_0000_0000_0000L, 0xc3e0_0000_0000_0000L,
                0xc3e0_0000_0000_0000L);
        modes(NX, rm -> fpu.cvtDL(Long.MAX_VALUE, rm), 0x43e0_0000_0000_0000L,
                0x43df_ffff_ffff_ffffL, 0x43df_ffff_ffff_ffffL, 0x43e0_0000_0000_0000L,
                0x43e0_0000_0000_0000L);
        modes(NX, rm -> fpu.cvtDLU(-1L, rm), 0x43f0_0000_0000_0000L, 0x43ef_ffff_ffff_ffffL,
                0x43ef_ffff_ffff_ffffL, 0x43f0_0000_0000_0000L, 0x43f0_0000_0000_0000L);
        expect(bd(-5), 0, () -> fpu.cvtDW(-5L, RNE));
        expect(bd(4294967295.0), 0, () -> fpu.cvtDWU(-1L, RNE));
        expect(bd(4294967295.0), 0, () -> fpu.cvtDWU(0xffff_ffffL, RNE));
        expect(0, 0, () -> fpu.cvtDL(0, RDN));
        expect(bs(0f), 0, () -> fpu.cvtSW(0, RDN));
    }

    @Test
    void doubleToSingle() {
        modes(NX, rm -> fpu.cvtSD(bd(1.0 / 3), rm), bsb(0x3eaa_aaab), bsb(0x3eaa_aaaa),
                bsb(0x3eaa_aaaa), bsb(0x3eaa_aaab), bsb(0x3eaa_aaab));
        long maxS = bsb(0x7f7f_ffff), nmaxS = bsb(0xff7f_ffff);
        modes(OF | NX, rm -> fpu.cvtSD(MAX_D, rm), INF_S, maxS, maxS, INF_S, INF_S);
        modes(OF | NX, rm -> fpu.cvtSD(MAX_D | NZERO_D, rm), NINF_S, nmaxS, NINF_S, nmaxS,
                NINF_S);
        modes(0, rm -> fpu.cvtSD(bd(Float.MAX_VALUE), rm), maxS, maxS, maxS, maxS, maxS);
        // MAX + half an ulp: RNE/RMM overflow, the others round to MAX without OF
        long half = 0x47ef_ffff_f000_0000L;
        expect(INF_S, OF | NX, () -> fpu.cvtSD(half, RNE));
        expect(INF_S, OF | NX, () -> fpu.cvtSD(half, RMM));
        expect(INF_S, OF | NX, () -> fpu.cvtSD(half, RUP));
        expect(maxS, NX, () -> fpu.cvtSD(half, RTZ));
        expect(maxS, NX, () -> fpu.cvtSD(half, RDN));
        modes(UF | NX, rm -> fpu.cvtSD(bd(1e-50), rm), bs(0f), bs(0f), bs(0f), bsb(1), bs(0f));
        modes(UF | NX, rm -> fpu.cvtSD(bd(-1e-50), rm), NZERO_S, NZERO_S, bsb(0x8000_0001),
                NZERO_S, NZERO_S);
        modes(UF | NX, rm -> fpu.cvtSD(bd(0x1p-150), rm), bs(0f), bs(0f), bs(0f), bsb(1),
                bsb(1));
        modes(UF | NX, rm -> fpu.cvtSD(1L, rm), bs(0f), bs(0f), bs(0f), bsb(1), bs(0f));
        modes(0, rm -> fpu.cvtSD(bd(0x1p-149), rm), bsb(1), bsb(1), bsb(1), bsb(1), bsb(1));
        expect(CANON_S, NV, () -> fpu.cvtSD(SNAN_D, RNE));
        expect(CANON_S, 0, () -> fpu.cvtSD(QNAN_D_PAYLOAD, RNE));
        expect(NINF_S, 0, () -> fpu.cvtSD(NINF_D, RNE));
        expect(NZERO_S, 0, () -> fpu.cvtSD(NZERO_D, RNE));
    }

    @Test
    void singleToDouble() {
        expect(bd(1.5), 0, () -> fpu.cvtDS(bs(1.5f)));
        expect(bd(0x1p-149), 0, () -> fpu.cvtDS(bsb(1)));
        expect(NINF_D, 0, () -> fpu.cvtDS(NINF_S));
        expect(NZERO_D, 0, () -> fpu.cvtDS(NZERO_S));
        expect(CANON_D, NV, () -> fpu.cvtDS(SNAN_S));
        expect(CANON_D, 0, () -> fpu.cvtDS(QNAN_S_PAYLOAD));
    }

    @Test
    void moves() {
        assertEquals(0xffff_ffff_8000_0000L, Fpu.fmvXW(0xffff_ffff_8000_0000L));
        assertEquals(0x3f80_0000L, Fpu.fmvXW(0x1234_5678_3f80_0000L));
        assertEquals(0xffff_ffff_9abc_def0L, Fpu.fmvWX(0x1234_5678_9abc_def0L));
        assertEquals(bs(1f), Fpu.fmvWX(0x3f80_0000L));
    }

    // =================================================================================== FMA

    @Test
    void fusedMultiplyAddRoundsOnce() {
        // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; separate rounding gives 0
        long a = bd(1 + 0x1p-52), b = bd(1 - 0x1p-52);
        expect(bd(-0x1p-104), 0, () -> fpu.fmsubD(a, b, bd(1), RNE));
        expect(bd(-0x1p-104), 0, () -> fpu.fmaddD(a, b, bd(-1), RNE));
        fpu.fflags = 0;
        assertEquals(0L, fpu.subD(fpu.mulD(a, b, RNE), bd(1), RNE)); // the unfused result
        long as = bs(1 + 0x1p-23f), bs2 = bs(1 - 0x1p-23f);
        expect(bs(-0x1p-46f), 0, () -> fpu.fmaddS(as, bs2, bs(-1f), RNE));
        // The double-rounding trap: 64 - 2^-40 + (2^30 + 2^7) lies just below a binary32
        // midpoint, but its nearest double is the midpoint itself.
        long x = bsb(0x4100_0001), y = bsb(0x40ff_fffe), c = bsb(0x4e80_0001);
        modes(NX, rm -> fpu.fmaddS(x, y, c, rm), c, c, c, bsb(0x4e80_0002), c);
        assertNotEquals(c, bs((float) ((double) Float.intBitsToFloat(0x4100_0001)
                * Float.intBitsToFloat(0x40ff_fffe) + Float.intBitsToFloat(0x4e80_0001))));
        // directed rounding of a tiny addend
        long one = bd(1);
        modes(NX, rm -> fpu.fmaddD(one, one, bd(0x1p-60), rm), one, one, one,
                bd(Math.nextUp(1.0)), one);
        modes(NX, rm -> fpu.fmaddD(one, one, bd(-0x1p-60), rm), one, bd(Math.nextDown(1.0)),
                bd(Math.nextDown(1.0)), one, one);
        // exact tie: 1 + 2^-53 via the product
        modes(NX, rm -> fpu.fmaddD(bd(0x1p-27), bd(0x1p-26), one, rm), one, one, one,
                bd(Math.nextUp(1.0)), bd(Math.nextUp(1.0)));
    }

    @Test
    void fusedVariantsNegateCorrectly() {
        long two = bd(2), three = bd(3), one = bd(1);
        expect(bd(7), 0, () -> fpu.fmaddD(two, three, one, RNE));
        expect(bd(5), 0, () -> fpu.fmsubD(two, three, one, RNE));
        expect(bd(-5), 0, () -> fpu.fnmsubD(two, three, one, RNE));
        expect(bd(-7), 0, () -> fpu.fnmaddD(two, three, one, RNE));
        expect(bs(7f), 0, () -> fpu.fmaddS(bs(2f), bs(3f), bs(1f), RNE));
        expect(bs(5f), 0, () -> fpu.fmsubS(bs(2f), bs(3f), bs(1f), RNE));
        expect(bs(-5f), 0, () -> fpu.fnmsubS(bs(2f), bs(3f), bs(1f), RNE));
        expect(bs(-7f), 0, () -> fpu.fnmaddS(bs(2f), bs(3f), bs(1f), RNE));
        // -(a*b) - c rounds the negated exact value once: RUP of -(1/3 ...) differs from
        // negating an RUP result.
        long third = bd(1.0 / 3);
        expect(fpu.fmaddD(third, bd(3), bd(-0x1p-60), RDN) ^ NZERO_D, NX,
                () -> fpu.fnmaddD(third, bd(3), bd(-0x1p-60), RUP));
    }

    @Test
    void slowPathsAtTheEdgesOfTheRange() {
        // product underflows, addend decides
        modes(NX, rm -> fpu.fmaddD(1L, 1L, bd(1), rm), bd(1), bd(1), bd(1),
                bd(Math.nextUp(1.0)), bd(1));
        modes(NX, rm -> fpu.fmaddD(1L, bd(-1e-300), bd(1), rm), bd(1), bd(Math.nextDown(1.0)),
                bd(Math.nextDown(1.0)), bd(1), bd(1));
        // a product beyond the double range (2^1024) cancelled by the addend: exact 2^971
        long r = bd(0x1p971);
        modes(0, rm -> fpu.fmaddD(bd(0x1p600), bd(0x1p424), bd(-Double.MAX_VALUE), rm),
                r, r, r, r, r);
        // normal results whose error term (about 2^-1104) lies below the subnormal range:
        // the host's error term would flush to zero and wrongly report "exact"
        long x = bd(1 + 0x1p-52), y = bd(0x1p-1000 * (1 + 0x1p-52));
        long m = bd(0x1p-1000 * (1 + 0x1p-51)), mUp = bd(0x1p-1000 * (1 + 0x1.8p-51));
        modes(NX, rm -> fpu.mulD(x, y, rm), m, m, m, mUp, m);
        long f = bd(0x1p-999 * (1 + 0x1p-52)), fUp = bd(0x1p-999 * (1 + 0x1p-51));
        modes(NX, rm -> fpu.fmaddD(x, y, bd(0x1p-1000), rm), f, f, f, fUp, f);
        // quotient in the subnormal range
        modes(UF | NX, rm -> fpu.divD(bd(Double.MIN_NORMAL), bd(3), rm),
                0x0005_5555_5555_5555L, 0x0005_5555_5555_5555L, 0x0005_5555_5555_5555L,
                0x0005_5555_5555_5556L, 0x0005_5555_5555_5555L);
    }

    // ==================================================================== randomized checks

    @Test
    void randomAddSingle() {
        crossCheck("addS", F32, 2, (a, b, c, rm) -> fpu.addS(a, b, rm),
                (r, a, b, c, rm) -> r.add(F32, a, b, false, rm));
    }

    @Test
    void randomSubSingle() {
        crossCheck("subS", F32, 2, (a, b, c, rm) -> fpu.subS(a, b, rm),
                (r, a, b, c, rm) -> r.add(F32, a, b, true, rm));
    }

    @Test
    void randomMulSingle() {
        crossCheck("mulS", F32, 2, (a, b, c, rm) -> fpu.mulS(a, b, rm),
                (r, a, b, c, rm) -> r.mul(F32, a, b, rm));
    }

    @Test
    void randomDivSingle() {
        crossCheck("divS", F32, 2, (a, b, c, rm) -> fpu.divS(a, b, rm),
                (r, a, b, c, rm) -> r.div(F32, a, b, rm));
    }

    @Test
    void randomSqrtSingle() {
        crossCheck("sqrtS", F32, 1, (a, b, c, rm) -> fpu.sqrtS(a, rm),
                (r, a, b, c, rm) -> r.sqrt(F32, a, rm));
    }

    @Test
    void randomFmaSingle() {
        crossCheck("fmaddS", F32, 3, (a, b, c, rm) -> fpu.fmaddS(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F32, a, b, c, false, false, rm));
        crossCheck("fmsubS", F32, 3, (a, b, c, rm) -> fpu.fmsubS(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F32, a, b, c, false, true, rm));
        crossCheck("fnmsubS", F32, 3, (a, b, c, rm) -> fpu.fnmsubS(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F32, a, b, c, true, false, rm));
        crossCheck("fnmaddS", F32, 3, (a, b, c, rm) -> fpu.fnmaddS(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F32, a, b, c, true, true, rm));
    }

    @Test
    void randomAddDouble() {
        crossCheck("addD", F64, 2, (a, b, c, rm) -> fpu.addD(a, b, rm),
                (r, a, b, c, rm) -> r.add(F64, a, b, false, rm));
    }

    @Test
    void randomSubDouble() {
        crossCheck("subD", F64, 2, (a, b, c, rm) -> fpu.subD(a, b, rm),
                (r, a, b, c, rm) -> r.add(F64, a, b, true, rm));
    }

    @Test
    void randomMulDouble() {
        crossCheck("mulD", F64, 2, (a, b, c, rm) -> fpu.mulD(a, b, rm),
                (r, a, b, c, rm) -> r.mul(F64, a, b, rm));
    }

    @Test
    void randomDivDouble() {
        crossCheck("divD", F64, 2, (a, b, c, rm) -> fpu.divD(a, b, rm),
                (r, a, b, c, rm) -> r.div(F64, a, b, rm));
    }

    @Test
    void randomSqrtDouble() {
        crossCheck("sqrtD", F64, 1, (a, b, c, rm) -> fpu.sqrtD(a, rm),
                (r, a, b, c, rm) -> r.sqrt(F64, a, rm));
    }

    @Test
    void randomFmaDouble() {
        crossCheck("fmaddD", F64, 3, (a, b, c, rm) -> fpu.fmaddD(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F64, a, b, c, false, false, rm));
        crossCheck("fmsubD", F64, 3, (a, b, c, rm) -> fpu.fmsubD(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F64, a, b, c, false, true, rm));
        crossCheck("fnmsubD", F64, 3, (a, b, c, rm) -> fpu.fnmsubD(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F64, a, b, c, true, false, rm));
        crossCheck("fnmaddD", F64, 3, (a, b, c, rm) -> fpu.fnmaddD(a, b, c, rm),
                (r, a, b, c, rm) -> r.fma(F64, a, b, c, true, true, rm));
    }

    @Test
    void randomDoubleToSingle() {
        crossCheck("cvtSD", F64, 1, (a, b, c, rm) -> fpu.cvtSD(a, rm),
                (r, a, b, c, rm) -> bsb((int) r.convert(F64, F32, a, rm)));
    }

    @Test
    void randomFloatToInteger() {
        String[] names = {"cvtWS", "cvtWUS", "cvtLS", "cvtLUS"};
        for (int kind = 0; kind < 4; kind++) {
            final int k = kind;
            crossCheck(names[k], F32, 1, (a, b, c, rm) -> switch (k) {
                case 0 -> fpu.cvtWS(a, rm);
                case 1 -> fpu.cvtWUS(a, rm);
                case 2 -> fpu.cvtLS(a, rm);
                default -> fpu.cvtLUS(a, rm);
            }, (r, a, b, c, rm) -> r.toInt(F32, a, k, rm), false);
        }
        names = new String[] {"cvtWD", "cvtWUD", "cvtLD", "cvtLUD"};
        for (int kind = 0; kind < 4; kind++) {
            final int k = kind;
            crossCheck(names[k], F64, 1, (a, b, c, rm) -> switch (k) {
                case 0 -> fpu.cvtWD(a, rm);
                case 1 -> fpu.cvtWUD(a, rm);
                case 2 -> fpu.cvtLD(a, rm);
                default -> fpu.cvtLUD(a, rm);
            }, (r, a, b, c, rm) -> r.toInt(F64, a, k, rm), false);
        }
    }

    @Test
    void randomIntegerToFloat() {
        Random rnd = new Random(42 ^ SEED);
        Ref ref = new Ref();
        for (int rm : MODES) {
            for (int i = 0; i < ITERATIONS; i++) {
                // random widths make every magnitude (and exact ties) likely
                long x = rnd.nextLong() >> rnd.nextInt(64);
                if (rnd.nextBoolean()) {
                    x &= -1L << rnd.nextInt(40);
                }
                BigInteger s32 = BigInteger.valueOf((int) x);
                BigInteger u32 = BigInteger.valueOf(x & 0xffff_ffffL);
                BigInteger s64 = BigInteger.valueOf(x);
                BigInteger u64 = new BigInteger(Long.toUnsignedString(x));
                final long fx = x;
                final int frm = rm;
                intCheck("cvtSW", x, rm, () -> fpu.cvtSW(fx, frm), ref, F32, s32);
                intCheck("cvtSWU", x, rm, () -> fpu.cvtSWU(fx, frm), ref, F32, u32);
                intCheck("cvtSL", x, rm, () -> fpu.cvtSL(fx, frm), ref, F32, s64);
                intCheck("cvtSLU", x, rm, () -> fpu.cvtSLU(fx, frm), ref, F32, u64);
                intCheck("cvtDW", x, rm, () -> fpu.cvtDW(fx, frm), ref, F64, s32);
                intCheck("cvtDWU", x, rm, () -> fpu.cvtDWU(fx, frm), ref, F64, u32);
                intCheck("cvtDL", x, rm, () -> fpu.cvtDL(fx, frm), ref, F64, s64);
                intCheck("cvtDLU", x, rm, () -> fpu.cvtDLU(fx, frm), ref, F64, u64);
            }
        }
    }

    private void intCheck(String name, long x, int rm, LongSupplier op, Ref ref, Fmt f,
            BigInteger v) {
        fpu.fflags = 0;
        long got = op.getAsLong();
        ref.flags = 0;
        long want = ref.fromInt(f, v, rm);
        if (f == F32) {
            want = bsb((int) want);
        }
        if (got != want || fpu.fflags != ref.flags) {
            fail(String.format("%s(%016x) %s: want %s, got %s", name, x, MODE_NAMES[rm],
                    show(want, ref.flags), show(got, fpu.fflags)));
        }
    }

    // ---------------------------------------------------------------- cross-check driver

    @FunctionalInterface
    private interface Impl {
        long apply(long a, long b, long c, int rm);
    }

    @FunctionalInterface
    private interface Model {
        long apply(Ref ref, long a, long b, long c, int rm);
    }

    private void crossCheck(String name, Fmt f, int arity, Impl impl, Model model) {
        crossCheck(name, f, arity, impl, model, true);
    }

    /**
     * Feeds ITERATIONS random operand tuples per rounding mode to impl and to the model and
     * compares results and flags. For single precision the model sees raw bits and returns raw
     * bits (boxed here for arithmetic results when boxResult is true); some operands are
     * deliberately left un-boxed, which the model must see as the canonical NaN.
     */
    private void crossCheck(String name, Fmt f, int arity, Impl impl, Model model,
            boolean boxResult) {
        Random rnd = new Random(name.hashCode() ^ SEED);
        Ref ref = new Ref();
        for (int rm : MODES) {
            for (int i = 0; i < ITERATIONS; i++) {
                long a = randomOperand(f, rnd);
                if (arity == 1 && name.startsWith("sqrt") && rnd.nextInt(4) != 0) {
                    a &= ~f.signBit(); // mostly positive radicands
                }
                long b = rnd.nextInt(3) == 0 ? related(f, a, rnd) : randomOperand(f, rnd);
                long c = rnd.nextBoolean() ? negatedProduct(f, a, b, rnd)
                        : rnd.nextInt(4) == 0 ? related(f, a, rnd) : randomOperand(f, rnd);
                long ra = a, rb = b, rc = c; // register contents
                if (f == F32) {
                    ra = boxOrNot(a, rnd);
                    rb = boxOrNot(b, rnd);
                    rc = boxOrNot(c, rnd);
                    // the model sees what the hardware sees
                    a = unboxed(ra);
                    b = unboxed(rb);
                    c = unboxed(rc);
                }
                fpu.fflags = 0;
                long got = impl.apply(ra, rb, rc, rm);
                int gotFlags = fpu.fflags;
                ref.flags = 0;
                long want = model.apply(ref, a, b, c, rm);
                if (f == F32 && boxResult) {
                    want = bsb((int) want);
                }
                if (got != want || gotFlags != ref.flags) {
                    fail(String.format("%s %s a=%x b=%x c=%x: want %s, got %s", name,
                            MODE_NAMES[rm], ra, rb, rc, show(want, ref.flags),
                            show(got, gotFlags)));
                }
            }
        }
    }

    private static long boxOrNot(long raw, Random rnd) {
        return rnd.nextInt(64) == 0 ? (rnd.nextLong() & 0x7fff_ffff_0000_0000L) | raw : bsb((int) raw);
    }

    private static long unboxed(long reg) {
        return (reg >>> 32) == 0xffff_ffffL ? reg & 0xffff_ffffL : 0x7fc0_0000L;
    }

    /** Random operand bits of format f, biased toward the interesting corners. */
    private static long randomOperand(Fmt f, Random rnd) {
        int maxE = f.maxExpField();
        long fracMask = (1L << (f.p() - 1)) - 1;
        long sign = rnd.nextBoolean() ? f.signBit() : 0;
        long frac = rnd.nextLong() & fracMask;
        if (rnd.nextInt(4) == 0) { // few significant bits: exact results and exact ties
            frac &= fracMask & (-1L << (f.p() - 1 - rnd.nextInt(12)));
        }
        int e;
        switch (rnd.nextInt(12)) {
            case 0 -> {
                long[] sp = f.specials();
                return sp[rnd.nextInt(sp.length)];
            }
            case 1 -> {
                return rnd.nextLong() & f.mask();
            }
            case 2 -> e = 0;                                       // subnormal
            case 3 -> e = 1 + rnd.nextInt(f.p() + 2);              // smallest normals
            case 4 -> e = maxE - 1 - rnd.nextInt(f.p() + 2);       // near overflow
            case 5 -> e = 1 + rnd.nextInt(maxE - 1);               // anywhere
            default -> e = f.emax() + rnd.nextInt(81) - 40;        // ordinary magnitudes
        }
        return sign | ((long) e << (f.p() - 1)) | frac;
    }

    /** An operand close to a (in magnitude, sign or exponent), to provoke cancellation. */
    private static long related(Fmt f, long a, Random rnd) {
        long r = switch (rnd.nextInt(4)) {
            case 0 -> a ^ f.signBit();
            case 1 -> (a ^ f.signBit()) + rnd.nextInt(9) - 4;
            case 2 -> a + ((long) (rnd.nextInt(2 * f.p() + 5) - f.p() - 2) << (f.p() - 1));
            default -> a + rnd.nextInt(9) - 4;
        };
        return r & f.mask();
    }

    /** An addend near -(a*b), for FMA cancellation. */
    private static long negatedProduct(Fmt f, long a, long b, Random rnd) {
        long p;
        if (f == F32) {
            p = Float.floatToRawIntBits(-(Float.intBitsToFloat((int) a)
                    * Float.intBitsToFloat((int) b))) & 0xffff_ffffL;
        } else {
            p = bd(-(Double.longBitsToDouble(a) * Double.longBitsToDouble(b)));
        }
        if (rnd.nextBoolean()) {
            p ^= f.signBit(); // also try +a*b
        }
        return (p + rnd.nextInt(7) - 3) & f.mask();
    }

    // =====================================================================================
    // Reference model
    // =====================================================================================

    /** A binary interchange format: precision p (with hidden bit), exponent range, width. */
    record Fmt(int p, int emin, int emax, int width) {
        long signBit() {
            return 1L << (width - 1);
        }

        long mask() {
            return width == 64 ? -1L : (1L << width) - 1;
        }

        int maxExpField() {
            return (1 << (width - p)) - 1;
        }

        int expField(long x) {
            return (int) ((x >>> (p - 1)) & maxExpField());
        }

        long frac(long x) {
            return x & ((1L << (p - 1)) - 1);
        }

        boolean neg(long x) {
            return (x & signBit()) != 0;
        }

        boolean isNaN(long x) {
            return expField(x) == maxExpField() && frac(x) != 0;
        }

        boolean isSNaN(long x) {
            return isNaN(x) && (frac(x) & (1L << (p - 2))) == 0;
        }

        boolean isInf(long x) {
            return expField(x) == maxExpField() && frac(x) == 0;
        }

        boolean isZero(long x) {
            return expField(x) == 0 && frac(x) == 0;
        }

        long canon() {
            return ((long) maxExpField() << (p - 1)) | (1L << (p - 2));
        }

        long inf(boolean neg) {
            return (neg ? signBit() : 0) | ((long) maxExpField() << (p - 1));
        }

        long zero(boolean neg) {
            return neg ? signBit() : 0;
        }

        /** Exact value of a finite operand, with sign. */
        BigDecimal value(long x) {
            int e = expField(x);
            long sig = e == 0 ? frac(x) : frac(x) | (1L << (p - 1));
            BigDecimal v = new BigDecimal(sig).multiply(Ref.pow2((e == 0 ? 1 : e) - emax - (p - 1)));
            return neg(x) ? v.negate() : v;
        }

        long[] specials() {
            long one = (long) emax << (p - 1);
            long minNormal = 1L << (p - 1);
            long[] base = {0, inf(false), canon(), canon() | 0x15, (long) maxExpField() << (p - 1) | 1,
                1, minNormal - 1, minNormal, inf(false) - 1, one, one + 1, one - 1,
                one + (1L << (p - 1)), one - (1L << (p - 1))};
            long[] all = new long[base.length * 2];
            for (int i = 0; i < base.length; i++) {
                all[2 * i] = base[i];
                all[2 * i + 1] = base[i] | signBit();
            }
            return all;
        }
    }

    static final Fmt F32 = new Fmt(24, -126, 127, 32);
    static final Fmt F64 = new Fmt(53, -1022, 1023, 64);

    /**
     * Slow, obviously-correct IEEE 754 model: exact values as BigDecimal, rounded to the
     * destination by scaling to an integer at the destination's last place.
     */
    static final class Ref {
        int flags;

        private static final Map<Integer, BigDecimal> POW2 = new HashMap<>();

        static synchronized BigDecimal pow2(int e) {
            return POW2.computeIfAbsent(e, k -> k >= 0
                    ? new BigDecimal(BigInteger.ONE.shiftLeft(k))
                    : new BigDecimal(BigInteger.valueOf(5).pow(-k), -k));
        }

        /** |exact value| scaled by 2^-q: integer part, exactness and comparison with 1/2. */
        record Scaled(BigInteger floor, boolean exact, int cmpHalf) { }

        /** A positive exact value that may not be representable as a BigDecimal. */
        interface Exact {
            /** Sign of |v| - 2^e. */
            int cmpPow2(int e);

            Scaled at(int q);

            int log2Estimate();
        }

        /** num / den. */
        record Ratio(BigDecimal num, BigDecimal den) implements Exact {
            public int cmpPow2(int e) {
                return num.compareTo(den.multiply(pow2(e)));
            }

            public Scaled at(int q) {
                BigDecimal d = den.multiply(pow2(q));
                BigDecimal[] qr = num.divideAndRemainder(d);
                BigDecimal r = qr[1];
                return new Scaled(qr[0].toBigInteger(), r.signum() == 0, r.add(r).compareTo(d));
            }

            public int log2Estimate() {
                return est(num) - est(den);
            }
        }

        /** sqrt(v). */
        record Root(BigDecimal v) implements Exact {
            public int cmpPow2(int e) {
                return v.compareTo(pow2(2 * e));
            }

            public Scaled at(int q) {
                BigDecimal w = v.multiply(pow2(-2 * q));
                BigInteger f = w.toBigInteger().sqrt(); // floor(sqrt(w)) == isqrt(floor(w))
                BigDecimal fd = new BigDecimal(f);
                BigDecimal sq = fd.multiply(fd);
                BigDecimal mid = sq.add(fd).add(new BigDecimal("0.25")); // (f + 1/2)^2
                return new Scaled(f, w.compareTo(sq) == 0, w.compareTo(mid));
            }

            public int log2Estimate() {
                return Math.floorDiv(est(v), 2);
            }
        }

        static int est(BigDecimal x) {
            return x.unscaledValue().bitLength() - 1 - (int) Math.round(x.scale() * 3.321928094887362);
        }

        private static BigInteger roundAt(Exact v, int q, boolean neg, int rm) {
            Scaled s = v.at(q);
            boolean up = switch (rm) {
                case RNE -> s.cmpHalf() > 0 || s.cmpHalf() == 0 && s.floor().testBit(0);
                case RTZ -> false;
                case RDN -> neg && !s.exact();
                case RUP -> !neg && !s.exact();
                default -> s.cmpHalf() >= 0;
            };
            return up ? s.floor().add(BigInteger.ONE) : s.floor();
        }

        /** Rounds the nonzero value (-1)^neg * v to format f, raising flags. */
        long round(Fmt f, boolean neg, Exact v, int rm) {
            int p = f.p();
            int e = v.log2Estimate();
            while (v.cmpPow2(e) < 0) {
                e--;
            }
            while (v.cmpPow2(e + 1) >= 0) {
                e++;
            }
            // 2^e <= |v| < 2^(e+1)
            boolean tiny = false;
            if (e < f.emin()) {
                BigInteger ku = roundAt(v, e - p + 1, neg, rm); // unbounded exponent
                boolean reachesMinNormal = ku.bitLength() > p && e + 1 >= f.emin();
                tiny = !reachesMinNormal;
            }
            int q = Math.max(e, f.emin()) - p + 1;
            boolean inexact = !v.at(q).exact();
            BigInteger k = roundAt(v, q, neg, rm);
            if (k.bitLength() > p) { // carried to 2^p
                k = k.shiftRight(1);
                q++;
            }
            if (k.signum() != 0 && q + k.bitLength() - 1 > f.emax()) {
                flags |= OF | NX;
                boolean toInf = switch (rm) {
                    case RTZ -> false;
                    case RDN -> neg;
                    case RUP -> !neg;
                    default -> true;
                };
                return toInf ? f.inf(neg) : f.inf(neg) - 1;
            }
            if (inexact) {
                flags |= NX;
                if (tiny) {
                    flags |= UF;
                }
            }
            long bits;
            if (k.bitLength() == p) {
                long biased = q + p - 1 + f.emax();
                bits = (biased << (p - 1)) | k.clearBit(p - 1).longValueExact();
            } else {
                if (q != f.emin() - p + 1) {
                    throw new AssertionError("subnormal at wrong exponent");
                }
                bits = k.longValueExact();
            }
            return (neg ? f.signBit() : 0) | bits;
        }

        private long nan(boolean signaling) {
            if (signaling) {
                flags |= NV;
            }
            return -1; // replaced by the caller's canonical NaN
        }

        long add(Fmt f, long a, long b, boolean subtract, int rm) {
            if (subtract) {
                b ^= f.signBit();
            }
            if (f.isNaN(a) || f.isNaN(b)) {
                nan(f.isSNaN(a) || f.isSNaN(b));
                return f.canon();
            }
            if (f.isInf(a) || f.isInf(b)) {
                if (f.isInf(a) && f.isInf(b) && f.neg(a) != f.neg(b)) {
                    flags |= NV;
                    return f.canon();
                }
                return f.isInf(a) ? a : b;
            }
            BigDecimal s = f.value(a).add(f.value(b));
            if (s.signum() == 0) {
                return f.zero(f.neg(a) == f.neg(b) ? f.neg(a) : rm == RDN);
            }
            return round(f, s.signum() < 0, new Ratio(s.abs(), BigDecimal.ONE), rm);
        }

        long mul(Fmt f, long a, long b, int rm) {
            if (f.isNaN(a) || f.isNaN(b)) {
                nan(f.isSNaN(a) || f.isSNaN(b));
                return f.canon();
            }
            boolean neg = f.neg(a) != f.neg(b);
            if (f.isInf(a) || f.isInf(b)) {
                if (f.isZero(a) || f.isZero(b)) {
                    flags |= NV;
                    return f.canon();
                }
                return f.inf(neg);
            }
            if (f.isZero(a) || f.isZero(b)) {
                return f.zero(neg);
            }
            return round(f, neg, new Ratio(f.value(a).multiply(f.value(b)).abs(), BigDecimal.ONE), rm);
        }

        long div(Fmt f, long a, long b, int rm) {
            if (f.isNaN(a) || f.isNaN(b)) {
                nan(f.isSNaN(a) || f.isSNaN(b));
                return f.canon();
            }
            boolean neg = f.neg(a) != f.neg(b);
            if (f.isInf(a)) {
                if (f.isInf(b)) {
                    flags |= NV;
                    return f.canon();
                }
                return f.inf(neg);
            }
            if (f.isInf(b)) {
                return f.zero(neg);
            }
            if (f.isZero(b)) {
                if (f.isZero(a)) {
                    flags |= NV;
                    return f.canon();
                }
                flags |= DZ;
                return f.inf(neg);
            }
            if (f.isZero(a)) {
                return f.zero(neg);
            }
            return round(f, neg, new Ratio(f.value(a).abs(), f.value(b).abs()), rm);
        }

        long sqrt(Fmt f, long a, int rm) {
            if (f.isNaN(a)) {
                nan(f.isSNaN(a));
                return f.canon();
            }
            if (f.isZero(a)) {
                return a;
            }
            if (f.neg(a)) {
                flags |= NV;
                return f.canon();
            }
            if (f.isInf(a)) {
                return a;
            }
            return round(f, false, new Root(f.value(a)), rm);
        }

        /** (negProduct ? -1 : 1) * a * b + (negAddend ? -1 : 1) * c, rounded once. */
        long fma(Fmt f, long a, long b, long c, boolean negProduct, boolean negAddend, int rm) {
            boolean infTimesZero = f.isInf(a) && f.isZero(b) || f.isZero(a) && f.isInf(b);
            if (f.isNaN(a) || f.isNaN(b) || f.isNaN(c)) {
                nan(f.isSNaN(a) || f.isSNaN(b) || f.isSNaN(c) || infTimesZero);
                return f.canon();
            }
            if (infTimesZero) {
                flags |= NV;
                return f.canon();
            }
            boolean pNeg = f.neg(a) ^ f.neg(b) ^ negProduct;
            boolean cNeg = f.neg(c) ^ negAddend;
            boolean pInf = f.isInf(a) || f.isInf(b);
            if (pInf && f.isInf(c) && pNeg != cNeg) {
                flags |= NV;
                return f.canon();
            }
            if (pInf) {
                return f.inf(pNeg);
            }
            if (f.isInf(c)) {
                return f.inf(cNeg);
            }
            BigDecimal p = f.value(a).multiply(f.value(b));
            if (negProduct) {
                p = p.negate();
            }
            BigDecimal s = p.add(negAddend ? f.value(c).negate() : f.value(c));
            if (s.signum() == 0) {
                return f.zero(pNeg == cNeg ? pNeg : rm == RDN);
            }
            return round(f, s.signum() < 0, new Ratio(s.abs(), BigDecimal.ONE), rm);
        }

        long convert(Fmt from, Fmt to, long a, int rm) {
            if (from.isNaN(a)) {
                nan(from.isSNaN(a));
                return to.canon();
            }
            if (from.isInf(a)) {
                return to.inf(from.neg(a));
            }
            if (from.isZero(a)) {
                return to.zero(from.neg(a));
            }
            return round(to, from.neg(a), new Ratio(from.value(a).abs(), BigDecimal.ONE), rm);
        }

        long fromInt(Fmt f, BigInteger v, int rm) {
            if (v.signum() == 0) {
                return 0;
            }
            return round(f, v.signum() < 0, new Ratio(new BigDecimal(v.abs()), BigDecimal.ONE), rm);
        }

        /** kind: 0 = int32, 1 = uint32, 2 = int64, 3 = uint64; 32-bit results sign-extended. */
        long toInt(Fmt f, long a, int kind, int rm) {
            BigInteger lo = switch (kind) {
                case 0 -> BigInteger.valueOf(Integer.MIN_VALUE);
                case 2 -> BigInteger.valueOf(Long.MIN_VALUE);
                default -> BigInteger.ZERO;
            };
            BigInteger hi = switch (kind) {
                case 0 -> BigInteger.valueOf(Integer.MAX_VALUE);
                case 1 -> BigInteger.valueOf(0xffff_ffffL);
                case 2 -> BigInteger.valueOf(Long.MAX_VALUE);
                default -> BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
            };
            BigInteger k;
            if (f.isNaN(a)) {
                k = null;
            } else if (f.isInf(a)) {
                k = f.neg(a) ? lo.subtract(BigInteger.ONE) : hi.add(BigInteger.ONE);
            } else {
                RoundingMode mode = switch (rm) {
                    case RNE -> RoundingMode.HALF_EVEN;
                    case RTZ -> RoundingMode.DOWN;
                    case RDN -> RoundingMode.FLOOR;
                    case RUP -> RoundingMode.CEILING;
                    default -> RoundingMode.HALF_UP;
                };
                BigDecimal v = f.value(a);
                k = v.setScale(0, mode).toBigIntegerExact();
                if (k.compareTo(lo) >= 0 && k.compareTo(hi) <= 0) {
                    if (new BigDecimal(k).compareTo(v) != 0) {
                        flags |= NX;
                    }
                    return kind < 2 ? (int) k.longValue() : k.longValue();
                }
            }
            flags |= NV;
            BigInteger sat = k == null || k.compareTo(hi) > 0 ? hi : lo;
            return kind < 2 ? (int) sat.longValue() : sat.longValue();
        }
    }
}
