/*
 * locks: advisory file locks as Linux keeps them. fcntl POSIX record locks (conflicts seen from
 * another process with F_GETLK, ranges split and merged, SEEK_CUR/SEEK_END/negative lengths,
 * released by closing any descriptor of the file and by exit, not inherited by fork, shared by
 * threads, F_SETLKW waiting and interrupted, EDEADLK), OFD locks (owned by the open file
 * description, conflicting with POSIX locks of the same process), flock(2) (shared/exclusive,
 * non-atomic conversion, independent of fcntl locks, shared across fork, released by the last
 * close) and the errors. Runs in a fresh directory under /tmp.
 *
 * Only one process prints at a time (children print while the parent waits for them), so the
 * output is deterministic; the races (who blocks first in the deadlock) are reported in a way
 * that does not depend on the order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static pid_t parent;
static volatile int *shared;   /* a MAP_SHARED word: the parent's "I have let go" flag */

#define T(expr) show(#expr, (long)(expr))
static long show(const char *what, long r)
{
    if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
    errno = 0;
    return r;
}

static const char *tname(int t) { return t == F_RDLCK ? "RD" : t == F_WRLCK ? "WR" : t == F_UNLCK ? "UN" : "??"; }

static int lk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len, .l_pid = 0};
    return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for a TYPE lock on [start, start+len): prints what conflicts. */
static void getlk(int fd, int cmd, int type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0};
    printf("  %s %s %lld+%lld: ", cmd == F_GETLK ? "GETLK" : "OFD_GETLK", tname(type), (long long)start,
           (long long)len);
    if (fcntl(fd, cmd, &fl) != 0) {
        printf("-1 %s\n", strerrorname_np(errno));
        return;
    }
    if (fl.l_type == F_UNLCK) {
        /* Linux changes only l_type when nothing conflicts. */
        printf("unlocked%s\n", fl.l_start == start && fl.l_len == len ? "" : " (other fields changed)");
        return;
    }
    const char *who = fl.l_pid == parent ? "parent" : fl.l_pid == getpid() ? "self" : fl.l_pid == -1 ? "-1" : "other";
    printf("%s %lld+%lld whence %d pid %s\n", tname(fl.l_type), (long long)fl.l_start, (long long)fl.l_len,
           fl.l_whence, who);
}

/* Runs fn in a child process (which prints) and waits for it; prints its status if not 0. */
static void in_child(const char *what, void (*fn)(void))
{
    printf(" child: %s\n", what);
    pid_t p = fork();
    if (p == 0) {
        fn();
        _exit(0);
    }
    int status;
    while (waitpid(p, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) printf(" child status %#x\n", status);
}

static int open_f(int flags) { return open("f", flags); }

/* ------------------------------------------------------------------ POSIX record locks */

static int pfd;   /* the parent's read-write descriptor of f */

static void see_basic(void)
{
    int fd = open_f(O_RDWR);
    getlk(fd, F_GETLK, F_WRLCK, 50, 10);
    getlk(fd, F_GETLK, F_RDLCK, 250, 10);
    getlk(fd, F_GETLK, F_WRLCK, 250, 10);
    getlk(fd, F_GETLK, F_WRLCK, 100, 100);
    T(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 250, 10));
    T(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 250, 10));
    T(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 99, 2));
    T(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100, 100));
    T(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 300, 10));
    /* The parent's lock is not the child's to remove: unlocking it is a no-op. */
    T(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 100));
    getlk(fd, F_GETLK, F_RDLCK, 0, 1);
    close(fd);
}

static void see_nothing(void)
{
    int fd = open_f(O_RDWR);
    getlk(fd, F_GETLK, F_WRLCK, 0, 0);
    close(fd);
}

static void see_split(void)
{
    int fd = open_f(O_RDONLY);
    getlk(fd, F_GETLK, F_WRLCK, 40, 20);
    getlk(fd, F_GETLK, F_WRLCK, 0, 10);
    getlk(fd, F_GETLK, F_WRLCK, 90, 5);
    close(fd);
}

static void see_convert(void)
{
    int fd = open_f(O_RDONLY);
    getlk(fd, F_GETLK, F_RDLCK, 10, 10);
    getlk(fd, F_GETLK, F_RDLCK, 0, 5);
    getlk(fd, F_GETLK, F_WRLCK, 15, 1);
    getlk(fd, F_GETLK, F_RDLCK, 25, 1);
    close(fd);
}

static void see_merged(void)
{
    int fd = open_f(O_RDONLY);
    getlk(fd, F_GETLK, F_RDLCK, 45, 1);
    getlk(fd, F_GETLK, F_RDLCK, 120, 1);
    getlk(fd, F_GETLK, F_RDLCK, 450, 1);
    getlk(fd, F_GETLK, F_WRLCK, 10000, 1);
    getlk(fd, F_GETLK, F_RDLCK, 655, 1);
    getlk(fd, F_GETLK, F_WRLCK, 665, 1);
    getlk(fd, F_GETLK, F_RDLCK, 995, 1);
    close(fd);
}

static void lock_and_exit(void)
{
    int fd = open_f(O_RDWR);
    T(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    T(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 20, 10));
    /* exits holding [20, 30) */
}

static void setlkw_waits(void)
{
    int fd = open_f(O_RDWR);
    int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 10);
    printf("  SETLKW = %d, granted only after the holder unlocked: %s\n", r, *shared ? "yes" : "no");
}

static void on_alarm(int sig) { (void)sig; }

static void setlkw_interrupted(void)
{
    struct sigaction sa = {.sa_handler = on_alarm};   /* no SA_RESTART */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {.it_value = {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    int fd = open_f(O_RDWR);
    T(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 10));
}

static void *thread_lock(void *arg)
{
    (void)arg;
    /* Threads share the process's locks: no conflict with the main thread's. */
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 5));
    return NULL;
}

static void deadlock(void)
{
    printf("-- deadlock\n");
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    int ready[2];
    pipe(ready);
    pid_t p = fork();
    if (p == 0) {
        int fd = open_f(O_RDWR);
        if (lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1) != 0) _exit(3);
        write(ready[1], "r", 1);
        int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        _exit(r == 0 ? 0 : errno == EDEADLK ? 1 : 2);
    }
    char c;
    read(ready[0], &c, 1);
    /* Whichever of us asks second closes the cycle and gets EDEADLK; the other then gets its lock. */
    int r = lk(pfd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    int mine = r == 0 ? 0 : errno == EDEADLK ? 1 : 2;
    if (mine == 1) lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);   /* let the child have it */
    int status;
    while (waitpid(p, &status, 0) < 0 && errno == EINTR) {}
    int theirs = WIFEXITED(status) ? WEXITSTATUS(status) : 9;
    printf("EDEADLK reported to exactly one: %s; the other got its lock: %s\n",
           (mine == 1) + (theirs == 1) == 1 ? "yes" : "no", (mine == 0) + (theirs == 0) == 1 ? "yes" : "no");
    lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    close(ready[0]);
    close(ready[1]);
}

static void posix_locks(void)
{
    printf("-- POSIX record locks\n");
    pfd = open_f(O_RDWR);
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
    T(lk(pfd, F_SETLK, F_RDLCK, SEEK_SET, 200, 100));
    in_child("conflicts", see_basic);
    in_child("the child's locks went with it", see_nothing);   /* the parent's own do not show */

    T(lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
    T(lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20));
    in_child("a hole unlocked in the middle", see_split);
    T(lk(pfd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10));
    in_child("a read lock inside a write lock", see_convert);

    T(lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 50));
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 50, 50));     /* adjacent: merges */
    T(lk(pfd, F_SETLK, F_RDLCK, SEEK_SET, 100, 50));    /* adjacent, other type: stays apart */
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 500, -100));  /* [400, 500) */
    T(lk(pfd, F_SETLK, F_RDLCK, SEEK_SET, 600, 0));     /* to end of file */
    T(lseek(pfd, 700, SEEK_SET));
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_CUR, -50, 10));   /* [650, 660) */
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_END, -10, 10));   /* [990, 1000) */
    in_child("merged, negative length, to EOF, SEEK_CUR, SEEK_END", see_merged);

    /* Closing any descriptor of the file drops all of the process's locks on it. */
    int other = open_f(O_RDONLY);
    T(close(other));
    in_child("after closing another descriptor of the file", see_nothing);

    /* Threads share them. */
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    pthread_t t;
    pthread_create(&t, NULL, thread_lock, NULL);
    pthread_join(t, NULL);

    /* Not inherited by fork; a child's locks go when it exits. */
    in_child("locks and exits", lock_and_exit);
    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 20, 10));

    /* F_SETLKW sleeps until the holder lets go. */
    *shared = 0;
    pid_t p = fork();
    if (p == 0) {
        setlkw_waits();
        _exit(0);
    }
    usleep(100000);   /* not needed for the result: the child checks the flag either way */
    *shared = 1;
    long r = lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10);   /* printed after the child, which prints now */
    int status;
    while (waitpid(p, &status, 0) < 0 && errno == EINTR) {}
    T(r);
    printf("waiter exited %d\n", WEXITSTATUS(status));

    T(lk(pfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    in_child("F_SETLKW interrupted by a signal", setlkw_interrupted);
    T(lk(pfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    deadlock();
}

/* ------------------------------------------------------------------ OFD locks */

static int ofd_fd;

static void ofd_child(void)
{
    /* The inherited description owns the lock: the child may lock through it too. */
    T(lk(ofd_fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    int fd = open_f(O_RDWR);
    T(lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    getlk(fd, F_GETLK, F_WRLCK, 0, 1);
    close(fd);
}

static void ofd_locks(void)
{
    printf("-- OFD locks\n");
    int a = open_f(O_RDWR), b = open_f(O_RDWR);
    T(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
    T(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 10));
    getlk(b, F_OFD_GETLK, F_RDLCK, 0, 0);
    T(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));     /* a POSIX lock of the same process conflicts */
    getlk(a, F_GETLK, F_RDLCK, 0, 0);
    T(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 10, 10));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 1, .l_pid = 5};
    T(fcntl(a, F_OFD_SETLK, &fl));
    T(fcntl(a, F_OFD_GETLK, &fl));
    int c = dup(a);
    T(close(a));
    T(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));   /* still held through the dup */
    T(close(c));
    T(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));   /* the last close released it */
    ofd_fd = b;
    in_child("OFD lock through the inherited description", ofd_child);
    T(lk(b, F_OFD_SETLKW, F_UNLCK, SEEK_SET, 0, 0));
    close(b);
}

/* ------------------------------------------------------------------ flock */

static int fa;

static void flock_child(void)
{
    T(flock(fa, LOCK_EX | LOCK_NB));   /* the same description: already ours */
    int fd = open_f(O_RDONLY);
    T(flock(fd, LOCK_SH | LOCK_NB));
    T(flock(fa, LOCK_UN));             /* unlocks it for the parent too */
    T(flock(fd, LOCK_SH | LOCK_NB));
    close(fd);
}

static void flock_waits(void)
{
    int fd = open_f(O_RDONLY);
    int r = flock(fd, LOCK_EX);
    printf("  flock(LOCK_EX) = %d, granted only after the holder's last close: %s\n", r, *shared ? "yes" : "no");
}

static void flocks(void)
{
    printf("-- flock\n");
    fa = open_f(O_RDONLY);
    int fb = open_f(O_WRONLY);
    T(flock(fa, LOCK_EX));
    T(flock(fb, LOCK_EX | LOCK_NB));
    T(flock(fb, LOCK_SH | LOCK_NB));
    T(flock(fa, LOCK_SH));
    T(flock(fb, LOCK_SH | LOCK_NB));
    /* Conversion drops the old lock first: fb loses its shared lock and gets nothing. */
    T(flock(fb, LOCK_EX | LOCK_NB));
    T(flock(fa, LOCK_EX | LOCK_NB));
    /* flock and fcntl locks do not see each other. */
    T(lk(fb, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
    T(lk(fb, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    in_child("flock through the inherited description", flock_child);
    T(flock(fb, LOCK_EX | LOCK_NB));
    T(flock(fa, LOCK_SH | LOCK_NB));
    *shared = 0;
    pid_t p = fork();
    if (p == 0) {
        close(fb);   /* the child's copy: the parent's close must be the last */
        flock_waits();
        _exit(0);
    }
    usleep(100000);
    *shared = 1;
    long r = close(fb);   /* printed after the child, which prints now */
    int status;
    while (waitpid(p, &status, 0) < 0 && errno == EINTR) {}
    T(r);
    printf("waiter exited %d\n", WEXITSTATUS(status));
    T(flock(fa, 99));   /* LOCK_MAND: Linux answers 0 without looking */
    T(flock(fa, 16));
    T(flock(fa, LOCK_SH | LOCK_EX));
    T(flock(-1, LOCK_SH));
    T(flock(fa, LOCK_UN));
    T(flock(fa, LOCK_UN));
    close(fa);
}

/* ------------------------------------------------------------------ errors */

static void errors(void)
{
    printf("-- errors\n");
    int rd = open_f(O_RDONLY), wr = open_f(O_WRONLY), path = open("f", O_PATH);
    T(lk(rd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
    T(lk(wr, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    T(lk(rd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
    T(lk(rd, F_GETLK, F_WRLCK, SEEK_SET, 0, 1));
    T(lk(rd, F_SETLK, F_RDLCK, 7, 0, 1));
    T(lk(rd, F_SETLK, F_RDLCK, SEEK_SET, -1, 1));
    T(lk(rd, F_SETLK, F_RDLCK, SEEK_SET, 10, -20));
    T(lk(rd, F_SETLK, 9, SEEK_SET, 0, 1));
    T(lk(rd, F_SETLK, 9, 7, 0, 1));
    T(lk(rd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1));
    T(lk(rd, F_GETLK, 9, 7, 0, 1));
    T(lk(rd, F_SETLK, F_RDLCK, SEEK_SET, LLONG_MAX, 2));
    T(lk(rd, F_SETLK, F_RDLCK, SEEK_END, LLONG_MAX, 1));
    T(lk(rd, F_SETLK, F_RDLCK, SEEK_SET, LLONG_MAX, 1));
    T(lk(rd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    T(lseek(rd, 100, SEEK_SET));
    T(lk(rd, F_SETLK, F_RDLCK, SEEK_CUR, -200, 1));
    T(lk(path, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    T(lk(path, F_GETLK, F_RDLCK, SEEK_SET, 0, 1));
    T(lk(12345, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
    T(fcntl(rd, F_SETLK, (struct flock *)1));
    T(flock(path, LOCK_SH));
    T(flock(12345, 99));
    T(flock(12345, 16));
    int p[2];
    pipe(p);
    T(lk(p[1], F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
    T(flock(p[0], LOCK_EX));
    close(p[0]);
    close(p[1]);
    close(rd);
    close(wr);
    close(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    parent = getpid();
    shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    strcpy(dir, "/tmp/locks.XXXXXX");
    if (!mkdtemp(dir) || chdir(dir) != 0) { printf("no temporary directory\n"); return 1; }
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    static char zeros[1000];
    write(fd, zeros, sizeof zeros);
    close(fd);

    posix_locks();
    ofd_locks();
    flocks();
    errors();

    unlink("f");
    chdir("/");
    rmdir(dir);
    printf("done\n");
    return 0;
}
