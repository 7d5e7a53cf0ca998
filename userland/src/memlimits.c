/*
 * memlimits: RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK as Linux enforces them, the overcommit
 * heuristic and MAP_NORESERVE, and the stack growing on demand. qemu-riscv64 deliberately ignores
 * setrlimit of RLIMIT_AS/DATA/STACK (it needs the host's memory for itself), so this program is
 * checked against the output Linux gives (kernel MemoryGuestTest), not against qemu. Usage:
 * memlimits RAM_MIB (the machine's memory, for the overcommit case).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1UL << 20)

static void show(const char *what, void *p)
{
    printf("%s: %s\n", what, p == MAP_FAILED ? strerrorname_np(errno) : "ok");
}

static void limit(int res, rlim_t v)
{
    struct rlimit r = {v, RLIM_INFINITY};
    if (setrlimit(res, &r) != 0) printf("setrlimit failed\n");
}

/* Uses about KIB KiB of stack; returns a value that depends on all of it. */
static long deep(int kib)
{
    volatile char frame[1024];
    frame[0] = (char)kib;
    frame[1023] = 1;
    if (kib <= 1) return frame[0] + frame[1023];
    return deep(kib - 1) + frame[0];
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long ram = argc > 1 ? atol(argv[1]) : 1024;

    /* RLIMIT_AS: the total of all mappings. */
    limit(RLIMIT_AS, 64 * MIB);
    show("AS 64M: mmap 128M", mmap(NULL, 128 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    void *small = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("AS 64M: mmap 1M", small);
    show("AS 64M: mremap 1M to 100M", mremap(small, MIB, 100 * MIB, MREMAP_MAYMOVE));
    printf("AS 64M: malloc 100M: %s\n", malloc(100 * MIB) ? "ok" : "NULL");
    void *b = sbrk(100 * MIB);
    printf("AS 64M: sbrk 100M: %s\n", b == (void *)-1 ? strerrorname_np(errno) : "ok");
    munmap(small, MIB);
    limit(RLIMIT_AS, RLIM_INFINITY);

    /* RLIMIT_DATA: private writable mappings and the heap; not shared or read-only ones. */
    limit(RLIMIT_DATA, 32 * MIB);
    show("DATA 32M: private writable 64M", mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    void *sh = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    show("DATA 32M: shared writable 64M", sh);
    void *ro = mmap(NULL, 64 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("DATA 32M: private read-only 64M", ro);
    printf("DATA 32M: mprotect it writable: %s\n",
           mprotect(ro, 64 * MIB, PROT_READ | PROT_WRITE) == 0 ? "ok" : strerrorname_np(errno));
    b = sbrk(40 * MIB);
    printf("DATA 32M: sbrk 40M: %s\n", b == (void *)-1 ? strerrorname_np(errno) : "ok");
    munmap(sh, 64 * MIB);
    munmap(ro, 64 * MIB);
    limit(RLIMIT_DATA, RLIM_INFINITY);

    /* Overcommit: one private writable request larger than RAM fails unless MAP_NORESERVE. */
    size_t huge = (size_t)(ram + 64) * MIB;
    show("more than RAM", mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    char *nr = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    show("more than RAM, MAP_NORESERVE", nr);
    if (nr != MAP_FAILED) {
        nr[0] = 1;
        nr[huge - 1] = 2;
        printf("MAP_NORESERVE pages touched: %d\n", nr[0] + nr[huge - 1]);
        munmap(nr, huge);
    }
    show("more than RAM, read-only", mmap(NULL, huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));

    /* The stack grows on demand, up to RLIMIT_STACK. */
    printf("4 MiB of stack: %ld\n", deep(4096));
    pid_t pid = fork();
    if (pid == 0) {
        limit(RLIMIT_STACK, 1 * MIB);
        printf("child: %ld\n", deep(8192));   /* past what the parent grew the stack to */
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child with RLIMIT_STACK 1M and 8 MiB of stack: %s\n",
           WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "exited");
    printf("done\n");
    return 0;
}
