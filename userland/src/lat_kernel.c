/*
 * lat_kernel: latency and throughput of kernel primitives, timed inside the guest with
 * CLOCK_MONOTONIC (the seeds' targets: context switch < 10 us, process creation < 100 us).
 * `fornax bench --kernel` runs it under Fornax/J and qemu-riscv64 and prints the table.
 *
 *   lat_kernel TEST [N] [PROGRAM [INTERPRETER]]
 *
 *   getpid  N   getpid round trips                          -> us per call
 *   fork    N   fork + _exit + waitpid                      -> us per child
 *   exec    N   fork + execve(PROGRAM child) + waitpid      -> us per child
 *   pipe    N   one-byte ping-pong between two processes    -> us per switch (round trip / 2)
 *   pipebw  N   N MiB through a pipe in 64 KiB writes       -> MB/s (10^6 bytes)
 *   thread  N   pthread_create + pthread_join               -> us per thread
 *   futex   N   futex ping-pong between two threads         -> us per switch (round trip / 2)
 *   mmap    N   mmap + touch every page + munmap of 64 MiB  -> ms per round (mmap_rounds.h)
 *
 * For exec, PROGRAM is a static riscv64 program (normally this one: `lat_kernel child` exits at
 * once); it is copied to a fresh file under /tmp first so the runs exec from the guest's own
 * file system. A host without binfmt_misc for riscv64 cannot execve a riscv64 file under
 * qemu-riscv64 (ENOEXEC); there INTERPRETER (the host's qemu-riscv64) is executed with the copy
 * as its argument, which is exactly what binfmt_misc would do.
 *
 * Prints one line, "TEST VALUE UNIT N", and exits 0; a failed call or a wrong byte prints the
 * reason and exits 1. The figures are timings, so the output is not compared with qemu.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "mmap_rounds.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
    printf("%s: %s\n", what, strerror(errno));
    exit(1);
}

static void report(const char *test, double value, const char *unit, long n)
{
    printf("%s %.3f %s %ld\n", test, value, unit, n);
}

static void reap(pid_t pid, const char *what)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%s: child ended with status %#x\n", what, status);
        exit(1);
    }
}

static void bench_getpid(long n)
{
    double t0 = now();
    for (long i = 0; i < n; i++) syscall(SYS_getpid);
    report("getpid", (now() - t0) / n * 1e6, "us", n);
}

static void bench_fork(long n)
{
    double t0 = now();
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) die("fork");
        if (p == 0) _exit(0);
        reap(p, "fork");
    }
    report("fork", (now() - t0) / n * 1e6, "us", n);
}

/* Copies PROGRAM to a new executable file under /tmp; returns its path. */
static char *copy_program(const char *program)
{
    static char copy[] = "/tmp/lat_kernel.XXXXXX";
    int in = open(program, O_RDONLY), out = mkstemp(copy);
    if (in < 0) die(program);
    if (out < 0) die("mkstemp");
    char buf[65536];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, r) != r) die("write");
    if (r < 0 || fchmod(out, 0755) != 0) die("copy");
    close(in);
    close(out);
    return copy;
}

static void bench_exec(long n, const char *program, const char *interp)
{
    if (program == NULL) {
        printf("exec: give the program to execute (normally this one)\n");
        exit(2);
    }
    char *copy = copy_program(program);
    char *direct[] = {copy, "child", NULL};
    char *via[] = {(char *)interp, copy, "child", NULL};
    char *env[] = {NULL};
    double t0 = now();
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) die("fork");
        if (p == 0) {
            execve(copy, direct, env);
            if (errno == ENOEXEC && interp != NULL) execve(interp, via, env);
            _exit(127);
        }
        reap(p, "exec");
    }
    double t1 = now();
    unlink(copy);
    report("exec", (t1 - t0) / n * 1e6, "us", n);
}

static void bench_pipe(long n)
{
    int ping[2], pong[2];
    if (pipe(ping) != 0 || pipe(pong) != 0) die("pipe");
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
        unsigned char c;
        for (long i = 0; i < n; i++) {
            if (read(ping[0], &c, 1) != 1) _exit(3);
            c++;
            if (write(pong[1], &c, 1) != 1) _exit(4);
        }
        _exit(0);
    }
    unsigned char c = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
        unsigned char sent = (unsigned char)i;
        if (write(ping[1], &sent, 1) != 1) die("write");
        if (read(pong[0], &c, 1) != 1) die("read");
        if (c != (unsigned char)(sent + 1)) {
            printf("pipe: sent %u, got back %u\n", sent, c);
            exit(1);
        }
    }
    double t1 = now();
    reap(p, "pipe");
    report("pipe", (t1 - t0) / n / 2 * 1e6, "us", n);
}

static void bench_pipebw(long mib)
{
    enum { CHUNK = 64 * 1024 };
    static char buf[CHUNK];
    int fd[2];
    if (pipe(fd) != 0) die("pipe");
    long long total = (long long)mib << 20;
    double t0 = now();
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
        close(fd[0]);
        memset(buf, 'x', sizeof buf);
        for (long long sent = 0; sent < total; sent += CHUNK)
            if (write(fd[1], buf, CHUNK) != CHUNK) _exit(3);
        _exit(0);
    }
    close(fd[1]);
    long long got = 0;
    ssize_t r;
    while ((r = read(fd[0], buf, sizeof buf)) > 0) got += r;
    double t1 = now();
    if (r < 0) die("read");
    reap(p, "pipebw");
    if (got != total) {
        printf("pipebw: read %lld bytes of %lld\n", got, total);
        exit(1);
    }
    report("pipebw", total / (t1 - t0) / 1e6, "MB/s", mib);
}

static void *nothing(void *arg) { return arg; }

static void bench_thread(long n)
{
    double t0 = now();
    for (long i = 0; i < n; i++) {
        pthread_t t;
        void *r;
        if ((errno = pthread_create(&t, NULL, nothing, (void *)i)) != 0) die("pthread_create");
        if ((errno = pthread_join(t, &r)) != 0) die("pthread_join");
        if (r != (void *)i) { printf("thread: wrong result\n"); exit(1); }
    }
    report("thread", (now() - t0) / n * 1e6, "us", n);
}

/* The futex word: 0 = the main thread's turn, 1 = the partner's. */
static _Atomic int turn;
static long futex_rounds;

static void futex_wait(int expected)
{
    while (atomic_load(&turn) == expected)
        if (syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0) != 0 && errno != EAGAIN
                && errno != EINTR)
            die("futex wait");
}

static void futex_pass(int to)
{
    atomic_store(&turn, to);
    if (syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0) die("futex wake");
}

static void *partner(void *arg)
{
    for (long i = 0; i < futex_rounds; i++) {
        futex_wait(0);
        futex_pass(0);
    }
    return arg;
}

static void bench_futex(long n)
{
    futex_rounds = n;
    pthread_t t;
    if ((errno = pthread_create(&t, NULL, partner, NULL)) != 0) die("pthread_create");
    double t0 = now();
    for (long i = 0; i < n; i++) {
        futex_pass(1);
        futex_wait(1);
    }
    double t1 = now();
    if ((errno = pthread_join(t, NULL)) != 0) die("pthread_join");
    report("futex", (t1 - t0) / n / 2 * 1e6, "us", n);
}

static void bench_mmap(long n)
{
    uint64_t sum = 0, expect = 0;
    double t0 = now();
    for (long r = 0; r < n; r++)
        if (mmap_round(r, &sum) != 0) exit(1);
    double t1 = now();
    for (long r = 0; r < n; r++)
        for (uint64_t off = 0; off < MMAP_ROUND_SIZE; off += MMAP_ROUND_PAGE) expect += off ^ (uint64_t)r;
    if (sum != expect) { printf("mmap: read back the wrong values\n"); exit(1); }
    report("mmap", (t1 - t0) / n * 1e3, "ms", n);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s getpid|fork|exec|pipe|pipebw|thread|futex|mmap [N] [PROGRAM [INTERPRETER]]\n",
                argv[0]);
        return 2;
    }
    const char *test = argv[1];
    if (strcmp(test, "child") == 0) return 0;   /* what exec runs */
    long n = 0;
    if (argc > 2) {
        char *end;
        n = strtol(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || n <= 0) {
            fprintf(stderr, "%s: N must be a positive integer, got '%s'\n", argv[0], argv[2]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(test, "getpid") == 0) bench_getpid(n ? n : 200000);
    else if (strcmp(test, "fork") == 0) bench_fork(n ? n : 1000);
    else if (strcmp(test, "exec") == 0) bench_exec(n ? n : 300, argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL);
    else if (strcmp(test, "pipe") == 0) bench_pipe(n ? n : 20000);
    else if (strcmp(test, "pipebw") == 0) bench_pipebw(n ? n : 256);
    else if (strcmp(test, "thread") == 0) bench_thread(n ? n : 2000);
    else if (strcmp(test, "futex") == 0) bench_futex(n ? n : 20000);
    else if (strcmp(test, "mmap") == 0) bench_mmap(n ? n : 5);
    else {
        fprintf(stderr, "%s: unknown test '%s'\n", argv[0], test);
        return 2;
    }
    return 0;
}
