package fornax.machine.cpu;

import java.math.BigInteger;

/**
 * IEEE 754-2008 arithmetic for the RISC-V F and D extensions, bit-exact in all five rounding
 * modes and in the accrued exception flags.
 *
 * <p><b>Representation.</b> Registers are raw 64-bit patterns. Single-precision operands are
 * NaN-boxed: an operand whose upper 32 bits are not all ones reads as the canonical NaN, and
 * every single-precision result is returned boxed. Any NaN result is the canonical NaN (RISC-V
 * never propagates payloads). One instance holds the {@link #fflags} of one hart and is used
 * by that hart's thread only.
 *
 * <p><b>Approach: a fast path that knows the sign of its own error, plus an exact fallback.</b>
 * Java arithmetic is IEEE round-to-nearest-even (RNE), so for the common case the host FPU
 * computes the result {@code r}. The rounding error {@code exact - r} is then recovered exactly
 * with a few more host operations: TwoSum for addition, {@code fma(a, b, -r)} for
 * multiplication, the remainder {@code fma(-q, b, a)} for division, {@code fma(-s, s, a)} for
 * square root and the ErrFma algorithm (Boldo &amp; Muller, IEEE TC 2011) for fused
 * multiply-add. A zero error means exact (no flags); otherwise NX is raised, and for the
 * directed modes {@code r} is moved one ulp ({@code Math.nextUp/nextDown}) when the error
 * points the wrong way. RMM differs from RNE only on exact ties, which the error term also
 * reveals. These error terms are exact only while no intermediate underflows or overflows, so
 * each fast path is guarded by a magnitude window; outside it (results near or below the
 * subnormal range, overflow) the operation is redone exactly on integer significands
 * ({@code long}, {@code Math.multiplyHigh}, or {@link BigInteger} for wide alignments) and
 * rounded by {@link #roundPack}, the one routine that implements rounding, tininess after
 * rounding (as RISC-V requires), underflow and overflow from first principles.
 *
 * <p><b>Single precision goes through double.</b> For binary32 operands the double-precision
 * product is exact, and the double sum, quotient and square root come with exact error terms
 * (TwoSum, fma remainders) that never underflow in double's range. The exact result is thus
 * {@code d + t} with {@code d} a double and {@code t} a residual of known sign smaller than half
 * an ulp of {@code d}; {@link #packS} rounds that pair to binary32 once, which avoids the
 * double-rounding trap (a double that lands exactly on a binary32 midpoint while the true
 * value is slightly off it).
 *
 * <p>The rounding mode {@code rm} must already be resolved to 0..4 (RNE, RTZ, RDN, RUP, RMM).
 */
public final class Fpu {

    /** fflags bits: invalid, divide by zero, overflow, underflow, inexact. */
    public static final int NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;

    /** Resolved rounding modes. */
    public static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

    /** Accrued exception flags of the owning hart; every operation ORs into it. */
    public int fflags;

    // ---- binary32 layout
    private static final int S_SIGN = 0x8000_0000;
    private static final int S_EXP = 0x7f80_0000;
    private static final int S_QUIET = 0x0040_0000;
    private static final int S_CANON = 0x7fc0_0000;
    private static final long BOX = 0xffff_ffff_0000_0000L;
    private static final long BOXED_CANON = BOX | S_CANON;

    // ---- binary64 layout
    private static final long D_SIGN = 0x8000_0000_0000_0000L;
    private static final long D_EXP = 0x7ff0_0000_0000_0000L;
    private static final long D_FRAC = 0x000f_ffff_ffff_ffffL;
    private static final long D_HIDDEN = 1L << 52;
    private static final long D_QUIET = 1L << 51;
    private static final long D_CANON = 0x7ff8_0000_0000_0000L;

    /**
     * Below this magnitude the double error terms may fall under 2^-1074 and stop being exact
     * (they need exponent sums of at least emin + p - 1 = -970), and results may be tiny.
     */
    private static final double SAFE_MIN = 0x1p-960;
    /** Window for ErrFma: keeps its products exact and its intermediate sums from overflowing. */
    private static final double FMA_MIN = 0x1p-900, FMA_MAX = 0x1p1000;

    private static final int ADD = 0, MUL = 1, DIV = 2;

    // fcvt destination kinds, indexing the saturation tables below
    private static final int W = 0, WU = 1, L = 2, LU = 3;
    /** Saturated results; 32-bit ones are sign-extended as RV64 writes them. */
    private static final long[] INT_MAX = {Integer.MAX_VALUE, -1L, Long.MAX_VALUE, -1L};
    private static final long[] INT_MIN = {Integer.MIN_VALUE, 0L, Long.MIN_VALUE, 0L};
    /** Largest in-range magnitude (unsigned) for positive and negative values. */
    private static final long[] POS_LIMIT = {Integer.MAX_VALUE, 0xffff_ffffL, Long.MAX_VALUE, -1L};
    private static final long[] NEG_LIMIT = {1L << 31, 0L, Long.MIN_VALUE, 0L};

    // =====================================================================================
    // Moves, boxing and bit-level helpers
    // =====================================================================================

    /** FMV.X.W: low 32 bits, sign-extended. */
    public static long fmvXW(long a) {
        return (int) a;
    }

    /** FMV.W.X: NaN-box the low 32 bits. */
    public static long fmvWX(long x) {
        return boxS((int) x);
    }

    private static int unboxS(long x) {
        return (x & BOX) == BOX ? (int) x : S_CANON;
    }

    private static long boxS(int f) {
        return BOX | (f & 0xffff_ffffL);
    }

    private static boolean isNaNS(int f) {
        return (f & 0x7fff_ffff) > S_EXP;
    }

    private static boolean isSNaNS(int f) {
        return isNaNS(f) && (f & S_QUIET) == 0;
    }

    /** Infinity or NaN. */
    private static boolean nonFiniteS(int f) {
        return (f & S_EXP) == S_EXP;
    }

    private static boolean isNaND(long x) {
        return (x & ~D_SIGN) > D_EXP;
    }

    private static boolean isSNaND(long x) {
        return isNaND(x) && (x & D_QUIET) == 0;
    }

    private static boolean nonFiniteD(long x) {
        return (x & D_EXP) == D_EXP;
    }

    /** binary32 bits to a double; exact for every non-NaN value. */
    private static double f2d(int f) {
        return Float.intBitsToFloat(f);
    }

    private static double d(long x) {
        return Double.longBitsToDouble(x);
    }

    private static long bits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    /** Integer significand of a finite double (hidden bit included for normals). */
    private static long sigD(long x) {
        long e = (x >>> 52) & 0x7ff;
        return e == 0 ? x & D_FRAC : (x & D_FRAC) | D_HIDDEN;
    }

    /** Exponent such that |x| == sigD(x) * 2^expD(x). */
    private static int expD(long x) {
        int e = (int) (x >>> 52) & 0x7ff;
        return e == 0 ? -1074 : e - 1075;
    }

    private static long sigS(int f) {
        int e = (f >>> 23) & 0xff;
        return e == 0 ? f & 0x7f_ffff : (f & 0x7f_ffff) | 0x80_0000;
    }

    private static int expS(int f) {
        int e = (f >>> 23) & 0xff;
        return e == 0 ? -149 : e - 150;
    }

    private static int signum(double x) {
        return x > 0 ? 1 : x < 0 ? -1 : 0;
    }

    /**
     * Sign of an exact zero sum {@code x + y} (IEEE 754 6.3): the common sign when both addends
     * carry it, otherwise +0 except in round-down. Returns true for -0.
     */
    private static boolean zeroSumNegative(boolean xNeg, boolean yNeg, int rm) {
        return xNeg == yNeg ? xNeg : rm == RDN;
    }

    private static long resultS(double r) {
        return r != r ? BOXED_CANON : boxS(Float.floatToRawIntBits((float) r));
    }

    private static long resultD(double r) {
        return r != r ? D_CANON : bits(r);
    }

    // =====================================================================================
    // Single-precision arithmetic
    // =====================================================================================

    public long addS(long a, long b, int rm) {
        return addS0(unboxS(a), unboxS(b), rm);
    }

    public long subS(long a, long b, int rm) {
        return addS0(unboxS(a), unboxS(b) ^ S_SIGN, rm);
    }

    public long mulS(long a, long b, int rm) {
        int x = unboxS(a), y = unboxS(b);
        if (nonFiniteS(x) || nonFiniteS(y)) {
            return resultS(special(MUL, f2d(x), f2d(y), isSNaNS(x) || isSNaNS(y)));
        }
        // 24x24-bit product: exact in double, and far from double's underflow/overflow.
        return packS(f2d(x) * f2d(y), 0, rm);
    }

    public long divS(long a, long b, int rm) {
        int x = unboxS(a), y = unboxS(b);
        if (nonFiniteS(x) || nonFiniteS(y)) {
            return resultS(special(DIV, f2d(x), f2d(y), isSNaNS(x) || isSNaNS(y)));
        }
        double dx = f2d(x), dy = f2d(y);
        if (dy == 0) {
            return boxS((int) divByZero(dx == 0, ((x ^ y) & S_SIGN) | S_EXP, S_CANON));
        }
        if (dx == 0) {
            return boxS((x ^ y) & S_SIGN);
        }
        double q = dx / dy;
        double rem = Math.fma(-q, dy, dx); // exact: dx - q*dy, sign of (exact - q) * sign(dy)
        return packS(q, rem == 0 ? 0 : (rem > 0) == (dy > 0) ? 1 : -1, rm);
    }

    public long sqrtS(long a, int rm) {
        int x = unboxS(a);
        if (nonFiniteS(x) || x < 0 || x == 0) {
            return resultS(specialSqrt(f2d(x), isSNaNS(x)));
        }
        double dx = f2d(x);
        double s = Math.sqrt(dx);
        return packS(s, signum(Math.fma(-s, s, dx)), rm); // residual dx - s*s is exact
    }

    public long fmaddS(long a, long b, long c, int rm) {
        return fmaS0(unboxS(a), unboxS(b), unboxS(c), rm);
    }

    public long fmsubS(long a, long b, long c, int rm) {
        return fmaS0(unboxS(a), unboxS(b), unboxS(c) ^ S_SIGN, rm);
    }

    public long fnmsubS(long a, long b, long c, int rm) {
        return fmaS0(unboxS(a) ^ S_SIGN, unboxS(b), unboxS(c), rm);
    }

    public long fnmaddS(long a, long b, long c, int rm) {
        return fmaS0(unboxS(a) ^ S_SIGN, unboxS(b), unboxS(c) ^ S_SIGN, rm);
    }

    private long addS0(int x, int y, int rm) {
        if (nonFiniteS(x) || nonFiniteS(y)) {
            return resultS(special(ADD, f2d(x), f2d(y), isSNaNS(x) || isSNaNS(y)));
        }
        double dx = f2d(x), dy = f2d(y);
        double s = dx + dy;
        if (s == 0) { // exact cancellation (a nonzero binary32 sum cannot vanish in double)
            return boxS(zeroSumNegative(x < 0, y < 0, rm) ? S_SIGN : 0);
        }
        double bv = s - dx;
        double e = (dx - (s - bv)) + (dy - bv); // TwoSum: dx + dy == s + e exactly
        return packS(s, signum(e), rm);
    }

    private long fmaS0(int x, int y, int z, int rm) {
        if (nonFiniteS(x) || nonFiniteS(y) || nonFiniteS(z)) {
            return resultS(specialFma(f2d(x), f2d(y), f2d(z),
                    isSNaNS(x) || isSNaNS(y) || isSNaNS(z)));
        }
        double p = f2d(x) * f2d(y); // exact
        double dz = f2d(z);
        double s = p + dz;
        if (s == 0) {
            return boxS(zeroSumNegative((x ^ y) < 0, z < 0, rm) ? S_SIGN : 0);
        }
        double bv = s - p;
        double e = (p - (s - bv)) + (dz - bv); // TwoSum: p + dz == s + e exactly
        return packS(s, signum(e), rm);
    }

    public long minS(long a, long b) {
        return boxS(minMaxS(unboxS(a), unboxS(b), true));
    }

    public long maxS(long a, long b) {
        return boxS(minMaxS(unboxS(a), unboxS(b), false));
    }

    /** minimumNumber / maximumNumber (RISC-V F 2.2): a quiet NaN loses against a number. */
    private int minMaxS(int x, int y, boolean min) {
        if (isSNaNS(x) || isSNaNS(y)) {
            fflags |= NV;
        }
        boolean nx = isNaNS(x), ny = isNaNS(y);
        if (nx && ny) {
            return S_CANON;
        }
        if (nx) {
            return y;
        }
        if (ny) {
            return x;
        }
        float fx = Float.intBitsToFloat(x), fy = Float.intBitsToFloat(y);
        if (fx == fy) {
            return min ? x | y : x & y; // only +0/-0 differ; -0 < +0
        }
        return (fx < fy) == min ? x : y;
    }

    public long sgnjS(long a, long b) {
        return boxS((unboxS(a) & ~S_SIGN) | (unboxS(b) & S_SIGN));
    }

    public long sgnjnS(long a, long b) {
        return boxS((unboxS(a) & ~S_SIGN) | (~unboxS(b) & S_SIGN));
    }

    public long sgnjxS(long a, long b) {
        return boxS(unboxS(a) ^ (unboxS(b) & S_SIGN));
    }

    /** FEQ.S: quiet comparison, NV only for signaling NaNs. */
    public long eqS(long a, long b) {
        int x = unboxS(a), y = unboxS(b);
        if (isNaNS(x) || isNaNS(y)) {
            if (isSNaNS(x) || isSNaNS(y)) {
                fflags |= NV;
            }
            return 0;
        }
        return Float.intBitsToFloat(x) == Float.intBitsToFloat(y) ? 1 : 0;
    }

    /** FLT.S: signaling comparison, NV for any NaN. */
    public long ltS(long a, long b) {
        int x = unboxS(a), y = unboxS(b);
        if (isNaNS(x) || isNaNS(y)) {
            fflags |= NV;
            return 0;
        }
        return Float.intBitsToFloat(x) < Float.intBitsToFloat(y) ? 1 : 0;
    }

    /** FLE.S: signaling comparison, NV for any NaN. */
    public long leS(long a, long b) {
        int x = unboxS(a), y = unboxS(b);
        if (isNaNS(x) || isNaNS(y)) {
            fflags |= NV;
            return 0;
        }
        return Float.intBitsToFloat(x) <= Float.intBitsToFloat(y) ? 1 : 0;
    }

    public long classS(long a) {
        int x = unboxS(a);
        return fclass(x < 0, (x >>> 23) & 0xff, 0xff, x & 0x7f_ffff, S_QUIET);
    }

    // =====================================================================================
    // Double-precision arithmetic
    // =====================================================================================

    public long addD(long a, long b, int rm) {
        return addD0(a, b, rm);
    }

    public long subD(long a, long b, int rm) {
        return addD0(a, b ^ D_SIGN, rm);
    }

    private long addD0(long a, long b, int rm) {
        if (nonFiniteD(a) || nonFiniteD(b)) {
            return resultD(special(ADD, d(a), d(b), isSNaND(a) || isSNaND(b)));
        }
        double x = d(a), y = d(b);
        double s = x + y;
        double bv = s - x;
        double e = (x - (s - bv)) + (y - bv); // TwoSum: x + y == s + e exactly...
        if (!Double.isFinite(e)) {
            // ...unless s (or, in a corner near MAX_VALUE, s - x) overflowed: then e is NaN.
            return slowAddD(a, b, rm);
        }
        if (e == 0) {
            // Exact. Sums that fall into the subnormal range are always exact, so no UF here.
            return s == 0 ? (zeroSumNegative(a < 0, b < 0, rm) ? D_SIGN : 0) : bits(s);
        }
        return bits(finishD(s, e > 0 ? 1 : -1, rm == RMM && halfGap(s, e), rm));
    }

    public long mulD(long a, long b, int rm) {
        return mulD0(a, b, rm);
    }

    private long mulD0(long a, long b, int rm) {
        if (nonFiniteD(a) || nonFiniteD(b)) {
            return resultD(special(MUL, d(a), d(b), isSNaND(a) || isSNaND(b)));
        }
        double x = d(a), y = d(b);
        double p = x * y;
        double ap = Math.abs(p);
        if (ap >= SAFE_MIN && ap <= Double.MAX_VALUE) {
            double e = Math.fma(x, y, -p); // exact product error in this window
            if (e == 0) {
                return bits(p);
            }
            return bits(finishD(p, e > 0 ? 1 : -1, rm == RMM && halfGap(p, e), rm));
        }
        if (x == 0 || y == 0) {
            return bits(p); // exact signed zero
        }
        return slowMulD(a, b, rm); // overflow, or tiny/subnormal result
    }

    public long divD(long a, long b, int rm) {
        if (nonFiniteD(a) || nonFiniteD(b)) {
            return resultD(special(DIV, d(a), d(b), isSNaND(a) || isSNaND(b)));
        }
        double x = d(a), y = d(b);
        if (y == 0) {
            return divByZero(x == 0, ((a ^ b) & D_SIGN) | D_EXP, D_CANON);
        }
        if (x == 0) {
            return (a ^ b) & D_SIGN;
        }
        double q = x / y;
        double aq = Math.abs(q);
        if (aq >= SAFE_MIN && aq <= Double.MAX_VALUE && Math.abs(x) >= SAFE_MIN) {
            double rem = Math.fma(-q, y, x); // exact remainder; |x| bound keeps it above 2^-1074
            if (rem == 0) {
                return bits(q);
            }
            // A quotient is never exactly halfway between two normal doubles, so no RMM tie.
            return bits(finishD(q, (rem > 0) == (y > 0) ? 1 : -1, false, rm));
        }
        return slowDivD(a, b, rm);
    }

    public long sqrtD(long a, int rm) {
        if (nonFiniteD(a) || a < 0 || a == 0) {
            return resultD(specialSqrt(d(a), isSNaND(a)));
        }
        double x = d(a);
        // Tiny and subnormal inputs: scale by an even power of two so the residual stays exact;
        // the root of any double is normal, so scaling back is exact too.
        boolean scaled = x < SAFE_MIN;
        if (scaled) {
            x *= 0x1p1000;
        }
        double s = Math.sqrt(x);
        double rem = Math.fma(-s, s, x); // exact residual x - s*s
        if (rem != 0) {
            s = finishD(s, rem > 0 ? 1 : -1, false, rm); // square roots are never ties either
        }
        return bits(scaled ? s * 0x1p-500 : s);
    }

    public long fmaddD(long a, long b, long c, int rm) {
        return fmaD0(a, b, c, rm);
    }

    public long fmsubD(long a, long b, long c, int rm) {
        return fmaD0(a, b, c ^ D_SIGN, rm);
    }

    public long fnmsubD(long a, long b, long c, int rm) {
        return fmaD0(a ^ D_SIGN, b, c, rm);
    }

    public long fnmaddD(long a, long b, long c, int rm) {
        return fmaD0(a ^ D_SIGN, b, c ^ D_SIGN, rm);
    }

    private long fmaD0(long a, long b, long c, int rm) {
        if (nonFiniteD(a) || nonFiniteD(b) || nonFiniteD(c)) {
            return resultD(specialFma(d(a), d(b), d(c), isSNaND(a) || isSNaND(b) || isSNaND(c)));
        }
        double x = d(a), y = d(b), z = d(c);
        if (x == 0 || y == 0) { // the product is an exact signed zero
            if (z == 0) {
                return zeroSumNegative((a ^ b) < 0, c < 0, rm) ? D_SIGN : 0;
            }
            return c;
        }
        if (z == 0) {
            return mulD0(a, b, rm); // nonzero exact product: same rounding and flags as FMUL
        }
        double r = Math.fma(x, y, z); // correctly rounded RNE result
        double u1 = x * y;
        double au = Math.abs(u1), ar = Math.abs(r);
        if (au >= FMA_MIN && au <= FMA_MAX && Math.abs(z) <= FMA_MAX && ar >= FMA_MIN) {
            // ErrFma: x*y + z == r + r2 + r3 exactly, with r2 = RN(r2 + r3).
            double u2 = Math.fma(x, y, -u1);
            double a1 = z + u2;
            double t = a1 - z;
            double a2 = (z - (a1 - t)) + (u2 - t);
            double b1 = u1 + a1;
            t = b1 - u1;
            double b2 = (u1 - (b1 - t)) + (a1 - t);
            double g = (b1 - r) + b2;
            double r2 = g + a2;
            t = r2 - g;
            double r3 = (g - (r2 - t)) + (a2 - t);
            if (r2 == 0) {
                return bits(r);
            }
            return bits(finishD(r, r2 > 0 ? 1 : -1, rm == RMM && r3 == 0 && halfGap(r, r2), rm));
        }
        return slowFmaD(a, b, c, rm);
    }

    public long minD(long a, long b) {
        return minMaxD(a, b, true);
    }

    public long maxD(long a, long b) {
        return minMaxD(a, b, false);
    }

    private long minMaxD(long a, long b, boolean min) {
        if (isSNaND(a) || isSNaND(b)) {
            fflags |= NV;
        }
        boolean na = isNaND(a), nb = isNaND(b);
        if (na && nb) {
            return D_CANON;
        }
        if (na) {
            return b;
        }
        if (nb) {
            return a;
        }
        double x = d(a), y = d(b);
        if (x == y) {
            return min ? a | b : a & b; // only +0/-0 differ; -0 < +0
        }
        return (x < y) == min ? a : b;
    }

    public long sgnjD(long a, long b) {
        return (a & ~D_SIGN) | (b & D_SIGN);
    }

    public long sgnjnD(long a, long b) {
        return (a & ~D_SIGN) | (~b & D_SIGN);
    }

    public long sgnjxD(long a, long b) {
        return a ^ (b & D_SIGN);
    }

    public long eqD(long a, long b) {
        if (isNaND(a) || isNaND(b)) {
            if (isSNaND(a) || isSNaND(b)) {
                fflags |= NV;
            }
            return 0;
        }
        return d(a) == d(b) ? 1 : 0;
    }

    public long ltD(long a, long b) {
        if (isNaND(a) || isNaND(b)) {
            fflags |= NV;
            return 0;
        }
        return d(a) < d(b) ? 1 : 0;
    }

    public long leD(long a, long b) {
        if (isNaND(a) || isNaND(b)) {
            fflags |= NV;
            return 0;
        }
        return d(a) <= d(b) ? 1 : 0;
    }

    public long classD(long a) {
        return fclass(a < 0, (int) (a >>> 52) & 0x7ff, 0x7ff, a & D_FRAC, D_QUIET);
    }

    // =====================================================================================
    // Conversions
    // =====================================================================================

    public long cvtWS(long a, int rm) {
        return cvtFromS(a, W, rm);
    }

    public long cvtWUS(long a, int rm) {
        return cvtFromS(a, WU, rm);
    }

    public long cvtLS(long a, int rm) {
        return cvtFromS(a, L, rm);
    }

    public long cvtLUS(long a, int rm) {
        return cvtFromS(a, LU, rm);
    }

    public long cvtWD(long a, int rm) {
        return cvtFromD(a, W, rm);
    }

    public long cvtWUD(long a, int rm) {
        return cvtFromD(a, WU, rm);
    }

    public long cvtLD(long a, int rm) {
        return cvtFromD(a, L, rm);
    }

    public long cvtLUD(long a, int rm) {
        return cvtFromD(a, LU, rm);
    }

    public long cvtSW(long x, int rm) {
        int v = (int) x;
        return boxS((int) fromInt(v < 0, Math.abs((long) v), false, rm));
    }

    public long cvtSWU(long x, int rm) {
        return boxS((int) fromInt(false, x & 0xffff_ffffL, false, rm));
    }

    public long cvtSL(long x, int rm) {
        return boxS((int) fromInt(x < 0, x < 0 ? -x : x, false, rm)); // -MIN_VALUE is 2^63 unsigned
    }

    public long cvtSLU(long x, int rm) {
        return boxS((int) fromInt(false, x, false, rm));
    }

    public long cvtDW(long x, int rm) {
        return bits((int) x); // always exact
    }

    public long cvtDWU(long x, int rm) {
        return bits(x & 0xffff_ffffL); // always exact
    }

    public long cvtDL(long x, int rm) {
        return fromInt(x < 0, x < 0 ? -x : x, true, rm);
    }

    public long cvtDLU(long x, int rm) {
        return fromInt(false, x, true, rm);
    }

    /** FCVT.S.D: round a double to single precision. */
    public long cvtSD(long a, int rm) {
        if (nonFiniteD(a)) {
            if (isNaND(a)) {
                if (isSNaND(a)) {
                    fflags |= NV;
                }
                return BOXED_CANON;
            }
            return boxS(a < 0 ? S_SIGN | S_EXP : S_EXP);
        }
        return packS(d(a), 0, rm);
    }

    /** FCVT.D.S: widening is exact; only NaNs need care. */
    public long cvtDS(long a) {
        int x = unboxS(a);
        if (isNaNS(x)) {
            if (isSNaNS(x)) {
                fflags |= NV;
            }
            return D_CANON;
        }
        return bits(f2d(x));
    }

    private long cvtFromS(long a, int kind, int rm) {
        int x = unboxS(a);
        return toInt(isNaNS(x), nonFiniteS(x), x < 0, sigS(x), expS(x), kind, rm);
    }

    private long cvtFromD(long a, int kind, int rm) {
        return toInt(isNaND(a), nonFiniteD(a), a < 0, sigD(a), expD(a), kind, rm);
    }

    /**
     * Float-to-integer conversion of {@code (-1)^neg * sig * 2^exp}: round to an integer in
     * mode rm, then saturate. Out-of-range results (judged after rounding) and NaNs raise NV
     * and never NX.
     */
    private long toInt(boolean nan, boolean nonFinite, boolean neg, long sig, int exp, int kind,
            int rm) {
        if (nan) {
            fflags |= NV;
            return INT_MAX[kind];
        }
        if (nonFinite) {
            return invalidInt(neg, kind);
        }
        long mag; // unsigned magnitude of the rounded integer
        boolean inexact;
        if (exp >= 0) {
            if (sig != 0 && exp + 64 - Long.numberOfLeadingZeros(sig) > 64) {
                return invalidInt(neg, kind); // >= 2^64
            }
            mag = sig << exp;
            inexact = false;
        } else if (-exp >= 64) {
            // |value| < 2^53 * 2^-64 < 1/2: rounds to 0, or to 1 when rounding away from zero
            inexact = sig != 0;
            mag = inexact && (rm == RUP && !neg || rm == RDN && neg) ? 1 : 0;
        } else {
            int s = -exp;
            long rem = sig & ((1L << s) - 1);
            mag = sig >>> s;
            inexact = rem != 0;
            mag += roundInc(mag, rem, 1L << (s - 1), neg, rm);
        }
        if (Long.compareUnsigned(mag, neg ? NEG_LIMIT[kind] : POS_LIMIT[kind]) > 0) {
            return invalidInt(neg, kind);
        }
        if (inexact) {
            fflags |= NX;
        }
        long v = neg ? -mag : mag;
        return kind == W || kind == WU ? (long) (int) v : v;
    }

    private long invalidInt(boolean neg, int kind) {
        fflags |= NV;
        return neg ? INT_MIN[kind] : INT_MAX[kind];
    }

    /** Integer-to-float conversion of the unsigned magnitude {@code mag}; returns raw bits. */
    private long fromInt(boolean neg, long mag, boolean dbl, int rm) {
        if (mag == 0) {
            return 0; // +0
        }
        if (mag >>> (dbl ? 53 : 24) == 0) { // fits the significand: exact
            long sign = neg ? (dbl ? D_SIGN : S_SIGN & 0xffff_ffffL) : 0;
            return sign | (dbl ? bits((double) mag) : Float.floatToRawIntBits((float) mag));
        }
        int exp = 0;
        if (mag >>> 62 != 0) { // roundPack wants < 2^62: drop two bits into a sticky bit
            mag = (mag >>> 2) | ((mag & 3) != 0 ? 1 : 0);
            exp = 2;
        }
        return roundPack(neg, mag, exp, dbl, rm);
    }

    // =====================================================================================
    // Special operands (NaN, infinity) and class
    // =====================================================================================

    /**
     * add/mul/div where an operand is infinite or NaN. The Java result is exact (an infinity or a
     * zero) except when it is NaN, which is an invalid operation unless a NaN came in. Returns
     * NaN to mean "canonical NaN".
     */
    private double special(int op, double x, double y, boolean sNaN) {
        if (x != x || y != y) {
            if (sNaN) {
                fflags |= NV;
            }
            return Double.NaN;
        }
        double r = op == ADD ? x + y : op == MUL ? x * y : x / y;
        if (r != r) {
            fflags |= NV; // inf - inf, inf * 0, inf / inf
        }
        return r;
    }

    /** sqrt of NaN, infinity, zero or a negative number. */
    private double specialSqrt(double x, boolean sNaN) {
        if (x != x) {
            if (sNaN) {
                fflags |= NV;
            }
            return Double.NaN;
        }
        if (x == 0) {
            return x; // sqrt(-0) == -0
        }
        if (x < 0) {
            fflags |= NV;
            return Double.NaN;
        }
        return x; // +inf
    }

    /** FMA with an infinite or NaN operand. */
    private double specialFma(double x, double y, double z, boolean sNaN) {
        // RISC-V: inf * 0 is invalid even when the addend is a quiet NaN.
        boolean invalidProduct = Double.isInfinite(x) && y == 0 || x == 0 && Double.isInfinite(y);
        if (x != x || y != y || z != z) {
            if (sNaN || invalidProduct) {
                fflags |= NV;
            }
            return Double.NaN;
        }
        if (invalidProduct) {
            fflags |= NV;
            return Double.NaN;
        }
        double r = Math.fma(x, y, z); // some operand is infinite: exact infinity or NaN
        if (r != r) {
            fflags |= NV; // inf - inf
        }
        return r;
    }

    /** x / 0 with x finite: 0/0 is invalid, otherwise divide-by-zero giving a signed infinity. */
    private long divByZero(boolean zeroDividend, long inf, long canon) {
        if (zeroDividend) {
            fflags |= NV;
            return canon;
        }
        fflags |= DZ;
        return inf;
    }

    private static long fclass(boolean neg, int exp, int maxExp, long frac, long quiet) {
        int bit;
        if (exp == maxExp) {
            bit = frac == 0 ? (neg ? 0 : 7) : (frac & quiet) != 0 ? 9 : 8;
        } else if (exp == 0) {
            bit = frac == 0 ? (neg ? 3 : 4) : (neg ? 2 : 5);
        } else {
            bit = neg ? 1 : 6;
        }
        return 1L << bit;
    }

    // =====================================================================================
    // Rounding
    // =====================================================================================

    /**
     * Finishes a double fast path: {@code r} is the RNE result (finite, normal, away from the
     * subnormal range), {@code dir} the sign of the nonzero error {@code exact - r}, and
     * {@code tie} whether the exact value lies exactly halfway to the neighbour in direction
     * {@code dir} (only consulted for RMM).
     */
    private double finishD(double r, int dir, boolean tie, int rm) {
        fflags |= NX;
        switch (rm) {
            case RTZ -> {
                if ((dir > 0) != (r > 0)) { // RNE rounded away from zero: step back toward it
                    r = dir > 0 ? Math.nextUp(r) : Math.nextDown(r);
                }
            }
            case RDN -> {
                if (dir < 0) {
                    r = Math.nextDown(r);
                }
            }
            case RUP -> {
                if (dir > 0) {
                    r = Math.nextUp(r);
                }
            }
            case RMM -> {
                if (tie && (dir > 0) == (r > 0)) { // RNE chose the smaller magnitude of a tie
                    r = dir > 0 ? Math.nextUp(r) : Math.nextDown(r);
                }
            }
            default -> { } // RNE: r is already right
        }
        if (Double.isInfinite(r)) {
            fflags |= OF; // stepped from MAX_VALUE outward in a directed mode
        }
        return r;
    }

    /** Whether the error {@code err} is exactly half the gap from r to its neighbour that way. */
    private static boolean halfGap(double r, double err) {
        double n = err > 0 ? Math.nextUp(r) : Math.nextDown(r);
        return Math.abs(err) * 2 == Math.abs(n - r);
    }

    /**
     * Rounds {@code d + t} to binary32, where d is a double and t is an unknown residual with
     * sign {@code tsign} and magnitude below half an ulp of d (for tsign == 0, d is exact).
     * Every binary32 value and midpoint is a double, so no such point lies strictly between d
     * and d + t: the residual only matters when d itself is one, and its sign decides there.
     */
    private long packS(double d, int tsign, int rm) {
        long db = bits(d);
        int be = (int) (db >>> 52) & 0x7ff;
        int mt = db < 0 ? -tsign : tsign; // the residual's sign relative to the magnitude |d|
        if (be >= 1023 - 125 && be <= 1023 + 126) {
            // 2^-125 <= |d| < 2^127: the result is normal and finite, so only NX can arise.
            long low = db & 0x1fff_ffffL; // the 29 double fraction bits binary32 drops
            if (low == 0 && tsign == 0) {
                return boxS(Float.floatToRawIntBits((float) d)); // exact
            }
            fflags |= NX;
            if (rm == RNE && (tsign == 0 || low != 0x1000_0000L)) {
                return boxS(Float.floatToRawIntBits((float) d)); // host RNE is right
            }
            // Round on the bit pattern: t = biased exponent and 23 fraction bits; rem = the
            // dropped bits scaled by 8 with the residual folded into the lowest position.
            long t = (db & ~D_SIGN) >>> 29;
            long rem = (low << 3) + mt;
            if (rem < 0) { // exactly on t, nudged below it in magnitude
                t--;
                rem += 1L << 32;
            }
            boolean neg = db < 0;
            t += roundInc(t, rem, 1L << 31, neg, rm);
            return boxS((int) (t - (896L << 23)) | (neg ? S_SIGN : 0)); // rebias 1023 -> 127
        }
        if (d == 0) {
            return boxS(db < 0 ? S_SIGN : 0);
        }
        // Near overflow or underflow: general rounding. (sig*8 +- 1) * 2^(exp-3) stands in for
        // |d + t|; it lies in the same gap between binary32 half-ulp points.
        return boxS((int) roundPack(db < 0, (sigD(db) << 3) + mt, expD(db) - 3, false, rm));
    }

    /**
     * Rounds {@code (-1)^neg * sig * 2^exp} to binary32 ({@code dbl == false}, result in the low
     * 32 bits) or binary64, raising NX/UF/OF. {@code sig} must be below 2^62; if its lowest bit
     * is a sticky bit standing for discarded nonzero bits, sig must carry at least p+2
     * significant bits so that the sticky bit lies below the rounding bit.
     *
     * <p>Underflow follows RISC-V: tininess is detected after rounding (the value rounded to p
     * bits with an unbounded exponent is below 2^emin), and UF is raised only if the delivered
     * result is also inexact.
     */
    private long roundPack(boolean neg, long sig, int exp, boolean dbl, int rm) {
        final int p = dbl ? 53 : 24;
        final int emin = dbl ? -1022 : -126;
        final int emax = dbl ? 1023 : 127;
        final long signBit = neg ? (dbl ? D_SIGN : 0x8000_0000L) : 0;
        if (sig == 0) {
            return signBit;
        }
        int e = exp + 63 - Long.numberOfLeadingZeros(sig); // exponent of the leading bit
        if (e > emax) {
            return overflow(neg, dbl, rm);
        }
        int q = Math.max(e, emin) - (p - 1); // exponent of the destination's last place
        int s = q - exp;                     // bits to drop
        long k;
        if (s <= 0) {
            k = sig << -s;
        } else {
            k = shiftRound(sig, s, neg, rm);
            boolean inexact = s >= 63 || (sig & ((1L << s) - 1)) != 0;
            if (inexact) {
                fflags |= NX;
                // Tiny unless the unbounded-exponent rounding (one bit more precision when
                // e == emin - 1) carries up to 2^emin.
                if (e < emin && !(e == emin - 1 && shiftRound(sig, s - 1, neg, rm) == 1L << p)) {
                    fflags |= UF;
                }
            }
        }
        // Biased exponent of the last place, times 2^(p-1), plus k: a normal k's hidden bit
        // adds one to the exponent field, and a carry to 2^p rolls over naturally.
        long result = ((long) (q - (emin - (p - 1))) << (p - 1)) + k;
        if (result >= (dbl ? D_EXP : S_EXP)) {
            return overflow(neg, dbl, rm); // rounding carried past the largest finite value
        }
        return signBit | result;
    }

    /** {@code sig / 2^s} rounded to an integer in mode rm ({@code 0 <= s}, {@code sig < 2^62}). */
    private static long shiftRound(long sig, int s, boolean neg, int rm) {
        if (s == 0) {
            return sig;
        }
        if (s >= 63) { // 0 < sig < 2^62 <= half an ulp
            return rm == RUP && !neg || rm == RDN && neg ? 1 : 0;
        }
        long k = sig >>> s;
        return k + roundInc(k, sig & ((1L << s) - 1), 1L << (s - 1), neg, rm);
    }

    /** 1 if truncated magnitude k with discarded part rem (half == one half ulp) rounds up. */
    private static long roundInc(long k, long rem, long half, boolean neg, int rm) {
        boolean up = switch (rm) {
            case RNE -> rem > half || rem == half && (k & 1) != 0;
            case RTZ -> false;
            case RDN -> neg && rem != 0;
            case RUP -> !neg && rem != 0;
            default -> rem >= half; // RMM
        };
        return up ? 1 : 0;
    }

    /** Overflow result: infinity or the largest finite value, depending on mode and sign. */
    private long overflow(boolean neg, boolean dbl, int rm) {
        fflags |= OF | NX;
        boolean inf = rm == RNE || rm == RMM || rm == RDN && neg || rm == RUP && !neg;
        long mag = dbl ? (inf ? D_EXP : D_EXP - 1) : (inf ? S_EXP : S_EXP - 1);
        return (neg ? (dbl ? D_SIGN : 0x8000_0000L) : 0) | mag;
    }

    // =====================================================================================
    // Exact slow paths (double precision)
    // =====================================================================================

    private long slowAddD(long a, long b, int rm) {
        return exactSumD(a < 0, BigInteger.valueOf(sigD(a)), expD(a),
                b < 0, BigInteger.valueOf(sigD(b)), expD(b), rm);
    }

    private long slowFmaD(long a, long b, long c, int rm) {
        BigInteger prod = BigInteger.valueOf(sigD(a)).multiply(BigInteger.valueOf(sigD(b)));
        return exactSumD((a ^ b) < 0, prod, expD(a) + expD(b),
                c < 0, BigInteger.valueOf(sigD(c)), expD(c), rm);
    }

    /** Rounds (-1)^n1 * m1 * 2^e1 + (-1)^n2 * m2 * 2^e2, computed exactly. */
    private long exactSumD(boolean n1, BigInteger m1, int e1, boolean n2, BigInteger m2, int e2,
            int rm) {
        int e = Math.min(e1, e2);
        BigInteger v1 = m1.shiftLeft(e1 - e), v2 = m2.shiftLeft(e2 - e);
        BigInteger sum = (n1 ? v1.negate() : v1).add(n2 ? v2.negate() : v2);
        if (sum.signum() == 0) {
            return zeroSumNegative(n1, n2, rm) ? D_SIGN : 0;
        }
        BigInteger mag = sum.abs();
        int sh = Math.max(0, mag.bitLength() - 62); // keep 62 bits plus a sticky bit
        long sig = mag.shiftRight(sh).longValue();
        if (sh > 0 && mag.getLowestSetBit() < sh) {
            sig |= 1;
        }
        return roundPack(sum.signum() < 0, sig, e + sh, true, rm);
    }

    /** Exact 106-bit product of the significands, condensed to 62 bits plus sticky. */
    private long slowMulD(long a, long b, int rm) {
        long sa = sigD(a), sb = sigD(b);
        int e = expD(a) + expD(b);
        boolean neg = (a ^ b) < 0;
        long hi = Math.multiplyHigh(sa, sb), lo = sa * sb;
        if (hi == 0 && lo >>> 62 == 0) {
            return roundPack(neg, lo, e, true, rm);
        }
        int n = hi != 0 ? 128 - Long.numberOfLeadingZeros(hi) : 64 - Long.numberOfLeadingZeros(lo);
        int sh = n - 62; // 1..44
        long sig = (hi << (64 - sh)) | (lo >>> sh);
        if ((lo & ((1L << sh) - 1)) != 0) {
            sig |= 1;
        }
        return roundPack(neg, sig, e + sh, true, rm);
    }

    /**
     * Division whose result may be subnormal or overflow: divide the significands scaled into
     * [1, 2), where the host quotient and its exact remainder are safe, and let roundPack apply
     * the real exponent. The remainder's sign places the true quotient just above or below q.
     */
    private long slowDivD(long a, long b, int rm) {
        long sa = sigD(a), sb = sigD(b);
        int ea = expD(a), eb = expD(b);
        int za = Long.numberOfLeadingZeros(sa) - 11, zb = Long.numberOfLeadingZeros(sb) - 11;
        sa <<= za;
        ea -= za;
        sb <<= zb;
        eb -= zb;
        double ma = d((1023L << 52) | (sa & D_FRAC)), mb = d((1023L << 52) | (sb & D_FRAC));
        double q = ma / mb;                 // in (1/2, 2)
        double rem = Math.fma(-q, mb, ma);  // exact
        long qb = bits(q);
        // |a/b| = (ma/mb) * 2^(ea-eb) = (sigD(q)*8 + sign(rem)) * 2^(expD(q) - 3 + ea - eb),
        // the +-1 standing for the residual (it cannot be a tie, see divD).
        return roundPack((a ^ b) < 0, (sigD(qb) << 3) + signum(rem), expD(qb) - 3 + ea - eb,
                true, rm);
    }
}
