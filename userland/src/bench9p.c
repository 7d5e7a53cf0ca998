/*
 * bench9p: the IPC benchmarks of issue 4, timed inside the guest with CLOCK_MONOTONIC.
 *
 *   bench9p fs DIR N                 small and large reads of a file in DIR through the kernel:
 *                                    DIR on tmpfs is a direct kernel server, on '#s/ram' a kernel
 *                                    server task behind a 9P channel, on a srvmount of ramfs9p a
 *                                    guest server over pipes (the kernel's 9P client in between)
 *   bench9p pipe N SERVER [INTERP]   the same reads as 9P2000.L messages written by this program
 *                                    itself to SERVER (ramfs9p) over two pipes: no kernel file
 *                                    system in the path, so it runs the same on qemu-riscv64
 *                                    (INTERP: the host's qemu-riscv64, to start a riscv64 SERVER)
 *
 * Prints "small US us/read" (a 64-byte read, one round trip) and "large MBS MB/s" (64 KiB reads
 * of a 4 MiB file, repeated), and "msgs RATE msgs/s" for the small reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILE_BYTES (4 << 20)
#define BIG (64 << 10)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    printf("%s: %s\n", what, strerror(errno));
    exit(1);
}

static void report(long n, double small, double large_secs, long large_bytes) {
    printf("small %.3f us/read\n", small / n * 1e6);
    printf("msgs %.0f msgs/s\n", n / small);
    printf("large %.1f MB/s\n", large_bytes / large_secs / 1e6);
}

static int bench_fs(const char *dir, long n) {
    char path[512];
    snprintf(path, sizeof path, "%s/bench9p.dat", dir);
    static char buf[BIG];
    memset(buf, 'x', sizeof buf);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open");
    for (int i = 0; i < FILE_BYTES / BIG; i++) if (write(fd, buf, BIG) != BIG) die("write");
    for (long i = 0; i < n / 10; i++) if (pread(fd, buf, 64, 0) != 64) die("warm-up");
    double t0 = now();
    for (long i = 0; i < n; i++) if (pread(fd, buf, 64, (i * 64) % FILE_BYTES) != 64) die("pread");
    double small = now() - t0;
    int rounds = 8;
    t0 = now();
    for (int r = 0; r < rounds; r++)
        for (long off = 0; off < FILE_BYTES; off += BIG) if (pread(fd, buf, BIG, off) != BIG) die("pread large");
    double large = now() - t0;
    close(fd);
    unlink(path);
    report(n, small, large, (long) rounds * FILE_BYTES);
    return 0;
}

/* ---- a minimal 9P2000.L client over pipes ---- */

static int to_srv, from_srv;
static uint8_t msg[BIG + 64], rep[BIG + 64];
static int pos;

static void p1(uint32_t v) { msg[pos++] = v; }
static void p2(uint32_t v) { p1(v); p1(v >> 8); }
static void p4(uint32_t v) { p2(v); p2(v >> 16); }
static void p8(uint64_t v) { p4(v); p4(v >> 32); }
static void ps(const char *s) { size_t l = strlen(s); p2(l); memcpy(msg + pos, s, l); pos += l; }
static void begin(int type) { pos = 4; p1(type); p2(1); }

static void readn(uint8_t *b, int n) {
    while (n > 0) {
        int r = read(from_srv, b, n);
        if (r <= 0) die("read reply");
        b += r;
        n -= r;
    }
}

/* Sends the message built and reads the reply; returns its type (Rlerror is 7). */
static int rpc(void) {
    uint32_t size = pos;
    memcpy(msg, &size, 4);
    for (int done = 0; done < pos;) {
        int w = write(to_srv, msg + done, pos - done);
        if (w <= 0) die("write request");
        done += w;
    }
    readn(rep, 4);
    uint32_t rsize;
    memcpy(&rsize, rep, 4);
    if (rsize < 7 || rsize > sizeof rep) { printf("bad reply size %u\n", rsize); exit(1); }
    readn(rep + 4, rsize - 4);
    if (rep[4] == 7) { uint32_t e; memcpy(&e, rep + 7, 4); printf("Rlerror %u for type %u\n", e, msg[4]); exit(1); }
    return rep[4];
}

static uint32_t tread(uint64_t off, uint32_t count) {
    begin(116); p4(1); p8(off); p4(count);
    rpc();
    uint32_t got;
    memcpy(&got, rep + 7, 4);
    return got;
}

static int bench_pipe(long n, const char *server, const char *interp) {
    int req[2], rp[2];
    if (pipe(req) || pipe(rp)) die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(req[0], 0);
        dup2(rp[1], 1);
        close(req[0]); close(req[1]); close(rp[0]); close(rp[1]);
        if (interp) execl(interp, interp, server, (char *) NULL);
        else execl(server, server, (char *) NULL);
        _exit(127);
    }
    close(req[0]);
    close(rp[1]);
    to_srv = req[1];
    from_srv = rp[0];
    pos = 4; p1(100); p2(0xFFFF); p4(BIG + 64); ps("9P2000.L"); rpc();          /* Tversion */
    begin(104); p4(0); p4(~0u); ps("bench"); ps(""); p4(0); rpc();               /* Tattach fid 0 */
    begin(110); p4(0); p4(1); p2(0); rpc();                                      /* Twalk 0 -> 1 */
    begin(14); p4(1); ps("f"); p4(2); p4(0644); p4(0); rpc();                    /* Tlcreate O_RDWR */
    static char data[BIG];
    memset(data, 'x', sizeof data);
    for (long off = 0; off < FILE_BYTES; off += BIG - 64) {                       /* Twrite: fill it */
        uint32_t c = BIG - 64 < FILE_BYTES - off ? BIG - 64 : FILE_BYTES - off;
        begin(118); p4(1); p8(off); p4(c); memcpy(msg + pos, data, c); pos += c; rpc();
    }
    for (long i = 0; i < n / 10; i++) tread(0, 64);
    double t0 = now();
    for (long i = 0; i < n; i++) if (tread((i * 64) % FILE_BYTES, 64) != 64) { printf("short read\n"); return 1; }
    double small = now() - t0;
    int rounds = 8;
    uint32_t chunk = BIG - 64;
    long bytes = 0;
    t0 = now();
    for (int r = 0; r < rounds; r++)
        for (long off = 0; off < FILE_BYTES; off += chunk) bytes += tread(off, chunk);
    double large = now() - t0;
    close(to_srv);
    close(from_srv);
    waitpid(pid, NULL, 0);
    report(n, small, large, bytes);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "fs") == 0) return bench_fs(argv[2], atol(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "pipe") == 0) return bench_pipe(atol(argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
    fprintf(stderr, "usage: bench9p fs DIR N | bench9p pipe N SERVER [INTERP]\n");
    return 2;
}
