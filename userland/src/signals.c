/* Signals: handlers with siginfo, masks and pending sets, SIGSEGV handled with siglongjmp
 * (MAPERR and ACCERR), kill of a child, SIG_IGN, SA_RESETHAND, sigaltstack, FP state kept across a
 * handler, SIGCHLD, EINTR from a sleep. Output is deterministic. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, got_code, got_pid_ok, chld;
static volatile void *got_addr;
static sigjmp_buf jump;
static char altstack[65536];
static volatile int on_alt;

static void on_usr(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got = sig;
    got_code = si->si_code;
    got_pid_ok = si->si_pid == getpid();
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(jump, 1);
}

static void on_alt_handler(int sig)
{
    int local;
    got = sig;
    on_alt = (char *)&local >= altstack && (char *)&local < altstack + sizeof altstack;
}

static void clobber_fp(int sig)
{
    volatile double x = 1.0;
    for (int i = 0; i < 100; i++) x = x * 1.5 + 0.25;
    got = sig + (x > 0);
}

static void on_chld(int sig) { (void)sig; chld++; }
static void on_alarm(int sig) { got = sig; }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    raise(SIGUSR1);
    printf("raise: handler got %d, si_code %d (SI_TKILL=%d), si_pid is us: %d\n", got, got_code, SI_TKILL, got_pid_ok);
    got = 0;
    kill(getpid(), SIGUSR1);
    printf("kill: handler got %d, si_code %d (SI_USER=%d)\n", got, got_code, SI_USER);

    /* Blocked signals stay pending until unblocked. */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    printf("blocked: handler ran: %s, pending: %s\n", got ? "yes" : "no", sigismember(&pend, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: handler ran: %s\n", got == SIGUSR1 ? "yes" : "no");

    /* SIGSEGV, caught: unmapped (MAPERR) and write to read-only (ACCERR). */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile char *unmapped = (char *)0x1000;
    if (sigsetjmp(jump, 1) == 0) { (void)*unmapped; puts("no fault?"); }
    printf("SIGSEGV unmapped: sig %d code %d (MAPERR=%d) addr ok: %d\n", got, got_code, SEGV_MAPERR, got_addr == (void *)unmapped);
    if (sigsetjmp(jump, 1) == 0) { ((volatile char *)ro)[5] = 1; puts("no fault?"); }
    printf("SIGSEGV read-only: sig %d code %d (ACCERR=%d) addr ok: %d\n", got, got_code, SEGV_ACCERR, got_addr == (void *)(ro + 5));

    /* Ignored, then reset-on-handle. */
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    puts("SIG_IGN: still alive");
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = clobber_fp;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    volatile double a = 3.25, b = -7.5;
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    printf("SA_RESETHAND: disposition now default: %s; FP kept: %.2f %.2f\n", now.sa_handler == SIG_DFL ? "yes" : "no", a, b);

    /* Alternate signal stack. */
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alt_handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("SA_ONSTACK: handler ran on the alternate stack: %s\n", on_alt ? "yes" : "no");

    /* SIGCHLD, and killing a child. */
    signal(SIGCHLD, on_chld);
    pid_t pid = fork();
    if (pid == 0) { for (;;) {} }
    kill(pid, SIGTERM);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    pid = fork();
    if (pid == 0) _exit(0);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    printf("SIGCHLD handler ran for both children: %s\n", chld == 2 ? "yes" : chld ? "once" : "no");

    /* A signal interrupts a sleep: EINTR. */
    signal(SIGALRM, on_alarm);
    pid = fork();
    if (pid == 0) { usleep(100000); kill(getppid(), SIGALRM); _exit(0); }
    struct timespec t = {.tv_sec = 30, .tv_nsec = 0}, rem;
    int r = nanosleep(&t, &rem);
    printf("nanosleep interrupted: %s, errno EINTR: %s, time left: %s\n", r == -1 ? "yes" : "no",
           errno == EINTR ? "yes" : "no", rem.tv_sec > 0 ? "yes" : "no");
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}

    /* Default action: terminate ourselves with SIGTERM as the last word. */
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    puts("not reached");
    return 0;
}
