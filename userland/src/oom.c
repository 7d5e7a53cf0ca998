/*
 * oom: the out-of-memory policy. A hog child takes HOG_MIB MiB and waits; then a second child
 * touches WANT_MIB MiB, more than is left. The kernel must kill the largest process (the hog),
 * not the one that faults, and the second child must finish. Usage: oom HOG_MIB WANT_MIB. Not
 * compared with qemu (the host has plenty of memory); kernel MemoryGuestTest runs it in a small
 * machine.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char *touch(size_t mib)
{
    char *p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { printf("mmap failed\n"); exit(3); }
    for (size_t i = 0; i < mib << 20; i += 4096) p[i] = (char)(i >> 12);
    return p;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    size_t hog_mib = argc > 1 ? (size_t)atol(argv[1]) : 20, want_mib = argc > 2 ? (size_t)atol(argv[2]) : 16;
    int ready[2];
    pipe(ready);
    pid_t hog = fork();
    if (hog == 0) {
        touch(hog_mib);
        write(ready[1], "r", 1);
        for (;;) pause();
    }
    char c;
    read(ready[0], &c, 1);
    printf("hog holds %zu MiB\n", hog_mib);
    pid_t worker = fork();
    if (worker == 0) {
        char *p = touch(want_mib);
        long sum = 0;
        for (size_t i = 0; i < want_mib << 20; i += 4096) sum += (unsigned char)p[i];
        printf("worker touched %zu MiB, sum %ld\n", want_mib, sum);
        _exit(0);
    }
    int st;
    waitpid(worker, &st, 0);
    printf("worker: %s\n", WIFEXITED(st) ? "exited" : strsignal(WTERMSIG(st)));
    waitpid(hog, &st, 0);
    printf("hog: %s\n", WIFEXITED(st) ? "exited" : strsignal(WTERMSIG(st)));
    return 0;
}
