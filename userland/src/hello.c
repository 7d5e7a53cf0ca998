/* hello: milestone 1 of the plan. Prints the greeting, then echoes any arguments. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello world from Ring 3\n");
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
