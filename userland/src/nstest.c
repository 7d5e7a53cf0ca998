/* Namespaces, Plan 9 and Linux style, seen from a guest program: unions built through
 * /proc/self/nsctl, their order, create in unions, a file bound over a file, '..' across a bind,
 * unmount, a child's binds shared with its parent until it unshares (CLONE_NEWNS), and Linux
 * mount(MS_BIND)/umount2 with their errors. Fornax only (qemu-user cannot do Plan 9 binds and its
 * mount would change the host); NamespaceGuestTest checks the output against the expected text. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void put(const char *path, const char *text) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) { printf("create %s: %s\n", path, strerror(errno)); return; }
    write(fd, text, strlen(text));
    close(fd);
}

static void cat(const char *path) {
    char buf[512];
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s: %s\n", path, strerror(errno)); return; }
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    printf("%s: %s\n", path, buf);
}

static void ls(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("ls %s: %s\n", path, strerror(errno)); return; }
    printf("ls %s:", path);
    for (struct dirent *e; (e = readdir(d)); )
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf(" %s", e->d_name);
    printf("\n");
    closedir(d);
}

static int ctl(const char *cmd) {
    int fd = open("/proc/self/nsctl", O_WRONLY);
    if (fd < 0) { printf("nsctl: %s\n", strerror(errno)); return -1; }
    int r = write(fd, cmd, strlen(cmd));
    int e = errno;
    close(fd);
    printf("nsctl '%s': %s\n", cmd, r < 0 ? strerror(e) : "ok");
    return r < 0 ? -1 : 0;
}

static void showNs(void) {
    char buf[4096];
    int fd = open("/proc/self/ns", O_RDONLY);
    int n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    /* only the lines about /t, so the kernel's own mounts do not matter */
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, "'/t/")) printf("ns: %s\n", line);
}

static void pwdAfter(const char *dir) {
    char buf[256];
    if (chdir(dir) < 0) { printf("chdir %s: %s\n", dir, strerror(errno)); return; }
    printf("cd %s -> %s\n", dir, getcwd(buf, sizeof buf));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/t", 0755);
    mkdir("/t/a", 0755); mkdir("/t/b", 0755); mkdir("/t/n", 0755); mkdir("/t/u", 0755);
    mkdir("/t/a/deep", 0755);
    put("/t/a/x", "a's x"); put("/t/a/only-a", "1");
    put("/t/b/x", "b's x"); put("/t/b/only-b", "2");
    put("/t/u/mine", "u");

    printf("-- a child shares its parent's namespace\n");
    pid_t pid = fork();
    if (pid == 0) { ctl("bind /t/a /t/n"); _exit(0); }
    waitpid(pid, NULL, 0);
    cat("/t/n/x");
    ctl("unmount /t/n");
    ls("/t/n");

    printf("-- after unshare(CLONE_NEWNS) the child's binds are its own\n");
    pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) < 0) printf("unshare: %s\n", strerror(errno));
        ctl("bind /t/a /t/n");
        ctl("bind -a /t/b /t/n");
        ls("/t/n");
        cat("/t/n/x");
        cat("/t/n/only-b");
        ctl("bind -b /t/b /t/u");
        ls("/t/u");
        cat("/t/u/x");
        put("/t/u/new", "?");
        ctl("bind -ac /t/a /t/u");
        put("/t/u/new", "made in a");
        cat("/t/a/new");
        ctl("bind /t/b/x /t/a/only-a");
        cat("/t/a/only-a");
        showNs();
        pwdAfter("/t/n/deep");
        pwdAfter("..");
        pwdAfter("..");
        ctl("unmount /t/a /t/n");
        ls("/t/n");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("-- the parent is unaffected\n");
    ls("/t/n");
    ls("/t/u");
    cat("/t/a/only-a");
    showNs();

    printf("-- Linux mount(2) and umount2(2)\n");
    if (mount("/t/b", "/t/n", NULL, MS_BIND, NULL) < 0) printf("mount: %s\n", strerror(errno));
    cat("/t/n/x");
    if (mount(NULL, "/t/n", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) printf("remount: %s\n", strerror(errno));
    put("/t/n/ro", "no");
    printf("umount2 /t: %s\n", umount2("/t", 0) < 0 ? strerror(errno) : "ok");
    printf("umount2 /t/missing: %s\n", umount2("/t/missing", 0) < 0 ? strerror(errno) : "ok");
    printf("umount2 bad flags: %s\n", umount2("/t/n", 0x100) < 0 ? strerror(errno) : "ok");
    printf("mount nosuchfs: %s\n", mount("none", "/t/n", "nosuchfs", 0, NULL) < 0 ? strerror(errno) : "ok");
    printf("umount2 /t/n: %s\n", umount2("/t/n", 0) < 0 ? strerror(errno) : "ok");
    ls("/t/n");
    return 0;
}
