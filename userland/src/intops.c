/*
 * intops: RV64I/M integer ALU coverage. Every instruction is issued through inline asm, so the
 * compiler cannot fold or substitute it. Register-register ops run over all pairs of a table of
 * interesting operands (and over pseudo-random pairs) feeding a running hash per instruction; a
 * subset of edge operands is printed line by line. Division edge cases (by zero, MIN/-1) are
 * printed explicitly. All values in hex.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "common.h"

typedef uint64_t u64;

static const u64 ops[] = {
    0, 1, 2, 3, 7, 0xffffffffffffffffULL /* -1 */, 0xfffffffffffffffeULL /* -2 */,
    0x8000000000000000ULL, 0x7fffffffffffffffULL, 0x8000000000000001ULL,
    0x80000000ULL, 0x7fffffffULL, 0xffffffffULL, 0x100000000ULL, 0xffffffff80000000ULL,
    0xffffffff7fffffffULL, 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0xdeadbeefcafebabeULL,
    0x5555555555555555ULL, 0xaaaaaaaaaaaaaaaaULL, 31, 32, 33, 63, 64, 65, 0xffffffffffffffe0ULL,
    0x00000000fffff800ULL, 0x123, 10, 0xfffffffffffffff6ULL,
};
#define NOPS (sizeof ops / sizeof ops[0])

/* Edge subset printed line by line (indices into ops). */
static const int edge[] = { 0, 1, 5, 7, 8, 10, 12, 18, 22, 24 };
#define NEDGE (sizeof edge / sizeof edge[0])

typedef u64 (*binop)(u64, u64);

#define RR(name, insn) \
    static u64 name(u64 a, u64 b) { u64 r; __asm__ volatile(insn " %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }

RR(op_add, "add") RR(op_sub, "sub") RR(op_sll, "sll") RR(op_srl, "srl") RR(op_sra, "sra")
RR(op_slt, "slt") RR(op_sltu, "sltu") RR(op_xor, "xor") RR(op_or, "or") RR(op_and, "and")
RR(op_addw, "addw") RR(op_subw, "subw") RR(op_sllw, "sllw") RR(op_srlw, "srlw") RR(op_sraw, "sraw")
RR(op_mul, "mul") RR(op_mulh, "mulh") RR(op_mulhsu, "mulhsu") RR(op_mulhu, "mulhu") RR(op_mulw, "mulw")
RR(op_div, "div") RR(op_divu, "divu") RR(op_rem, "rem") RR(op_remu, "remu")
RR(op_divw, "divw") RR(op_divuw, "divuw") RR(op_remw, "remw") RR(op_remuw, "remuw")

/* Branches: result 1 when taken. */
#define BR(name, insn) \
    static u64 name(u64 a, u64 b) { u64 r; __asm__ volatile("li %0,1\n\t" insn " %1,%2,1f\n\tli %0,0\n1:" \
        : "=&r"(r) : "r"(a), "r"(b)); return r; }
BR(br_beq, "beq") BR(br_bne, "bne") BR(br_blt, "blt") BR(br_bge, "bge") BR(br_bltu, "bltu") BR(br_bgeu, "bgeu")

static const struct { const char *name; binop f; } binops[] = {
    {"add", op_add}, {"sub", op_sub}, {"sll", op_sll}, {"srl", op_srl}, {"sra", op_sra},
    {"slt", op_slt}, {"sltu", op_sltu}, {"xor", op_xor}, {"or", op_or}, {"and", op_and},
    {"addw", op_addw}, {"subw", op_subw}, {"sllw", op_sllw}, {"srlw", op_srlw}, {"sraw", op_sraw},
    {"mul", op_mul}, {"mulh", op_mulh}, {"mulhsu", op_mulhsu}, {"mulhu", op_mulhu}, {"mulw", op_mulw},
    {"div", op_div}, {"divu", op_divu}, {"rem", op_rem}, {"remu", op_remu},
    {"divw", op_divw}, {"divuw", op_divuw}, {"remw", op_remw}, {"remuw", op_remuw},
    {"beq", br_beq}, {"bne", br_bne}, {"blt", br_blt}, {"bge", br_bge}, {"bltu", br_bltu}, {"bgeu", br_bgeu},
};
#define NBIN (sizeof binops / sizeof binops[0])

/* Immediate forms: one function per (instruction, immediate). */
#define RI(name, insn, imm) \
    static u64 name(u64 a) { u64 r; __asm__ volatile(insn " %0,%1," #imm : "=r"(r) : "r"(a)); return r; }
RI(addi_m2048, "addi", -2048) RI(addi_2047, "addi", 2047) RI(addi_m1, "addi", -1)
RI(addiw_m2048, "addiw", -2048) RI(addiw_2047, "addiw", 2047) RI(addiw_0, "addiw", 0) RI(addiw_1, "addiw", 1)
RI(slti_m1, "slti", -1) RI(slti_0, "slti", 0) RI(sltiu_m1, "sltiu", -1) RI(sltiu_1, "sltiu", 1)
RI(xori_m1, "xori", -1) RI(xori_555, "xori", 0x555) RI(ori_m2048, "ori", -2048) RI(andi_m16, "andi", -16)
RI(andi_2047, "andi", 2047)
RI(slli_0, "slli", 0) RI(slli_1, "slli", 1) RI(slli_31, "slli", 31) RI(slli_32, "slli", 32) RI(slli_63, "slli", 63)
RI(srli_1, "srli", 1) RI(srli_31, "srli", 31) RI(srli_32, "srli", 32) RI(srli_63, "srli", 63)
RI(srai_1, "srai", 1) RI(srai_31, "srai", 31) RI(srai_32, "srai", 32) RI(srai_63, "srai", 63)
RI(slliw_0, "slliw", 0) RI(slliw_1, "slliw", 1) RI(slliw_31, "slliw", 31)
RI(srliw_0, "srliw", 0) RI(srliw_1, "srliw", 1) RI(srliw_31, "srliw", 31)
RI(sraiw_0, "sraiw", 0) RI(sraiw_1, "sraiw", 1) RI(sraiw_31, "sraiw", 31)

typedef u64 (*unop)(u64);
static const struct { const char *name; unop f; } unops[] = {
    {"addi -2048", addi_m2048}, {"addi 2047", addi_2047}, {"addi -1", addi_m1},
    {"addiw -2048", addiw_m2048}, {"addiw 2047", addiw_2047}, {"addiw 0 (sext.w)", addiw_0}, {"addiw 1", addiw_1},
    {"slti -1", slti_m1}, {"slti 0", slti_0}, {"sltiu -1", sltiu_m1}, {"sltiu 1 (seqz)", sltiu_1},
    {"xori -1 (not)", xori_m1}, {"xori 0x555", xori_555}, {"ori -2048", ori_m2048}, {"andi -16", andi_m16},
    {"andi 2047", andi_2047},
    {"slli 0", slli_0}, {"slli 1", slli_1}, {"slli 31", slli_31}, {"slli 32", slli_32}, {"slli 63", slli_63},
    {"srli 1", srli_1}, {"srli 31", srli_31}, {"srli 32", srli_32}, {"srli 63", srli_63},
    {"srai 1", srai_1}, {"srai 31", srai_31}, {"srai 32", srai_32}, {"srai 63", srai_63},
    {"slliw 0", slliw_0}, {"slliw 1", slliw_1}, {"slliw 31", slliw_31},
    {"srliw 0", srliw_0}, {"srliw 1", srliw_1}, {"srliw 31", srliw_31},
    {"sraiw 0", sraiw_0}, {"sraiw 1", sraiw_1}, {"sraiw 31", sraiw_31},
};
#define NUN (sizeof unops / sizeof unops[0])

static void upper_immediates(void)
{
    u64 r[8];
    __asm__ volatile("lui %0, 0x80000" : "=r"(r[0]));
    __asm__ volatile("lui %0, 0x7ffff" : "=r"(r[1]));
    __asm__ volatile("lui %0, 0xfffff" : "=r"(r[2]));
    __asm__ volatile("lui %0, 1" : "=r"(r[3]));
    __asm__ volatile("li %0, 0x123456789abcdef0" : "=r"(r[4]));
    __asm__ volatile("li %0, -0x7edcba9876543211" : "=r"(r[5]));
    printf("lui 0x80000 = %016llx\n", (unsigned long long)r[0]);
    printf("lui 0x7ffff = %016llx\n", (unsigned long long)r[1]);
    printf("lui 0xfffff = %016llx\n", (unsigned long long)r[2]);
    printf("lui 1 = %016llx\n", (unsigned long long)r[3]);
    printf("li 0x123456789abcdef0 = %016llx\n", (unsigned long long)r[4]);
    printf("li -0x7edcba9876543211 = %016llx\n", (unsigned long long)r[5]);
    /* auipc: differences between auipc results are position independent. */
    __asm__ volatile("1: auipc %0, 0\n\tauipc %1, 1\n\tauipc %2, 0x80000\n\tlla %3, 1b\n\t"
                     "sub %1, %1, %0\n\tsub %2, %2, %0\n\tsub %3, %3, %0"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]));
    printf("auipc 1 - auipc 0 = %llx\n", (unsigned long long)r[1]);
    printf("auipc 0x80000 - auipc 0 = %016llx\n", (unsigned long long)r[2]);
    printf("lla label - auipc 0 at label = %llx\n", (unsigned long long)r[3]);
    /* jal/jalr link values. */
    __asm__ volatile("jal %0, 1f\n1:\tauipc %1, 0\n\tsub %0, %1, %0\n\t"
                     "lla %1, 2f\n\tjalr %2, 0(%1)\n2:\tauipc %1, 0\n\tsub %2, %1, %2"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]));
    printf("jal link delta = %lld, jalr link delta = %lld\n", (long long)r[0], (long long)r[2]);
    /* jalr clears bit 0 of the target. */
    __asm__ volatile("lla %0, 3f\n\taddi %0, %0, 1\n\tli %1, 0\n\tjalr x0, 0(%0)\n\tli %1, 99\n"
                     "\t.balign 4\n3:\tli %1, 7" : "=&r"(r[0]), "=&r"(r[1]));
    printf("jalr to odd address lands on even target: %s\n", r[1] == 7 ? "yes" : "no");
    /* writes to x0 are discarded. */
    __asm__ volatile("li t0, 5\n\taddi x0, t0, 1\n\tmv %0, x0" : "=r"(r[0]) : : "t0");
    printf("x0 after write = %llu\n", (unsigned long long)r[0]);
}

static void loads_stores(void)
{
    static unsigned char buf[32];
    for (int i = 0; i < 32; i++) buf[i] = (unsigned char)(0x80 + 0x0b * i);
    u64 r[7];
    __asm__ volatile("lb %0, 0(%7)\n\tlbu %1, 0(%7)\n\tlh %2, 0(%7)\n\tlhu %3, 0(%7)\n\t"
                     "lw %4, 0(%7)\n\tlwu %5, 0(%7)\n\tld %6, 0(%7)"
                     : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4]), "=&r"(r[5]), "=&r"(r[6])
                     : "r"(buf + 8) : "memory");
    const char *n[] = { "lb", "lbu", "lh", "lhu", "lw", "lwu", "ld" };
    for (int i = 0; i < 7; i++) printf("%s = %016llx\n", n[i], (unsigned long long)r[i]);
    __asm__ volatile("lb %0, -1(%2)\n\tld %1, 8(%2)" : "=&r"(r[0]), "=&r"(r[1]) : "r"(buf + 8) : "memory");
    printf("lb -1(p) = %016llx, ld 8(p) = %016llx\n", (unsigned long long)r[0], (unsigned long long)r[1]);
    u64 v = 0x0102030405060708ULL;
    __asm__ volatile("sb %0, 0(%1)\n\tsh %0, 2(%1)\n\tsw %0, 4(%1)\n\tsd %0, 8(%1)" : : "r"(v), "r"(buf) : "memory");
    printf("after sb/sh/sw/sd:");
    for (int i = 0; i < 20; i++) printf(" %02x", buf[i]);
    printf("\n");
}

int main(void)
{
    hash64 all;
    hash_init(&all);

    for (unsigned k = 0; k < NBIN; k++) {
        hash64 h;
        hash_init(&h);
        for (unsigned i = 0; i < NOPS; i++)
            for (unsigned j = 0; j < NOPS; j++) hash_u64(&h, binops[k].f(ops[i], ops[j]));
        uint64_t seed = 0x9e3779b97f4a7c15ULL + k;
        for (int i = 0; i < 2000; i++) {
            u64 a = rng_next(&seed), b = rng_next(&seed);
            if (i & 1) b >>= (a & 63);   /* small divisors and shift amounts too */
            hash_u64(&h, binops[k].f(a, b));
        }
        hash_print(binops[k].name, &h);
        hash_u64(&all, h.h);
        for (unsigned i = 0; i < NEDGE; i++)
            for (unsigned j = 0; j < NEDGE; j++) {
                u64 a = ops[edge[i]], b = ops[edge[j]];
                printf("  %s %llx %llx = %llx\n", binops[k].name, (unsigned long long)a,
                       (unsigned long long)b, (unsigned long long)binops[k].f(a, b));
            }
    }

    for (unsigned k = 0; k < NUN; k++) {
        hash64 h;
        hash_init(&h);
        for (unsigned i = 0; i < NOPS; i++) hash_u64(&h, unops[k].f(ops[i]));
        hash_print(unops[k].name, &h);
        hash_u64(&all, h.h);
        for (unsigned i = 0; i < NEDGE; i++)
            printf("  %s %llx = %llx\n", unops[k].name, (unsigned long long)ops[edge[i]],
                   (unsigned long long)unops[k].f(ops[edge[i]]));
    }

    printf("-- division edge cases\n");
    const u64 m64 = 0x8000000000000000ULL, m32 = 0xffffffff80000000ULL, neg1 = ~0ULL;
    printf("div 7/0 = %llx\n", (unsigned long long)op_div(7, 0));
    printf("divu 7/0 = %llx\n", (unsigned long long)op_divu(7, 0));
    printf("rem 7%%0 = %llx\n", (unsigned long long)op_rem(7, 0));
    printf("remu 7%%0 = %llx\n", (unsigned long long)op_remu(7, 0));
    printf("rem -7%%0 = %llx\n", (unsigned long long)op_rem((u64)-7, 0));
    printf("div MIN/-1 = %llx\n", (unsigned long long)op_div(m64, neg1));
    printf("rem MIN%%-1 = %llx\n", (unsigned long long)op_rem(m64, neg1));
    printf("divw MIN32/-1 = %llx\n", (unsigned long long)op_divw(m32, neg1));
    printf("remw MIN32%%-1 = %llx\n", (unsigned long long)op_remw(m32, neg1));
    printf("divw 7/0 = %llx\n", (unsigned long long)op_divw(7, 0));
    printf("divuw 7/0 = %llx\n", (unsigned long long)op_divuw(7, 0));
    printf("remw 0xdeadbeef%%0 = %llx\n", (unsigned long long)op_remw(0xdeadbeef, 0));
    printf("remuw 0xdeadbeef%%0 = %llx\n", (unsigned long long)op_remuw(0xdeadbeef, 0));
    printf("divw upper bits ignored: %llx\n", (unsigned long long)op_divw(0x1234567800000064ULL, 0xff0000000000000aULL));
    printf("div -7/2 = %lld, rem -7%%2 = %lld\n", (long long)op_div((u64)-7, 2), (long long)op_rem((u64)-7, 2));
    printf("mulh MIN*MIN = %llx, mulhu -1*-1 = %llx, mulhsu -1*-1 = %llx\n",
           (unsigned long long)op_mulh(m64, m64), (unsigned long long)op_mulhu(neg1, neg1),
           (unsigned long long)op_mulhsu(neg1, neg1));

    printf("-- upper immediates and jumps\n");
    upper_immediates();
    printf("-- loads and stores\n");
    loads_stores();

    hash_print("all", &all);
    return 0;
}
