/*
 * sigill: prints a line, flushes, then executes an instruction user mode may not execute: dies by
 * SIGILL (status 132). argv[1] picks it:
 *   zero (default)  an all-zero 32-bit word (also an illegal 16-bit parcel)
 *   unimp           the canonical unimp (csrrw x0, cycle, x0: a write to a read-only CSR)
 *   csr             read of the machine-mode CSR mstatus
 *   sret            sret in user mode
 *   frm             fadd.s with rm=dyn while frm holds the reserved value 5
 *   rm              fadd.s with the reserved static rounding mode 5 in its encoding
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "zero";
    printf("sigill mode %s: about to execute an illegal instruction\n", mode);
    fflush(stdout);
    unsigned long v = 0;
    if (!strcmp(mode, "zero")) __asm__ volatile(".4byte 0");
    else if (!strcmp(mode, "unimp")) __asm__ volatile(".4byte 0xc0001073");
    else if (!strcmp(mode, "csr")) __asm__ volatile("csrr %0, mstatus" : "=r"(v));
    else if (!strcmp(mode, "sret")) __asm__ volatile("sret");
    else if (!strcmp(mode, "frm")) __asm__ volatile("fsrm %1\n\tfadd.s ft0, ft0, ft0, dyn" : "=r"(v) : "r"(5UL) : "ft0");
    else if (!strcmp(mode, "rm")) __asm__ volatile(".4byte 0x00005053" ::: "ft0");   /* fadd.s ft0,ft0,ft0 with rm=5 */
    else { printf("unknown mode\n"); return 2; }
    printf("survived an illegal instruction (wrong): %lu\n", v);
    return 1;
}
