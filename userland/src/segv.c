/* segv: prints a line, flushes, then loads from an unmapped address: dies by SIGSEGV. */
#include <stdio.h>

int main(void)
{
    printf("about to load from an unmapped address\n");
    fflush(stdout);
    unsigned long addr = 0x1000, v;   /* page 1: never mapped by a Linux loader (mmap_min_addr) */
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
    printf("survived a load from 0x1000 (wrong): %lu\n", v);
    return 1;
}
