/*
 * floats: the F and D extensions. Every instruction is issued through inline asm on raw bit
 * patterns (fmv.w.x/fmv.d.x in, fmv.x.w/fmv.x.d out), so neither the compiler nor libc can fold
 * or canonicalise anything. After each operation the accrued flags (fflags: NV DZ OF UF NX) are
 * read and cleared. Arithmetic runs in all five static rounding modes (rne rtz rdn rup rmm) and
 * with rm=dyn under each frm value set through fesetround/fsrm. Results are printed in hex;
 * whole tables feed per-operation hashes. The end prints a few libm results with %.17g and %a.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

typedef uint64_t u64;
typedef uint32_t u32;

static const char *const rm_names[] = { "rne", "rtz", "rdn", "rup", "rmm", "dyn" };
#define NRM 6

static inline void clear_flags(void) { __asm__ volatile("fsflags zero" ::: "memory"); }
static inline unsigned read_flags(void) { unsigned f; __asm__ volatile("frflags %0" : "=r"(f) :: "memory"); return f; }
static inline void set_frm(unsigned rm) { __asm__ volatile("fsrm %0" :: "r"(rm) : "memory"); }
static inline unsigned get_frm(void) { unsigned f; __asm__ volatile("frrm %0" : "=r"(f) :: "memory"); return f; }

static const char *flag_str(unsigned f)
{
    static char buf[32];
    if (!f) return "-";
    buf[0] = 0;
    if (f & 0x10) strcat(buf, "NV,");
    if (f & 0x08) strcat(buf, "DZ,");
    if (f & 0x04) strcat(buf, "OF,");
    if (f & 0x02) strcat(buf, "UF,");
    if (f & 0x01) strcat(buf, "NX,");
    buf[strlen(buf) - 1] = 0;
    return buf;
}

/* ---- operation wrappers: bits in, bits out, one switch arm per static rounding mode ---- */

#define RM_SWITCH(rm, ASM) \
    switch (rm) { \
    case 0: ASM("rne"); break; case 1: ASM("rtz"); break; case 2: ASM("rdn"); break; \
    case 3: ASM("rup"); break; case 4: ASM("rmm"); break; default: ASM("dyn"); break; }

/* Two-operand single precision with rm: fadd.s fsub.s fmul.s fdiv.s */
#define DEF_2(fn) \
    static u64 fn(int rm, u64 a, u64 b) { u64 r; RM_SWITCH(rm, fn##_A) return r; }
#define S2ASM(insn, RM) __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\t" insn " ft2, ft0, ft1, " RM "\n\tfmv.x.w %0, ft2" \
    : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2")
#define D2ASM(insn, RM) __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1, " RM "\n\tfmv.x.d %0, ft2" \
    : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2")

#define fadd_s_A(RM) S2ASM("fadd.s", RM)
#define fsub_s_A(RM) S2ASM("fsub.s", RM)
#define fmul_s_A(RM) S2ASM("fmul.s", RM)
#define fdiv_s_A(RM) S2ASM("fdiv.s", RM)
#define fadd_d_A(RM) D2ASM("fadd.d", RM)
#define fsub_d_A(RM) D2ASM("fsub.d", RM)
#define fmul_d_A(RM) D2ASM("fmul.d", RM)
#define fdiv_d_A(RM) D2ASM("fdiv.d", RM)
DEF_2(fadd_s) DEF_2(fsub_s) DEF_2(fmul_s) DEF_2(fdiv_s)
DEF_2(fadd_d) DEF_2(fsub_d) DEF_2(fmul_d) DEF_2(fdiv_d)

/* sqrt */
#define fsqrt_s_A(RM) __asm__ volatile("fmv.w.x ft0, %1\n\tfsqrt.s ft2, ft0, " RM "\n\tfmv.x.w %0, ft2" \
    : "=r"(r) : "r"(a) : "ft0", "ft2")
#define fsqrt_d_A(RM) __asm__ volatile("fmv.d.x ft0, %1\n\tfsqrt.d ft2, ft0, " RM "\n\tfmv.x.d %0, ft2" \
    : "=r"(r) : "r"(a) : "ft0", "ft2")
static u64 fsqrt_s(int rm, u64 a, u64 b) { (void)b; u64 r; RM_SWITCH(rm, fsqrt_s_A) return r; }
static u64 fsqrt_d(int rm, u64 a, u64 b) { (void)b; u64 r; RM_SWITCH(rm, fsqrt_d_A) return r; }

/* Three-operand fused ops */
#define S3ASM(insn, RM) __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\tfmv.w.x ft3, %3\n\t" insn " ft2, ft0, ft1, ft3, " RM "\n\tfmv.x.w %0, ft2" \
    : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define D3ASM(insn, RM) __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft3, %3\n\t" insn " ft2, ft0, ft1, ft3, " RM "\n\tfmv.x.d %0, ft2" \
    : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3")
#define DEF_3(fn) \
    static u64 fn(int rm, u64 a, u64 b, u64 c) { u64 r; RM_SWITCH(rm, fn##_A) return r; }
#define fmadd_s_A(RM) S3ASM("fmadd.s", RM)
#define fmsub_s_A(RM) S3ASM("fmsub.s", RM)
#define fnmadd_s_A(RM) S3ASM("fnmadd.s", RM)
#define fnmsub_s_A(RM) S3ASM("fnmsub.s", RM)
#define fmadd_d_A(RM) D3ASM("fmadd.d", RM)
#define fmsub_d_A(RM) D3ASM("fmsub.d", RM)
#define fnmadd_d_A(RM) D3ASM("fnmadd.d", RM)
#define fnmsub_d_A(RM) D3ASM("fnmsub.d", RM)
DEF_3(fmadd_s) DEF_3(fmsub_s) DEF_3(fnmadd_s)
DEF_3(fnmsub_s)
DEF_3(fmadd_d) DEF_3(fmsub_d) DEF_3(fnmadd_d)
DEF_3(fnmsub_d)

/* No rounding mode: min/max/sign injection (float result), compares and fclass (integer result) */
#define NORM_S(fn, insn) static u64 fn(int rm, u64 a, u64 b) { (void)rm; u64 r; \
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\tfmv.x.w %0, ft2" \
        : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); return r; }
#define NORM_D(fn, insn) static u64 fn(int rm, u64 a, u64 b) { (void)rm; u64 r; \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " ft2, ft0, ft1\n\tfmv.x.d %0, ft2" \
        : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); return r; }
#define CMP_S(fn, insn) static u64 fn(int rm, u64 a, u64 b) { (void)rm; u64 r; \
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\t" insn " %0, ft0, ft1" \
        : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1"); return r; }
#define CMP_D(fn, insn) static u64 fn(int rm, u64 a, u64 b) { (void)rm; u64 r; \
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t" insn " %0, ft0, ft1" \
        : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1"); return r; }
NORM_S(fmin_s, "fmin.s") NORM_S(fmax_s, "fmax.s") NORM_S(fsgnj_s, "fsgnj.s") NORM_S(fsgnjn_s, "fsgnjn.s")
NORM_S(fsgnjx_s, "fsgnjx.s")
NORM_D(fmin_d, "fmin.d") NORM_D(fmax_d, "fmax.d") NORM_D(fsgnj_d, "fsgnj.d") NORM_D(fsgnjn_d, "fsgnjn.d")
NORM_D(fsgnjx_d, "fsgnjx.d")
CMP_S(feq_s, "feq.s") CMP_S(flt_s, "flt.s") CMP_S(fle_s, "fle.s")
CMP_D(feq_d, "feq.d") CMP_D(flt_d, "flt.d") CMP_D(fle_d, "fle.d")
static u64 fclass_s(int rm, u64 a, u64 b) { (void)rm; (void)b; u64 r;
    __asm__ volatile("fmv.w.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }
static u64 fclass_d(int rm, u64 a, u64 b) { (void)rm; (void)b; u64 r;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.d %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }

/* Conversions float -> integer */
#define DEF_RM1(fn) \
    static u64 fn(int rm, u64 a, u64 b) { (void)b; u64 r; RM_SWITCH(rm, fn##_A) return r; }
#define F2I_ASM(mv, insn, RM) __asm__ volatile(mv " ft0, %1\n\t" insn " %0, ft0, " RM : "=r"(r) : "r"(a) : "ft0")
#define fcvt_w_s_A(RM) F2I_ASM("fmv.w.x", "fcvt.w.s", RM)
#define fcvt_wu_s_A(RM) F2I_ASM("fmv.w.x", "fcvt.wu.s", RM)
#define fcvt_l_s_A(RM) F2I_ASM("fmv.w.x", "fcvt.l.s", RM)
#define fcvt_lu_s_A(RM) F2I_ASM("fmv.w.x", "fcvt.lu.s", RM)
#define fcvt_w_d_A(RM) F2I_ASM("fmv.d.x", "fcvt.w.d", RM)
#define fcvt_wu_d_A(RM) F2I_ASM("fmv.d.x", "fcvt.wu.d", RM)
#define fcvt_l_d_A(RM) F2I_ASM("fmv.d.x", "fcvt.l.d", RM)
#define fcvt_lu_d_A(RM) F2I_ASM("fmv.d.x", "fcvt.lu.d", RM)
DEF_RM1(fcvt_w_s) DEF_RM1(fcvt_wu_s) DEF_RM1(fcvt_l_s) DEF_RM1(fcvt_lu_s)
DEF_RM1(fcvt_w_d) DEF_RM1(fcvt_wu_d) DEF_RM1(fcvt_l_d) DEF_RM1(fcvt_lu_d)

/* Conversions integer -> float and between formats */
#define I2F_ASM(insn, mvout, RM) __asm__ volatile(insn " ft0, %1, " RM "\n\t" mvout " %0, ft0" : "=r"(r) : "r"(a) : "ft0")
#define fcvt_s_w_A(RM) I2F_ASM("fcvt.s.w", "fmv.x.w", RM)
#define fcvt_s_wu_A(RM) I2F_ASM("fcvt.s.wu", "fmv.x.w", RM)
#define fcvt_s_l_A(RM) I2F_ASM("fcvt.s.l", "fmv.x.w", RM)
#define fcvt_s_lu_A(RM) I2F_ASM("fcvt.s.lu", "fmv.x.w", RM)
#define fcvt_d_l_A(RM) I2F_ASM("fcvt.d.l", "fmv.x.d", RM)
#define fcvt_d_lu_A(RM) I2F_ASM("fcvt.d.lu", "fmv.x.d", RM)
#define fcvt_s_d_A(RM) __asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.s.d ft1, ft0, " RM "\n\tfmv.x.w %0, ft1" : "=r"(r) : "r"(a) : "ft0", "ft1")
DEF_RM1(fcvt_s_w) DEF_RM1(fcvt_s_wu) DEF_RM1(fcvt_s_l) DEF_RM1(fcvt_s_lu)
DEF_RM1(fcvt_d_l) DEF_RM1(fcvt_d_lu)
DEF_RM1(fcvt_s_d)
/* fcvt.d.s, fcvt.d.w, fcvt.d.wu are exact: the assembler only accepts them without a rounding mode */
static u64 fcvt_d_w(int rm, u64 a, u64 b) { (void)rm; (void)b; u64 r;
    __asm__ volatile("fcvt.d.w ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }
static u64 fcvt_d_wu(int rm, u64 a, u64 b) { (void)rm; (void)b; u64 r;
    __asm__ volatile("fcvt.d.wu ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(a) : "ft0"); return r; }
static u64 fcvt_d_s(int rm, u64 a, u64 b) { (void)rm; (void)b; u64 r;
    __asm__ volatile("fmv.w.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(a) : "ft0", "ft1"); return r; }

/* ---- test values ---- */

static const u64 svals[] = {
    0x00000000, 0x80000000, 0x3f800000 /* 1 */, 0xbf800000 /* -1 */, 0x3fc00000 /* 1.5 */,
    0x40400000 /* 3 */, 0x3dcccccd /* 0.1 */, 0x3eaaaaab /* 1/3 */, 0x3f800001 /* 1+ulp */,
    0x4b000001 /* 2^23+1 */, 0x7149f2ca /* 1e30 */, 0xf149f2ca, 0x7f7fffff /* FLT_MAX */,
    0x00800000 /* FLT_MIN */, 0x00000001 /* min subnormal */, 0x807fffff /* -max subnormal */,
    0x7f800000 /* inf */, 0xff800000 /* -inf */, 0x7fc00000 /* qNaN */, 0x7f800001 /* sNaN */,
    0xffc12345 /* -qNaN payload */, 0x4f000000 /* 2^31 */, 0xcf000000 /* -2^31 */, 0x3f000000 /* 0.5 */,
    0x40200000 /* 2.5 */, 0xbfc00000 /* -1.5 */,
};
#define NS (sizeof svals / sizeof svals[0])

static const u64 dvals[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL /* 1 */, 0xbff0000000000000ULL,
    0x3ff8000000000000ULL /* 1.5 */, 0x4008000000000000ULL /* 3 */, 0x3fb999999999999aULL /* 0.1 */,
    0x3fd5555555555555ULL /* 1/3 */, 0x3ff0000000000001ULL /* 1+ulp */, 0x4330000000000001ULL /* 2^52+1 */,
    0x7e37e43c8800759cULL /* 1e300 */, 0xfe37e43c8800759cULL, 0x7fefffffffffffffULL /* DBL_MAX */,
    0x0010000000000000ULL /* DBL_MIN */, 0x0000000000000001ULL, 0x800fffffffffffffULL,
    0x7ff0000000000000ULL /* inf */, 0xfff0000000000000ULL, 0x7ff8000000000000ULL /* qNaN */,
    0x7ff0000000000001ULL /* sNaN */, 0xfff8000012345678ULL, 0x41e0000000000000ULL /* 2^31 */,
    0xc1e0000000000000ULL, 0x43e0000000000000ULL /* 2^63 */, 0xc3e0000000000000ULL /* -2^63 */,
    0x43f0000000000000ULL /* 2^64 */, 0x3fe0000000000000ULL /* 0.5 */, 0x4004000000000000ULL /* 2.5 */,
    0xbff8000000000000ULL /* -1.5 */, 0x41efffffffe00000ULL /* 2^32-1 */, 0x47efffffe0000000ULL /* FLT_MAX */,
    0x36a0000000000000ULL /* FLT_TRUE_MIN */, 0x3ff0000010000000ULL /* 1 + half float ulp */,
};
#define ND (sizeof dvals / sizeof dvals[0])

static const u64 ivals[] = {
    0, 1, 0xffffffffffffffffULL, 0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0xffffffff80000000ULL,
    16777217 /* 2^24+1 */, 16777219, 0x20000000000001ULL /* 2^53+1 */, 0x20000000000003ULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL, 0x0123456789abcdefULL,
    0xfedcba9876543210ULL, 123456789012345678ULL, 0xfffffffffffffffeULL, 0x100000001ULL,
};
#define NI (sizeof ivals / sizeof ivals[0])

typedef u64 (*op2)(int, u64, u64);
typedef u64 (*op3)(int, u64, u64, u64);

/* Runs op under every rounding-mode variant: static rne..rmm, then dyn with frm = 0..4. */
static u64 run_rm(op2 f, int variant, u64 a, u64 b, unsigned *flags)
{
    static const int fenv_modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
    u64 r;
    if (variant < 5) {
        set_frm(variant == 0 ? 3 : 0);        /* static modes must ignore frm */
        clear_flags();
        r = f(variant, a, b);
    } else {
        int m = variant - 5;
        if (m < 4) fesetround(fenv_modes[m]);
        else set_frm(4);                     /* RMM: fenv has no name for it */
        clear_flags();
        r = f(5, a, b);
    }
    *flags = read_flags();
    set_frm(0);
    return r;
}
#define NVARIANTS 10
static const char *variant_name(int v)
{
    static const char *const n[] = { "rne", "rtz", "rdn", "rup", "rmm",
                                     "dyn=rne", "dyn=rtz", "dyn=rdn", "dyn=rup", "dyn=rmm" };
    return n[v];
}

/* Hashes op over all value pairs for every rounding variant; prints chosen pairs in full. */
static void table2(const char *name, op2 f, const u64 *v, unsigned n, int unary, int is_s,
                   const int (*show)[2], unsigned nshow, int all_variants)
{
    for (int var = 0; var < NVARIANTS; var++) {
        if (!all_variants && var != 0) break;
        hash64 h;
        hash_init(&h);
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < (unary ? 1 : n); j++) {
                unsigned fl;
                u64 r = run_rm(f, var, v[i], v[j], &fl);
                hash_u64(&h, r);
                hash_u64(&h, fl);
            }
        char what[64];
        snprintf(what, sizeof what, "%s %s", name, all_variants ? variant_name(var) : "");
        hash_print(what, &h);
    }
    for (unsigned k = 0; k < nshow; k++) {
        u64 a = v[show[k][0]], b = v[show[k][1]];
        printf("  %s", name);
        if (is_s) printf(unary ? " %08llx" : " %08llx %08llx", (unsigned long long)a, (unsigned long long)b);
        else printf(unary ? " %016llx" : " %016llx %016llx", (unsigned long long)a, (unsigned long long)b);
        printf(" =");
        for (int var = 0; var < (all_variants ? 5 : 1); var++) {
            unsigned fl;
            u64 r = run_rm(f, var, a, b, &fl);
            if (all_variants) printf(" %s:", rm_names[var]);
            if (is_s == 1) printf(" %08llx", (unsigned long long)(r & 0xffffffff));
            else printf(" %016llx", (unsigned long long)r);
            printf(" [%s]", flag_str(fl));
        }
        printf("\n");
    }
}

/* Pairs (indices into svals / dvals) printed line by line for the binary arithmetic ops. */
static const int show_s2[][2] = {
    {2, 7}, {7, 5}, {2, 8}, {8, 8}, {12, 12}, {11, 10}, {13, 23}, {13, 7}, {14, 23}, {2, 0},
    {0, 0}, {16, 17}, {16, 16}, {19, 2}, {18, 2}, {20, 18}, {1, 0}, {6, 6}, {9, 23}, {15, 14},
};
static const int show_d2[][2] = {
    {2, 7}, {7, 5}, {2, 8}, {8, 8}, {12, 12}, {11, 10}, {13, 26}, {13, 7}, {14, 26}, {2, 0},
    {0, 0}, {16, 17}, {16, 16}, {19, 2}, {18, 2}, {20, 18}, {1, 0}, {6, 6}, {9, 26}, {15, 14},
};
static const int show_unary_s[][2] = {
    {0, 0}, {1, 0}, {2, 0}, {3, 0}, {5, 0}, {6, 0}, {7, 0}, {12, 0}, {13, 0}, {14, 0}, {15, 0}, {16, 0},
    {17, 0}, {18, 0}, {19, 0}, {20, 0}, {21, 0}, {22, 0}, {23, 0}, {24, 0}, {25, 0}, {4, 0},
};
static const int show_unary_d[][2] = {
    {0, 0}, {1, 0}, {2, 0}, {3, 0}, {5, 0}, {6, 0}, {7, 0}, {12, 0}, {13, 0}, {14, 0}, {15, 0}, {16, 0},
    {17, 0}, {18, 0}, {19, 0}, {20, 0}, {21, 0}, {22, 0}, {23, 0}, {24, 0}, {25, 0}, {26, 0}, {27, 0},
    {28, 0}, {29, 0}, {30, 0}, {31, 0}, {32, 0}, {4, 0},
};
static const int show_int[][2] = {
    {0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0}, {8, 0}, {9, 0}, {10, 0}, {11, 0},
    {12, 0}, {13, 0}, {14, 0}, {15, 0}, {16, 0}, {17, 0}, {18, 0},
};
static const int show_minmax_s[][2] = {
    {0, 1}, {1, 0}, {2, 18}, {18, 2}, {18, 18}, {19, 2}, {2, 19}, {19, 18}, {20, 3}, {16, 18}, {17, 16},
    {2, 3}, {14, 15},
};
static const int show_minmax_d[][2] = {
    {0, 1}, {1, 0}, {2, 18}, {18, 2}, {18, 18}, {19, 2}, {2, 19}, {19, 18}, {20, 3}, {16, 18}, {17, 16},
    {2, 3}, {14, 15},
};
#define N_(a) (sizeof a / sizeof a[0])

static void fused(const char *name, op3 f, const u64 *v, unsigned n, int is_s)
{
    /* (a, b, c) triples: indices */
    static const int s_tr[][3] = {
        {8, 8, 3}, {7, 5, 3}, {12, 12, 17}, {12, 5, 11}, {16, 0, 18}, {16, 0, 2}, {13, 23, 1},
        {14, 23, 0}, {2, 2, 3}, {0, 0, 1}, {1, 0, 1}, {19, 2, 2}, {2, 2, 19}, {6, 6, 6},
    };
    static const int d_tr[][3] = {
        {8, 8, 3}, {7, 5, 3}, {12, 12, 17}, {12, 5, 11}, {16, 0, 18}, {16, 0, 2}, {13, 26, 1},
        {14, 26, 0}, {2, 2, 3}, {0, 0, 1}, {1, 0, 1}, {19, 2, 2}, {2, 2, 19}, {6, 6, 6},
    };
    const int (*tr)[3] = is_s ? s_tr : d_tr;
    unsigned ntr = is_s ? N_(s_tr) : N_(d_tr);
    hash64 h;
    hash_init(&h);
    for (int rm = 0; rm < 5; rm++)
        for (unsigned i = 0; i < n; i += 2)
            for (unsigned j = 0; j < n; j++)
                for (unsigned k = 1; k < n; k += 3) {
                    clear_flags();
                    hash_u64(&h, f(rm, v[i], v[j], v[k]));
                    hash_u64(&h, read_flags());
                }
    hash_print(name, &h);
    for (unsigned t = 0; t < ntr; t++) {
        u64 a = v[tr[t][0]], b = v[tr[t][1]], c = v[tr[t][2]];
        printf("  %s %llx %llx %llx =", name, (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
        for (int rm = 0; rm < 5; rm++) {
            clear_flags();
            u64 r = f(rm, a, b, c);
            unsigned fl = read_flags();
            printf(" %s: %llx [%s]", rm_names[rm], (unsigned long long)(is_s ? r & 0xffffffff : r), flag_str(fl));
        }
        printf("\n");
    }
}

static void fma_vs_separate(void)
{
    /* (1+2^-23)^2 - (1+2^-22): fused keeps the 2^-46 term, separate mul+add loses it. */
    u64 a = 0x3f800001, mc = 0xbf800002, r1, r2;
    __asm__ volatile("fmv.w.x ft0, %2\n\tfmv.w.x ft1, %3\n\tfmadd.s ft2, ft0, ft0, ft1\n\tfmv.x.w %0, ft2\n\t"
                     "fmul.s ft3, ft0, ft0\n\tfadd.s ft3, ft3, ft1\n\tfmv.x.w %1, ft3"
                     : "=&r"(r1), "=&r"(r2) : "r"(a), "r"(mc) : "ft0", "ft1", "ft2", "ft3");
    printf("fma vs mul+add (single): fused %08llx separate %08llx\n", (unsigned long long)(r1 & 0xffffffff),
           (unsigned long long)(r2 & 0xffffffff));
    volatile double x = 0.1, y = 10.0, z = -1.0;
    double fused = fma(x, y, z), sep = x * y + z;
    u64 fb, sb;
    memcpy(&fb, &fused, 8);
    memcpy(&sb, &sep, 8);
    printf("fma vs mul+add (double, libm fma): fused %016llx separate %016llx\n", (unsigned long long)fb,
           (unsigned long long)sb);
}

static void nan_boxing(void)
{
    u64 r, fl;
    /* A double bit pattern whose upper half is not all ones is not a valid single: reads as canonical NaN. */
    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.w %0, ft1" : "=r"(r) : "r"(0x000000003f800000ULL) : "ft0", "ft1");
    fl = read_flags();
    printf("fadd.s of unboxed 1.0 = %08llx [%s]\n", (unsigned long long)(r & 0xffffffff), flag_str(fl));
    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.w %0, ft1" : "=r"(r) : "r"(0xffffffff3f800000ULL) : "ft0", "ft1");
    fl = read_flags();
    printf("fadd.s of boxed 1.0 = %08llx [%s]\n", (unsigned long long)(r & 0xffffffff), flag_str(fl));
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(0x12345678cafebabeULL) : "ft0");
    printf("fmv.x.w of unboxed (raw low bits, sign-extended) = %016llx\n", (unsigned long long)r);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(0x3f800000ULL) : "ft0");
    printf("fmv.w.x boxes: fmv.x.d = %016llx\n", (unsigned long long)r);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfadd.s ft0, ft0, ft0\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(0x3f800000ULL) : "ft0");
    printf("fadd.s result boxed: fmv.x.d = %016llx\n", (unsigned long long)r);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r) : "r"(0x00000000ff800000ULL) : "ft0");
    printf("fclass.s of unboxed -inf = %llx\n", (unsigned long long)r);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(0x7fffffff40000000ULL) : "ft0", "ft1");
    printf("fcvt.d.s of unboxed = %016llx\n", (unsigned long long)r);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.w.x ft1, %2\n\tfsgnj.s ft2, ft1, ft0\n\tfmv.x.w %0, ft2"
                     : "=r"(r) : "r"(0x00000000bf800000ULL), "r"(0x40000000ULL) : "ft0", "ft1", "ft2");
    printf("fsgnj.s with unboxed sign source = %08llx\n", (unsigned long long)(r & 0xffffffff));
    /* flw/fsw/fld/fsd move raw bits; flw boxes. */
    static u64 mem[2];
    mem[0] = 0xffc000017f800001ULL;   /* low word: single sNaN */
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0\n\tfsw ft0, 8(%1)" : "=r"(r) : "r"(mem) : "ft0", "memory");
    printf("flw sNaN keeps bits, boxed: %016llx, fsw wrote %08llx\n", (unsigned long long)r,
           (unsigned long long)(mem[1] & 0xffffffff));
    mem[0] = 0x7ff0000000000001ULL;   /* double sNaN */
    __asm__ volatile("fld ft0, 0(%0)\n\tfsd ft0, 8(%0)" :: "r"(mem) : "ft0", "memory");
    printf("fld/fsd sNaN keeps bits: %016llx\n", (unsigned long long)mem[1]);
    clear_flags();
    printf("flags after moves: [%s]\n", flag_str(read_flags()));
}

static void csr_tests(void)
{
    unsigned old, v, frm, ff;
    __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0xffu));
    __asm__ volatile("frcsr %0" : "=r"(v));
    frm = get_frm();
    ff = read_flags();
    printf("fcsr after writing 0xff: fcsr=%x frm=%x fflags=%x\n", v, frm, ff);
    __asm__ volatile("fscsr %0" :: "r"(0x1234u));
    __asm__ volatile("frcsr %0" : "=r"(v));
    printf("fcsr after writing 0x1234 (upper bits ignored): %x\n", v);
    __asm__ volatile("csrrsi %0, fflags, 0x3" : "=r"(v));
    __asm__ volatile("csrrci %0, fflags, 0x1" : "=r"(ff));
    printf("csrrsi/csrrci fflags: %x %x\n", v, ff);
    __asm__ volatile("fsrmi %0, 2" : "=r"(v));
    frm = get_frm();
    printf("fsrmi: old frm %x new frm %x fegetround==FE_DOWNWARD: %d\n", v, frm, fegetround() == FE_DOWNWARD);
    __asm__ volatile("fscsr zero");
    /* feraiseexcept / fetestexcept via libc */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    printf("fetestexcept after raising OF|NX: OF=%d NX=%d DZ=%d\n", !!fetestexcept(FE_OVERFLOW),
           !!fetestexcept(FE_INEXACT), !!fetestexcept(FE_DIVBYZERO));
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
}

static void libm_tests(void)
{
    static const double in[] = { 0.5, 1.0, 2.0, 10.0, -3.25, 1e-10, 123456.789, 0.7853981633974483, 1e22 };
    volatile double sink;
    hash64 h;
    hash_init(&h);
    for (unsigned i = 0; i < N_(in); i++) {
        volatile double x = in[i];
        double r[8] = { sin(x), cos(x), exp(x / 8), log(fabs(x)), pow(fabs(x), 1.0 / 3), atan2(x, 3.0), tanh(x), sqrt(fabs(x)) };
        printf("x=%.17g sin=%.17g cos=%.17g exp(x/8)=%.17g log|x|=%.17g\n", x, r[0], r[1], r[2], r[3]);
        printf("     pow(|x|,1/3)=%.17g atan2=%.17g tanh=%a sqrt=%a\n", r[4], r[5], r[6], r[7]);
        hash_bytes(&h, r, sizeof r);
    }
    volatile float xf = 0.3f;
    printf("sinf(0.3)=%.9g expf(0.3)=%.9g logf(0.3)=%.9g powf(0.3,2.5)=%.9g\n", (double)sinf(xf), (double)expf(xf),
           (double)logf(xf), (double)powf(xf, 2.5f));
    volatile double big = 1e308, tiny = 5e-324;
    printf("exp(710)=%g exp(-746)=%g log(0)=%g pow(-8,1/3)=%g lgamma(0.5)=%.17g\n", exp(710.0 * (big / big)),
           exp(-746.0), log(tiny - tiny), pow(-8.0, 1.0 / 3), lgamma(0.5 * (big / big)));
    static const int modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
    static const char *const mn[] = { "nearest", "towardzero", "downward", "upward" };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        volatile double a = 2.5, b = -2.5, c = 1.0, d = 3.0;
        double q = c / d;
        u64 qb;
        memcpy(&qb, &q, 8);
        printf("%s: rint(2.5)=%g rint(-2.5)=%g nearbyint(3.5)=%g lrint(-3.5)=%ld 1/3=%016llx floor(-2.5)=%g ceil=%g round=%g trunc=%g\n",
               mn[m], rint(a), rint(b), nearbyint(a + 1), lrint(b - 1), (unsigned long long)qb, floor(b), ceil(b),
               round(b), trunc(b));
    }
    fesetround(FE_TONEAREST);
    /* A small numeric kernel: naive series, exercises fmadd contraction by the compiler. */
    double acc = 0;
    for (int i = 1; i <= 2000; i++) acc += 1.0 / ((double)i * i) + sin(i * 0.001) * 1e-3;
    sink = acc;
    printf("series = %.17g\n", sink);
    printf("printf: %.3f %.10e %g %g %g %a\n", 2.0 / 3, 6.02214076e23, 1e-5, 123456789.0, -0.0, 0.1);
    hash_print("libm", &h);
}

int main(void)
{
    fesetround(FE_TONEAREST);
    printf("-- single arithmetic\n");
    table2("fadd.s", fadd_s, svals, NS, 0, 1, show_s2, N_(show_s2), 1);
    table2("fsub.s", fsub_s, svals, NS, 0, 1, show_s2, N_(show_s2), 1);
    table2("fmul.s", fmul_s, svals, NS, 0, 1, show_s2, N_(show_s2), 1);
    table2("fdiv.s", fdiv_s, svals, NS, 0, 1, show_s2, N_(show_s2), 1);
    table2("fsqrt.s", fsqrt_s, svals, NS, 1, 1, show_unary_s, N_(show_unary_s), 1);
    printf("-- double arithmetic\n");
    table2("fadd.d", fadd_d, dvals, ND, 0, 0, show_d2, N_(show_d2), 1);
    table2("fsub.d", fsub_d, dvals, ND, 0, 0, show_d2, N_(show_d2), 1);
    table2("fmul.d", fmul_d, dvals, ND, 0, 0, show_d2, N_(show_d2), 1);
    table2("fdiv.d", fdiv_d, dvals, ND, 0, 0, show_d2, N_(show_d2), 1);
    table2("fsqrt.d", fsqrt_d, dvals, ND, 1, 0, show_unary_d, N_(show_unary_d), 1);
    printf("-- fused multiply-add\n");
    fused("fmadd.s", fmadd_s, svals, NS, 1);
    fused("fmsub.s", fmsub_s, svals, NS, 1);
    fused("fnmadd.s", fnmadd_s, svals, NS, 1);
    fused("fnmsub.s", fnmsub_s, svals, NS, 1);
    fused("fmadd.d", fmadd_d, dvals, ND, 0);
    fused("fmsub.d", fmsub_d, dvals, ND, 0);
    fused("fnmadd.d", fnmadd_d, dvals, ND, 0);
    fused("fnmsub.d", fnmsub_d, dvals, ND, 0);
    fma_vs_separate();
    printf("-- min/max, sign injection, compares, fclass\n");
    table2("fmin.s", fmin_s, svals, NS, 0, 1, show_minmax_s, N_(show_minmax_s), 0);
    table2("fmax.s", fmax_s, svals, NS, 0, 1, show_minmax_s, N_(show_minmax_s), 0);
    table2("fmin.d", fmin_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("fmax.d", fmax_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("fsgnj.s", fsgnj_s, svals, NS, 0, 1, show_minmax_s, N_(show_minmax_s), 0);
    table2("fsgnjn.s", fsgnjn_s, svals, NS, 0, 1, show_minmax_s, N_(show_minmax_s), 0);
    table2("fsgnjx.s", fsgnjx_s, svals, NS, 0, 1, show_minmax_s, N_(show_minmax_s), 0);
    table2("fsgnj.d", fsgnj_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("fsgnjn.d", fsgnjn_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("fsgnjx.d", fsgnjx_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("feq.s", feq_s, svals, NS, 0, 2, show_minmax_s, N_(show_minmax_s), 0);
    table2("flt.s", flt_s, svals, NS, 0, 2, show_minmax_s, N_(show_minmax_s), 0);
    table2("fle.s", fle_s, svals, NS, 0, 2, show_minmax_s, N_(show_minmax_s), 0);
    table2("feq.d", feq_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("flt.d", flt_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("fle.d", fle_d, dvals, ND, 0, 0, show_minmax_d, N_(show_minmax_d), 0);
    table2("fclass.s", fclass_s, svals, NS, 1, 2, show_unary_s, N_(show_unary_s), 0);
    table2("fclass.d", fclass_d, dvals, ND, 1, 0, show_unary_d, N_(show_unary_d), 0);
    printf("-- float to integer\n");
    table2("fcvt.w.s", fcvt_w_s, svals, NS, 1, 0, show_unary_s, N_(show_unary_s), 1);
    table2("fcvt.wu.s", fcvt_wu_s, svals, NS, 1, 0, show_unary_s, N_(show_unary_s), 1);
    table2("fcvt.l.s", fcvt_l_s, svals, NS, 1, 0, show_unary_s, N_(show_unary_s), 1);
    table2("fcvt.lu.s", fcvt_lu_s, svals, NS, 1, 0, show_unary_s, N_(show_unary_s), 1);
    table2("fcvt.w.d", fcvt_w_d, dvals, ND, 1, 0, show_unary_d, N_(show_unary_d), 1);
    table2("fcvt.wu.d", fcvt_wu_d, dvals, ND, 1, 0, show_unary_d, N_(show_unary_d), 1);
    table2("fcvt.l.d", fcvt_l_d, dvals, ND, 1, 0, show_unary_d, N_(show_unary_d), 1);
    table2("fcvt.lu.d", fcvt_lu_d, dvals, ND, 1, 0, show_unary_d, N_(show_unary_d), 1);
    printf("-- integer to float, between formats\n");
    table2("fcvt.s.w", fcvt_s_w, ivals, NI, 1, 1, show_int, N_(show_int), 1);
    table2("fcvt.s.wu", fcvt_s_wu, ivals, NI, 1, 1, show_int, N_(show_int), 1);
    table2("fcvt.s.l", fcvt_s_l, ivals, NI, 1, 1, show_int, N_(show_int), 1);
    table2("fcvt.s.lu", fcvt_s_lu, ivals, NI, 1, 1, show_int, N_(show_int), 1);
    table2("fcvt.d.w", fcvt_d_w, ivals, NI, 1, 0, show_int, N_(show_int), 0);
    table2("fcvt.d.wu", fcvt_d_wu, ivals, NI, 1, 0, show_int, N_(show_int), 0);
    table2("fcvt.d.l", fcvt_d_l, ivals, NI, 1, 0, show_int, N_(show_int), 1);
    table2("fcvt.d.lu", fcvt_d_lu, ivals, NI, 1, 0, show_int, N_(show_int), 1);
    table2("fcvt.s.d", fcvt_s_d, dvals, ND, 1, 1, show_unary_d, N_(show_unary_d), 1);
    table2("fcvt.d.s", fcvt_d_s, svals, NS, 1, 0, show_unary_s, N_(show_unary_s), 0);
    printf("-- NaN boxing and moves\n");
    nan_boxing();
    printf("-- fcsr\n");
    csr_tests();
    printf("-- libm\n");
    libm_tests();
    return 0;
}
