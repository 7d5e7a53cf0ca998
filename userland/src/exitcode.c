/* exitcode: prints a line, then exits with the status given in argv[1] (default 42) via exit(). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int status = argc > 1 ? atoi(argv[1]) : 42;
    printf("exiting with status %d\n", status);
    exit(status);
}
