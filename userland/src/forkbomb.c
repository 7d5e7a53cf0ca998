/*
 * forkbomb: a real fork bomb, contained by RLIMIT_NPROC. Usage: forkbomb LIMIT.
 *
 * A child in its own process group sets RLIMIT_NPROC to LIMIT and then every process of the group
 * forks for ever. Once one of them is refused (EAGAIN), this program counts the group, kills it
 * with SIGKILL, waits until none of it runs any more, and checks that fork works again.
 *
 * Fornax/J only: Linux exempts root from RLIMIT_NPROC (and the host tests run as root), so under
 * qemu-riscv64 on such a host this would be an uncontained fork bomb. Never run it there. The
 * kernel test ContainmentTest runs it from a busybox shell and checks the shell carries on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Members of process group pgid in /proc: all, and those not yet dead (state other than Z). */
static void census(pid_t pgid, int *all, int *live)
{
    *all = *live = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%.20s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        char *p = strrchr(buf, ')');   /* the name may hold anything; the fields follow its ')' */
        char state;
        int ppid, grp;
        if (!p || sscanf(p + 2, "%c %d %d", &state, &ppid, &grp) != 3 || grp != pgid) continue;
        (*all)++;
        if (state != 'Z') (*live)++;
    }
    if (d) closedir(d);
}

int main(int argc, char **argv)
{
    long limit = argc > 1 ? atol(argv[1]) : 0;
    if (limit < 4) {
        fprintf(stderr, "usage: forkbomb LIMIT (at least 4)\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    int full[2];
    if (pipe(full) != 0) return 1;
    pid_t bomb = fork();
    if (bomb < 0) { perror("fork"); return 1; }
    if (bomb == 0) {
        setpgid(0, 0);
        close(full[0]);
        struct rlimit r = {limit, limit};
        if (setrlimit(RLIMIT_NPROC, &r) != 0) _exit(3);
        int told = 0;
        for (;;) {
            if (fork() < 0 && !told) {
                /* one byte per refused process: the first one wakes the parent */
                told = errno == EAGAIN;
                if (told) write(full[1], "x", 1);
            }
        }
    }
    setpgid(bomb, bomb);
    close(full[1]);
    char c;
    if (read(full[0], &c, 1) != 1) { printf("the bomb never hit the limit\n"); return 1; }
    printf("bomb hit RLIMIT_NPROC: yes\n");
    int all, live;
    census(bomb, &all, &live);
    /* Nobody in the group exits before the kill, so the count is what the limit let in. */
    printf("bomb processes at the limit: %d (limit %ld)\n", all, limit);
    if (kill(-bomb, SIGKILL) != 0) perror("kill");
    waitpid(bomb, NULL, 0);
    /* The others are orphans now; init reaps them. Wait until none of them runs. */
    for (int i = 0; i < 100000; i++) {
        census(bomb, &all, &live);
        if (live == 0) break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    printf("bomb processes still running after SIGKILL: %d\n", live);
    pid_t p = fork();
    if (p == 0) _exit(7);
    int st;
    waitpid(p, &st, 0);
    printf("fork after the bomb: %s\n", p > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7 ? "ok" : "failed");
    return 0;
}
