/* sysfuzz.c: a random syscall fuzzer. The kernel must survive millions of random calls with random
 * arguments: every bad pointer is EFAULT, every bad fd EBADF, every bad flag or length EINVAL (or
 * whatever Linux says), and nothing escapes as a kernel error, hangs or leaks.
 *
 *   sysfuzz SEED COUNT [CALLS_PER_WORKER]
 *
 * The parent forks workers one after the other. Each worker sets up a little world (files in
 * /tmp/fuzz, pipes, device and proc files, a scratch buffer, a buffer that ends at a PROT_NONE page,
 * a read-only page, a hole) and then issues random syscalls: numbers from the whole riscv64 table
 * (0..450, a few beyond), biased toward the ones the kernel implements; arguments from classes
 * (small ints, -1, huge values, open fds, bad fds, NULL, kernel-half and unmapped pointers, pointers
 * into the scratch buffer and just before the guard page, paths in /tmp/fuzz, flags) shaped by a
 * per-call signature where one is known. A worker may die of a signal (it may unmap its own stack,
 * rt_sigreturn into garbage, raise SIGKILL): the parent counts how workers ended and forks the next.
 *
 * Watchdogs: each worker arms ITIMER_REAL every 10 ms with a SIGALRM handler that only returns, so a
 * call that legitimately blocks (read of an empty pipe, futex wait, ppoll without timeout) ends in
 * EINTR; every 32 calls it repairs the watchdog (handler, mask, timer) in case a random call undid it.
 * The parent watches a progress counter the worker keeps in a shared page: a stopped worker is sent
 * SIGCONT; one that makes no progress for 2 s (and 400 polls) is killed and counted as "stalled",
 * with its state and latest calls printed: the known ways a worker can block legitimately are
 * defused above, so a stall is most likely a lost wake-up in the kernel. A kernel that cannot kill
 * it (a deadlock) hangs the parent, which the test harness detects.
 *
 * Exclusions (what would legitimately end the run or harm the host when run under qemu-riscv64 as
 * root, not what the kernel might fail at):
 *   - exit, exit_group: they would only end the worker early;
 *   - execve/execveat of real programs: the path is always one of a safe set (non-executables,
 *     garbage "ELF", a #! script with a missing interpreter, NULL, bad pointers);
 *   - kill/tkill/tgkill/rt_sigqueueinfo/rt_tgsigqueueinfo/prlimit64 aimed at the parent, pid 1,
 *     process groups or everyone: the target becomes the worker itself;
 *   - reboot, mount, umount2, pivot_root, swapon/swapoff, kexec, (f)init_module/delete_module,
 *     settimeofday, clock_settime, adjtimex, clock_adjtime, sethostname, setdomainname, acct,
 *     quotactl(_fd), syslog, ptrace, setns, vhangup, bpf, perf_event_open, fanotify, seccomp,
 *     process_vm_readv/writev, process_madvise, process_mrelease, pidfd_send_signal, pidfd_getfd
 *     and the new mount API (open_tree..fspick, mount_setattr): host-wide effects under qemu.
 * clone/clone3 are allowed with any flags and stacks: the child side of the ecall exits at once
 * (exit, without touching the stack), so a thread on a random stack ends cleanly; only a plain fork
 * child (no CLONE_VM, the caller's stack) goes on, making 50 random calls of its own.
 *
 * If a host folder is mounted on /mnt/fuzzhost (hostfs), a tree like /tmp/fuzz is made there and
 * fuzzed too: a third of the workers start with their working directory in it.
 *
 * Output (stdout, at the end) is a summary; the counts are non-deterministic (timing, signals) and
 * not meant for comparison with qemu. Refuses to run unless uname says Fornax or SYSFUZZ_UNSAFE=1. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define SCRATCH (64 * 1024UL)
#define SAREA (4 * PAGE)
#define NR_TOP 451
#define STALL_NS 2000000000LL
#define MAXERR 160

/* ------------------------------------------------------------------ raw syscalls */

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    register long a0 asm("a0") = a, a1 asm("a1") = b, a2 asm("a2") = c, a3 asm("a3") = d,
                  a4 asm("a4") = e, a5 asm("a5") = f, a7 asm("a7") = n;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
    return a0;
}

/* clone/clone3: the child (a0 == 0) exits at once without touching memory, whatever its stack,
 * unless keep says it is a plain fork on the caller's stack (a copy of the memory, a stack that
 * works): then it returns 0 like fork and fuzzes a little on its own. */
static long sys_clone(long n, long a, long b, long c, long d, long e, long f, long keep)
{
    register long a0 asm("a0") = a, a1 asm("a1") = b, a2 asm("a2") = c, a3 asm("a3") = d,
                  a4 asm("a4") = e, a5 asm("a5") = f, a7 asm("a7") = n, t2 asm("t2") = keep;
    asm volatile("ecall\n\t"
                 "bnez a0, 1f\n\t"
                 "bnez t2, 1f\n\t"
                 "li a7, 93\n\t"
                 "li a0, 0\n\t"
                 "ecall\n"
                 "1:"
                 : "+r"(a0), "+r"(a7) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(t2) : "memory");
    return a0;
}

/* rt_sigreturn with sp pointing at frame (random memory, a bad pointer): the kernel restores
 * whatever it finds there or kills us; if it returns an error, sp is put back. */
static long sys_sigreturn_at(long frame)
{
    register long a0 asm("a0") = 0, a7 asm("a7") = SYS_rt_sigreturn;
    register long fp asm("t1") = frame;
    asm volatile("mv t0, sp\n\t"
                 "mv sp, t1\n\t"
                 "ecall\n\t"
                 "mv sp, t0"
                 : "+r"(a0) : "r"(a7), "r"(fp) : "t0", "memory");
    return a0;
}

/* ------------------------------------------------------------------ random numbers */

static __thread uint64_t rs;   /* each thread of a worker draws its own numbers */
static uint64_t rnd(void)
{
    uint64_t x = rs;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rs = x;
    return x * 0x2545F4914F6CDD1DULL;
}
static unsigned pct(void) { return rnd() % 100; }
static uint64_t pick(const uint64_t *v, int n) { return v[rnd() % n]; }
#define PICK(arr) pick(arr, (int)(sizeof(arr) / sizeof(arr[0])))

/* ------------------------------------------------------------------ shared statistics */

struct stats {
    long progress;            /* calls issued by the current worker (all its threads) */
    long last[7];             /* the worker's latest call: number and arguments (for -v) */
    long ring[16][8];         /* its latest 16 calls: number, arguments, result (for -v) */
    long bynr[NR_TOP][3];     /* per call: issued, succeeded, EINVAL (for -v) */
    long ok;                  /* calls that returned >= 0 */
    long err[MAXERR];         /* calls that returned -errno, by errno (MAXERR-1: out of range) */
};
static struct stats *st;

/* ------------------------------------------------------------------ the worker's world */

/* A host folder (hostfs) mounted here, if the harness gave one: its files are fuzzed too. */
#define HOST "/mnt/fuzzhost"

static const char *const PATHS[] = {
    "/tmp/fuzz/file", "/tmp/fuzz/dir", "/tmp/fuzz/dir/sub", "/tmp/fuzz/new", "/tmp/fuzz/link",
    "/tmp/fuzz/loop", "/tmp/fuzz/dangling", "/tmp/fuzz/exe", "/tmp/fuzz/script", "/tmp/fuzz/elfbad",
    "/tmp/fuzz/dir/new2", "/tmp/fuzz/file/notdir", "/tmp/fuzz/dir/sub/../../file", "file", "dir",
    "new", "dir/../file", "link/", "", ".", "..", "/", "/nonexistent/x", "/proc/self/maps",
    "/proc/self/status", "/proc/self/fd/3", "/proc/self/stat", "/proc", "/dev/null", "/dev/zero",
    "/dev/full", "/dev/urandom", "/proc/self/cwd", "/proc/self/task", "/proc/meminfo", "/proc/stat",
    "/proc/self/root/tmp/fuzz/file", "/proc/self/fd", "/proc/sys/kernel/pid_max", "/proc/self/exe",
    HOST "/f/file", HOST "/f/dir", HOST "/f/dir/sub", HOST "/f/new", HOST "/f/link", HOST "/f/loop", HOST "/f/out/sub",
    HOST "/f/dir/../file", HOST "/f/\xff\xfe", HOST "/f/caf\xc3\xa9", HOST, HOST "/f/file/x", HOST "/f/",
};
static const char *const EXEC_PATHS[] = {
    "/tmp/fuzz/exe", "/tmp/fuzz/script", "/tmp/fuzz/script2", "/tmp/fuzz/elfbad", "/tmp/fuzz/dir",
    "/tmp/fuzz/file", "/nonexistent", "", "/tmp/fuzz/link", "/tmp/fuzz/loop", "/dev/null",
};
#define NPATHS (int)(sizeof(PATHS) / sizeof(PATHS[0]))
#define NEXEC (int)(sizeof(EXEC_PATHS) / sizeof(EXEC_PATHS[0]))

static char longname[400], longpath[5000];
static int have_host;
static unsigned char *scratch, *guard, *rodata, *hole;
static __thread unsigned char *sarea;   /* per thread: argument structures */
static __thread size_t sarea_off;
static long fds[32];
static int nfds;
static long maps[8];
static long children[8];
static long tids[2];   /* the worker's helper threads, if any */
static pid_t self, parent;

/* Bump allocation of argument structures, reset before each call. */
static void *salloc(size_t n)
{
    n = (n + 15) & ~15UL;
    if (sarea_off + n > SAREA) sarea_off = 0;
    void *p = sarea + sarea_off;
    sarea_off += n;
    return p;
}

static void add_fd(long fd)
{
    if (fd < 0 || fd > 100000) return;
    if (nfds < 32) fds[nfds++] = fd;
    else fds[rnd() % 32] = fd;
}

/* ------------------------------------------------------------------ argument classes */

static const uint64_t KERNELISH[] = {
    0xffffffff80000000ULL, 0xffffffc000000000ULL, 0xffffffffffffffffULL, 1ULL << 38, (1ULL << 38) - 1,
    (1ULL << 38) - 8, 0x1000, 0x8, 1ULL << 63, 0x7fffffffffffffffULL, 0xfffffffffffff000ULL, 1ULL << 47,
    (1ULL << 38) - PAGE,
};

static uint64_t rnd_len(void)
{
    unsigned r = pct();
    if (r < 10) return 0;
    if (r < 20) return 1 + rnd() % 16;
    if (r < 45) return rnd() % 4096;
    if (r < 55) return rnd() % SCRATCH;
    if (r < 60) return PAGE;
    if (r < 66) return -1UL;
    if (r < 72) { static const uint64_t h[] = {1ULL << 62, 0x7fffffffffffffffULL, 1ULL << 32, 1ULL << 31, 0x7ffff000, SCRATCH * 2}; return PICK(h); }
    if (r < 78) { static const uint64_t h[] = {0x80000000ULL, 0xffffffffULL, 0x7fffffffULL, 0xfffffffffffffff0ULL, 0xffffffff00000010ULL}; return PICK(h); }
    if (r < 90) return rnd() % 256;
    return rnd();
}

static uint64_t rnd_ptr(void)
{
    unsigned r = pct();
    if (r < 7) return 0;
    if (r < 14) return PICK(KERNELISH);
    if (r < 18) return (uint64_t)hole + (rnd() % PAGE);
    if (r < 22) return (uint64_t)rodata + (rnd() % 2 ? 0 : rnd() % PAGE);
    if (r < 30) return (uint64_t)guard + 2 * PAGE - 1 - rnd() % 64;   /* just before the PROT_NONE page */
    if (r < 33) return (uint64_t)(uintptr_t)&rnd;                      /* text: readable, not writable */
    if (r < 36) return rnd() % 2 ? rnd() : (0x10000 + rnd() % ((1ULL << 38) - 0x10000));
    if (r < 40) return (uint64_t)sarea + rnd() % SAREA;
    if (r < 44 && maps[rnd() % 8]) return maps[rnd() % 8];
    uint64_t off = rnd() % SCRATCH;
    if (rnd() % 2) off &= ~7UL;
    return (uint64_t)scratch + off;
}

static uint64_t rnd_fd(void)
{
    unsigned r = pct();
    if (r < 55 && nfds) return fds[rnd() % nfds];
    if (r < 65) return rnd() % 64;
    if (r < 70) return -1UL;
    if (r < 74) return (uint64_t)AT_FDCWD;
    if (r < 78) return 1024;
    if (r < 82) return 0x7fffffff;
    if (r < 86 && nfds) return (1ULL << 32) | fds[rnd() % nfds];
    if (r < 90) return (uint32_t)rnd();
    if (r < 94) return -(rnd() % 200);
    return rnd();
}

static uint64_t rnd_dirfd(void)
{
    return pct() < 40 ? (uint64_t)AT_FDCWD : rnd_fd();
}

static uint64_t rnd_flags(void)
{
    unsigned r = pct();
    if (r < 25) return 0;
    if (r < 45) return 1UL << (rnd() % 32);
    if (r < 60) return rnd() & 0xfff;
    if (r < 75) return (uint32_t)rnd();
    if (r < 80) return -1UL;
    if (r < 90) return (1UL << (rnd() % 32)) | (1UL << (rnd() % 32));
    return rnd();
}

static uint64_t rnd_oflags(void)
{
    static const uint64_t bits[] = {O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECTORY, O_NOFOLLOW,
                                    O_CLOEXEC, O_PATH, O_TMPFILE, O_SYNC, O_NOCTTY, O_DIRECT, O_NOATIME};
    if (pct() < 10) return rnd_flags();
    uint64_t f = rnd() % 4;
    int n = rnd() % 4;
    while (n--) f |= PICK(bits);
    return f;
}

static uint64_t rnd_mode(void)
{
    unsigned r = pct();
    if (r < 20) return 0644;
    if (r < 30) return 0777;
    if (r < 40) return 0;
    if (r < 70) return rnd() & 07777;
    if (r < 80) { static const uint64_t t[] = {S_IFREG, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK, S_IFDIR, S_IFLNK}; return PICK(t) | (rnd() & 0777); }
    return rnd_flags();
}

/* A /proc path of this worker, one of its children (perhaps a zombie), the parent or no one. */
static uint64_t rnd_proc_path(void)
{
    static const char *const files[] = {"maps", "stat", "status", "statm", "cmdline", "environ", "comm", "exe",
                                        "cwd", "root", "fd", "fd/0", "fd/3", "fd/19", "task", "mounts", "", "task/1"};
    long pids[] = {self, children[rnd() % 8], parent, 1, 99999, -1};
    char *p = salloc(64);
    snprintf(p, 64, "/proc/%ld/%s", pids[rnd() % 6], files[rnd() % (sizeof files / sizeof files[0])]);
    return (uint64_t)p;
}

/* A path: the fixed set, a long name or path, a string cut by the guard page, or any pointer. */
static uint64_t rnd_path(void)
{
    unsigned r = pct();
    if (r < 65) return (uint64_t)PATHS[rnd() % NPATHS];
    if (r < 75) return rnd_proc_path();
    if (r < 79) return (uint64_t)longname;
    if (r < 82) return (uint64_t)longpath;
    if (r < 88) {   /* no NUL before the PROT_NONE page */
        size_t n = 1 + rnd() % 20;
        char *p = (char *)guard + 2 * PAGE - n;
        memcpy(p, "/tmp/fuzz/file/////////", n);
        return (uint64_t)p;
    }
    return rnd_ptr();
}

static uint64_t rnd_pid(void)
{
    unsigned r = pct();
    if (r < 15) return 0;
    if (r < 25) return -1UL;
    if (r < 38) return self;
    if (r < 45) { long t = tids[rnd() % 2]; return t ? t : self; }
    if (r < 60 && children[rnd() % 8]) return children[rnd() % 8];
    if (r < 75) return rnd() % 200;
    if (r < 80) return -(long)self;
    if (r < 85) return 4194304;
    if (r < 90) return 0x80000000ULL;
    if (r < 95) return (uint32_t)rnd();
    return rnd();
}

static uint64_t rnd_sig(void)
{
    unsigned r = pct();
    if (r < 75) return rnd() % 65;
    if (r < 85) return 65 + rnd() % 64;
    if (r < 90) return -1UL;
    return rnd();
}

static uint64_t rnd_small(void)
{
    unsigned r = pct();
    if (r < 70) return rnd() % 8;
    if (r < 85) return rnd() % 64;
    if (r < 90) return -1UL;
    return rnd();
}

static uint64_t rnd_count(void)
{
    unsigned r = pct();
    if (r < 60) return rnd() % 9;
    if (r < 70) return 1024;
    if (r < 75) return 1025;
    if (r < 80) return -1UL;
    if (r < 85) return 0x80000000ULL;
    return rnd() % 2 ? rnd() % 4096 : rnd();
}

static uint64_t rnd_off(void)
{
    unsigned r = pct();
    if (r < 30) return 0;
    if (r < 50) return rnd() % 8192;
    if (r < 60) return PAGE * (rnd() % 16);
    if (r < 65) return -1UL;
    if (r < 70) return 0x7fffffffffffffffULL;
    if (r < 75) return 1ULL << 40;
    if (r < 80) return -(long)(rnd() % 10000);
    if (r < 85) return 0x7ffffffffffff000ULL;
    return rnd();
}

static uint64_t rnd_clock(void)
{
    unsigned r = pct();
    if (r < 70) return rnd() % 12;
    if (r < 80) { static const uint64_t c[] = {-2UL, -6UL, -10UL, -14UL, 0xfffffffffffffff8ULL, 0xfffffffeULL}; return PICK(c); }
    if (r < 90) return rnd() % 64;
    return rnd();
}

/* A pointer to a timespec: mostly short and valid (at most 2 ms), or invalid fields, or any pointer. */
static uint64_t rnd_timespec(void)
{
    unsigned r = pct();
    if (r < 10) return 0;
    if (r < 25) return rnd_ptr();
    long *t = salloc(16);
    t[0] = 0;
    t[1] = rnd() % 2000000;
    if (r < 35) { static const uint64_t bad[] = {1000000000, -1UL, 999999999, 1ULL << 62}; t[1] = PICK(bad); }
    else if (r < 40) t[0] = -1 - (long)(rnd() % 5);
    else if (r < 43) t[0] = 0x7fffffffffffffffL;
    else if (r < 46) { t[0] = time(NULL) + rnd() % 2; }   /* an absolute time near now */
    return (uint64_t)t;
}

static uint64_t rnd_itimer(void)
{
    unsigned r = pct();
    if (r < 15) return rnd_ptr();
    long *t = salloc(32);
    t[0] = 0;
    t[1] = rnd() % 3 ? 0 : rnd() % 3000000;
    t[2] = 0;
    t[3] = rnd() % 3000000;
    if (r < 25) t[rnd() % 4] = (long)rnd();
    else if (r < 30) t[1 + 2 * (rnd() % 2)] = 1000000000;
    return (uint64_t)t;
}

/* An iovec array of up to 8 entries over any pointers and lengths. */
static uint64_t rnd_iov(void)
{
    if (pct() < 15) return rnd_ptr();
    uint64_t *v = salloc(16 * 8);
    for (int i = 0; i < 8; i++) {
        v[2 * i] = rnd_ptr();
        v[2 * i + 1] = pct() < 60 ? rnd() % 512 : rnd_len();
    }
    return (uint64_t)v;
}

/* A signal set; SIGALRM (the watchdog) stays unblocked nearly always. */
static uint64_t rnd_sigset(void)
{
    if (pct() < 15) return rnd_ptr();
    uint64_t *s = salloc(16);
    s[0] = pct() < 30 ? 0 : rnd();
    s[1] = rnd();
    if (pct() < 97) s[0] &= ~(1UL << (SIGALRM - 1));
    return (uint64_t)s;
}

static void noop(int sig) { (void)sig; }

/* The handler a fault signal gets instead of noop: returning would re-run the faulting instruction
 * forever (a legitimate livelock, as on Linux), so the worker ends instead. */
static void fault_exit(int sig) { sys6(SYS_exit_group, 100 + sig, 0, 0, 0, 0, 0); }
static int fault_signal(long s) { return s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE || s == SIGTRAP || s == SIGSYS; }

/* The kernel's struct sigaction on riscv64: handler, flags, mask (no restorer). */
static uint64_t rnd_sigaction(void)
{
    unsigned r = pct();
    if (r < 15) return rnd_ptr();
    uint64_t *a = salloc(24);
    static const uint64_t h[] = {0 /* SIG_DFL */, 1 /* SIG_IGN */, 2, 0x1234};
    a[0] = rnd() % 3 ? (uint64_t)(uintptr_t)noop : (rnd() % 2 ? PICK(h) : rnd_ptr());
    a[1] = pct() < 50 ? (rnd() & 0x5c000007UL) : rnd_flags();
    a[2] = rnd();
    if (pct() < 97) a[2] &= ~(1UL << (SIGALRM - 1));
    return (uint64_t)a;
}

static uint64_t rnd_futex_ptr(void)
{
    unsigned r = pct();
    if (r < 20) return rnd_ptr();
    uint32_t *w = salloc(8);
    w[0] = r < 60 ? 0 : (uint32_t)rnd() % 4;
    w[1] = 0;
    if (r < 70) return (uint64_t)w + (rnd() % 4);   /* some misaligned */
    return (uint64_t)w;
}

static uint64_t rnd_futex_op(void)
{
    if (pct() < 10) return rnd_flags();
    uint64_t op = rnd() % 14;
    if (rnd() % 2) op |= 128;   /* FUTEX_PRIVATE_FLAG */
    if (rnd() % 4 == 0) op |= 256;   /* FUTEX_CLOCK_REALTIME */
    return op;
}

static uint64_t rnd_clone_flags(void)
{
    static const uint64_t forms[] = {
        SIGCHLD, 0, CLONE_VM | CLONE_VFORK | SIGCHLD,
        CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS
            | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
        CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD,
        CLONE_THREAD, CLONE_SIGHAND, CLONE_VM | CLONE_SIGHAND, CLONE_PARENT | SIGCHLD, CLONE_NEWNS,
        CLONE_VM, CLONE_FILES | SIGCHLD, CLONE_FS | SIGCHLD, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
        CLONE_PIDFD | SIGCHLD, CLONE_SETTLS | SIGCHLD,
    };
    unsigned r = pct();
    if (r < 70) return PICK(forms) | (pct() < 20 ? rnd() % 65 : 0);
    if (r < 85) return PICK(forms) | (1UL << (rnd() % 40));
    return rnd_flags();
}

static uint64_t rnd_clone3_args(void)
{
    if (pct() < 15) return rnd_ptr();
    uint64_t *a = salloc(96);
    a[0] = rnd_clone_flags() & ~0xffUL;
    a[1] = pct() < 80 ? 0 : rnd_ptr();
    a[2] = pct() < 80 ? 0 : rnd_ptr();
    a[3] = pct() < 80 ? 0 : rnd_ptr();
    a[4] = pct() < 70 ? SIGCHLD : rnd_sig();
    a[5] = pct() < 60 ? 0 : rnd_ptr();
    a[6] = a[5] ? rnd_len() : 0;
    a[7] = pct() < 80 ? 0 : rnd();
    a[8] = pct() < 90 ? 0 : rnd_ptr();
    a[9] = pct() < 90 ? 0 : rnd_count();
    a[10] = pct() < 90 ? 0 : rnd();
    a[11] = pct() < 90 ? 0 : rnd();
    return (uint64_t)a;
}

static uint64_t rnd_sigevent(void)
{
    if (pct() < 20) return pct() < 50 ? 0 : rnd_ptr();
    uint8_t *e = salloc(64);
    for (int i = 0; i < 64; i++) e[i] = rnd();
    *(int *)(e + 8) = pct() < 80 ? (int)(rnd() % 65) : (int)rnd();    /* signo */
    static const uint64_t notify[] = {0, 1, 2, 4, 5, 0x7fffffff};
    *(int *)(e + 12) = (int)PICK(notify);                               /* notify */
    *(int *)(e + 16) = pct() < 70 ? self : (int)rnd_pid();               /* tid */
    return (uint64_t)e;
}

static uint64_t rnd_rlimit(void)
{
    if (pct() < 20) return rnd_ptr();
    uint64_t *l = salloc(16);
    static const uint64_t v[] = {0, 1, 64, 4096, 1 << 20, 1UL << 30, -1UL, 8 << 20};
    l[0] = PICK(v);
    l[1] = pct() < 70 ? -1UL : PICK(v);
    return (uint64_t)l;
}

static uint64_t rnd_pollfds(void)
{
    if (pct() < 15) return rnd_ptr();
    int32_t *p = salloc(8 * 16);
    for (int i = 0; i < 16; i++) {
        p[2 * i] = (int32_t)rnd_fd();
        p[2 * i + 1] = pct() < 70 ? (int32_t)(rnd() & 0x7) : (int32_t)rnd();
    }
    return (uint64_t)p;
}

static uint64_t rnd_stack_t(void)
{
    if (pct() < 20) return rnd_ptr();
    uint64_t *s = salloc(24);
    s[0] = rnd_ptr();
    s[1] = pct() < 60 ? 0 : (pct() < 50 ? 2 /* SS_DISABLE */ : rnd_flags());
    s[2] = pct() < 50 ? 8192 + rnd() % 65536 : rnd_len();
    return (uint64_t)s;
}

static uint64_t rnd_addr(void)
{
    unsigned r = pct();
    if (r < 15) return (uint64_t)scratch + PAGE * (rnd() % (SCRATCH / PAGE));
    if (r < 30 && maps[rnd() % 8]) return maps[rnd() % 8];
    if (r < 35) return 0;
    if (r < 40) return (uint64_t)hole;
    if (r < 45) return (uint64_t)guard + PAGE * (rnd() % 3);
    if (r < 50) return (uint64_t)scratch + rnd() % SCRATCH;       /* unaligned */
    if (r < 60) return PICK(KERNELISH);
    if (r < 70) return (0x10000000 + PAGE * (rnd() % 0x10000));   /* free space in the low half */
    if (r < 75) return ((1ULL << 38) - (128ULL << 20)) - PAGE * (rnd() % 4096);   /* the mmap area */
    return rnd_ptr();
}

static uint64_t rnd_prot(void)
{
    return pct() < 80 ? rnd() % 8 : rnd_flags();
}

static uint64_t rnd_mmap_flags(void)
{
    static const uint64_t bits[] = {MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE, MAP_POPULATE, MAP_GROWSDOWN,
                                    MAP_STACK, MAP_HUGETLB, MAP_LOCKED, MAP_NONBLOCK, MAP_SYNC, 0x40 /* MAP_32BIT: not on riscv */};
    if (pct() < 10) return rnd_flags();
    uint64_t f = pct() < 70 ? MAP_PRIVATE : (pct() < 80 ? MAP_SHARED : rnd() % 4);
    if (pct() < 60) f |= MAP_ANONYMOUS;
    if (pct() < 40) f |= PICK(bits);
    return f;
}

static uint64_t rnd_ioctl(void)
{
    static const uint64_t req[] = {0x5401, 0x5402, 0x5403, 0x5404, 0x5413, 0x5414, 0x541B, 0x5451, 0x5450,
                                   0x5421, 0x540F, 0x5410, 0x540E, 0x5422, 0x5429, 0x5409, 0x540B, 0x80045430};
    return pct() < 75 ? PICK(req) : rnd_flags();
}

static uint64_t rnd_fcntl(void)
{
    static const uint64_t cmd[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 36, 37, 38, 1024, 1025, 1026,
                                   1030, 1031, 1032, 1033, 1034};
    return pct() < 85 ? PICK(cmd) : rnd_flags();
}

/* Anything: the union of the classes. */
static uint64_t rnd_any(void)
{
    switch (rnd() % 8) {
    case 0: return rnd() % 64;
    case 1: return rnd_ptr();
    case 2: return rnd_fd();
    case 3: return rnd_len();
    case 4: return rnd_flags();
    case 5: return -(rnd() % 4096);
    case 6: return rnd_path();
    default: return rnd();
    }
}

/* ------------------------------------------------------------------ the table */

/* Argument signatures of the calls the kernel implements (docs/syscalls.md); others get 'z'.
 *   f fd          d dirfd        p pointer       l length       o offset      F flags
 *   O open flags  m mode         P path          i pid          s signal      a address
 *   v iovec ptr   n count        t timespec ptr  T itimerspec   c clock id    S sigset ptr
 *   8 sigsetsize  A sigaction    x futex ptr     X futex op     u uid         w small int
 *   q pollfd ptr  r prot         M mmap flags    C clone flags  k clone3 args e sigevent ptr
 *   R rlimit ptr  I ioctl req    L fcntl cmd     E exec path    g stack_t ptr z anything
 *   G page length Y robust len   Q prctl option */
static const char *const SIG[NR_TOP] = {
    [17] = "pl", [23] = "f", [24] = "ffF", [25] = "fLz", [29] = "fIp", [33] = "dPmz", [34] = "dPm",
    [35] = "dPF", [36] = "PdP", [37] = "dPdPF", [43] = "Pp", [44] = "fp", [45] = "Po", [46] = "fo",
    [48] = "dPmF", [49] = "P", [50] = "f", [51] = "P", [52] = "fm", [53] = "dPmF", [54] = "dPuuF",
    [55] = "fuu", [56] = "dPOm", [57] = "f", [59] = "pF", [61] = "fpl", [62] = "fow", [63] = "fpl",
    [64] = "fpl", [65] = "fvn", [66] = "fvn", [67] = "fplo", [68] = "fplo", [69] = "fvno", [70] = "fvno",
    [73] = "qntS8", [78] = "dPpl", [79] = "dPpF", [80] = "fp", [81] = "", [82] = "f", [83] = "f",
    [85] = "cF", [86] = "fFTp", [87] = "fp", [88] = "dPtF", [95] = "wipFp", [96] = "p", [98] = "xXztxz",
    [99] = "pY", [100] = "ipp", [101] = "tp", [102] = "wp", [103] = "wTp", [107] = "cep", [108] = "wp",
    [109] = "w", [110] = "wFTp", [111] = "w", [113] = "cp", [114] = "cp", [115] = "cFtp", [124] = "",
    [129] = "is", [130] = "is", [131] = "iis", [132] = "gp", [133] = "S8", [134] = "sAp8", [135] = "wSp8",
    [136] = "p8", [139] = "p", [154] = "ii", [155] = "i", [156] = "i", [157] = "", [160] = "p", [163] = "wp",
    [164] = "wR", [166] = "m", [167] = "Qpzzz", [169] = "pp", [172] = "", [173] = "", [174] = "", [175] = "",
    [176] = "", [177] = "", [178] = "", [179] = "p", [214] = "a", [215] = "aG", [216] = "aGGFa",
    [220] = "Cpppp", [221] = "Epp", [222] = "aGrMfo", [226] = "aGr", [227] = "aGF", [233] = "aGw",
    [258] = "pnnpF", [259] = "aaF", [260] = "ipFp", [261] = "iwRp", [267] = "f", [276] = "dPdPF",
    [278] = "plF", [291] = "dPFzp", [293] = "plFz", [435] = "kl", [436] = "ffF", [439] = "dPmF",
    [281] = "dEppF",
};

/* Calls never issued (see the top comment). */
static int excluded(long nr)
{
    switch (nr) {
    case 39: case 40: case 41: case 58: case 60: case 89: case 93: case 94: case 104: case 105: case 106:
    case 112: case 116: case 117: case 142: case 161: case 162: case 170: case 171: case 224: case 225:
    case 241: case 262: case 263: case 266: case 268: case 270: case 271: case 273: case 277: case 280:
    case 294: case 424: case 428: case 429: case 430: case 431: case 432: case 433: case 438: case 440:
    case 442: case 443: case 448:
        return 1;
    default:
        return 0;
    }
}

static long implemented[NR_TOP];
static int nimplemented;

static long rnd_nr(void)
{
    unsigned r = pct();
    long nr;
    do {
        if (r < 70) nr = implemented[rnd() % nimplemented];
        else if (r < 98) nr = rnd() % NR_TOP;
        else { static const uint64_t odd[] = {451, 500, 511, 512, 1023, 4096, -1UL, 1ULL << 32, 0x8000000000000040ULL};
               nr = PICK(odd); }
        r = pct();
    } while (excluded(nr) || (nr == SYS_rt_sigreturn && pct() < 98));   /* nearly always fatal: rarely */
    return nr;
}

/* The flag bits each call knows (Linux's), so that 'F' arguments are often valid combinations and
 * the calls get past their flag check; the rest of the time they are any bits. */
#define AT_NOFOLLOW 0x100
#define AT_EMPTY 0x1000
static const uint64_t FLAGBITS[NR_TOP][6] = {
    [24] = {O_CLOEXEC}, [35] = {AT_REMOVEDIR}, [37] = {AT_SYMLINK_FOLLOW, AT_EMPTY},
    [53] = {AT_NOFOLLOW}, [54] = {AT_NOFOLLOW, AT_EMPTY}, [59] = {O_CLOEXEC, O_NONBLOCK, O_DIRECT},
    [79] = {AT_NOFOLLOW, AT_EMPTY, 0x800}, [85] = {O_CLOEXEC, O_NONBLOCK}, [86] = {1, 2},
    [88] = {AT_NOFOLLOW, AT_EMPTY}, [95] = {WNOHANG, WSTOPPED, WEXITED, WCONTINUED, WNOWAIT, 0x40000000},
    [110] = {1}, [115] = {1}, [216] = {1, 2, 4}, [227] = {MS_ASYNC, MS_INVALIDATE, MS_SYNC},
    [260] = {WNOHANG, WUNTRACED, WCONTINUED, 0x40000000}, [276] = {1, 2, 4}, [278] = {1, 2, 4},
    [291] = {AT_NOFOLLOW, AT_EMPTY, 0x2000, 0x4000}, [436] = {2, 4}, [439] = {AT_EACCESS, AT_NOFOLLOW, AT_EMPTY},
    [258] = {1}, [259] = {1}, [48] = {AT_EACCESS, AT_NOFOLLOW}, [56] = {0}, [135] = {0},
};

static uint64_t rnd_known_flags(long nr)
{
    const uint64_t *bits = nr >= 0 && nr < NR_TOP ? FLAGBITS[nr] : NULL;
    if (!bits || !bits[0] || pct() < 30) return rnd_flags();
    uint64_t f = 0;
    for (int i = 0; i < 6 && bits[i]; i++) if (rnd() % 2) f |= bits[i];
    return f;
}

/* A length in pages (for the mapping calls), or any length. */
static uint64_t rnd_pages(void)
{
    return pct() < 60 ? PAGE * (1 + rnd() % 16) : rnd_len();
}

static uint64_t gen(char k, long nr)
{
    if (k != 'E' && pct() < 8) return rnd_any();   /* any call may get any argument */
    switch (k) {
    case 'F': return rnd_known_flags(nr);
    case 'G': return rnd_pages();
    case 'Y': return pct() < 85 ? 24 : rnd_len();   /* sizeof(struct robust_list_head) */
    case 'Q': { static const uint64_t o[] = {15, 16, 1, 2, 4, 8, 22, 23, 36, 37, 38, 39}; return pct() < 80 ? PICK(o) : rnd_small(); }
    case 'f': return rnd_fd();
    case 'd': return rnd_dirfd();
    case 'p': return rnd_ptr();
    case 'l': return rnd_len();
    case 'o': return rnd_off();
    case 'O': return rnd_oflags();
    case 'm': return rnd_mode();
    case 'P': return rnd_path();
    case 'i': return rnd_pid();
    case 's': return rnd_sig();
    case 'a': return rnd_addr();
    case 'v': return rnd_iov();
    case 'n': return rnd_count();
    case 't': return rnd_timespec();
    case 'T': return rnd_itimer();
    case 'c': return rnd_clock();
    case 'S': return rnd_sigset();
    case '8': return pct() < 85 ? 8 : rnd_len();
    case 'A': return rnd_sigaction();
    case 'x': return rnd_futex_ptr();
    case 'X': return rnd_futex_op();
    case 'u': return pct() < 50 ? rnd() % 2000 : (pct() < 50 ? -1UL : rnd());
    case 'w': return rnd_small();
    case 'q': return rnd_pollfds();
    case 'r': return rnd_prot();
    case 'M': return rnd_mmap_flags();
    case 'C': return rnd_clone_flags();
    case 'k': return rnd_clone3_args();
    case 'e': return rnd_sigevent();
    case 'R': return rnd_rlimit();
    case 'I': return rnd_ioctl();
    case 'L': return rnd_fcntl();
    case 'g': return rnd_stack_t();
    case 'E': {
        unsigned r = pct();
        if (r < 80) return (uint64_t)EXEC_PATHS[rnd() % NEXEC];
        if (r < 85) return 0;
        if (r < 90) return PICK(KERNELISH);
        return (uint64_t)hole;
    }
    default: return rnd_any();
    }
}

/* Aim signals and limits at the worker itself, never at the parent, pid 1, groups or everyone. */
static int harms_parent(long pid)
{
    return (int)pid <= 0 || (int)pid == parent || (int)pid == 1 || pid != (int)pid;
}

/* A signal mask the call will install, if it lies in the worker's own buffers: SIGALRM (the
 * watchdog) is taken out of it, or a legitimately blocking call could not be interrupted. */
static int inside(uint64_t p, const unsigned char *base, size_t len) { return p >= (uint64_t)base && p + 8 <= (uint64_t)base + len; }
static void spare_alarm(uint64_t p)
{
    if (!inside(p, scratch, SCRATCH) && !inside(p, sarea, SAREA) && !inside(p, guard, 2 * PAGE)) return;
    uint64_t m;
    memcpy(&m, (void *)p, 8);
    m &= ~(1UL << (SIGALRM - 1));
    memcpy((void *)p, &m, 8);
}

static void sanitize(long nr, uint64_t *a)
{
    switch (nr) {
    case SYS_rt_sigaction:
        if (fault_signal(a[0]) && inside(a[1], sarea, SAREA) && *(uint64_t *)a[1] > 1 && pct() < 95)
            *(uint64_t *)a[1] = (uint64_t)(uintptr_t)fault_exit;
        break;
    case SYS_rt_sigsuspend:   /* a mask elsewhere (program text, strings) may block SIGALRM */
        if (!inside(a[0], scratch, SCRATCH) && !inside(a[0], sarea, SAREA) && !inside(a[0], guard, 2 * PAGE)
            && a[0] >= 0x10000 && a[0] < (1ULL << 38) && a[0] != (uint64_t)hole) a[0] = (uint64_t)salloc(8), *(uint64_t *)a[0] = rnd();
        spare_alarm(a[0]);
        break;
    case SYS_ppoll: case SYS_pselect6:   /* the mask in force while it waits: as for rt_sigsuspend */
        if (a[3] && !inside(a[3], scratch, SCRATCH) && !inside(a[3], sarea, SAREA) && !inside(a[3], guard, 2 * PAGE)
            && a[3] >= 0x10000 && a[3] < (1ULL << 38) && a[3] != (uint64_t)hole) a[3] = (uint64_t)salloc(8), *(uint64_t *)a[3] = rnd();
        spare_alarm(a[3]);
        break;
    case SYS_rt_sigprocmask: spare_alarm(a[1]); break;
    case SYS_kill: case SYS_tkill: case SYS_rt_sigqueueinfo:
        if (harms_parent((long)a[0])) a[0] = self;
        break;
    case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
        if (harms_parent((long)a[0]) || harms_parent((long)a[1])) { a[0] = self; a[1] = self; }
        break;
    case SYS_prlimit64:
        if ((int)a[0] == parent || (int)a[0] == 1 || (int)a[0] < 0) a[0] = 0;
        break;
    case SYS_execveat:   /* the path must be absolute and safe, whatever the dirfd */
        if (a[1] && pct() < 90) a[1] = (uint64_t)EXEC_PATHS[rnd() % 7];
        break;
    case SYS_sched_setaffinity: case SYS_setpriority: case SYS_sched_setscheduler: case SYS_sched_setparam:
    case SYS_sched_setattr: case SYS_ioprio_set: case SYS_pidfd_open: case SYS_kcmp: case SYS_get_robust_list:
        if ((int)a[0] == parent || (int)a[0] == 1) a[0] = self;
        break;
    }
}

/* ------------------------------------------------------------------ the worker */

/* Every signal that is not a fault or SIGKILL/SIGSTOP gets the handler that only returns, so a
 * random kill of itself interrupts the worker instead of ending it. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = noop;
    for (int s = 1; s < 65; s++) {
        if (s == SIGKILL || s == SIGSTOP || fault_signal(s) || s == SIGPIPE || s == 32 || s == 33)   /* 32, 33: glibc's own */
            continue;
        sigaction(s, &sa, NULL);
    }
}

static void arm_watchdog(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = noop;   /* no SA_RESTART: a blocked call ends in EINTR */
    sigaction(SIGALRM, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    struct itimerval it = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void fuzz_one(void);
static void arm_watchdog(void);

/* A worker's fork child: a few random calls of its own (concurrently with the worker: pipes,
 * signals, waits and groups shared between them), then exit. */
static void forked_child(void)
{
    self = getpid();
    arm_watchdog();
    for (int i = 0; i < 50; i++) {
        if (i % 32 == 31) arm_watchdog();
        fuzz_one();
    }
    _exit(0);
}

/* One random call. */
static void fuzz_one(void)
{
    sarea_off = 0;
    long nr = rnd_nr();
    const char *sig = nr >= 0 && nr < NR_TOP ? SIG[nr] : NULL;
    uint64_t a[6];
    for (int k = 0; k < 6; k++) a[k] = sig && sig[k] ? gen(sig[k], nr) : rnd_any();
    sanitize(nr, a);
    long n = __atomic_add_fetch(&st->progress, 1, __ATOMIC_RELAXED);
    st->last[0] = nr;
    memcpy(&st->last[1], a, sizeof a);
    long *ring = st->ring[(n - 1) % 16];
    ring[0] = nr;
    memcpy(&ring[1], a, sizeof a);
    ring[7] = -99999;
    long r;
    if (nr == SYS_clone || nr == SYS_clone3) {
        /* A child may run C code only as a plain fork: its own copy of memory, the same stack. */
        uint64_t flags = nr == SYS_clone ? a[0] : inside(a[0], sarea, SAREA) ? *(uint64_t *)a[0] : CLONE_VM;
        uint64_t stack = nr == SYS_clone ? a[1] : inside(a[0], sarea, SAREA) ? ((uint64_t *)a[0])[5] : 1;
        long keep = !(flags & (CLONE_VM | CLONE_VFORK | CLONE_THREAD | CLONE_SETTLS)) && stack == 0;
        r = sys_clone(nr, a[0], a[1], a[2], a[3], a[4], a[5], keep);
        if (r == 0) forked_child();
    }
    else if (nr == SYS_rt_sigreturn) r = sys_sigreturn_at(pct() < 50 ? (long)scratch + (long)(rnd() % SCRATCH & ~15UL) : (long)a[0]);
    else r = sys6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    ring[7] = r;
    if (nr >= 0 && nr < NR_TOP) {
        __atomic_add_fetch(&st->bynr[nr][0], 1, __ATOMIC_RELAXED);
        if (r >= 0 || r < -4095) __atomic_add_fetch(&st->bynr[nr][1], 1, __ATOMIC_RELAXED);
        if (r == -EINVAL) __atomic_add_fetch(&st->bynr[nr][2], 1, __ATOMIC_RELAXED);
    }
    /* Calls that may have disarmed the watchdog: it is repaired at once (the call itself was made). */
    if (nr == SYS_setitimer || nr == SYS_rt_sigprocmask || (nr == SYS_rt_sigaction && a[0] == SIGALRM))
        arm_watchdog();
    if (r >= 0) {
        __atomic_add_fetch(&st->ok, 1, __ATOMIC_RELAXED);
        switch (nr) {
        case SYS_openat: case SYS_dup: case SYS_dup3: case SYS_timerfd_create: add_fd(r); break;
        case SYS_fcntl: if (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC) add_fd(r); break;
        case SYS_pipe2: if (inside(a[0], scratch, SCRATCH)) {
            int *q = (int *)a[0];
            add_fd(q[0]);
            add_fd(q[1]);
        } break;
        case SYS_mmap: case SYS_mremap: maps[rnd() % 8] = r; break;
        case SYS_clone: case SYS_clone3: if (r > 0) children[rnd() % 8] = r; break;
        }
    } else if (r >= -4095) {
        __atomic_add_fetch(&st->err[-r < MAXERR ? -r : MAXERR - 1], 1, __ATOMIC_RELAXED);
    } else {
        __atomic_add_fetch(&st->ok, 1, __ATOMIC_RELAXED);   /* a large "negative" value: an address from mmap or brk */
        if (nr == SYS_mmap || nr == SYS_mremap) maps[rnd() % 8] = r;
    }
}

/* A second or third thread of a worker: its own numbers, argument area and watchdog (a POSIX timer
 * aimed at this thread), fuzzing until the main thread ends the process. */
static void *helper(void *arg)
{
    rs = (uint64_t)(uintptr_t)arg * 0x9E3779B97F4A7C15ULL | 1;
    sarea = mmap(NULL, SAREA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sarea == MAP_FAILED) return NULL;
    if (!__sync_bool_compare_and_swap(&tids[0], 0, gettid())) tids[1] = gettid();
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGALRM;
    ev._sigev_un._tid = gettid();
    long timer = -1;
    int tid;
    struct itimerspec its = {{0, 10000000}, {0, 10000000}};
    if (sys6(SYS_timer_create, CLOCK_MONOTONIC, (long)&ev, (long)&tid, 0, 0, 0) == 0) timer = tid;
    for (long i = 0;; i++) {
        if (i % 32 == 0 && timer >= 0) sys6(SYS_timer_settime, timer, 0, (long)&its, 0, 0, 0);
        fuzz_one();
    }
}

static void worker(uint64_t seed, long calls)
{
    rs = seed ? seed : 1;
    for (int i = 0; i < 20; i++) rnd();
    self = getpid();
    if (rnd() % 2) setsid(); else setpgid(0, 0);   /* its own session or group: job control stays inside */
    signal(SIGPIPE, SIG_IGN);
    chdir(have_host && rnd() % 3 == 0 ? HOST "/f" : "/tmp/fuzz");

    /* Standard streams on /dev/null: random writes stay out of the output. */
    int null = open("/dev/null", O_RDWR);
    for (int i = 0; i < 3; i++) dup2(null, i);
    if (null > 2) close(null);

    scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sarea = mmap(NULL, SAREA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    guard = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    rodata = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    hole = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED || sarea == MAP_FAILED || guard == MAP_FAILED || rodata == MAP_FAILED || hole == MAP_FAILED)
        _exit(99);
    munmap(hole, PAGE);
    mprotect(guard + 2 * PAGE, PAGE, PROT_NONE);
    for (size_t i = 0; i < SCRATCH; i++) scratch[i] = rnd();
    memset(rodata, 0x42, PAGE);   /* as a signal mask: SIGALRM clear */
    mprotect(rodata, PAGE, PROT_READ);

    int p[2];
    static const char *const opens[] = {"/tmp/fuzz/file", "/tmp/fuzz/dir", "/dev/null", "/dev/zero", "/dev/full",
                                        "/dev/urandom", "/proc/self/maps", "/proc/self/stat", "/", "/proc"};
    for (unsigned i = 0; i < sizeof opens / sizeof opens[0]; i++) add_fd(open(opens[i], i == 0 ? O_RDWR : O_RDONLY));
    add_fd(open("/tmp/fuzz/file", O_PATH));
    if (have_host) {
        add_fd(open(HOST "/f/file", O_RDWR));
        add_fd(open(HOST "/f/dir", O_RDONLY));
    }
    add_fd(open("/tmp/fuzz/new", O_RDWR | O_CREAT | O_APPEND, 0600));
    if (pipe(p) == 0) { add_fd(p[0]); add_fd(p[1]); }
    if (pipe2(p, O_NONBLOCK) == 0) { add_fd(p[0]); add_fd(p[1]); }
    add_fd(sys6(SYS_timerfd_create, CLOCK_MONOTONIC, 0, 0, 0, 0, 0));
    catch_signals();
    arm_watchdog();

    if (seed % 3 == 0) {   /* a third of the workers fuzz from three threads at once */
        pthread_t t;
        for (int k = 0; k < 2; k++) pthread_create(&t, NULL, helper, (void *)(uintptr_t)(seed + k + 1));
    }
    for (long i = 0; __atomic_load_n(&st->progress, __ATOMIC_RELAXED) < calls; i++) {
        if (i % 32 == 31) arm_watchdog();
        if (i % 512 == 511) catch_signals();
        fuzz_one();
    }
    _exit(0);
}

/* ------------------------------------------------------------------ the parent */

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Removes path and everything under it (not following symlinks). */
static void remove_tree(const char *path)
{
    struct stat s;
    if (lstat(path, &s) != 0) return;
    if (S_ISDIR(s.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            char sub[4096];
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                remove_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void write_file(const char *path, const void *data, size_t n, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) { printf("sysfuzz: cannot create %s: %s\n", path, strerror(errno)); exit(2); }
    if (write(fd, data, n) != (ssize_t)n) { printf("sysfuzz: cannot write %s\n", path); exit(2); }
    close(fd);
}

/* The files a worker plays with, made afresh for each worker. */
static void fixture(void)
{
    remove_tree("/tmp/fuzz");
    if (mkdir("/tmp/fuzz", 0755) != 0) { printf("sysfuzz: mkdir /tmp/fuzz: %s\n", strerror(errno)); exit(2); }
    char data[8192];
    for (size_t i = 0; i < sizeof data; i++) data[i] = "abcdefgh\n"[i % 9];
    write_file("/tmp/fuzz/file", data, sizeof data, 0644);
    unsigned char junk[256];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = i * 37;
    write_file("/tmp/fuzz/exe", junk, sizeof junk, 0755);
    write_file("/tmp/fuzz/script", "#!/nonexistent/interpreter -x\n", 30, 0755);
    write_file("/tmp/fuzz/script2", "#!/tmp/fuzz/script2\n", 20, 0755);
    unsigned char elf[128] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    elf[16] = 2; elf[18] = 243; elf[20] = 1;            /* ET_EXEC, EM_RISCV, version 1 */
    elf[32] = 0xff; elf[33] = 0xff; elf[34] = 0xff;     /* e_phoff far past the end */
    elf[54] = 56; elf[56] = 0xff; elf[57] = 0x7f;       /* e_phentsize 56, e_phnum huge */
    write_file("/tmp/fuzz/elfbad", elf, sizeof elf, 0755);
    mkdir("/tmp/fuzz/dir", 0755);
    mkdir("/tmp/fuzz/dir/sub", 0755);
    symlink("file", "/tmp/fuzz/link");
    symlink("loop", "/tmp/fuzz/loop");
    symlink("/nonexistent/target", "/tmp/fuzz/dangling");
    if (have_host) {   /* the same on the host folder (names a worker left that the guest cannot spell stay) */
        chmod(HOST, 0755);
        remove_tree(HOST "/f");
        mkdir(HOST "/f", 0755);
        write_file(HOST "/f/file", data, sizeof data, 0644);
        mkdir(HOST "/f/dir", 0755);
        mkdir(HOST "/f/dir/sub", 0755);
        symlink("file", HOST "/f/link");
        symlink("loop", HOST "/f/loop");
        symlink("/tmp/fuzz/dir", HOST "/f/out");
    }
}

/* Names in dir that were not there at the start; a worker whose cwd wandered may create them. */
static char *initial[3][64];
static void snapshot(int i, const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 63) initial[i][n++] = strdup(e->d_name);
    if (d) closedir(d);
}

static void clean_strays(int i, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char sub[4096], names[64][256];
    int n = 0;
    while (d && (e = readdir(d)) != NULL && n < 64) {
        int known = 0;
        for (int k = 0; initial[i][k]; k++) if (!strcmp(initial[i][k], e->d_name)) known = 1;
        if (!known) snprintf(names[n++], 256, "%s", e->d_name);
    }
    if (d) closedir(d);
    for (int k = 0; k < n; k++) {
        snprintf(sub, sizeof sub, "%s/%.255s", dir, names[k]);
        remove_tree(sub);
    }
}

static const char *signame(int sig)
{
    const char *s = sigabbrev_np(sig);
    return s ? s : "?";
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: sysfuzz SEED COUNT [CALLS_PER_WORKER [-v [WORKER_SEED]]]\n");
        return 2;
    }
    struct utsname u;
    if (uname(&u) != 0 || (!strstr(u.release, "fornax") && !getenv("SYSFUZZ_UNSAFE"))) {
        fprintf(stderr, "sysfuzz: not running on Fornax; random syscalls can harm this system. "
                        "Set SYSFUZZ_UNSAFE=1 to run anyway (never as root).\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 0);
    long count = strtol(argv[2], NULL, 0);
    long per = argc > 3 ? strtol(argv[3], NULL, 0) : 2000;
    if (count < 0 || per <= 0) return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    int verbose = argc > 4 && !strcmp(argv[4], "-v");

    for (int i = 0; i < NR_TOP; i++) if (SIG[i] && !excluded(i)) implemented[nimplemented++] = i;
    memset(longname, 'n', sizeof longname - 1);
    memcpy(longname, "/tmp/fuzz/", 10);
    for (size_t i = 0; i < sizeof longpath - 1; i++) longpath[i] = i % 8 == 0 ? '/' : 'p';

    /* Between PROT_NONE pages, so a worker's long read into the mapping next door stops there, and
     * away from the mmap area where the workers' random addresses often land (a hint, not fixed). */
    size_t stlen = (sizeof *st + PAGE - 1) & ~(PAGE - 1);
    unsigned char *stmap = mmap((void *)0x3000000000UL, stlen + 2 * PAGE, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (stmap == MAP_FAILED || mprotect(stmap + PAGE, stlen, PROT_READ | PROT_WRITE) != 0) { perror("mmap"); return 2; }
    st = (struct stats *)(stmap + PAGE);
    parent = getpid();
    struct stat hs;
    have_host = stat(HOST, &hs) == 0 && S_ISDIR(hs.st_mode);
    snapshot(0, "/");
    snapshot(1, "/tmp");
    if (have_host) snapshot(2, HOST);

    long done = 0, workers = 0, exited = 0, stalled = 0, continued = 0, orphans = 0, signalled = 0;
    long bysig[65] = {0};
    uint64_t ws = seed * 0x9E3779B97F4A7C15ULL + 1;
    while (done < count) {
        fixture();
        long n = count - done < per ? count - done : per;
        st->progress = 0;
        rs = ws;
        uint64_t wseed = rnd();
        ws = rs;
        if (workers == 0 && argc > 5) wseed = strtoull(argv[5], NULL, 0);   /* replay one worker */
        pid_t pid = fork();
        if (pid < 0) { printf("sysfuzz: fork: %s\n", strerror(errno)); return 1; }
        if (pid == 0) worker(wseed, n);
        workers++;
        long last = -1, polls = 0;
        long long since = now_ns();
        int status;
        for (;;) {
            pid_t r = waitpid(pid, &status, WNOHANG | WUNTRACED);
            if (r == pid && WIFSTOPPED(status)) { kill(pid, SIGCONT); continued++; continue; }
            if (r == pid) break;
            if (r < 0 && errno != EINTR) { printf("sysfuzz: waitpid: %s\n", strerror(errno)); return 1; }
            struct timespec ts = {0, 5000000};
            nanosleep(&ts, NULL);
            long now = __atomic_load_n(&st->progress, __ATOMIC_RELAXED);
            /* Stalled: no progress for STALL_NS and for as many polls (a host that starves the
             * whole machine slows the polls too, so it does not look like a stall). */
            if (now != last) { last = now; since = now_ns(); polls = 0; }
            else if (++polls > STALL_NS / 5000000 && now_ns() - since > STALL_NS) {
                {   /* what it was doing: state and syscall, as /proc tells, and its latest calls */
                    char path[64], line[512] = "";
                    snprintf(path, sizeof path, "/proc/%d/stat", pid);
                    int fd = open(path, O_RDONLY);
                    if (fd >= 0) { ssize_t k = read(fd, line, sizeof line - 1); line[k > 0 ? k : 0] = 0; close(fd); }
                    printf("worker %ld stalled at call %ld: %s", workers, last, line);
                    for (long k = last - 15; k <= last; k++) {
                        if (k < 1) continue;
                        long *c = st->ring[(k - 1) % 16];
                        printf("  call %ld: %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) = %ld\n", k, c[0], c[1], c[2], c[3],
                               c[4], c[5], c[6], c[7]);
                    }
                }
                if (verbose) sleep(5);   /* time to look at it from outside (a JVM thread dump) */
                kill(pid, SIGKILL);
                if (verbose) printf("worker %ld killed at call %ld\n", workers, st->progress);
                stalled++;
                since = now_ns();
                polls = 0;
            }
        }
        if (WIFEXITED(status)) exited++;
        else if (WIFSIGNALED(status)) { signalled++; bysig[WTERMSIG(status) & 63]++; }
        long made = __atomic_load_n(&st->progress, __ATOMIC_RELAXED);
        if (verbose) {
            long rec = st->ok;
            for (int e = 0; e < MAXERR; e++) rec += st->err[e];
            printf("worker %ld: seed %#llx, %ld calls, %ld results so far, status %#x; last call %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
                   workers, (unsigned long long)wseed, made, rec, status, st->last[0], st->last[1], st->last[2],
                   st->last[3], st->last[4], st->last[5], st->last[6]);
        }
        done += made < 1 ? 1 : made > n ? n : made;
        /* The worker's children are ours now (we are init): collect those that ended, continue
         * the stopped ones (a fork child may stop itself; nobody else would continue it). */
        pid_t o;
        while ((o = waitpid(-1, &status, WNOHANG | WUNTRACED)) > 0) {
            if (WIFSTOPPED(status)) { kill(o, SIGCONT); continued++; }
            else orphans++;
        }
    }
    /* Every child that remains ends soon (after 50 calls at most, or at once): wait for them, and
     * kill any that make no end, as stalled, after saying what it was doing. */
    long long t0 = now_ns();
    for (long polls = 0;; polls++) {
        int status;
        pid_t r = waitpid(-1, &status, WNOHANG | WUNTRACED);
        if (r > 0 && WIFSTOPPED(status)) { kill(r, SIGCONT); continued++; continue; }
        if (r > 0) { orphans++; continue; }
        if (r < 0) break;
        if (polls > STALL_NS / 5000000 && now_ns() - t0 > STALL_NS) {
            DIR *d = opendir("/proc");
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL) {
                char path[300], line[512];
                snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
                int fd = open(path, O_RDONLY), ppid = 0;
                if (fd < 0) continue;
                ssize_t k = read(fd, line, sizeof line - 1);
                close(fd);
                line[k > 0 ? k : 0] = 0;
                char *rp = strrchr(line, ')');
                if (!rp || sscanf(rp + 2, "%*c %d", &ppid) != 1 || ppid != parent) continue;
                printf("child left after the run, stalled: %s", line);
                kill(atoi(e->d_name), SIGKILL);
                stalled++;
            }
            if (d) closedir(d);
            t0 = now_ns();
            polls = 0;
        }
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    remove_tree("/tmp/fuzz");
    if (have_host) remove_tree(HOST "/f");
    clean_strays(0, "/");
    clean_strays(1, "/tmp");
    if (have_host) {
        clean_strays(2, HOST);
        chmod(HOST, 0755);
    }

    printf("sysfuzz: seed %llu: %ld calls in %ld workers\n", (unsigned long long)seed, done, workers);
    printf("workers: %ld exited, %ld killed by signals, %ld stalled (killed by the watchdog), %ld stopped and continued, %ld stray children reaped\n",
           exited, signalled, stalled, continued, orphans);
    printf("signals:");
    for (int i = 1; i < 65; i++) if (bysig[i]) printf(" %s %ld", signame(i), bysig[i]);
    printf("\nresults: ok %ld", st->ok);
    for (int e = 1; e < MAXERR; e++) {
        if (!st->err[e]) continue;
        const char *name = e < MAXERR - 1 ? strerrorname_np(e) : "other";
        printf(", %s %ld", name ? name : "?", st->err[e]);
    }
    printf("\n");
    if (verbose) {
        printf("by call (implemented): nr issued ok EINVAL\n");
        for (int i = 0; i < nimplemented; i++) {
            long *b = st->bynr[implemented[i]];
            printf("  %3ld %6ld %6ld %6ld\n", implemented[i], b[0], b[1], b[2]);
        }
    }
    printf("done\n");
    return 0;
}
