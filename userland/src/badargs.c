/*
 * badargs: system calls given descriptors that are not open (EBADF) or pointers that point
 * nowhere (EFAULT), across the families: I/O, descriptors, files, memory, time, signals,
 * processes, polling. Every call must fail cleanly with the errno Linux gives and the process
 * must go on. Raw syscall(2) is used where glibc would touch the pointer itself.
 *
 * Left out because qemu-riscv64 (7.2) answers differently from Linux: clock_getres and nanosleep
 * with a bad pointer (0 and EINVAL; Linux: EFAULT), set_robust_list (ENOSYS), madvise on an
 * unmapped range (0; Linux: ENOMEM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T(expr) show(#expr, (long)(expr))
static long show(const char *what, long r)
{
    if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
    errno = 0;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    volatile uintptr_t low = 8;             /* an address no compiler can see through */
    void *bad = (void *)low;
    char buf[64];
    int closed = 77;

    printf("-- EBADF\n");
    T(read(closed, buf, 1));
    T(write(closed, buf, 1));
    T(pread(closed, buf, 1, 0));
    T(pwrite(closed, buf, 1, 0));
    struct iovec iov = {buf, 1};
    T(readv(closed, &iov, 1));
    T(writev(closed, &iov, 1));
    T(lseek(closed, 0, SEEK_SET));
    T(close(closed));
    T(dup(closed));
    T(dup2(closed, 5));
    T(dup3(closed, 5, 0));
    T(fcntl(closed, F_GETFD));
    T(fcntl(closed, F_GETFL));
    T(fcntl(closed, F_DUPFD, 0));
    T(ioctl(closed, FIONREAD, buf));
    struct stat st;
    T(fstat(closed, &st));
    T(fstatat(closed, "x", &st, 0));
    T(fstatat(-1, "x", &st, 0));
    T(openat(closed, "x", O_RDONLY));
    T(mkdirat(closed, "x", 0755));
    T(unlinkat(closed, "x", 0));
    T(fchdir(closed));
    T(fchmod(closed, 0644));
    T(fchown(closed, 0, 0));
    T(ftruncate(closed, 0));
    T(fsync(closed));
    T(fdatasync(closed));
    T(syscall(SYS_getdents64, closed, buf, sizeof buf));
    T(flock(closed, LOCK_SH));
    T(syscall(SYS_statx, closed, "x", 0, 0x7ff, buf));
    T(syscall(SYS_faccessat, closed, "x", F_OK));
    T(syscall(SYS_readlinkat, closed, "x", buf, sizeof buf));
    T((long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, closed, 0));
    T(dup2(1, -1));
    T(syscall(SYS_close_range, 1000, 999, 0));
    int ro = open("/dev/null", O_RDONLY), wo = open("/dev/null", O_WRONLY);
    T(write(ro, "x", 1));
    T(read(wo, buf, 1));
    T(ftruncate(ro, 0));
    close(ro);
    close(wo);

    printf("-- EFAULT\n");
    int p[2];
    pipe(p);
    write(p[1], "data", 4);
    T(read(p[0], bad, 4));
    T(write(p[1], bad, 4));
    struct iovec badiov = {bad, 4};
    T(writev(p[1], &badiov, 1));
    T(writev(p[1], bad, 1));
    T(readv(p[0], bad, 1));
    T(pipe(bad));
    T(syscall(SYS_pipe2, bad, 0));
    T(syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
    T(syscall(SYS_newfstatat, AT_FDCWD, "/", bad, 0));
    T(syscall(SYS_fstat, p[0], bad));
    T(syscall(SYS_mkdirat, AT_FDCWD, bad, 0755));
    T(syscall(SYS_unlinkat, AT_FDCWD, bad, 0));
    T(syscall(SYS_chdir, bad));
    T(syscall(SYS_getcwd, bad, 100));
    T(syscall(SYS_getdents64, open("/", O_RDONLY | O_DIRECTORY), bad, 4096));
    T(syscall(SYS_readlinkat, AT_FDCWD, bad, buf, sizeof buf));
    T(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad));
    T(syscall(SYS_gettimeofday, bad, NULL));
    T(syscall(SYS_uname, bad));
    T(syscall(SYS_sysinfo, bad));
    T(syscall(SYS_getrlimit, RLIMIT_NOFILE, bad));
    T(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, bad, NULL));
    T(syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
    T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8));
    T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
    T(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, 8));
    T(syscall(SYS_rt_sigpending, bad, 8));
    T(syscall(SYS_sigaltstack, bad, NULL));
    T(syscall(SYS_getrandom, bad, 16, 0));
    T(syscall(SYS_ppoll, bad, 1, NULL, NULL, 8));
    struct timespec zero = {0, 0};
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    T(syscall(SYS_ppoll, &pf, 1, bad, NULL, 8));
    T(syscall(SYS_ppoll, &pf, 1, &zero, bad, 8));
    T(syscall(SYS_ioctl, p[0], FIONREAD, bad));
    T(syscall(SYS_fcntl, p[0], F_SETLK, bad));
    T(syscall(SYS_getitimer, ITIMER_REAL, bad));
    T(syscall(SYS_setitimer, ITIMER_REAL, bad, NULL));
    T(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, bad));
    pid_t c = fork();
    if (c == 0) _exit(3);
    T(syscall(SYS_wait4, c, bad, 0, NULL));
    T(syscall(SYS_wait4, c, NULL, 0, NULL) == c);
    T(syscall(SYS_futex, bad, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "/tmp", bad, 0));
    T(syscall(SYS_statfs, "/", bad));
    T(syscall(SYS_mprotect, (long)bad + 4088, 4096, PROT_READ));
    T(syscall(SYS_munmap, (long)bad + 4088, 4096));

    printf("-- other bad arguments\n");
    T(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
    T(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
    T(syscall(SYS_rt_sigaction, SIGKILL, &(struct sigaction){.sa_handler = SIG_IGN}, NULL, 8));
    T(syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4));
    T(syscall(SYS_rt_sigprocmask, 7, &(sigset_t){0}, NULL, 8));
    T(syscall(SYS_kill, 0x7ffffff0, 0));
    T(syscall(SYS_kill, getpid(), 99));
    T(syscall(SYS_tgkill, getpid(), 0x7ffffff0, 0));
    T(syscall(SYS_wait4, -0x7ffffff0, NULL, 0, NULL));
    T(syscall(SYS_wait4, -1, NULL, 0x40000000, NULL));
    T(syscall(SYS_clock_gettime, 99, &zero));
    T(syscall(SYS_nanosleep, &(struct timespec){0, 1000000000}, NULL));
    T(syscall(SYS_nanosleep, &(struct timespec){-1, 0}, NULL));
    T(syscall(SYS_lseek, p[0], 0, SEEK_SET));
    T(syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    T(syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));
    T(syscall(SYS_mmap, 4095, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    T(syscall(SYS_munmap, 4095, 4096));
    T(syscall(SYS_mprotect, 4095, 4096, PROT_READ));
    T(syscall(SYS_umask, 0777) >= 0);
    printf("still running\n");
    return 0;
}
