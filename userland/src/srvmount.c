/*
 * srvmount: start a 9P file server program and mount it, the Plan 9 srv+mount pair for Linux's
 * v9fs trans=fd.
 *
 *   srvmount MOUNTPOINT SERVER [ARG...]
 *
 * Two pipes connect us to the server, which is run with requests on its stdin and replies on its
 * stdout (ramfs9p's defaults). mount(2) gets "trans=fd,rfdno=R,wfdno=W" naming our ends; the
 * kernel keeps its own references, so we close ours and exit: the server lives on, owned by the
 * mount, and sees the end of its input when the mount goes away. Prints the server's pid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: srvmount MOUNTPOINT SERVER [ARG...]\n");
        return 2;
    }
    int req[2], rep[2];
    if (pipe(req) < 0 || pipe(rep) < 0) {
        perror("srvmount: pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("srvmount: fork");
        return 1;
    }
    if (pid == 0) {
        dup2(req[0], 0);
        dup2(rep[1], 1);
        close(req[0]); close(req[1]); close(rep[0]); close(rep[1]);
        execv(argv[2], argv + 2);
        fprintf(stderr, "srvmount: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    close(req[0]);
    close(rep[1]);
    char opts[64];
    snprintf(opts, sizeof opts, "trans=fd,rfdno=%d,wfdno=%d", rep[0], req[1]);
    if (mount("none", argv[1], "9p", 0, opts) < 0) {
        fprintf(stderr, "srvmount: mount %s on %s: %s\n", argv[2], argv[1], strerror(errno));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 1;
    }
    close(rep[0]);
    close(req[1]);
    printf("%d\n", (int) pid);
    return 0;
}
