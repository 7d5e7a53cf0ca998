/* jobctl.c: process groups, sessions and job-control stops — setpgid/getpgid/setsid/getsid with
 * their errors, kill to a group, wait4 by group, SIGSTOP/SIGTSTP/SIGCONT seen through
 * waitpid(WUNTRACED|WCONTINUED) and waitid, and orphans adopted by someone else. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static const char *err(int rc) { return rc == 0 ? "ok" : strerror(errno); }

static volatile sig_atomic_t conts, tstps;
static void on_cont(int s) { conts++; }
static void on_tstp(int s) { tstps++; }

static void describe(const char *what, int st)
{
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
    else if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t me = getpid();
    /* A fresh session of our own, so the numbers below do not depend on who started us. */
    pid_t leader = fork();
    if (leader == 0) {
        printf("setsid: %s, sid==pid %d, pgid==pid %d\n", err(setsid() < 0 ? -1 : 0), getsid(0) == getpid(),
               getpgid(0) == getpid());
        printf("setsid again (group leader): %s\n", err(setsid() < 0 ? -1 : 0));
        printf("setpgid of session leader: %s\n", err(setpgid(0, 0)));
        printf("getpgid(-1): %s, getsid(bad): %s\n", err(getpgid(-1) < 0 ? -1 : 0), err(getsid(999999) < 0 ? -1 : 0));

        /* A child moved to its own group, and a second child joining it. */
        pid_t a = fork();
        if (a == 0) { pause(); _exit(0); }
        printf("setpgid(a, a): %s\n", err(setpgid(a, a)));
        pid_t b = fork();
        if (b == 0) { pause(); _exit(0); }
        printf("setpgid(b, a): %s, setpgid(b, bogus): %s\n", err(setpgid(b, a)), err(setpgid(b, 424242)));
        printf("getpgid(a)==a %d, getpgid(b)==a %d\n", getpgid(a) == a, getpgid(b) == a);
        pid_t c = fork();
        if (c == 0) { nap(50); _exit(5); }
        /* waitpid(0) waits only for our own group: c, not a or b. */
        int st;
        pid_t w = waitpid(0, &st, 0);
        printf("waitpid(0) got c: %d\n", w == c);
        describe("c", st);
        printf("kill(-a, SIGTERM): %s\n", err(kill(-a, SIGTERM)));
        w = waitpid(-a, &st, 0);
        describe("group member", st);
        w = waitpid(-a, &st, 0);
        describe("group member", st);
        printf("kill(-a) again: %s\n", err(kill(-a, SIGTERM)));

        /* Stop and continue, seen by the parent. */
        /* Its own group, so that the group is not orphaned (an orphaned group ignores SIGTSTP).
         * The child stops the second time only after the parent has seen it continue: a new stop
         * replaces the "continued" report, on Linux as here. */
        int gate[2];
        if (pipe(gate) != 0) return 1;
        pid_t s = fork();
        if (s == 0) {
            setpgid(0, 0);
            signal(SIGCONT, on_cont);
            raise(SIGSTOP);
            printf("child: resumed, SIGCONT handler ran %d time(s)\n", (int)conts);
            signal(SIGTSTP, on_tstp);
            raise(SIGTSTP);                      /* caught: no stop */
            printf("child: SIGTSTP caught %d time(s)\n", (int)tstps);
            signal(SIGTSTP, SIG_DFL);
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGTSTP);
            sigprocmask(SIG_BLOCK, &set, NULL);
            raise(SIGTSTP);                      /* blocked: stays pending */
            printf("child: SIGTSTP pending while blocked\n");
            char x;
            if (read(gate[0], &x, 1) != 1) _exit(2);
            sigprocmask(SIG_UNBLOCK, &set, NULL);  /* stops here */
            printf("child: resumed again\n");
            _exit(9);
        }
        setpgid(s, s);
        waitpid(s, &st, WUNTRACED);
        describe("s", st);
        printf("WNOHANG while stopped: %d\n", waitpid(s, &st, WNOHANG | WUNTRACED));
        kill(s, SIGCONT);
        waitpid(s, &st, WCONTINUED);
        int continued = st;
        if (write(gate[1], "g", 1) != 1) return 1;
        siginfo_t si;
        memset(&si, 0, sizeof si);
        waitid(P_PID, s, &si, WSTOPPED | WNOWAIT);     /* the child has printed its lines by now */
        describe("s", continued);
        printf("waitid WNOWAIT: code=%d status=%d\n", si.si_code, si.si_status);
        waitpid(s, &st, WUNTRACED);
        describe("s", st);
        kill(s, SIGCONT);
        memset(&si, 0, sizeof si);
        waitid(P_PID, s, &si, WEXITED);
        printf("waitid: code=%d status=%d pid ok %d\n", si.si_code, si.si_status, si.si_pid == s);

        /* In an orphaned group (ours: our parent is in another session), SIGTSTP does not stop. */
        s = fork();
        if (s == 0) { raise(SIGTSTP); _exit(4); }
        waitpid(s, &st, WUNTRACED);
        describe("SIGTSTP in an orphaned group", st);

        /* A stopped process still dies of SIGKILL. */
        s = fork();
        if (s == 0) { raise(SIGSTOP); _exit(1); }
        waitpid(s, &st, WUNTRACED);
        kill(s, SIGKILL);
        waitpid(s, &st, 0);
        describe("killed while stopped", st);

        /* An orphan is adopted: its parent changes from the exited middle process. */
        int fds[2], go[2];
        if (pipe(fds) != 0 || pipe(go) != 0) return 1;
        pid_t mid = fork();
        if (mid == 0) {
            pid_t self = getpid();
            if (fork() == 0) {
                char x;
                if (read(go[0], &x, 1) != 1) _exit(1);      /* the middle process has been reaped */
                char msg = getppid() != self ? 'y' : 'n';
                if (write(fds[1], &msg, 1) != 1) _exit(1);
                _exit(0);
            }
            _exit(0);
        }
        waitpid(mid, &st, 0);
        if (write(go[1], "g", 1) != 1) return 1;
        char got = '?';
        if (read(fds[0], &got, 1) != 1) got = '!';
        printf("orphan reparented: %c\n", got);
        _exit(0);
    }
    int st;
    waitpid(leader, &st, 0);
    describe("session leader", st);
    printf("still in our own group: %d\n", getpgid(0) == getpgid(me));
    return 0;
}
