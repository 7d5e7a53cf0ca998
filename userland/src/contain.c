/*
 * contain [-m BYTES] [-p N] DIR CMD [ARGS...]: runs CMD in a container whose root is directory
 * DIR, from inside a running Fornax/J (docs/containers.md). Plan 9 style, no new system calls:
 *
 *   1. "pidns [-m BYTES] [-p N]" to /proc/self/ctl: the next child starts a new pid namespace (it
 *      is 1 there) whose processes together may use BYTES of memory and N processes and threads.
 *   2. fork. The child writes "clear DIR" to /proc/self/nsctl: a new namespace whose root is DIR,
 *      with a device server of its own on /dev and proc on /proc; its root and working directory
 *      move there. It closes every descriptor but 0, 1 and 2 (none may lead back outside), and
 *      executes CMD, looked up on PATH inside the container.
 *   3. The parent, still outside, waits and exits with CMD's status (128 + signal if killed).
 *
 * Exit status 125 when the container cannot be made, 127 when CMD cannot be run, else CMD's.
 * BYTES takes K, M and G suffixes (KiB, MiB, GiB), as the kernel reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void) {
    fprintf(stderr, "usage: contain [-m BYTES] [-p N] DIR CMD [ARGS...]\n");
    exit(125);
}

/* Writes one control line to FILE; on failure says why and exits 125. */
static void control(const char *file, const char *line, const char *what) {
    int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t) strlen(line)) {
        fprintf(stderr, "contain: %s: %s\n", what, strerror(errno));
        exit(125);
    }
    close(fd);
}

/* A size or count as the kernel takes it: digits and an optional K, M or G. */
static int valid_number(const char *s) {
    size_t n = strlen(s), i;
    if (n == 0 || n > 13) return 0;
    if (strchr("kKmMgG", s[n - 1])) n--;
    if (n == 0) return 0;
    for (i = 0; i < n; i++) if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* rc quoting for nsctl: the word in single quotes, a quote doubled. */
static char *quote(const char *s) {
    char *out = malloc(2 * strlen(s) + 3), *p = out;
    if (!out) { perror("contain"); exit(125); }
    *p++ = '\'';
    for (; *s; s++) {
        if (*s == '\'') *p++ = '\'';
        *p++ = *s;
    }
    *p++ = '\'';
    *p = 0;
    return out;
}

int main(int argc, char **argv) {
    const char *mem = NULL, *pids = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "+m:p:")) != -1) {
        switch (opt) {
        case 'm': mem = optarg; break;
        case 'p': pids = optarg; break;
        default: usage();
        }
    }
    if (argc - optind < 2) usage();
    if ((mem && !valid_number(mem)) || (pids && !valid_number(pids))) {
        fprintf(stderr, "contain: -m and -p take a positive number (K, M, G suffixes allowed)\n");
        return 125;
    }
    const char *dir = argv[optind];
    char **cmd = argv + optind + 1;

    char line[128];
    snprintf(line, sizeof line, "pidns%s%s%s%s\n", mem ? " -m " : "", mem ? mem : "", pids ? " -p " : "",
             pids ? pids : "");
    control("/proc/self/ctl", line, "/proc/self/ctl pidns");

    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "contain: fork: %s\n", strerror(errno));
        return 125;
    }
    if (child == 0) {
        char *q = quote(dir);
        char *clear = malloc(strlen(q) + 8);
        if (!clear) { perror("contain"); _exit(125); }
        sprintf(clear, "clear %s\n", q);
        control("/proc/self/nsctl", clear, dir);
        struct rlimit rl;
        long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long) rl.rlim_cur : 1024;
        for (long fd = 3; fd < max; fd++) close((int) fd);
        execvp(cmd[0], cmd);
        fprintf(stderr, "contain: %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    /* The launcher stays outside: a terminal's ^C reaches CMD through the process group; keep
     * waiting for it rather than dying first and leaving it without its parent. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int st;
    while (waitpid(child, &st, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "contain: wait: %s\n", strerror(errno));
            return 125;
        }
    }
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}
