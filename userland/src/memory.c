/*
 * memory: the anonymous-memory system calls as programs use them. brk growth and shrinking
 * through sbrk, malloc/free of many sizes (brk arena), large allocations (mmap path, 64 MiB
 * touched on every page), calloc zeroing, mmap/mprotect/munmap of anonymous regions (read-only
 * and PROT_NONE then back to read-write, MAP_FIXED replacement inside a mapping, partial munmap).
 * Prints checksums and yes/no facts; never an address.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <errno.h>
#include "common.h"

static const char *yesno(int c) { return c ? "yes" : "no"; }

static void brk_tests(void)
{
    char *b0 = sbrk(0);
    char *p = sbrk(100000);
    char *b1 = sbrk(0);
    printf("sbrk(100000) returned old break: %s, break moved by %ld\n", yesno(p == b0), (long)(b1 - b0));
    int zero = 1;
    for (long i = 0; i < 100000; i++) zero &= p[i] == 0;
    printf("new brk memory is zero: %s\n", yesno(zero));
    memset(p, 0xab, 100000);
    char *q = sbrk(1 << 20);
    memset(q, 0xcd, 1 << 20);
    long sum = 0;
    for (long i = 0; i < 100000; i += 97) sum += (unsigned char)p[i];
    for (long i = 0; i < (1 << 20); i += 101) sum += (unsigned char)q[i];
    printf("brk memory checksum %ld\n", sum);
    sbrk(-(1 << 20));
    printf("break after shrinking by 1 MiB moved back: %s\n", yesno((char *)sbrk(0) == b1));
    /* Grow again over the released range: must read as zero (fresh pages). */
    q = sbrk(1 << 20);
    zero = 1;
    for (long i = 0; i < (1 << 20); i += 512) zero &= q[i] == 0;
    printf("re-grown brk memory is zero: %s\n", yesno(zero));
    sbrk(-(1 << 20));
    sbrk(-100000);
    printf("break restored: %s\n", yesno(sbrk(0) == b0));
}

static void malloc_tests(void)
{
    enum { N = 2000 };
    static void *ptrs[N];
    static size_t sizes[N];
    uint64_t seed = 7;
    hash64 h;
    hash_init(&h);
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            size_t sz;
            switch (i % 4) {
            case 0: sz = 1 + rng_next(&seed) % 64; break;
            case 1: sz = 64 + rng_next(&seed) % 1024; break;
            case 2: sz = 1024 + rng_next(&seed) % 16384; break;
            default: sz = (i % 100 == 3) ? 200000 + rng_next(&seed) % 300000 : (size_t)(8 + i); break;
            }
            if (ptrs[i]) {
                unsigned char *p = ptrs[i];
                for (size_t k = 0; k < sizes[i]; k += 61) hash_u64(&h, p[k]);
                free(ptrs[i]);
            }
            unsigned char *p = malloc(sz);
            if (!p) { printf("malloc(%zu) failed\n", sz); exit(1); }
            if (((uintptr_t)p & 15) != 0) { printf("malloc(%zu) misaligned\n", sz); exit(1); }
            memset(p, (int)(i + round), sz);
            p[sz - 1] = (unsigned char)(sz * 7);
            ptrs[i] = p;
            sizes[i] = sz;
        }
        /* free every third, then realloc growing the small ones (brk arena only) */
        for (int i = 0; i < N; i += 3) { free(ptrs[i]); ptrs[i] = NULL; }
        for (int i = 1; i < N; i += 5) {
            if (sizes[i] > 4096) continue;
            unsigned char *p = realloc(ptrs[i], sizes[i] * 2);
            if (!p) { printf("realloc failed\n"); exit(1); }
            memset(p + sizes[i], 0x5a, sizes[i]);
            ptrs[i] = p;
            sizes[i] *= 2;
        }
    }
    for (int i = 0; i < N; i++) {
        if (!ptrs[i]) continue;
        unsigned char *p = ptrs[i];
        for (size_t k = 0; k < sizes[i]; k += 13) hash_u64(&h, p[k]);
        hash_u64(&h, p[sizes[i] - 1]);
        free(p);
        ptrs[i] = NULL;
    }
    hash_print("malloc contents", &h);
}

static void big_tests(void)
{
    size_t big = 64u << 20;
    unsigned char *p = malloc(big);
    if (!p) { printf("malloc 64 MiB failed\n"); exit(1); }
    uint64_t sum = 0;
    int zero = 1;
    for (size_t i = 0; i < big; i += 4096) zero &= p[i] == 0;
    for (size_t i = 0; i < big; i += 4096) p[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < big; i += 4096) sum += p[i];
    printf("malloc 64 MiB: fresh pages zero %s, page checksum %llu\n", yesno(zero), (unsigned long long)sum);
    free(p);
    uint32_t *c = calloc(3u << 20, sizeof(uint32_t));
    zero = 1;
    for (size_t i = 0; i < (3u << 20); i += 333) zero &= c[i] == 0;
    for (size_t i = 0; i < (3u << 20); i++) c[i] = (uint32_t)(i * 2654435761u);
    sum = 0;
    for (size_t i = 0; i < (3u << 20); i += 1000) sum += c[i];
    printf("calloc 12 MiB zero %s, checksum %llu\n", yesno(zero), (unsigned long long)sum);
    free(c);
}

static void mmap_tests(void)
{
    const size_t pg = 4096, n = 64;
    unsigned char *m = mmap(NULL, n * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap 64 pages: %s, page aligned: %s\n", yesno(m != MAP_FAILED), yesno(((uintptr_t)m & (pg - 1)) == 0));
    if (m == MAP_FAILED) exit(1);
    for (size_t i = 0; i < n * pg; i++) m[i] = (unsigned char)(i % 251);
    int r = mprotect(m + 8 * pg, 8 * pg, PROT_READ);
    uint64_t sum = 0;
    for (size_t i = 8 * pg; i < 16 * pg; i += 7) sum += m[i];
    printf("mprotect read-only: %d, read checksum %llu\n", r, (unsigned long long)sum);
    r = mprotect(m + 8 * pg, 8 * pg, PROT_READ | PROT_WRITE);
    memset(m + 8 * pg, 0x11, 8 * pg);
    printf("mprotect back to read-write: %d, write ok: %s\n", r, yesno(m[8 * pg + 100] == 0x11));
    r = mprotect(m + 20 * pg, 4 * pg, PROT_NONE);
    int r2 = mprotect(m + 20 * pg, 4 * pg, PROT_READ | PROT_WRITE);
    printf("PROT_NONE and back: %d %d, contents kept: %s\n", r, r2, yesno(m[20 * pg + 5] == (20 * pg + 5) % 251));
    /* MAP_FIXED over the middle: fresh zero pages replace the old ones. */
    unsigned char *f = mmap(m + 30 * pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED at requested address: %s, zero: %s, neighbours kept: %s\n", yesno(f == m + 30 * pg),
           yesno(f[0] == 0 && f[2 * pg - 1] == 0), yesno(m[29 * pg] == (29 * pg) % 251 && m[32 * pg] == (32 * pg) % 251));
    /* Partial munmap then map again: the hole is usable and fresh. */
    r = munmap(m + 40 * pg, 4 * pg);
    unsigned char *g = mmap(m + 40 * pg, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("munmap 4 pages: %d, remapped zero: %s\n", r, yesno(g == m + 40 * pg && g[123] == 0));
    sum = 0;
    for (size_t i = 0; i < n * pg; i += 3) sum += m[i];
    printf("mapping checksum %llu\n", (unsigned long long)sum);
    printf("munmap all: %d\n", munmap(m, n * pg));
    /* Errors the kernel must report. */
    errno = 0;
    void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap length 0 fails: %s\n", yesno(bad == MAP_FAILED));
    printf("munmap unaligned fails: %s\n", yesno(munmap((char *)m + 1, pg) != 0));
    printf("mprotect unaligned fails: %s\n", yesno(mprotect((char *)m + 1, pg, PROT_READ) != 0));
    /* Many small mappings. */
    void *maps[100];
    int ok = 1;
    for (int i = 0; i < 100; i++) {
        maps[i] = mmap(NULL, (size_t)(1 + i % 5) * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (maps[i] == MAP_FAILED) { ok = 0; continue; }
        memset(maps[i], i, (size_t)(1 + i % 5) * pg);
    }
    for (int i = 0; i < 100; i++) {
        if (maps[i] == MAP_FAILED) continue;
        ok &= ((unsigned char *)maps[i])[(size_t)(1 + i % 5) * pg - 1] == i;
        ok &= munmap(maps[i], (size_t)(1 + i % 5) * pg) == 0;
    }
    printf("100 small mappings: %s\n", yesno(ok));
}

int main(void)
{
    printf("-- brk\n");
    brk_tests();
    printf("-- malloc\n");
    malloc_tests();
    printf("-- large allocations\n");
    big_tests();
    printf("-- mmap\n");
    mmap_tests();
    return 0;
}
