/* stopcont.c: job-control reports under stress. A child stops itself with SIGSTOP N times; the
 * parent waits with WUNTRACED and continues it each time. Every stop must be reported: a "continued"
 * that overwrote the report of the stop right after it would leave the parent waiting forever
 * (here: until the alarm, which turns the hang into a message and exit status 1).
 *
 *   stopcont [N]     (default 2000)
 * Prints "N stops, exit 0". Found by sysfuzz. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static int stops;

static void hung(int sig)
{
    (void)sig;
    printf("no report after %d stops: a stop was lost\n", stops);
    kill(child, SIGKILL);
    _exit(1);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    child = fork();
    if (child < 0) { perror("fork"); return 2; }
    if (child == 0) {
        for (int i = 0; i < n; i++) kill(getpid(), SIGSTOP);
        _exit(0);
    }
    signal(SIGALRM, hung);
    int status;
    for (;;) {
        alarm(60);   /* a hang detector: one stop takes microseconds */
        if (waitpid(child, &status, WUNTRACED) < 0) { perror("waitpid"); return 2; }
        if (!WIFSTOPPED(status)) break;
        stops++;
        kill(child, SIGCONT);
    }
    printf("%d stops, exit %d\n", stops, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return 0;
}
