/*
 * sysinfo: the informational system calls, printing only what every correct kernel agrees on:
 * uname sysname and machine, getrandom byte counts, clock_gettime monotonicity and plausibility,
 * getpid positivity, page size, and a writev of three iovecs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct utsname u;
    if (uname(&u) != 0) { printf("uname failed\n"); return 1; }
    printf("sysname = %s\n", u.sysname);
    printf("machine = %s\n", u.machine);

    unsigned char buf[4096];
    static const size_t counts[] = { 1, 16, 32, 256, 4096 };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        memset(buf, 0, sizeof buf);
        ssize_t n = getrandom(buf, counts[i], 0);
        printf("getrandom(%zu) = %zd\n", counts[i], n);
    }
    ssize_t n = getrandom(buf, 64, GRND_NONBLOCK);
    int nonzero = 0;
    for (int i = 0; i < 64; i++) nonzero |= buf[i];
    printf("getrandom(64, GRND_NONBLOCK) = %zd, not all zero: %s\n", n, nonzero ? "yes" : "no");

    struct timespec prev, now;
    clock_gettime(CLOCK_MONOTONIC, &prev);
    int ok = 1;
    for (int i = 0; i < 2000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000L) ok = 0;
        if (now.tv_sec < prev.tv_sec || (now.tv_sec == prev.tv_sec && now.tv_nsec < prev.tv_nsec)) ok = 0;
        prev = now;
    }
    printf("clock_gettime(CLOCK_MONOTONIC) non-decreasing: %s\n", ok ? "ok" : "FAILED");
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("clock_gettime(CLOCK_REALTIME) after 2020: %s\n", rt.tv_sec > 1577836800 ? "ok" : "FAILED");
    time_t t = time(NULL);
    printf("time() agrees with CLOCK_REALTIME: %s\n", (t >= rt.tv_sec && t - rt.tv_sec < 60) ? "ok" : "FAILED");
    /* A busy loop must make the monotonic clock advance. */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile uint64_t spin = 0;
    do {
        for (int i = 0; i < 100000; i++) spin += (uint64_t)i;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while (b.tv_sec == a.tv_sec && b.tv_nsec == a.tv_nsec);
    printf("monotonic clock advances: ok\n");

    printf("getpid() > 0: %s\n", getpid() > 0 ? "yes" : "no");
    printf("sysconf(_SC_PAGESIZE) = %ld\n", sysconf(_SC_PAGESIZE));
    fflush(stdout);

    char p1[] = "writev: one, ", p2[] = "two, ", p3[] = "three\n";
    struct iovec iov[3] = { { p1, strlen(p1) }, { p2, strlen(p2) }, { p3, strlen(p3) } };
    ssize_t w = writev(1, iov, 3);
    printf("writev returned %zd of %zu\n", w, strlen(p1) + strlen(p2) + strlen(p3));
    struct iovec iov2[3] = { { p1, 0 }, { p2, 0 }, { p3, strlen(p3) } };
    w = writev(1, iov2, 3);
    printf("writev with empty iovecs returned %zd\n", w);
    return 0;
}
