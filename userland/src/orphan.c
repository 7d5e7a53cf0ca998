/* orphan.c: POSIX's newly orphaned process group. A child starts its own process group and forks
 * a grandchild into it, which stops itself; then the child exits. Its exit orphans the group (the
 * grandchild's new parent, init, does not count), and since a member is stopped the kernel sends
 * the group SIGHUP and then SIGCONT: the grandchild sees the SIGHUP and runs again, instead of
 * staying stopped forever. Found by sysfuzz (stopped children left after a run). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t hup;
static void on_hup(int sig) { (void)sig; hup = 1; }

static void timeout(int sig)
{
    (void)sig;
    printf("grandchild: still stopped (no SIGHUP and SIGCONT for the orphaned group)\n");
    _exit(1);
}

int main(void)
{
    int p[2];
    if (pipe(p) != 0) { perror("pipe"); return 2; }
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            close(p[0]);
            signal(SIGHUP, on_hup);
            kill(getpid(), SIGSTOP);
            char msg[64];
            int n = snprintf(msg, sizeof msg, "grandchild: continued, SIGHUP %s\n", hup ? "seen" : "not seen");
            if (write(p[1], msg, n) != n) _exit(3);
            _exit(0);
        }
        int st;
        waitpid(grandchild, &st, WUNTRACED);   /* it is stopped: now leave it behind */
        printf("child: grandchild %s; exiting\n", WIFSTOPPED(st) ? "stopped" : "not stopped");
        _exit(0);
    }
    close(p[1]);
    int st;
    waitpid(child, &st, 0);
    signal(SIGALRM, timeout);
    alarm(30);   /* a hang detector: the signals come at once */
    char buf[64];
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    if (n <= 0) { printf("grandchild: no message\n"); return 1; }
    buf[n] = 0;
    printf("%s", buf);
    return 0;
}
