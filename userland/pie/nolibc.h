/*
 * nolibc.h: the few pieces of a C library the freestanding static-PIE programs in pie/ need.
 * Debian's riscv64 glibc is built without static-PIE support (no rcrt1.o, no self-relocation in
 * libc.a), so the -static-pie programs bring their own start-up code (crt0.S + start.c) and
 * talk to the kernel with raw ecalls.
 */
#ifndef FORNAX_NOLIBC_H
#define FORNAX_NOLIBC_H
#pragma GCC visibility push(hidden)

typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned long uintptr_t;

#define SYS_write      64
#define SYS_exit_group 94

static inline long sys_call3(long n, long a, long b, long c)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static inline size_t nl_strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Writes all of buf to fd; returns 0 or a negative errno. */
static inline long nl_write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        long r = sys_call3(SYS_write, fd, (long)buf, (long)n);
        if (r < 0) return r;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

static inline void nl_puts(const char *s) { nl_write_all(1, s, nl_strlen(s)); }

static inline void nl_put_udec(unsigned long v)
{
    char buf[24];
    int i = sizeof buf;
    do { buf[--i] = (char)('0' + v % 10); v /= 10; } while (v);
    nl_write_all(1, buf + i, sizeof buf - i);
}

__attribute__((noreturn)) static inline void nl_exit(int status)
{
    for (;;) sys_call3(SYS_exit_group, status, 0, 0);
}

/* Defined by the program; called by start.c after self-relocation. */
int main(int argc, char **argv, char **envp);

#endif
