/*
 * bench_mmap: ROUNDS (argv[1], default 20) times, map 64 MiB of anonymous memory, write one word
 * in every 4 KiB page (a demand-zero fault each), read them back, and unmap: the cost of page
 * faults and of freeing pages. Prints the sum of what was read.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include "common.h"

#define SIZE (64UL << 20)
#define PG 4096UL

int main(int argc, char **argv)
{
    long rounds = arg_size(argc, argv, 20);
    uint64_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        uint64_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { printf("mmap failed\n"); return 1; }
        for (uint64_t off = 0; off < SIZE; off += PG) p[off / 8] = off ^ (uint64_t)r;
        for (uint64_t off = 0; off < SIZE; off += PG) sum += p[off / 8];
        if (munmap(p, SIZE) != 0) { printf("munmap failed\n"); return 1; }
    }
    printf("rounds %ld pages %lu sum %016llx\n", rounds, (unsigned long)(rounds * (SIZE / PG)), (unsigned long long)sum);
    return 0;
}
