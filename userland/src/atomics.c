/*
 * atomics: the A extension on one hart. lr/sc (success path, sign extension, failure without a
 * reservation), every AMO in .w and .d form with and without .aq/.rl, and the same operations
 * through C11 atomics / __atomic builtins (which gcc expands to AMOs or lr/sc loops, including
 * the masked loops for 8- and 16-bit objects). Prints old and new values in hex.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "common.h"

typedef uint64_t u64;

static const u64 vals[] = {
    0, 1, 0xffffffffffffffffULL, 0x8000000000000000ULL, 0x7fffffffffffffffULL, 0x80000000ULL,
    0x7fffffffULL, 0xffffffffULL, 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
};
#define NV (sizeof vals / sizeof vals[0])

#define AMO(name, insn) \
    static u64 name(void *p, u64 v) { u64 old; \
        __asm__ volatile(insn " %0, %2, (%1)" : "=&r"(old) : "r"(p), "r"(v) : "memory"); return old; }

AMO(amoswap_w, "amoswap.w") AMO(amoadd_w, "amoadd.w") AMO(amoand_w, "amoand.w") AMO(amoor_w, "amoor.w")
AMO(amoxor_w, "amoxor.w") AMO(amomin_w, "amomin.w") AMO(amomax_w, "amomax.w") AMO(amominu_w, "amominu.w")
AMO(amomaxu_w, "amomaxu.w")
AMO(amoswap_d, "amoswap.d") AMO(amoadd_d, "amoadd.d") AMO(amoand_d, "amoand.d") AMO(amoor_d, "amoor.d")
AMO(amoxor_d, "amoxor.d") AMO(amomin_d, "amomin.d") AMO(amomax_d, "amomax.d") AMO(amominu_d, "amominu.d")
AMO(amomaxu_d, "amomaxu.d")
AMO(amoadd_w_aq, "amoadd.w.aq") AMO(amoadd_w_rl, "amoadd.w.rl") AMO(amoadd_w_aqrl, "amoadd.w.aqrl")
AMO(amoswap_d_aq, "amoswap.d.aq") AMO(amoswap_d_rl, "amoswap.d.rl") AMO(amomaxu_d_aqrl, "amomaxu.d.aqrl")

typedef u64 (*amofn)(void *, u64);
static const struct { const char *name; amofn f; int wide; } amos[] = {
    {"amoswap.w", amoswap_w, 0}, {"amoadd.w", amoadd_w, 0}, {"amoand.w", amoand_w, 0},
    {"amoor.w", amoor_w, 0}, {"amoxor.w", amoxor_w, 0}, {"amomin.w", amomin_w, 0},
    {"amomax.w", amomax_w, 0}, {"amominu.w", amominu_w, 0}, {"amomaxu.w", amomaxu_w, 0},
    {"amoswap.d", amoswap_d, 1}, {"amoadd.d", amoadd_d, 1}, {"amoand.d", amoand_d, 1},
    {"amoor.d", amoor_d, 1}, {"amoxor.d", amoxor_d, 1}, {"amomin.d", amomin_d, 1},
    {"amomax.d", amomax_d, 1}, {"amominu.d", amominu_d, 1}, {"amomaxu.d", amomaxu_d, 1},
    {"amoadd.w.aq", amoadd_w_aq, 0}, {"amoadd.w.rl", amoadd_w_rl, 0}, {"amoadd.w.aqrl", amoadd_w_aqrl, 0},
    {"amoswap.d.aq", amoswap_d_aq, 1}, {"amoswap.d.rl", amoswap_d_rl, 1}, {"amomaxu.d.aqrl", amomaxu_d_aqrl, 1},
};
#define NAMO (sizeof amos / sizeof amos[0])

static void amo_tests(void)
{
    /* The word operand sits in the upper half of a doubleword to show the neighbour is untouched. */
    static u64 cell[2] __attribute__((aligned(16)));
    for (unsigned k = 0; k < NAMO; k++) {
        hash64 h;
        hash_init(&h);
        for (unsigned i = 0; i < NV; i++)
            for (unsigned j = 0; j < NV; j++) {
                u64 old, now;
                if (amos[k].wide) {
                    cell[0] = vals[i];
                    old = amos[k].f(&cell[0], vals[j]);
                    now = cell[0];
                } else {
                    cell[0] = 0x5a5a5a5a5a5a5a5aULL;
                    ((uint32_t *)cell)[1] = (uint32_t)vals[i];
                    old = amos[k].f((uint32_t *)cell + 1, vals[j]);
                    now = cell[0];
                }
                hash_u64(&h, old);
                hash_u64(&h, now);
                if (i < 6 && j < 6)
                    printf("  %s [%llx] %llx -> old %llx mem %llx\n", amos[k].name,
                           (unsigned long long)vals[i], (unsigned long long)vals[j],
                           (unsigned long long)old, (unsigned long long)now);
            }
        hash_print(amos[k].name, &h);
    }
}

static void lrsc_tests(void)
{
    static u64 d __attribute__((aligned(8)));
    static uint32_t w[2] __attribute__((aligned(8)));
    u64 old, fail;

    /* lr.w sign-extends. */
    /* lr.w sign-extends; the sc.w right after it (nothing in between) must succeed. */
    w[0] = 0x80000001u;
    w[1] = 0xa5a5a5a5u;
    __asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)" : "=&r"(old), "=&r"(fail) : "r"(w), "r"(0x12345678)
                     : "memory");
    printf("lr.w of 0x80000001 = %016llx\n", (unsigned long long)old);
    printf("sc.w after lr.w: %s, mem = %08x %08x\n", fail == 0 ? "stored" : "failed", w[0], w[1]);

    /* A retry loop: atomic add of 1000 increments through lr.d/sc.d. */
    d = 0x7ffffffffffffff0ULL;
    for (int i = 0; i < 1000; i++) {
        __asm__ volatile("1: lr.d %0, (%2)\n\taddi %0, %0, 3\n\tsc.d %1, %0, (%2)\n\tbnez %1, 1b"
                         : "=&r"(old), "=&r"(fail) : "r"(&d) : "memory");
    }
    printf("lr.d/sc.d add loop = %016llx\n", (unsigned long long)d);
    w[0] = 0xfffffff0u;
    for (int i = 0; i < 100; i++) {
        __asm__ volatile("1: lr.w.aq %0, (%2)\n\taddiw %0, %0, 1\n\tsc.w.rl %1, %0, (%2)\n\tbnez %1, 1b"
                         : "=&r"(old), "=&r"(fail) : "r"(w) : "memory");
    }
    printf("lr.w.aq/sc.w.rl add loop = %08x, last sign-extended value = %016llx\n", w[0],
           (unsigned long long)old);

    /* sc after a successful sc has no reservation: it must fail and leave memory alone. */
    d = 1;
    __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)" : "=&r"(old), "=&r"(fail) : "r"(&d), "r"(2UL) : "memory");
    printf("first sc.d: %s, mem = %llu\n", fail == 0 ? "stored" : "failed", (unsigned long long)d);
    __asm__ volatile("sc.d %0, %1, (%2)" : "=&r"(fail) : "r"(3UL), "r"(&d) : "memory");
    printf("second sc.d without lr: %s, mem = %llu\n", fail == 0 ? "stored" : "failed", (unsigned long long)d);
}

static void c11_tests(void)
{
    static _Atomic uint8_t a8;
    static _Atomic uint16_t a16;
    static _Atomic int32_t a32;
    static _Atomic int64_t a64;
    static volatile uint8_t guard[4];

    atomic_store(&a8, 0xf0);
    guard[0] = 0x11;
    printf("fetch_add u8: old %02x", atomic_fetch_add(&a8, 0x20));
    printf(" new %02x\n", atomic_load(&a8));
    printf("fetch_or u8: old %02x", atomic_fetch_or(&a8, 0x81));
    printf(" new %02x\n", atomic_load(&a8));
    printf("exchange u8: old %02x", atomic_exchange(&a8, 0x7e));
    printf(" new %02x\n", atomic_load(&a8));
    atomic_store(&a16, 0xfffe);
    printf("fetch_add u16: old %04x", atomic_fetch_add(&a16, 3));
    printf(" new %04x\n", atomic_load(&a16));
    printf("fetch_xor u16: old %04x", atomic_fetch_xor(&a16, 0xa5a5));
    printf(" new %04x\n", atomic_load(&a16));
    printf("fetch_sub u16: old %04x", atomic_fetch_sub(&a16, 0x1000));
    printf(" new %04x\n", atomic_load(&a16));
    uint16_t e16 = atomic_load(&a16);
    _Bool ok = atomic_compare_exchange_strong(&a16, &e16, 0x1234);
    printf("cas u16 (matching): %d now %04x\n", ok, atomic_load(&a16));
    e16 = 0x9999;
    ok = atomic_compare_exchange_strong(&a16, &e16, 0x4321);
    printf("cas u16 (not matching): %d expected<-%04x now %04x\n", ok, e16, atomic_load(&a16));

    atomic_store(&a32, INT32_MAX);
    printf("fetch_add i32: old %d", atomic_fetch_add(&a32, 1));
    printf(" new %d\n", atomic_load(&a32));
    printf("fetch_and i32: old %x", (unsigned)atomic_fetch_and(&a32, 0x0ff0f0f0));
    printf(" new %x\n", (unsigned)atomic_load(&a32));
    int32_t e32 = 7;
    ok = atomic_compare_exchange_strong(&a32, &e32, 5);
    printf("cas i32 (not matching): %d expected<-%x\n", ok, (unsigned)e32);
    e32 = 0;
    ok = atomic_compare_exchange_strong(&a32, &e32, 5);
    printf("cas i32 (matching): %d now %x\n", ok, (unsigned)atomic_load(&a32));
    printf("nand i32: old %x", (unsigned)__atomic_fetch_nand((int32_t *)&a32, 0x0f0f0f0f, __ATOMIC_SEQ_CST));
    printf(" new %x\n", (unsigned)atomic_load(&a32));

    atomic_store(&a64, INT64_MIN);
    printf("fetch_sub i64: old %llx", (unsigned long long)atomic_fetch_sub(&a64, 1));
    printf(" new %llx\n", (unsigned long long)atomic_load(&a64));
    int64_t e64 = INT64_MAX;
    ok = atomic_compare_exchange_strong(&a64, &e64, -2);
    printf("cas i64 (matching): %d now %lld\n", ok, (long long)atomic_load(&a64));

    /* A compare-exchange loop computing a running max and a multiply (no single AMO does that). */
    atomic_store(&a64, 1);
    uint64_t seed = 12345;
    for (int i = 0; i < 200; i++) {
        int64_t cur = atomic_load_explicit(&a64, memory_order_relaxed), next;
        do {
            next = cur * 6364136223846793005LL + (int64_t)(rng_next(&seed) & 0xff);
        } while (!atomic_compare_exchange_weak(&a64, &cur, next));
    }
    printf("cas loop i64 = %016llx\n", (unsigned long long)atomic_load(&a64));
    for (int i = 0; i < 300; i++) {
        uint16_t cur = atomic_load(&a16), next;
        do {
            next = (uint16_t)(cur * 31 + 7);
        } while (!atomic_compare_exchange_weak(&a16, &cur, next));
    }
    printf("cas loop u16 = %04x, guard byte %02x\n", atomic_load(&a16), guard[0]);

    atomic_thread_fence(memory_order_seq_cst);
    int32_t x = 10;
    printf("__atomic_add_fetch = %d, __atomic_sub_fetch = %d, test_and_set = %d, %d\n",
           __atomic_add_fetch(&x, 5, __ATOMIC_ACQ_REL), __atomic_sub_fetch(&x, 20, __ATOMIC_RELAXED),
           (int)__atomic_test_and_set(&guard[1], __ATOMIC_SEQ_CST),
           (int)__atomic_test_and_set(&guard[1], __ATOMIC_SEQ_CST));
}

int main(void)
{
    printf("-- AMOs\n");
    amo_tests();
    printf("-- lr/sc\n");
    lrsc_tests();
    printf("-- C11 atomics\n");
    c11_tests();
    return 0;
}
