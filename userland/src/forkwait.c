/* fork, copy-on-write, MAP_SHARED across fork, wait4/waitpid, exit statuses, orphans, getppid.
 * Only the parent prints (children report through exit statuses and shared memory), so the
 * output is deterministic under any scheduling. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int global = 100;

static void report(const char *what, int status)
{
    if (WIFEXITED(status)) printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) printf("%s: killed by signal %d\n", what, WTERMSIG(status));
    else printf("%s: status %#x\n", what, status);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t self = getpid();

    /* Copy-on-write: the child's writes are its own. */
    int local = 1;
    char *heap = malloc(64);
    strcpy(heap, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        global = 200; local = 2; strcpy(heap, "child");
        exit(global == 200 && local == 2 && strcmp(heap, "child") == 0 && getppid() == self ? 7 : 1);
    }
    int status;
    pid_t got = waitpid(pid, &status, 0);
    printf("waitpid returned the child: %s\n", got == pid ? "yes" : "no");
    report("cow child", status);
    printf("parent still sees global=%d local=%d heap=%s\n", global, local, heap);

    /* MAP_SHARED anonymous memory is one set of pages for both. */
    volatile int *shared = mmap(NULL, 4096 * 3, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    volatile int *private_ = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    shared[0] = 1; private_[0] = 1;
    pid = fork();
    if (pid == 0) {
        shared[0] = 42; shared[1024 * 2] = 43; private_[0] = 99;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("shared after child: %d %d, private after child: %d\n", shared[0], shared[1024 * 2], private_[0]);

    /* Exit statuses and signals. */
    for (int code = 0; code < 4; code++) {
        pid = fork();
        if (pid == 0) _exit(code * 50);
        waitpid(pid, &status, 0);
        char what[32];
        snprintf(what, sizeof what, "exit %d", code * 50);
        report(what, status);
    }
    pid = fork();
    if (pid == 0) { volatile int *volatile bad = (int *)8; *bad = 1; _exit(0); }
    waitpid(pid, &status, 0);
    report("segfaulting child", status);

    /* WNOHANG on a running child, then ECHILD once all are reaped. */
    int pipeless[2] = {0, 0};
    (void)pipeless;
    pid = fork();
    if (pid == 0) { for (volatile long i = 0; i < 20000000; i++) {} _exit(3); }
    pid_t early = waitpid(pid, &status, WNOHANG);
    printf("WNOHANG on a busy child: %s\n", early == 0 ? "0 (still running)" : early == pid ? "reaped (it was fast)" : "error");
    if (early == 0) waitpid(pid, &status, 0);
    report("busy child", status);
    errno = 0;
    printf("wait with no children: %d errno=%s\n", (int)wait(&status), errno == ECHILD ? "ECHILD" : strerror(errno));

    /* Many processes, reaped in any order; exit codes summed. */
    int n = 100, sum = 0;
    for (int i = 0; i < n; i++) {
        pid = fork();
        if (pid < 0) { perror("fork"); return 1; }
        if (pid == 0) _exit(i % 7);
    }
    for (int i = 0; i < n; i++) {
        if (wait(&status) < 0) { perror("wait"); return 1; }
        sum += WEXITSTATUS(status);
    }
    int expect = 0;
    for (int i = 0; i < n; i++) expect += i % 7;
    printf("%d children reaped, exit codes sum %d (expected %d)\n", n, sum, expect);

    /* A grandchild whose parent exits first is adopted (by init, or a subreaper on the host):
     * it can still finish; we only check the middle process's status here. */
    pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) { _exit(0); }
        _exit(5);
    }
    waitpid(pid, &status, 0);
    report("middle process", status);
    return 0;
}
