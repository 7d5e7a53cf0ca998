/*
 * hello (static-PIE, freestanding): same output as src/hello.c. Its message comes through a table of
 * pointers, which the linker turns into R_RISCV_RELATIVE relocations: wrong load-base handling
 * by the kernel or the start-up code shows up as garbage or a crash.
 */
#include "nolibc.h"

static const char *const parts[] = { "Hello ", "world ", "from ", "Ring 3", "\n" };

int main(int argc, char **argv, char **envp)
{
    for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++)
        nl_puts(parts[i]);
    for (int i = 1; i < argc; i++) {
        nl_puts("argv[");
        nl_put_udec((unsigned long)i);
        nl_puts("] = ");
        nl_puts(argv[i]);
        nl_puts("\n");
    }
    return 0;
}
