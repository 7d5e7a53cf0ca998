/*
 * mremap: growing in place when the pages after a mapping are free, moving with MREMAP_MAYMOVE
 * when they are not (contents, including pages never touched, come along), MREMAP_FIXED to a
 * chosen place (replacing what was there), shrinking, a moved shared file mapping still writing
 * the file, and Linux's errors. Prints only relations between addresses, never addresses: the
 * output is the same under qemu-riscv64. (Old size 0, duplicating a shared mapping, hangs
 * qemu-riscv64 7.2; AddressSpaceTest covers it.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096L

static void fill(char *p, long n, int seed)
{
    for (long i = 0; i < n; i += 512) p[i] = (char)(seed + i / 512);
}

static int same(const char *p, long n, int seed)
{
    for (long i = 0; i < n; i += 512) if (p[i] != (char)(seed + i / 512)) return 0;
    return 1;
}

static void err(const char *what, void *r)
{
    printf("%s: %s\n", what, r == MAP_FAILED ? strerrorname_np(errno) : "succeeded");
}

static sigjmp_buf jump;
static void on_segv(int sig) { siglongjmp(jump, 1); }

static int touchable(volatile char *p)
{
    if (sigsetjmp(jump, 1) == 0) {
        (void)*p;
        return 1;
    }
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGSEGV, on_segv);

    /* A hole of 16 pages; map 4 at its start, grow to 12 in place. */
    char *hole = mmap(NULL, 16 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole, 16 * PG);
    char *a = mmap(hole, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    fill(a, 4 * PG, 1);
    char *g = mremap(a, 4 * PG, 12 * PG, 0);
    printf("grow in place: %s, same address %s, old data %s, new pages zero %s\n",
           g == MAP_FAILED ? strerrorname_np(errno) : "ok", g == a ? "yes" : "no",
           g != MAP_FAILED && same(g, 4 * PG, 1) ? "kept" : "lost",
           g != MAP_FAILED && g[11 * PG] == 0 && g[5 * PG + 7] == 0 ? "yes" : "no");
    g[11 * PG] = 5;

    /* Block the page after it: growing again must move. */
    char *block = mmap(g + 12 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    err("grow blocked without MAYMOVE", mremap(g, 12 * PG, 20 * PG, 0));
    fill(g + 4 * PG, 4 * PG, 9);
    char *m = mremap(g, 12 * PG, 20 * PG, MREMAP_MAYMOVE);
    printf("grow with MAYMOVE: %s, moved %s, data %s %s %d, old range gone %s\n",
           m == MAP_FAILED ? strerrorname_np(errno) : "ok", m != g ? "yes" : "no",
           same(m, 4 * PG, 1) ? "kept" : "lost", same(m + 4 * PG, 4 * PG, 9) ? "kept" : "lost", m[11 * PG],
           touchable(g) ? "no" : "yes");
    munmap(block, PG);

    /* Shrink: the tail goes. */
    char *s = mremap(m, 20 * PG, 2 * PG, 0);
    printf("shrink: same address %s, data %s, tail gone %s\n", s == m ? "yes" : "no",
           same(s, 2 * PG, 1) ? "kept" : "lost", touchable(m + 3 * PG) ? "no" : "yes");

    /* MREMAP_FIXED onto an existing mapping: it is replaced. */
    char *target = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(target, 0x55, 8 * PG);
    char *f = mremap(s, 2 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target + 2 * PG);
    printf("fixed: at target %s, data %s, grown page zero %s, neighbours kept %s %s, old gone %s\n",
           f == target + 2 * PG ? "yes" : "no", same(f, 2 * PG, 1) ? "kept" : "lost",
           f[3 * PG] == 0 ? "yes" : "no", target[PG] == 0x55 ? "yes" : "no",
           target[7 * PG] == 0x55 ? "yes" : "no", touchable(s) ? "no" : "yes");
    munmap(target, 8 * PG);

    /* Moving a shared file mapping: stores still reach the file. */
    int fd = open("mremap.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, 4 * PG);
    char *fm = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
    memcpy(fm, "first", 5);
    char *blk = mmap(fm + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char *fm2 = mremap(fm, 2 * PG, 3 * PG, MREMAP_MAYMOVE);
    memcpy(fm2 + 2 * PG, "third", 5);
    char buf[8] = {0};
    pread(fd, buf, 5, PG);
    printf("moved file mapping: moved %s, kept \"%.5s\",", fm2 != fm ? "yes" : "no", fm2);
    pread(fd, buf, 5, 3 * PG);
    printf(" grown page wrote the file: \"%s\"\n", buf);
    munmap(blk, PG);

    munmap(fm2, 3 * PG);
    close(fd);
    unlink("mremap.tmp");

    /* Errors. (Zero sizes and an unmapped address are EINVAL, EINVAL and EFAULT on Linux but not
       under qemu-riscv64 7.2; SysMemoryTest checks those.) */
    char *e = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    err("unaligned address", mremap(e + 1, PG, 2 * PG, MREMAP_MAYMOVE));
    err("unknown flag", mremap(e, PG, 2 * PG, 0x80));
    err("FIXED without MAYMOVE", mremap(e, PG, 2 * PG, MREMAP_FIXED, e + 8 * PG));
    err("FIXED overlapping", mremap(e, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, e + PG));
    err("FIXED unaligned target", mremap(e, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, e + 8 * PG + 1));
    err("old range past the mapping", mremap(e, 8 * PG, 10 * PG, MREMAP_MAYMOVE));
    printf("same size: %s\n", mremap(e, PG, PG, 0) == e ? "unchanged" : "moved");
    printf("done\n");
    return 0;
}
