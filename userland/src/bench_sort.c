/*
 * bench_sort: sorts SIZE (argv[1], default 2000000) pseudo-random 32-bit ints twice, with libc
 * qsort and with a hand-written top-down merge sort, checks both agree and are ordered, and prints
 * a checksum of the sorted array.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

static int cmp_int(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static void merge_sort(int32_t *a, int32_t *tmp, size_t n)
{
    if (n < 24) {
        for (size_t i = 1; i < n; i++) {
            int32_t v = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
            a[j] = v;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int main(int argc, char **argv)
{
    size_t n = (size_t)arg_size(argc, argv, 2000000);
    int32_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *tmp = malloc(n * sizeof *tmp);
    if (!a || !b || !tmp) { printf("out of memory\n"); return 1; }
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n; i++) a[i] = b[i] = (int32_t)(rng_next(&seed) >> 32);
    qsort(a, n, sizeof *a, cmp_int);
    merge_sort(b, tmp, n);
    int ok = memcmp(a, b, n * sizeof *a) == 0;
    for (size_t i = 1; i < n; i++) ok &= a[i - 1] <= a[i];
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++) h = h * 0x100000001b3ULL ^ (uint32_t)a[i];
    printf("bench_sort size=%zu sorted=%s checksum=%016llx\n", n, ok ? "yes" : "NO", (unsigned long long)h);
    free(a); free(b); free(tmp);
    return ok ? 0 : 1;
}
