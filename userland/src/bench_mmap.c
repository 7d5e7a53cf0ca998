/*
 * bench_mmap: ROUNDS (argv[1], default 20) times, map 64 MiB of anonymous memory, write one word
 * in every 4 KiB page (a demand-zero fault each), read them back, and unmap (mmap_rounds.h): the
 * cost of page faults and of freeing pages. Prints the sum of what was read.
 */
#include <stdint.h>
#include <stdio.h>
#include "common.h"
#include "mmap_rounds.h"

int main(int argc, char **argv)
{
    long rounds = arg_size(argc, argv, 20);
    uint64_t sum = 0;
    for (long r = 0; r < rounds; r++)
        if (mmap_round(r, &sum) != 0) return 1;
    printf("rounds %ld pages %lu sum %016llx\n", rounds, (unsigned long)(rounds * (MMAP_ROUND_SIZE / MMAP_ROUND_PAGE)),
           (unsigned long long)sum);
    return 0;
}
