/* crt0.S: entry point of the freestanding static-PIE programs. The kernel enters with sp at argc. */
    .text
    .globl _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined ra
    mv   a0, sp          /* a0 = &argc */
    andi sp, sp, -16
    li   ra, 0
    call __fornax_start_c
1:  j    1b
    .cfi_endproc
    .size _start, . - _start
    .section .note.GNU-stack,"",@progbits
