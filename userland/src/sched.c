/* sched.c: scheduling attributes — nice levels through getpriority/setpriority, scheduling
 * classes and their priority ranges, CPU affinity, sched_yield, with their errors. With an
 * argument "fair", it instead measures how two CPU-bound processes pinned to one CPU share it
 * at nice 0 and nice 10 (Linux's weights predict about 9:1); that output is not deterministic. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err(int rc) { return rc >= 0 ? "ok" : strerror(errno); }

static void fair(void)
{
    volatile unsigned long *work = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        if ((kids[i] = fork()) == 0) {
            setpriority(PRIO_PROCESS, 0, i * 10);
            for (;;) work[i]++;
        }
    }
    struct timespec ts = {2, 0};
    nanosleep(&ts, NULL);
    for (int i = 0; i < 2; i++) kill(kids[i], SIGKILL);
    for (int i = 0; i < 2; i++) waitpid(kids[i], NULL, 0);
    printf("nice 0: %lu, nice 10: %lu, ratio %.1f (Linux weights: 9.3)\n", work[0], work[1],
           work[1] ? (double)work[0] / work[1] : 0.0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "fair") == 0) { fair(); return 0; }
    setvbuf(stdout, NULL, _IONBF, 0);
    setpgid(0, 0);                 /* PRIO_PGRP below must reach only us */
    errno = 0;
    printf("getpriority: %d (errno %d)\n", getpriority(PRIO_PROCESS, 0), errno);
    printf("setpriority 5: %s, now %d\n", err(setpriority(PRIO_PROCESS, 0, 5)), getpriority(PRIO_PROCESS, 0));
    printf("nice(3): %d\n", nice(3));
    /* Only ever raised: lowering nice needs privilege on the host. */
    printf("group: %s, now %d\n", err(setpriority(PRIO_PGRP, 0, 10)), getpriority(PRIO_PGRP, 0));
    printf("bad which: %s\n", err(setpriority(7, 0, 19)));
    printf("no such pid: %s\n", err(setpriority(PRIO_PROCESS, 999999, 19)));
    pid_t child = fork();
    if (child == 0) {
        printf("child inherits nice: %d\n", getpriority(PRIO_PROCESS, 0));
        _exit(0);
    }
    waitpid(child, NULL, 0);
    printf("setpriority 100 clamps: %s, now %d\n", err(setpriority(PRIO_PROCESS, 0, 100)), getpriority(PRIO_PROCESS, 0));

    printf("scheduler: %d\n", sched_getscheduler(0));
    printf("FIFO range: %d..%d, OTHER range: %d..%d, bad policy: %s\n", sched_get_priority_min(SCHED_FIFO),
           sched_get_priority_max(SCHED_FIFO), sched_get_priority_min(SCHED_OTHER),
           sched_get_priority_max(SCHED_OTHER), err(sched_get_priority_max(42)));
    struct sched_param sp = {.sched_priority = 0};
    printf("FIFO with priority 0: %s\n", err(sched_setscheduler(0, SCHED_FIFO, &sp)));
    sp.sched_priority = 5;
    printf("OTHER with priority 5: %s\n", err(sched_setscheduler(0, SCHED_OTHER, &sp)));
    printf("negative pid: %s\n", err(sched_setscheduler(-1, SCHED_OTHER, &sp)));
    printf("getparam: %s, priority %d\n", err(sched_getparam(0, &sp)), sp.sched_priority);
    sp.sched_priority = 0;
    printf("batch: %s, scheduler now %d\n", err(sched_setscheduler(0, SCHED_BATCH, &sp)), sched_getscheduler(0));
    printf("back to other: %s\n", err(sched_setscheduler(0, SCHED_OTHER, &sp)));

    cpu_set_t set;
    CPU_ZERO(&set);
    printf("getaffinity: %s, cpu0 %d\n", err(sched_getaffinity(0, sizeof set, &set)), CPU_ISSET(0, &set));
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    printf("pin to cpu0: %s\n", err(sched_setaffinity(0, sizeof set, &set)));
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    printf("now: count %d, cpu0 %d\n", CPU_COUNT(&set), CPU_ISSET(0, &set));
    CPU_ZERO(&set);
    printf("empty mask: %s\n", err(sched_setaffinity(0, sizeof set, &set)));
    printf("bad pid: %s\n", err(sched_getaffinity(999999, sizeof set, &set)));
    for (int i = 0; i < 3; i++) sched_yield();
    printf("yield: ok\n");
    return 0;
}
