/*
 * limits: resource limits as Linux enforces them, and uname. RLIMIT_NOFILE (EMFILE, dup2/F_DUPFD
 * past it, nr_open), RLIMIT_FSIZE (short writes at the limit, EFBIG with SIGXFSZ ignored, caught
 * or fatal, ftruncate, O_APPEND), limits inherited by fork, prlimit on another process, and the
 * errors (soft above hard, bad resource, no such process). Prints only what every Linux agrees on:
 * counts relative to the limits, never the host's defaults. Runs in a fresh directory under /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define T(expr) show(#expr, (long)(expr))
static long show(const char *what, long r)
{
    if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
    errno = 0;
    return r;
}

static int setlim(int res, rlim_t soft, rlim_t hard)
{
    struct rlimit r = {soft, hard};
    return setrlimit(res, &r);
}

static int waitst(pid_t p)
{
    int st;
    while (waitpid(p, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return st;
}

static void describe(const char *what, int st)
{
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %s\n", what, sigabbrev_np(WTERMSIG(st)));
}

static void nofile(void)
{
    printf("-- RLIMIT_NOFILE\n");
    struct rlimit old;
    getrlimit(RLIMIT_NOFILE, &old);
    /* The lowest descriptor free now: everything below it stays open. */
    int base = dup(0);
    close(base);
    T(setlim(RLIMIT_NOFILE, base + 5, old.rlim_max));
    int n = 0, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) n++;
    printf("opened %d more, then %s\n", n, strerrorname_np(errno));
    T(dup(0));
    T(dup2(0, base + 5));
    T(dup2(0, base + 4));
    T(fcntl(0, F_DUPFD, base + 5));
    T(pipe((int[2]){0, 0}));
    for (int i = base; i < base + 5; i++) close(i);
    T(pipe((int[2]){0, 0}));
    for (int i = base; i < base + 5; i++) close(i);
    /* Lowering below open descriptors leaves them open. */
    int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
    T(setlim(RLIMIT_NOFILE, base, old.rlim_max));
    T(close(b));
    T(open("/dev/null", O_RDONLY));
    close(a);
    T(setlim(RLIMIT_NOFILE, old.rlim_cur, (1u << 20) + 1));   /* above nr_open */
    T(setlim(RLIMIT_NOFILE, old.rlim_cur, old.rlim_max));
}

static volatile sig_atomic_t xfsz;
static void on_xfsz(int sig) { (void)sig; xfsz++; }

static void fsize_child(int mode)
{
    if (mode == 1) signal(SIGXFSZ, SIG_IGN);
    if (mode == 2) {
        struct sigaction sa = {.sa_handler = on_xfsz};
        sigaction(SIGXFSZ, &sa, NULL);
    }
    setlim(RLIMIT_FSIZE, 1000, RLIM_INFINITY);
    int fd = open("big", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char buf[600];
    memset(buf, 'f', sizeof buf);
    ssize_t w1 = write(fd, buf, 600), w2 = write(fd, buf, 600), w3 = write(fd, buf, 0);
    errno = 0;
    ssize_t w4 = write(fd, buf, 1);
    int e = errno;
    /* only the parent prints: report through the exit status and a file */
    FILE *f = fopen("report", "w");
    fprintf(f, "writes: %zd %zd %zd, then %zd %s, SIGXFSZ caught %d\n", w1, w2, w3, w4, w4 < 0 ? strerrorname_np(e) : "",
            (int)xfsz);
    errno = 0;
    long r = pwrite(fd, buf, 1, 5000);
    fprintf(f, "pwrite at 5000: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    errno = 0;
    r = ftruncate(fd, 4000);
    fprintf(f, "ftruncate 4000: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    r = ftruncate(fd, 500);
    fprintf(f, "ftruncate 500: %ld\n", r);
    int ap = open("big", O_WRONLY | O_APPEND);
    r = write(ap, buf, 600);
    fprintf(f, "append 600 at 500: %ld\n", r);
    errno = 0;
    r = write(ap, buf, 10);
    fprintf(f, "append at 1000: %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    int p[2];
    pipe(p);
    r = write(p[1], buf, 600) + write(p[1], buf, 600);
    fprintf(f, "pipes have no size limit: %ld\n", r);
    fprintf(f, "SIGXFSZ caught %d\n", (int)xfsz);
    fclose(f);
    _exit(0);
}

static void cat(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) printf("  %s", line);
    if (f) fclose(f);
    unlink(path);
}

static void fsize(void)
{
    printf("-- RLIMIT_FSIZE\n");
    const char *names[] = {"default", "ignored", "caught"};
    for (int mode = 0; mode < 3; mode++) {
        pid_t c = fork();
        if (c == 0) fsize_child(mode);
        int st = waitst(c);
        printf("SIGXFSZ %s: ", names[mode]);
        describe("child", st);
        cat("report");
        struct stat s;
        if (stat("big", &s) == 0) printf("  file size %lld\n", (long long)s.st_size);
        unlink("big");
    }
}

/* RLIMIT_NOFILE, only ever lowered: raising a hard limit needs CAP_SYS_RESOURCE, and the reference
 * runs under `ulimit -c 0`, so RLIMIT_CORE's hard limit is 0 there. */
static void inherited(void)
{
    printf("-- inheritance and prlimit\n");
    struct rlimit r = {64, 128}, got;
    T(setrlimit(RLIMIT_NOFILE, &r));
    int p[2], go[2];
    pipe(p);
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
        struct rlimit in;
        getrlimit(RLIMIT_NOFILE, &in);
        int ok = in.rlim_cur == 64 && in.rlim_max == 128;
        write(p[1], &ok, sizeof ok);
        char x;
        read(go[0], &x, 1);                     /* the parent changes our limit meanwhile */
        getrlimit(RLIMIT_NOFILE, &in);
        ok |= (in.rlim_cur == 32 && in.rlim_max == 100) << 1;
        write(p[1], &ok, sizeof ok);
        _exit(0);
    }
    int ok = 0, ok2 = 0;
    read(p[0], &ok, sizeof ok);                /* the child has looked at its inherited limit */
    struct rlimit nr = {32, 100};
    T(prlimit(c, RLIMIT_NOFILE, &nr, &got));
    printf("prlimit returned the child's old limit: %s\n", got.rlim_cur == 64 && got.rlim_max == 128 ? "yes" : "no");
    T(prlimit(c, RLIMIT_NOFILE, NULL, &got));
    printf("and reads the new one: %s\n", got.rlim_cur == 32 && got.rlim_max == 100 ? "yes" : "no");
    write(go[1], "g", 1);
    read(p[0], &ok2, sizeof ok2);
    printf("child inherited the limit: %s, saw the parent's prlimit: %s\n", ok & 1 ? "yes" : "no", ok2 & 2 ? "yes" : "no");
    waitst(c);
    T(prlimit(c, RLIMIT_NOFILE, NULL, &got));   /* reaped: gone */
    T(prlimit(0, RLIMIT_NOFILE, NULL, &got));
    printf("prlimit(0) is the caller: %s\n", got.rlim_cur == 64 ? "yes" : "no");
    r.rlim_cur = 5000;   /* r is {64, 128} */
    T(setrlimit(RLIMIT_NOFILE, &r));             /* soft above hard */
    T(getrlimit(99, &got));
    T(setrlimit(99, &r));
    T(prlimit(0, 99, NULL, &got));
    T(getrlimit(RLIMIT_NOFILE, (struct rlimit *)8));
    T(setrlimit(RLIMIT_NOFILE, (struct rlimit *)8));
    /* Raising a hard limit needs CAP_SYS_RESOURCE, which the reference host may lack: only lower. */
    r.rlim_cur = RLIM_INFINITY;
    r.rlim_max = RLIM_INFINITY;
    T(setrlimit(RLIMIT_FSIZE, &r));
    T(getrlimit(RLIMIT_FSIZE, &got));
    printf("RLIM_INFINITY round-trips: %s\n", got.rlim_cur == RLIM_INFINITY && got.rlim_max == RLIM_INFINITY ? "yes" : "no");
}

static void names(void)
{
    printf("-- uname\n");
    struct utsname u;
    T(uname(&u));
    printf("sysname %s, machine %s\n", u.sysname, u.machine);
    int dots = 0;
    for (char *p = u.release; *p && *p != '-'; p++) dots += *p == '.';
    printf("release looks like N.N.N: %s\n", dots >= 2 && u.release[0] >= '1' && u.release[0] <= '9' ? "yes" : "no");
    printf("nodename set: %s, version set: %s\n", u.nodename[0] ? "yes" : "no", u.version[0] ? "yes" : "no");
    T(uname((struct utsname *)8));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[] = "/tmp/limits.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) { printf("no temporary directory\n"); return 1; }
    nofile();
    fsize();
    inherited();
    names();
    chdir("/");
    rmdir(dir);
    return 0;
}
