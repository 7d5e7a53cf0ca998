/*
 * segv: prints a line, flushes, then makes a memory access the kernel must refuse: dies by SIGSEGV
 * (status 139). argv[1] picks the access:
 *   load (default)  load from an unmapped address (page 1: below any Linux mmap_min_addr)
 *   store           store to an unmapped address
 *   jump            jump to an unmapped address (instruction fetch fault)
 *   nx              jump into an anonymous read-write page mapped without PROT_EXEC
 *   readonly        store to an anonymous page made read-only with mprotect
 *   text            store into the program's own text segment
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static void load(void)
{
    unsigned long addr = 0x1000, v;
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
    printf("survived a load from 0x1000 (wrong): %lu\n", v);
}

static void store(void)
{
    unsigned long addr = 0x1008;
    __asm__ volatile("sd %0, 0(%0)" : : "r"(addr) : "memory");
    printf("survived a store to 0x1008 (wrong)\n");
}

static void jump(void)
{
    unsigned long addr = 0x2000;
    __asm__ volatile("jalr ra, 0(%0)" : : "r"(addr) : "ra", "memory");
    printf("survived a jump to 0x2000 (wrong)\n");
}

static void nx(void)
{
    unsigned int *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { printf("mmap failed\n"); return; }
    page[0] = 0x00008067;                      /* ret: harmless if (wrongly) executed */
    __asm__ volatile("fence.i\n\tjalr ra, 0(%0)" : : "r"(page) : "ra", "memory");
    printf("survived executing a non-executable page (wrong)\n");
}

static void readonly(void)
{
    volatile char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { printf("mmap failed\n"); return; }
    page[10] = 1;
    mprotect((void *)page, 4096, PROT_READ);
    printf("read-only page still readable: %d\n", page[10]);
    fflush(stdout);
    page[10] = 2;
    printf("survived a store to a read-only page (wrong)\n");
}

static void text(void)
{
    volatile unsigned char *p = (volatile unsigned char *)(void *)&text;
    p[0] = p[0];
    printf("survived a store into the text segment (wrong)\n");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "load";
    printf("segv mode %s: about to fault\n", mode);
    fflush(stdout);
    if (!strcmp(mode, "load")) load();
    else if (!strcmp(mode, "store")) store();
    else if (!strcmp(mode, "jump")) jump();
    else if (!strcmp(mode, "nx")) nx();
    else if (!strcmp(mode, "readonly")) readonly();
    else if (!strcmp(mode, "text")) text();
    else { printf("unknown mode\n"); return 2; }
    return 1;
}
