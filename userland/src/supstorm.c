/*
 * supstorm: kill a supervised file server in the middle of a read storm and check that the
 * system recovers with nothing else disturbed (Fornax milestone 3).
 *
 *   supstorm SERVICE VICTIM_DIR OTHER_DIR
 *
 * SERVICE is mounted on VICTIM_DIR; OTHER_DIR belongs to another server. Readers loop over a file
 * in each directory (open, read, compare, close), one more keeps a file of the victim open and
 * preads it. Mid-storm the supervisor is told to kill SERVICE (/dev/sup/ctl); we wait until
 * /dev/sup/SERVICE shows the next generation running, put the file back (the new instance starts
 * empty), let the storm go on, stop it, and print what each side saw. Every line printed is
 * deterministic: counts are reduced to facts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char DATA[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
#define LEN ((int) sizeof DATA - 1)

static void sleep_ms(int ms) {
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* Writes the file under a temporary name and renames it into place, so no reader sees it half made. */
static int put(const char *path) {
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    int n = write(fd, DATA, LEN);
    close(fd);
    if (n != LEN) return -1;
    return rename(tmp, path);
}

static int read_text(const char *path, char *buf, int size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return n;
}

/* Results a reader sends back: successes, failures, and whether its last attempt succeeded. */
struct result { long idx, ok, failed, eio, enoent, other, last_ok; };

static int stopped(int stop_fd) {
    char c;
    return read(stop_fd, &c, 1) == 0;   /* the parent closed the stop pipe: EOF */
}

static void reader(int idx, const char *path, int stop_fd, int out_fd) {
    struct result r = {0};
    r.idx = idx;
    char buf[LEN + 1];
    while (!stopped(stop_fd)) {
        int fd = open(path, O_RDONLY);
        int n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
        int e = errno;
        if (fd >= 0) close(fd);
        if (n == LEN && memcmp(buf, DATA, LEN) == 0) { r.ok++; r.last_ok = 1; continue; }
        r.failed++;
        r.last_ok = 0;
        if (n >= 0) r.other++;   /* a short or wrong read: must never happen */
        else if (e == EIO) r.eio++;
        else if (e == ENOENT) r.enoent++;
        else r.other++;
    }
    write(out_fd, &r, sizeof r);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: supstorm SERVICE VICTIM_DIR OTHER_DIR\n");
        return 2;
    }
    const char *svc = argv[1];
    char victim[256], other[256], status[256], line[512];
    snprintf(victim, sizeof victim, "%s/f", argv[2]);
    snprintf(other, sizeof other, "%s/f", argv[3]);
    snprintf(status, sizeof status, "/dev/sup/%s", svc);
    if (put(victim) < 0 || put(other) < 0) { perror("supstorm: setup"); return 1; }

    int stop[2], results[2];
    pipe(stop);
    pipe(results);
    fcntl(stop[0], F_SETFL, O_NONBLOCK);
    const char *paths[4] = { victim, victim, other, other };
    pid_t kids[4];
    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(stop[1]);
            reader(i, paths[i], stop[0], results[1]);
        }
    }
    int held = open(victim, O_RDONLY);   /* an open fid of the instance about to die */
    char buf[LEN + 1];
    printf("held fd before: %s\n", pread(held, buf, LEN, 0) == LEN ? "reads" : strerror(errno));

    sleep_ms(300);   /* the storm is on */
    read_text(status, line, sizeof line);
    int gen = 0;
    sscanf(strstr(line, "gen ") ? strstr(line, "gen ") + 4 : "0", "%d", &gen);
    int ctl = open("/dev/sup/ctl", O_WRONLY);
    dprintf(ctl, "kill %s\n", svc);
    close(ctl);

    /* wait for the next generation to be running (the supervisor's backoff is short) */
    for (int i = 0; i < 3000; i++) {
        int g = 0;
        if (read_text(status, line, sizeof line) > 0 && strstr(line, "running") && strstr(line, "gen ")) {
            sscanf(strstr(line, "gen ") + 4, "%d", &g);
            if (g > gen) break;
        }
        sleep_ms(10);
    }
    printf("service: %s\n", strstr(line, "running") ? "running again" : line);
    printf("restarts: %s\n", strstr(line, "restarts 1 ") ? "1" : line);
    printf("held fd after: %s\n", pread(held, buf, LEN, 0) < 0 ? strerror(errno) : "still reads (wrong)");
    close(held);
    if (put(victim) < 0) printf("put back: %s\n", strerror(errno));
    sleep_ms(300);   /* the storm goes on against the new instance */

    close(stop[1]);
    struct result r[4];
    for (int i = 0; i < 4; i++) {
        struct result got;
        waitpid(kids[i], NULL, 0);
        read(results[0], &got, sizeof got);
        r[got.idx] = got;
    }
    long wrong = 0;
    for (int i = 0; i < 4; i++) wrong += r[i].other;
    printf("wrong or short reads: %ld\n", wrong);
    printf("other server's readers: %ld errors\n", r[2].failed + r[3].failed);
    for (int i = 0; i < 2; i++)
        printf("victim reader %d: saw the outage %s, only EIO/ENOENT %s, reading again %s\n", i,
               r[i].failed > 0 ? "yes" : "no", r[i].failed == r[i].eio + r[i].enoent ? "yes" : "no",
               r[i].last_ok ? "yes" : "no");
    return 0;
}
