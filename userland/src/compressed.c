/*
 * compressed: integer-heavy code in which gcc (rv64gc) emits mostly RVC instructions: a bytecode
 * interpreter, linked-list operations, struct copies and recursion, plus explicit c.* mnemonics
 * for every RV64C integer and FP-load/store form. Prints a checksum per part.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

/* ---- a tiny stack-machine interpreter ---- */
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_LT, OP_JZ, OP_JMP, OP_DUP, OP_MOD,
       OP_XOR, OP_SHL, OP_HALT };

static int64_t interp(const int32_t *code, int64_t *vars)
{
    int64_t stack[64];
    int sp = 0, pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_LOAD: stack[sp++] = vars[code[pc++]]; break;
        case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] <<= (stack[sp] & 63); break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JZ: { int32_t t = code[pc++]; if (stack[--sp] == 0) pc = t; break; }
        case OP_JMP: pc = code[pc]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_HALT: return sp ? stack[sp - 1] : 0;
        default: return -1;
        }
    }
}

/* v0 = i, v1 = acc, v2 = n: for (i = 0; i < n; i++) acc = (acc * 31 + (i ^ (i << 3))) % 1000000007 */
static const int32_t prog[] = {
    OP_PUSH, 0, OP_STORE, 0,
    OP_PUSH, 7, OP_STORE, 1,
    /* 8: loop */
    OP_LOAD, 0, OP_LOAD, 2, OP_LT, OP_JZ, 43,
    OP_LOAD, 1, OP_PUSH, 31, OP_MUL,
    OP_LOAD, 0, OP_DUP, OP_PUSH, 3, OP_SHL, OP_XOR, OP_ADD,
    OP_PUSH, 1000000007, OP_MOD, OP_STORE, 1,
    OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0,
    OP_JMP, 8,
    /* 42 (padding) */ OP_HALT,
    /* 43: done */ OP_LOAD, 1, OP_HALT,
};

/* ---- linked lists ---- */
struct node { struct node *next; int32_t key; int16_t tag; int8_t small; uint8_t flags; };

static struct node *list_insert_sorted(struct node *head, struct node *n)
{
    struct node **pp = &head;
    while (*pp && (*pp)->key < n->key) pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
    return head;
}

static struct node *list_reverse(struct node *h)
{
    struct node *prev = NULL;
    while (h) { struct node *nx = h->next; h->next = prev; prev = h; h = nx; }
    return prev;
}

/* ---- struct copies ---- */
struct rec { uint8_t a; uint16_t b; uint32_t c; uint64_t d; char name[13]; int32_t v[5]; };

static struct rec make_rec(int i)
{
    struct rec r;
    memset(&r, 0, sizeof r);
    r.a = (uint8_t)i; r.b = (uint16_t)(i * 257); r.c = (uint32_t)i * 65537u; r.d = (uint64_t)i * 0x100000001ULL;
    for (int k = 0; k < 12; k++) r.name[k] = (char)('a' + (i + k) % 26);
    for (int k = 0; k < 5; k++) r.v[k] = i * k - 3;
    return r;
}

static unsigned ackermann(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint64_t fib_rec(unsigned n) { return n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2); }

/* ---- explicit compressed instructions ---- */
static void explicit_rvc(hash64 *h)
{
    uint64_t r[12];
    {
        /* c.srli/c.srai/c.andi take only x8..x15: keep every operand in a0..a5. */
        register uint64_t q0 __asm__("a0");
        register uint64_t q1 __asm__("a1");
        register uint64_t q2 __asm__("a2");
        register uint64_t q3 __asm__("a3");
        register uint64_t q4 __asm__("a4");
        register uint64_t q5 __asm__("a5") = 1;
        __asm__ volatile(
            ".option push\n\t.option rvc\n\t"
            "c.li %0, -32\n\t"
            "c.li %1, 31\n\t"
            "c.addi %1, -17\n\t"
            "c.lui %2, 0xfffe1\n\t"
            "c.lui %3, 31\n\t"
            "c.mv %4, %0\n\t"
            "c.add %4, %1\n\t"
            "c.addiw %4, 7\n\t"
            "c.slli %5, 63\n\t"
            "c.srai %3, 13\n\t"
            "c.srli %2, 40\n\t"
            ".option pop"
            : "=&r"(q0), "=&r"(q1), "=&r"(q2), "=&r"(q3), "=&r"(q4), "+r"(q5));
        r[0] = q0; r[1] = q1; r[2] = q2; r[3] = q3; r[4] = q4; r[5] = q5;
    }
    for (int i = 0; i < 6; i++) { printf("rvc alu[%d] = %016llx\n", i, (unsigned long long)r[i]); hash_u64(h, r[i]); }

    /* CR/CA forms need registers x8..x15 for the 3-bit fields: force s0/s1/a0..a5. */
    register uint64_t s0 __asm__("s0") = 0x00000000fffffff0ULL;
    register uint64_t s1 __asm__("s1") = 0x0000000000000011ULL;
    register uint64_t a4 __asm__("a4") = 0x8000000000000000ULL;
    register uint64_t a5 __asm__("a5") = 0x7fffffffffffffffULL;
    __asm__ volatile(
        ".option push\n\t.option rvc\n\t"
        "c.addw %0, %1\n\t"      /* 0xfffffff0 + 0x11 as 32-bit -> 1 */
        "c.subw %1, %2\n\t"      /* 0x11 - 0 (low word of a4) */
        "c.and %2, %3\n\t"
        "c.or %3, %0\n\t"
        "c.xor %1, %3\n\t"
        "c.sub %0, %3\n\t"
        "c.andi %2, -1\n\t"
        "c.andi %3, 0x1f\n\t"
        ".option pop"
        : "+r"(s0), "+r"(s1), "+r"(a4), "+r"(a5));
    r[0] = s0; r[1] = s1; r[2] = a4; r[3] = a5;
    for (int i = 0; i < 4; i++) { printf("rvc ca[%d] = %016llx\n", i, (unsigned long long)r[i]); hash_u64(h, r[i]); }

    /* Loads and stores, stack-relative and register-relative, integer and double. */
    static uint64_t mem[8] __attribute__((aligned(16))) = {
        0x1111111111111111ULL, 0x8222222282222222ULL, 0x3ff8000000000000ULL, 4, 5, 6, 7, 8 };
    register uint64_t base __asm__("a0") = (uint64_t)mem;
    register uint64_t x1 __asm__("a1");
    register uint64_t x2 __asm__("a2");
    register uint64_t x3 __asm__("a3");
    __asm__ volatile(
        ".option push\n\t.option rvc\n\t"
        "c.ld %1, 8(%0)\n\t"
        "c.lw %2, 8(%0)\n\t"
        "c.lw %3, 12(%0)\n\t"
        "c.sd %1, 32(%0)\n\t"
        "c.sw %2, 40(%0)\n\t"
        "c.fld fa0, 16(%0)\n\t"
        "c.fsd fa0, 48(%0)\n\t"
        ".option pop"
        : "+r"(base), "=&r"(x1), "=&r"(x2), "=&r"(x3) : : "fa0", "memory");
    printf("rvc c.ld %016llx c.lw %016llx %016llx\n", (unsigned long long)x1, (unsigned long long)x2,
           (unsigned long long)x3);
    hash_u64(h, x1); hash_u64(h, x2); hash_u64(h, x3);
    register uint64_t spdelta __asm__("a0");
    register uint64_t v1 __asm__("a1");
    register uint64_t v2 __asm__("a2");
    register uint64_t v3 __asm__("a3");
    __asm__ volatile(
        ".option push\n\t.option rvc\n\t"
        "mv t1, sp\n\t"
        "c.addi16sp sp, -64\n\t"
        "c.addi4spn %0, sp, 16\n\t"
        "sub %0, %0, t1\n\t"           /* -64 + 16 = -48 */
        "c.sdsp %4, 8(sp)\n\t"
        "c.swsp %4, 20(sp)\n\t"
        "c.ldsp %1, 8(sp)\n\t"
        "c.lwsp %2, 20(sp)\n\t"
        "fmv.d.x ft0, %4\n\t"
        "c.fsdsp ft0, 32(sp)\n\t"
        "c.fldsp ft1, 32(sp)\n\t"
        "fmv.x.d %3, ft1\n\t"
        "c.addi16sp sp, 64\n\t"
        ".option pop"
        : "=&r"(spdelta), "=&r"(v1), "=&r"(v2), "=&r"(v3) : "r"(0xfedcba9887654321ULL) : "t1", "ft0", "ft1", "memory");
    printf("rvc sp: addi4spn delta %lld ldsp %016llx lwsp %016llx fldsp %016llx\n", (long long)spdelta,
           (unsigned long long)v1, (unsigned long long)v2, (unsigned long long)v3);
    hash_u64(h, spdelta); hash_u64(h, v1); hash_u64(h, v2); hash_u64(h, v3);
    for (int i = 0; i < 8; i++) hash_u64(h, mem[i]);
    printf("rvc mem after stores: %016llx %016llx %016llx\n", (unsigned long long)mem[4],
           (unsigned long long)mem[5], (unsigned long long)mem[6]);

    /* Control flow: c.j, c.beqz, c.bnez, c.jr, c.jalr. */
    register uint64_t cnt __asm__("a0") = 0;
    register uint64_t z __asm__("a1") = 0;
    uint64_t link;
    __asm__ volatile(
        ".option push\n\t.option rvc\n\t"
        "c.beqz %1, 1f\n\t"
        "c.addi %0, 1\n"          /* skipped */
        "1:\tc.bnez %1, 2f\n\t"
        "c.addi %0, 2\n"          /* executed */
        "2:\tc.j 3f\n\t"
        "c.addi %0, 4\n"          /* skipped */
        "3:\tlla t0, 4f\n\t"
        "c.jr t0\n\t"
        "c.addi %0, 8\n"          /* skipped */
        "4:\tlla t0, 5f\n\t"
        "c.jalr t0\n"
        "6:\tc.addi %0, 16\n\t"
        "c.j 7f\n"
        "5:\tlla t1, 6b\n\t"
        "sub %2, ra, t1\n\t"      /* link of c.jalr = address after it (2 bytes) */
        "c.jr ra\n"
        "7:\n\t"
        ".option pop"
        : "+r"(cnt), "+r"(z), "=&r"(link) : : "t0", "t1", "ra");
    printf("rvc branches: count %llu, c.jalr link - return point = %lld\n", (unsigned long long)cnt, (long long)link);
    hash_u64(h, cnt); hash_u64(h, link);
}

int main(void)
{
    hash64 h;
    hash_init(&h);

    int64_t vars[4] = { 0, 0, 50000, 0 };
    int64_t res = interp(prog, vars);
    printf("interp(50000) = %lld\n", (long long)res);
    hash_u64(&h, (uint64_t)res);

    enum { NN = 3000 };
    static struct node nodes[NN];
    struct node *head = NULL;
    uint64_t seed = 42;
    for (int i = 0; i < NN; i++) {
        nodes[i].key = (int32_t)(rng_next(&seed) % 100000) - 50000;
        nodes[i].tag = (int16_t)i;
        nodes[i].small = (int8_t)(i * 7);
        nodes[i].flags = (uint8_t)(i ^ 0x5a);
        head = list_insert_sorted(head, &nodes[i]);
    }
    head = list_reverse(head);
    uint64_t lsum = 0;
    int count = 0, prev = INT32_MAX, sorted = 1;
    for (struct node *n = head; n; n = n->next) {
        if (n->key > prev) sorted = 0;
        prev = n->key;
        lsum = lsum * 1099511628211ULL + (uint64_t)(int64_t)n->key + (uint64_t)n->tag + (uint64_t)(int64_t)n->small + n->flags;
        count++;
    }
    printf("list: count %d sorted-descending %d checksum %016llx\n", count, sorted, (unsigned long long)lsum);
    hash_u64(&h, lsum);

    static struct rec recs[256];
    for (int i = 0; i < 256; i++) recs[i] = make_rec(i);
    for (int round = 0; round < 50; round++)
        for (int i = 0; i < 255; i++) {
            struct rec t = recs[i];
            recs[i] = recs[i + 1];
            recs[i + 1] = t;
            recs[i].v[round % 5] += round;
        }
    hash_bytes(&h, recs, sizeof recs);
    printf("structs: sizeof %zu, rec[17].name %s rec[200].v[3] %d\n", sizeof(struct rec), recs[17].name, recs[200].v[3]);

    unsigned ack = ackermann(2, 3) + ackermann(3, 5);
    printf("ackermann(2,3)+ackermann(3,5) = %u\n", ack);
    hash_u64(&h, ack);
    uint64_t f = fib_rec(24);
    printf("fib(24) = %llu\n", (unsigned long long)f);
    hash_u64(&h, f);

    explicit_rvc(&h);
    hash_print("compressed", &h);
    return 0;
}
