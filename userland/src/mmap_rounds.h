/* mmap_rounds.h: one round of the page-fault benchmark, shared by bench_mmap (checked against
 * qemu-riscv64 by its sum) and lat_kernel (timed in the guest): map 64 MiB of anonymous memory,
 * write one word in every 4 KiB page (a demand-zero fault each), read them back, unmap. */
#ifndef FORNAX_MMAP_ROUNDS_H
#define FORNAX_MMAP_ROUNDS_H
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#define MMAP_ROUND_SIZE (64UL << 20)
#define MMAP_ROUND_PAGE 4096UL

/* Runs round r; adds what it read to *sum. Returns 0, or -1 (with a message) if a call failed. */
static inline int mmap_round(long r, uint64_t *sum)
{
    uint64_t *p = mmap(NULL, MMAP_ROUND_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { printf("mmap failed\n"); return -1; }
    for (uint64_t off = 0; off < MMAP_ROUND_SIZE; off += MMAP_ROUND_PAGE) p[off / 8] = off ^ (uint64_t)r;
    for (uint64_t off = 0; off < MMAP_ROUND_SIZE; off += MMAP_ROUND_PAGE) *sum += p[off / 8];
    if (munmap(p, MMAP_ROUND_SIZE) != 0) { printf("munmap failed\n"); return -1; }
    return 0;
}
#endif
