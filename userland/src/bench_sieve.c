/*
 * bench_sieve: segmented sieve of Eratosthenes (odd numbers only, 128 KiB segments) counting the
 * primes up to SIZE (argv[1], default 600000000). Prints the count, the sum and the largest prime.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

#define SEG (128 * 1024)

int main(int argc, char **argv)
{
    uint64_t n = (uint64_t)arg_size(argc, argv, 600000000);
    uint64_t root = 1;
    while ((root + 1) * (root + 1) <= n) root++;
    /* Base primes up to sqrt(n) with a plain sieve. */
    unsigned char *small = calloc(root + 1, 1);
    uint32_t *primes = malloc(sizeof(uint32_t) * (root / 2 + 2));
    uint64_t *next = malloc(sizeof(uint64_t) * (root / 2 + 2));
    if (!small || !primes || !next) { printf("out of memory\n"); return 1; }
    size_t np = 0;
    for (uint64_t i = 3; i <= root; i += 2) {
        if (small[i]) continue;
        primes[np] = (uint32_t)i;
        next[np] = i * i;                    /* next odd multiple to cross off */
        np++;
        for (uint64_t j = i * i; j <= root; j += 2 * i) small[j] = 1;
    }
    static unsigned char seg[SEG];           /* seg[k] stands for lo + 2k */
    uint64_t count = n >= 2, sum = n >= 2 ? 2 : 0, last = n >= 2 ? 2 : 0;
    for (uint64_t lo = 3; lo <= n; lo += 2 * (uint64_t)SEG) {
        uint64_t hi = lo + 2 * (uint64_t)SEG;   /* exclusive */
        memset(seg, 0, SEG);
        for (size_t k = 0; k < np; k++) {
            uint64_t p = primes[k], m = next[k];
            if (m >= hi) continue;
            for (; m < hi; m += 2 * p) seg[(m - lo) / 2] = 1;
            next[k] = m;
        }
        for (uint64_t k = 0; k < SEG; k++) {
            uint64_t v = lo + 2 * k;
            if (v > n) break;
            if (!seg[k]) { count++; sum += v; last = v; }
        }
    }
    printf("bench_sieve size=%llu primes=%llu sum=%llu largest=%llu\n", (unsigned long long)n,
           (unsigned long long)count, (unsigned long long)sum, (unsigned long long)last);
    free(small); free(primes); free(next);
    return 0;
}
