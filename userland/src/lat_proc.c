/* Latency of process primitives, measured inside the guest (issue: getpid round trip,
 * fork+exit+wait; the seeds' targets are context switch < 10 us and process creation < 100 us).
 * Prints timings, so it is a benchmark, not a comparison test. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    double t0 = now();
    for (long i = 0; i < n; i++) syscall(SYS_getpid);
    double t1 = now();
    printf("getpid round trip: %.3f us\n", (t1 - t0) / n * 1e6);

    long forks = n / 100 > 0 ? n / 100 : 1;
    t0 = now();
    for (long i = 0; i < forks; i++) {
        pid_t p = fork();
        if (p == 0) _exit(0);
        waitpid(p, NULL, 0);
    }
    t1 = now();
    printf("fork+exit+wait: %.1f us\n", (t1 - t0) / forks * 1e6);
    return 0;
}
