/* Timers: setitimer/getitimer (periodic SIGALRM counted to 3), alarm interrupting a blocking read
 * with EINTR, timerfd (blocking reads counting expirations, missed periods, O_NONBLOCK and poll,
 * absolute CLOCK_REALTIME), timer_create with SIGEV_SIGNAL (si_code, si_value), SIGEV_NONE and a
 * NULL sigevent, and the errors. Output is deterministic: times are only compared with bounds
 * that hold however late the program runs.
 *
 *   timers            the comparison run (same output as on Linux)
 *   timers leave      arms an itimer, a POSIX timer and a timerfd, then exits with them armed
 *   timers exec PROG  arms ITIMER_REAL and a POSIX timer, then execs PROG after-exec ID
 *   timers after-exec ID   (run by the above) reports what survived the exec */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, tcount, tcode, tval;

static void on_alrm(int sig) { (void)sig; alarms++; }

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    tcode = si->si_code;
    tval = si->si_value.sival_int;
    tcount++;
}

static const char *err(long r) { return r == 0 ? "0" : errno == EINVAL ? "EINVAL" : errno == EBADF ? "EBADF"
        : errno == EAGAIN ? "EAGAIN" : errno == EINTR ? "EINTR" : "other"; }

static void handle(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;          /* no SA_RESTART: a blocked read ends with EINTR */
    sigaction(sig, &sa, NULL);
}

static void itimers(void)
{
    handle(SIGALRM, on_alrm);
    struct itimerval it = {{0, 20000}, {0, 20000}}, cur, old, zero;
    memset(&zero, 0, sizeof zero);
    printf("setitimer: %s\n", err(setitimer(ITIMER_REAL, &it, NULL)));
    getitimer(ITIMER_REAL, &cur);
    printf("getitimer: interval %ld.%06ld, value within it: %s\n", (long)cur.it_interval.tv_sec,
           (long)cur.it_interval.tv_usec,
           cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000 ? "yes" : "no");
    while (alarms < 3) pause();
    setitimer(ITIMER_REAL, &zero, &old);
    printf("periodic SIGALRM: %s3, old interval %ld us\n", alarms >= 3 ? ">=" : "<", (long)old.it_interval.tv_usec);
    getitimer(ITIMER_REAL, &cur);
    printf("after disarm: %ld %ld %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec,
           (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
    it.it_value.tv_usec = 1000000;
    printf("usec 1000000: %s\n", err(setitimer(ITIMER_REAL, &it, NULL)));
    printf("which 7: %s\n", err(setitimer(7, &zero, NULL)));

    /* alarm(2) is setitimer on riscv64: it interrupts a read that would block forever. */
    int p[2];
    if (pipe(p) != 0) { perror("pipe"); exit(1); }
    alarms = 0;
    alarm(1);
    char c;
    ssize_t r = read(p[0], &c, 1);
    printf("read during alarm: %zd %s, alarms %d\n", r, r < 0 ? err(r) : "data", (int)alarms);
    unsigned first = alarm(5);
    unsigned left = alarm(0);
    printf("alarm: %u then %u left\n", first, left);
    close(p[0]);
    close(p[1]);
}

static void timerfds(void)
{
    uint64_t n, total = 0;
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, 10000000}, {0, 10000000}}, cur;
    printf("timerfd_settime: %s\n", err(timerfd_settime(fd, 0, &its, NULL)));
    int reads = 0;
    while (total < 5 && reads < 100) {
        if (read(fd, &n, sizeof n) != 8) { perror("read timerfd"); exit(1); }
        total += n;
        reads++;
    }
    printf("periodic timerfd: %s5 expirations\n", total >= 5 ? ">=" : "<");

    /* Expirations pile up while nobody reads: at least 10 of a 5 ms timer in 52 ms. */
    struct itimerspec five = {{0, 5000000}, {0, 5000000}};
    timerfd_settime(fd, 0, &five, NULL);
    struct timespec nap = {0, 52000000};
    nanosleep(&nap, NULL);
    read(fd, &n, sizeof n);
    printf("missed periods counted: %s\n", n >= 10 ? "yes" : "no");

    struct itimerspec once = {{0, 0}, {0, 1000000}};
    timerfd_settime(fd, 0, &once, NULL);
    struct timespec nap2 = {0, 30000000};
    nanosleep(&nap2, NULL);
    read(fd, &n, sizeof n);
    timerfd_gettime(fd, &cur);
    printf("one-shot: %llu expiration, then %ld %ld %ld %ld\n", (unsigned long long)n, (long)cur.it_value.tv_sec,
           (long)cur.it_value.tv_nsec, (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_nsec);
    uint32_t small;
    printf("4-byte read: %s\n", err(read(fd, &small, sizeof small)));
    close(fd);

    int nb = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    printf("nonblocking read: %s\n", err(read(nb, &n, sizeof n)));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec abs = {{0, 0}, {now.tv_sec, now.tv_nsec + 20000000}};
    if (abs.it_value.tv_nsec >= 1000000000) { abs.it_value.tv_sec++; abs.it_value.tv_nsec -= 1000000000; }
    printf("absolute realtime: %s\n", err(timerfd_settime(nb, TFD_TIMER_ABSTIME, &abs, NULL)));
    struct pollfd pfd = {nb, POLLIN, 0};
    int pr = poll(&pfd, 1, 10000);
    printf("poll: %d revents %#x\n", pr, pfd.revents);
    printf("read after poll: %zd value %llu\n", read(nb, &n, sizeof n), (unsigned long long)n);
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    printf("nsec 1e9: %s\n", err(timerfd_settime(nb, 0, &bad, NULL)));
    printf("flags 8: %s\n", err(timerfd_settime(nb, 8, &once, NULL)));
    printf("clock 99: %s\n", err(timerfd_create(99, 0)));
    int p[2];
    pipe(p);
    printf("settime on a pipe: %s\n", err(timerfd_settime(p[0], 0, &once, NULL)));
    printf("settime on fd 999: %s\n", err(timerfd_settime(999, 0, &once, NULL)));
    close(p[0]);
    close(p[1]);
    close(nb);
}

static void posix_timers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 42;
    timer_t t;
    printf("timer_create: %s\n", err(timer_create(CLOCK_MONOTONIC, &sev, &t)));
    struct itimerspec once = {{0, 0}, {0, 10000000}}, cur;
    printf("timer_settime: %s\n", err(timer_settime(t, 0, &once, NULL)));
    while (tcount == 0) pause();
    printf("signal: si_code %s, si_value %d\n", tcode == SI_TIMER ? "SI_TIMER" : "other", (int)tval);
    timer_gettime(t, &cur);
    printf("after expiry: %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_nsec);

    struct itimerspec periodic = {{0, 5000000}, {0, 5000000}};
    tcount = 0;
    timer_settime(t, 0, &periodic, NULL);
    while (tcount < 4) pause();
    struct itimerspec zero, old;
    memset(&zero, 0, sizeof zero);
    timer_settime(t, 0, &zero, &old);
    printf("periodic: %s4 signals, old interval %ld ns, overrun %s\n", tcount >= 4 ? ">=" : "<",
           (long)old.it_interval.tv_nsec, timer_getoverrun(t) >= 0 ? ">= 0" : "error");
    struct itimerspec bad = {{0, 0}, {0, -1}};
    printf("negative nsec: %s\n", err(timer_settime(t, 0, &bad, NULL)));
    printf("timer_delete: %s\n", err(timer_delete(t)));

    struct sigevent none;
    memset(&none, 0, sizeof none);
    none.sigev_notify = SIGEV_NONE;
    timer_t quiet;
    timer_create(CLOCK_REALTIME, &none, &quiet);
    struct itimerspec ten = {{0, 0}, {10, 0}};
    timer_settime(quiet, 0, &ten, NULL);
    timer_gettime(quiet, &cur);
    printf("SIGEV_NONE counts down: %s\n", cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0) ? "yes" : "no");
    timer_delete(quiet);

    handle(SIGALRM, on_alrm);
    alarms = 0;
    timer_t dflt;
    printf("NULL sigevent: %s\n", err(timer_create(CLOCK_MONOTONIC, NULL, &dflt)));
    timer_settime(dflt, 0, &once, NULL);
    while (alarms == 0) pause();
    printf("NULL sigevent sends SIGALRM: %d\n", (int)alarms);
    timer_delete(dflt);

    timer_t x;
    printf("clock 12345: %s\n", err(timer_create(12345, &sev, &x)));
    sev.sigev_notify = 77;
    printf("notify 77: %s\n", err(timer_create(CLOCK_MONOTONIC, &sev, &x)));
}

/* Leaves timers armed at exit: the kernel must cancel them all. */
static int leave(void)
{
    signal(SIGALRM, SIG_IGN);
    struct itimerval it = {{0, 1000}, {0, 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGALRM;
    timer_t t;
    timer_create(CLOCK_MONOTONIC, &sev, &t);
    struct itimerspec its = {{0, 1000000}, {0, 1000000}};
    timer_settime(t, 0, &its, NULL);
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    timerfd_settime(fd, 0, &its, NULL);
    uint64_t n;
    read(fd, &n, sizeof n);
    printf("left armed\n");
    return 0;
}

static int exec_with_timers(const char *prog)
{
    signal(SIGALRM, SIG_IGN);
    struct itimerval it = {{0, 0}, {100, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct sigevent none;
    memset(&none, 0, sizeof none);
    none.sigev_notify = SIGEV_NONE;
    timer_t t;
    timer_create(CLOCK_MONOTONIC, &none, &t);
    struct itimerspec its = {{0, 0}, {100, 0}};
    timer_settime(t, 0, &its, NULL);
    char id[32];
    snprintf(id, sizeof id, "%ld", (long)(intptr_t)t);
    execl(prog, prog, "after-exec", id, (char *)NULL);
    perror("execl");
    return 1;
}

static int after_exec(const char *id)
{
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    printf("ITIMER_REAL survived exec: %s\n", cur.it_value.tv_sec >= 90 ? "yes" : "no");
    struct itimerspec ts;
    timer_t t = (timer_t)(intptr_t)atol(id);
    printf("timer_create timer after exec: %s\n", err(timer_gettime(t, &ts)));
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "leave") == 0) return leave();
    if (argc > 2 && strcmp(argv[1], "exec") == 0) return exec_with_timers(argv[2]);
    if (argc > 2 && strcmp(argv[1], "after-exec") == 0) return after_exec(argv[2]);
    itimers();
    timerfds();
    posix_timers();
    return 0;
}
