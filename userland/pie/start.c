/*
 * start.c: self-relocation and main() call for freestanding static-PIE programs.
 * The image is linked at address 0; the kernel may load it anywhere. The only dynamic relocations a
 * static PIE has are R_RISCV_RELATIVE (word = load base + addend), found through _DYNAMIC.
 * Runs before relocation: it must reach its data only PC-relatively (all symbols here are hidden).
 */
#include "nolibc.h"

typedef struct { long d_tag; unsigned long d_val; } Dyn;
typedef struct { unsigned long r_offset, r_info; long r_addend; } Rela;

#define DT_NULL    0
#define DT_RELA    7
#define DT_RELASZ  8
#define DT_RELAENT 9
#define R_RISCV_RELATIVE 3

extern Dyn _DYNAMIC[];
extern const char __ehdr_start[];

__attribute__((noreturn, used)) void __fornax_start_c(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    uintptr_t base = (uintptr_t)__ehdr_start;      /* runtime address of the image (linked at 0) */

    unsigned long rela = 0, relasz = 0, relaent = sizeof(Rela);
    for (Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_RELA) rela = d->d_val;
        else if (d->d_tag == DT_RELASZ) relasz = d->d_val;
        else if (d->d_tag == DT_RELAENT) relaent = d->d_val;
    }
    for (unsigned long off = 0; off < relasz; off += relaent) {
        const Rela *r = (const Rela *)(base + rela + off);
        if ((r->r_info & 0xffffffff) == R_RISCV_RELATIVE)
            *(unsigned long *)(base + r->r_offset) = base + (unsigned long)r->r_addend;
        else
            nl_exit(127);
    }
    __asm__ volatile("fence.i" ::: "memory");
    nl_exit(main(argc, argv, envp));
}
