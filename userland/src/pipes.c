/*
 * pipes: pipes between processes. Megabytes from a child with mixed write sizes (hashed on both
 * ends), PIPE_BUF atomicity with several writers, end of file only once every writer (in every
 * process) has closed, SIGPIPE killing a writer by default, EPIPE with SIGPIPE ignored or caught,
 * and poll(2) on pipes: POLLIN/POLLOUT readiness, POLLHUP and POLLERR, POLLNVAL, negative
 * descriptors, timeouts, and a poll woken by another process's write.
 * Only the parent prints (children report through exit statuses), so the output is deterministic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common.h"

static uint64_t pattern(uint64_t i) { return i * 0x9E3779B97F4A7C15ULL ^ (i >> 11); }

static int status_of(pid_t p)
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
    else printf("%s: status %#x\n", what, st);
}

/* 32 MiB from a child in writes of varying sizes; the parent reads with its own sizes. */
static void megabytes(void)
{
    printf("-- megabytes between processes\n");
    const uint64_t total = 32u << 20;
    int p[2];
    pipe(p);
    pid_t w = fork();
    if (w == 0) {
        close(p[0]);
        static uint64_t buf[40000];
        uint64_t sent = 0, state = 7;
        while (sent < total) {
            size_t n = 1 + rng_next(&state) % (sizeof buf - 1);
            if (n > total - sent) n = total - sent;
            unsigned char *b = (unsigned char *)buf;
            for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(pattern((sent + i) / 8) >> (8 * ((sent + i) % 8)));
            size_t off = 0;
            while (off < n) {
                ssize_t r = write(p[1], b + off, n - off);
                if (r <= 0) _exit(3);
                off += r;
            }
            sent += n;
        }
        _exit(0);
    }
    close(p[1]);
    hash64 h;
    hash_init(&h);
    static unsigned char in[100000];
    uint64_t got = 0, state = 11, bad = 0;
    ssize_t r;
    while ((r = read(p[0], in, 1 + rng_next(&state) % sizeof in)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            if (in[i] != (unsigned char)(pattern((got + i) / 8) >> (8 * ((got + i) % 8)))) bad++;
        hash_bytes(&h, in, r);
        got += r;
    }
    printf("read %llu bytes, %llu wrong, then end of file (%zd)\n", (unsigned long long)got, (unsigned long long)bad, r);
    hash_print("stream", &h);
    describe("writer", status_of(w));
    close(p[0]);
}

/* Writes of at most PIPE_BUF are atomic: records from four writers never interleave. */
static void atomic_writes(void)
{
    printf("-- PIPE_BUF atomicity\n");
    enum { WRITERS = 4, RECORDS = 500, SIZE = 512 };
    int p[2];
    pipe(p);
    pid_t w[WRITERS];
    for (int k = 0; k < WRITERS; k++) {
        w[k] = fork();
        if (w[k] == 0) {
            close(p[0]);
            unsigned char rec[SIZE];
            for (int i = 0; i < RECORDS; i++) {
                memset(rec, 'a' + k, SIZE);
                rec[0] = (unsigned char)i;
                if (write(p[1], rec, SIZE) != SIZE) _exit(3);
            }
            _exit(0);
        }
    }
    close(p[1]);
    unsigned char rec[SIZE];
    int count[WRITERS] = {0}, torn = 0, last[WRITERS];
    int in_order = 1;
    for (int k = 0; k < WRITERS; k++) last[k] = -1;
    for (;;) {
        size_t have = 0;
        ssize_t r = 0;
        while (have < SIZE && (r = read(p[0], rec + have, SIZE - have)) > 0) have += r;
        if (have == 0) break;
        if (have < SIZE) { torn++; break; }
        int k = rec[1] - 'a';
        if (k < 0 || k >= WRITERS) { torn++; continue; }
        for (int i = 1; i < SIZE; i++) if (rec[i] != 'a' + k) { torn++; break; }
        if (rec[0] != (unsigned char)(last[k] + 1)) in_order = 0;
        last[k] = rec[0];
        count[k]++;
    }
    printf("records per writer: %d %d %d %d, torn: %d, each writer's in order: %s\n", count[0], count[1], count[2],
           count[3], torn, in_order ? "yes" : "no");
    for (int k = 0; k < WRITERS; k++) status_of(w[k]);
    close(p[0]);
}

/* End of file comes only when the last write end anywhere is closed. */
static void end_of_file(void)
{
    printf("-- end of file\n");
    int p[2], go[2];
    pipe(p);
    pipe(go);
    pid_t c = fork();
    if (c == 0) {                 /* holds a write end until told to let go */
        close(p[0]);
        char x;
        read(go[0], &x, 1);
        write(p[1], "late", 4);
        _exit(0);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char b[16];
    ssize_t r = read(p[0], b, sizeof b);
    printf("parent closed its write end, child holds one: read = %zd %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    fcntl(p[0], F_SETFL, 0);
    write(go[1], "g", 1);
    r = read(p[0], b, sizeof b);
    printf("read %zd: %.4s\n", r, b);
    r = read(p[0], b, sizeof b);
    printf("after the child exited: read = %zd\n", r);
    status_of(c);
    close(p[0]);
    close(go[0]);
    close(go[1]);
}

static volatile sig_atomic_t pipes_caught;
static void on_pipe(int sig) { (void)sig; pipes_caught++; }

/* Writing to a pipe nobody reads: SIGPIPE by default, EPIPE when ignored or caught. */
static void broken(void)
{
    printf("-- SIGPIPE and EPIPE\n");
    for (int mode = 0; mode < 3; mode++) {
        int p[2];
        pipe(p);
        close(p[0]);
        pid_t c = fork();
        if (c == 0) {
            if (mode == 1) signal(SIGPIPE, SIG_IGN);
            if (mode == 2) {
                struct sigaction sa = {.sa_handler = on_pipe};
                sigaction(SIGPIPE, &sa, NULL);
            }
            ssize_t r = write(p[1], "x", 1);
            int e = errno;
            /* exit status: 10 + errno class, plus 50 if the handler ran once */
            _exit((r == -1 && e == EPIPE ? 10 : 1) + (pipes_caught == 1 ? 50 : 0));
        }
        close(p[1]);
        const char *names[] = {"default", "ignored", "caught"};
        char what[64];
        snprintf(what, sizeof what, "writer with SIGPIPE %s", names[mode]);
        describe(what, status_of(c));
    }
    /* A reader that goes away while a writer is blocked: the writer gets the count so far (or
     * EPIPE if nothing went), and SIGPIPE either way. */
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        pipes_caught = 0;
        struct sigaction sa = {.sa_handler = on_pipe};
        sigaction(SIGPIPE, &sa, NULL);
        static char big[1 << 20];
        ssize_t r = write(p[1], big, sizeof big);   /* blocks once the pipe is full */
        _exit((r > 0 && r < (ssize_t)sizeof big ? 20 : r < 0 && errno == EPIPE ? 20 : 1) + (pipes_caught == 1 ? 50 : 0));
    }
    close(p[1]);
    char b[4096];
    long got = 0;
    while (got < 8192) got += read(p[0], b, sizeof b);
    close(p[0]);
    describe("blocked writer after the reader closed (70: short count or EPIPE, and SIGPIPE)", status_of(c));
    /* A shell-style pipeline: the writer dies of SIGPIPE when the reader has had enough. */
    pipe(p);
    pid_t yes = fork();
    if (yes == 0) {
        close(p[0]);
        for (;;) write(p[1], "y\n", 2);
    }
    close(p[1]);
    read(p[0], b, 2);
    close(p[0]);
    describe("endless writer", status_of(yes));
}

static void show_poll(const char *what, struct pollfd *f, int n, int timeout)
{
    int r = poll(f, n, timeout);
    printf("%s: poll = %d", what, r);
    if (r < 0) printf(" %s", strerrorname_np(errno));
    for (int i = 0; i < n && r >= 0; i++) printf(" [%d:%s%s%s%s%s]", i, f[i].revents & POLLIN ? "IN" : "", f[i].revents & POLLOUT ? "OUT" : "",
                                      f[i].revents & POLLHUP ? "HUP" : "", f[i].revents & POLLERR ? "ERR" : "",
                                      f[i].revents & POLLNVAL ? "NVAL" : "");
    printf("\n");
}

static void polls(void)
{
    printf("-- poll\n");
    int p[2];
    pipe(p);
    struct pollfd f[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
    show_poll("empty pipe", f, 2, 0);
    write(p[1], "abc", 3);
    show_poll("with data", f, 2, 0);
    /* Fill it: the write end is no longer writable. */
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char chunk[4096];
    while (write(p[1], chunk, sizeof chunk) > 0) {}
    show_poll("full", f, 2, 0);
    show_poll("full, 20 ms timeout on the write end", &f[1], 1, 20);
    char b[65536];
    while (read(p[0], b, sizeof b) == (ssize_t)sizeof b) {}
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (read(p[0], b, sizeof b) > 0) {}
    show_poll("drained", f, 2, 0);
    close(p[1]);
    f[1].fd = -1;   /* ignored: revents 0 */
    show_poll("writer closed (HUP), negative fd ignored", f, 2, 0);
    close(p[0]);
    pipe(p);
    close(p[0]);
    struct pollfd w = {.fd = p[1], .events = POLLOUT};
    show_poll("reader closed (ERR)", &w, 1, 0);
    close(p[1]);
    struct pollfd bad = {.fd = 999, .events = POLLIN};
    show_poll("not open (NVAL)", &bad, 1, 0);
    show_poll("no descriptors, 10 ms", NULL, 0, 10);
    show_poll("bad pointer", (struct pollfd *)8, 1, 0);
    /* Woken by another process's write. */
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        usleep(50000);
        write(p[1], "z", 1);
        _exit(0);
    }
    struct pollfd r = {.fd = p[0], .events = POLLIN};
    show_poll("waiting for a child's write", &r, 1, -1);
    status_of(c);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    megabytes();
    atomic_writes();
    end_of_file();
    broken();
    polls();
    return 0;
}
