/*
 * mem_churn: a 512 MiB sparse anonymous mapping of which only a few pages are touched (cheap
 * when pages come on demand), then malloc churn: many malloc, realloc and free of random sizes,
 * small ones from the brk heap and large ones (past glibc's mmap threshold) from mmap, grown by
 * realloc through mremap, each block filled and checked before it goes. Prints checksums only.
 * Usage: mem_churn [ROUNDS] (default 20000).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "common.h"

#define SLOTS 256

static void fill(unsigned char *p, size_t n, uint64_t tag)
{
    for (size_t i = 0; i < n; i += 61) p[i] = (unsigned char)(tag + i);
    if (n) p[n - 1] = (unsigned char)(tag * 7);
}

static int check(const unsigned char *p, size_t n, uint64_t tag)
{
    for (size_t i = 0; i < n; i += 61)
        if (i != n - 1 && p[i] != (unsigned char)(tag + i)) return 0;
    return n == 0 || p[n - 1] == (unsigned char)(tag * 7);
}

int main(int argc, char **argv)
{
    long rounds = arg_size(argc, argv, 20000);
    hash64 h;
    hash_init(&h);

    size_t big = 512UL << 20;
    unsigned char *sp = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sp == MAP_FAILED) { printf("sparse mmap failed\n"); return 1; }
    size_t offs[] = {0, 4096, big / 3, big / 2 + 123, big - 4096, big - 1};
    for (int i = 0; i < 6; i++) sp[offs[i]] = (unsigned char)(i * 37 + 1);
    for (int i = 0; i < 6; i++) hash_u64(&h, sp[offs[i]]);
    hash_u64(&h, sp[big / 4]);   /* never written: zero */
    printf("sparse 512 MiB: %s\n", munmap(sp, big) == 0 ? "unmapped" : "munmap failed");
    hash_print("sparse", &h);

    unsigned char *slot[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    uint64_t tag[SLOTS] = {0};
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    long bad = 0, bigs = 0;
    for (long r = 0; r < rounds; r++) {
        int i = (int)(rng_next(&rng) % SLOTS);
        uint64_t x = rng_next(&rng);
        if (slot[i] && (x & 3) == 0) {
            /* realloc: keeps the prefix */
            size_t n = (x >> 8) % 4 == 0 ? (size_t)(x >> 16) % (2u << 20) : (size_t)(x >> 16) % 8192;
            unsigned char *q = realloc(slot[i], n + 1);
            if (!q) { printf("realloc failed\n"); return 1; }
            size_t keep = len[i] < n + 1 ? len[i] : n + 1;
            for (size_t k = 0; k < keep; k += 61)
                if (k != len[i] - 1 && q[k] != (unsigned char)(tag[i] + k)) { bad++; break; }
            slot[i] = q;
            len[i] = n + 1;
            tag[i] = x;
            fill(q, len[i], tag[i]);
        } else if (slot[i]) {
            if (!check(slot[i], len[i], tag[i])) bad++;
            hash_u64(&h, len[i]);
            free(slot[i]);
            slot[i] = NULL;
        } else {
            size_t n = (x >> 8) % 16 == 0 ? 128 * 1024 + (size_t)(x >> 20) % (3u << 20) : 1 + (size_t)(x >> 20) % 4000;
            if (n > 128 * 1024) bigs++;
            slot[i] = malloc(n);
            if (!slot[i]) { printf("malloc failed\n"); return 1; }
            len[i] = n;
            tag[i] = x;
            fill(slot[i], n, x);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (!slot[i]) continue;
        if (!check(slot[i], len[i], tag[i])) bad++;
        hash_u64(&h, len[i]);
        free(slot[i]);
    }
    printf("rounds %ld, large blocks %ld, corrupted %ld\n", rounds, bigs, bad);
    hash_print("churn", &h);
    return bad != 0;
}
