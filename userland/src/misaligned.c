/*
 * misaligned: loads and stores of 2, 4 and 8 bytes (lh lhu lw lwu ld sh sw sd) and of FP values
 * (flw fld fsw fsd) at every byte offset, inside a page and straddling a 4096-byte page boundary
 * of an anonymous two-page mapping. The accesses are inline asm so the compiler cannot split
 * them. Prints a checksum per instruction and the values read across the boundary.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "common.h"

typedef uint64_t u64;

#define LOAD(name, insn) static u64 name(const unsigned char *p) { u64 v; \
    __asm__ volatile(insn " %0, 0(%1)" : "=r"(v) : "r"(p) : "memory"); return v; }
LOAD(ld_lh, "lh") LOAD(ld_lhu, "lhu") LOAD(ld_lw, "lw") LOAD(ld_lwu, "lwu") LOAD(ld_ld, "ld")
static u64 ld_flw(const unsigned char *p) { u64 v;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.w %0, ft0" : "=r"(v) : "r"(p) : "ft0", "memory"); return v; }
static u64 ld_fld(const unsigned char *p) { u64 v;
    __asm__ volatile("fld ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(v) : "r"(p) : "ft0", "memory"); return v; }

#define STORE(name, insn) static void name(unsigned char *p, u64 v) { \
    __asm__ volatile(insn " %1, 0(%0)" : : "r"(p), "r"(v) : "memory"); }
STORE(st_sh, "sh") STORE(st_sw, "sw") STORE(st_sd, "sd")
static void st_fsw(unsigned char *p, u64 v) {
    __asm__ volatile("fmv.w.x ft0, %1\n\tfsw ft0, 0(%0)" : : "r"(p), "r"(v) : "ft0", "memory"); }
static void st_fsd(unsigned char *p, u64 v) {
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsd ft0, 0(%0)" : : "r"(p), "r"(v) : "ft0", "memory"); }

static const struct { const char *name; u64 (*f)(const unsigned char *); int size; } loads[] = {
    {"lh", ld_lh, 2}, {"lhu", ld_lhu, 2}, {"lw", ld_lw, 4}, {"lwu", ld_lwu, 4}, {"ld", ld_ld, 8},
    {"flw", ld_flw, 4}, {"fld", ld_fld, 8},
};
static const struct { const char *name; void (*f)(unsigned char *, u64); int size; } stores[] = {
    {"sh", st_sh, 2}, {"sw", st_sw, 4}, {"sd", st_sd, 8}, {"fsw", st_fsw, 4}, {"fsd", st_fsd, 8},
};

static void fill(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 37 + (i >> 8) * 11 + 0x85);
}

int main(void)
{
    const size_t page = 4096;
    unsigned char *buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    hash64 all;
    hash_init(&all);

    fill(buf, 2 * page);
    for (unsigned k = 0; k < sizeof loads / sizeof loads[0]; k++) {
        hash64 h;
        hash_init(&h);
        for (size_t off = 0; off < 64; off++) hash_u64(&h, loads[k].f(buf + off));
        for (size_t off = page - 16; off < page + 8; off++) hash_u64(&h, loads[k].f(buf + off));
        hash_print(loads[k].name, &h);
        hash_u64(&all, h.h);
        printf("  %s across page boundary:", loads[k].name);
        for (int d = 1; d < loads[k].size; d++)
            printf(" %llx", (unsigned long long)loads[k].f(buf + page - d));
        printf("\n");
    }

    for (unsigned k = 0; k < sizeof stores / sizeof stores[0]; k++) {
        hash64 h;
        hash_init(&h);
        uint64_t seed = 0x1234 + k;
        memset(buf, 0, 2 * page);
        for (size_t off = 0; off < 64; off++) stores[k].f(buf + off * 3 + (off & 1), rng_next(&seed));
        for (size_t off = page - 16; off < page + 8; off++) stores[k].f(buf + off, rng_next(&seed));
        hash_bytes(&h, buf, 256);
        hash_bytes(&h, buf + page - 32, 64);
        hash_print(stores[k].name, &h);
        hash_u64(&all, h.h);
        memset(buf + page - 8, 0xee, 16);
        stores[k].f(buf + page - stores[k].size / 2, 0x0807060504030201ULL);
        printf("  %s across page boundary:", stores[k].name);
        for (int d = -8; d < 8; d++) printf(" %02x", buf[page + d]);
        printf("\n");
    }

    /* Misaligned access in a struct the compiler knows is packed (gcc emits byte accesses for these,
       which checks plain byte loads and stores against the same data). */
    struct __attribute__((packed)) pk { uint8_t a; uint64_t b; uint16_t c; uint32_t d; } *pk = (void *)(buf + page - 5);
    pk->a = 1; pk->b = 0x1122334455667788ULL; pk->c = 0x99aa; pk->d = 0xbbccddee;
    printf("packed: %llx %x %x, raw ld at b: %llx\n", (unsigned long long)pk->b, pk->c, pk->d,
           (unsigned long long)ld_ld(buf + page - 4));

    munmap(buf, 2 * page);
    hash_print("misaligned", &all);
    return 0;
}
