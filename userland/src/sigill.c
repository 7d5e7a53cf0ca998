/* sigill: prints a line, flushes, then executes an all-zero (illegal) instruction: dies by SIGILL. */
#include <stdio.h>

int main(void)
{
    printf("about to execute an illegal instruction\n");
    fflush(stdout);
    __asm__ volatile(".4byte 0");
    printf("survived an illegal instruction (wrong)\n");
    return 1;
}
