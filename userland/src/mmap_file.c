/*
 * mmap_file: file mappings as Linux has them. Private mappings read the file and keep their writes;
 * shared mappings, in this process, across fork and in an unrelated mapping of another process,
 * agree with read(2) and write(2) after msync(MS_SYNC) and after munmap; touching a page past the
 * end of the file is SIGBUS; pipes and directories cannot be mapped (ENODEV), access-mode
 * mismatches are EACCES; /dev/zero and MAP_SHARED|MAP_ANONYMOUS give zero-filled memory, shared
 * across fork when MAP_SHARED. Prints no addresses: the output is the same under qemu-riscv64.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
#define FILE_SIZE (3 * PG + 100)
static const char *NAME = "mmap_file.tmp";

static void result(const char *what, void *p)
{
    printf("%s: %s\n", what, p == MAP_FAILED ? strerrorname_np(errno) : "mapped");
    if (p != MAP_FAILED) munmap(p, PG);
}

static void rc(const char *what, int r)
{
    printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

static void show_file(const char *what, int fd, off_t off, int n)
{
    char b[64] = {0};
    ssize_t got = pread(fd, b, n, off);
    printf("%s: read(2) %zd \"%.*s\"\n", what, got, (int)(got < 0 ? 0 : got), b);
}

static int wait_child(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static sigjmp_buf jump;
static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    bus_code = si->si_code;
    siglongjmp(jump, 1);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int fd = open(NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { perror("open"); return 1; }
    static char data[FILE_SIZE];
    for (int i = 0; i < FILE_SIZE; i++) data[i] = 'a' + i % 26;
    if (write(fd, data, FILE_SIZE) != FILE_SIZE) { perror("write"); return 1; }

    /* Private: the file's bytes, zeros past the end in the last page, writes stay private. */
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) { perror("mmap private"); return 1; }
    printf("private: \"%.6s\" page1 \"%.3s\" last '%c' past-eof %d\n", p, p + PG, p[FILE_SIZE - 1], p[FILE_SIZE]);
    p[0] = 'X';
    show_file("after private store", fd, 0, 6);
    printf("private sees its store: \"%.6s\"\n", p);
    pid_t pid = fork();
    if (pid == 0) {
        p[1] = 'Y';
        printf("child private: \"%.6s\"\n", p);
        _exit(0);
    }
    wait_child(pid);
    printf("parent private after child: \"%.6s\"\n", p);
    /* A page the private mapping never wrote follows write(2), as on Linux. */
    pwrite(fd, "QQ", 2, 2 * PG);
    printf("private untouched page after write(2): \"%.4s\"\n", p + 2 * PG);
    munmap(p, 4 * PG);
    pwrite(fd, data + 2 * PG, 2, 2 * PG);

    /* Shared, inherited by fork: the child's stores reach the file and the parent's mapping. */
    char *s = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (s == MAP_FAILED) { perror("mmap shared"); return 1; }
    pid = fork();
    if (pid == 0) {
        s[5] = 'C';
        memcpy(s + PG, "child", 5);
        _exit(msync(s, 2 * PG, MS_SYNC) == 0 ? 0 : 1);
    }
    printf("child msync: %d\n", wait_child(pid));
    printf("shared after child: \"%.6s\" page1 \"%.5s\"\n", s, s + PG);
    show_file("file after child msync", fd, 0, 6);
    show_file("file page1", fd, PG, 5);

    /* Another process, its own open and mapping: msync(MS_SYNC), then read(2) here agrees. */
    pid = fork();
    if (pid == 0) {
        int fd2 = open(NAME, O_RDWR);
        char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
        if (m == MAP_FAILED) _exit(2);
        memcpy(m + 2 * PG + 10, "other", 5);
        int r = msync(m, 3 * PG, MS_SYNC);
        munmap(m, 3 * PG);
        close(fd2);
        _exit(r == 0 ? 0 : 1);
    }
    printf("unrelated mapping: %d\n", wait_child(pid));
    show_file("file after unrelated msync", fd, 2 * PG + 10, 5);
    printf("our mapping sees it: \"%.5s\"\n", s + 2 * PG + 10);

    /* munmap without msync: the stores are in the file all the same. */
    pid = fork();
    if (pid == 0) {
        int fd2 = open(NAME, O_RDWR);
        char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, PG);
        if (m == MAP_FAILED) _exit(2);
        memcpy(m + 100, "unmapped", 8);
        munmap(m, PG);
        _exit(0);
    }
    wait_child(pid);
    show_file("file after munmap", fd, PG + 100, 8);

    /* write(2) shows in the mapping at once. */
    pwrite(fd, "WRITE", 5, 10);
    printf("mapping after write(2): \"%.5s\"\n", s + 10);
    printf("past-eof byte in last page: %d\n", s[FILE_SIZE + 5]);
    munmap(s, FILE_SIZE);

    /* Past the end of the file: SIGBUS on touch. */
    struct sigaction sa = {0};
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    char *big = mmap(NULL, 6 * PG, PROT_READ, MAP_SHARED, fd, 0);
    if (big == MAP_FAILED) { perror("mmap big"); return 1; }
    volatile char sink = big[3 * PG];
    (void)sink;
    printf("last partial page readable: yes\n");
    if (sigsetjmp(jump, 1) == 0) {
        sink = big[4 * PG + 8];
        printf("past end: no signal\n");
    } else {
        printf("past end: SIGBUS code %d\n", bus_code);
    }
    munmap(big, 6 * PG);

    /* Errors. */
    int pfd[2];
    pipe(pfd);
    result("pipe", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0));
    result("pipe write end", mmap(NULL, PG, PROT_READ, MAP_SHARED, pfd[1], 0));
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    result("directory", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dfd, 0));
    int ro = open(NAME, O_RDONLY);
    result("O_RDONLY shared PROT_WRITE", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
    result("O_RDONLY private PROT_WRITE", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0));
    char *r = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    rc("mprotect write on O_RDONLY shared", mprotect(r, PG, PROT_READ | PROT_WRITE));
    munmap(r, PG);
    int wo = open(NAME, O_WRONLY);
    result("O_WRONLY", mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0));
    result("bad fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0));
    result("unaligned offset", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100));
    result("zero length", mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
    /* The mapping keeps the file: close the descriptor, still mapped and shared. */
    int fd3 = open(NAME, O_RDWR);
    char *k = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd3, 0);
    close(fd3);
    memcpy(k + 20, "kept", 4);
    show_file("after close of the mapped fd", fd, 20, 4);
    munmap(k, PG);

    /* /dev/zero: private is anonymous memory; shared is shared across fork. */
    int z = open("/dev/zero", O_RDWR);
    char *zp = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    printf("/dev/zero private: %d %d\n", zp[0], zp[2 * PG - 1]);
    zp[0] = 7;
    char *zs = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
    char *as = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid = fork();
    if (pid == 0) {
        zs[1] = 42;
        as[2] = 43;
        zp[0] = 9;
        _exit(0);
    }
    wait_child(pid);
    printf("/dev/zero shared after child: %d; anonymous shared: %d; private: %d\n", zs[1], as[2], zp[0]);
    unlink(NAME);
    printf("done\n");
    return 0;
}
