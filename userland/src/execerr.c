/*
 * execerr: execve(2) failures, and that a failed execve leaves the caller running untouched.
 * Missing files and directories (ENOENT, ENOTDIR), no execute permission or a directory (EACCES),
 * files that are no program (ENOEXEC: text, a truncated ELF header, "#!" without an interpreter),
 * a script whose interpreter is missing (ENOENT), bad pointers (EFAULT) and too long names
 * (ENAMETOOLONG). A successful execve cannot be compared: qemu-riscv64 has no way to start a
 * riscv64 program without binfmt_misc. Runs in a fresh directory under /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *argv0[] = {"prog", "arg", NULL};
static char *envp0[] = {"A=1", NULL};

static void try(const char *what, const char *path, char *const *argv, char *const *envp)
{
    errno = 0;
    int r = execve(path, argv, envp);
    printf("%s: execve = %d %s\n", what, r, strerrorname_np(errno));
}

static void file(const char *name, const char *content, size_t len, mode_t mode)
{
    int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    write(fd, content, len);
    close(fd);
    chmod(name, mode);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[] = "/tmp/execerr.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) { printf("no temporary directory\n"); return 1; }
    int marker = 12345;

    try("missing file", "./missing", argv0, envp0);
    try("missing directory", "./nodir/prog", argv0, envp0);
    try("empty path", "", argv0, envp0);
    file("plain", "hello\n", 6, 0755);
    try("a file as a directory", "./plain/prog", argv0, envp0);
    file("noexec", "#!/bin/sh\necho hi\n", 18, 0644);
    try("no execute permission", "./noexec", argv0, envp0);
    mkdir("adir", 0755);
    try("a directory", "./adir", argv0, envp0);
    try("text file", "./plain", argv0, envp0);
    file("empty", "", 0, 0755);
    try("empty file", "./empty", argv0, envp0);
    static const char elf[] = "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\363\0";
    file("badelf", elf, sizeof elf - 1, 0755);
    try("truncated ELF header", "./badelf", argv0, envp0);
    file("nointerp", "#!\n", 3, 0755);
    try("#! without an interpreter", "./nointerp", argv0, envp0);
    file("blank", "#!   \n", 6, 0755);
    try("#! with only blanks", "./blank", argv0, envp0);
    file("lostinterp", "#!/nonexistent/interpreter -x\n", 30, 0755);
    try("#! with a missing interpreter", "./lostinterp", argv0, envp0);
    file("scriptdir", "#!/tmp\n", 7, 0755);
    try("#! naming a directory", "./scriptdir", argv0, envp0);
    try("bad path pointer", (const char *)8, argv0, envp0);
    /* An existing file: Linux opens the file before it copies argv and envp, so a missing one
     * would be ENOENT there (qemu-user copies first and says EFAULT). */
    try("bad argv pointer", "./lostinterp", (char *const *)8, envp0);
    try("bad envp pointer", "./lostinterp", argv0, (char *const *)8);
    char *badarg[] = {"prog", (char *)8, NULL};
    try("bad argument string", "./lostinterp", badarg, envp0);
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    try("name too long", longname, argv0, envp0);
    try("no argv at all (missing file)", "./missing", NULL, NULL);

    /* A child that fails to exec exits by itself; the caller is unchanged after all of it. */
    pid_t p = fork();
    if (p == 0) {
        execve("./missing", argv0, envp0);
        _exit(errno == ENOENT ? 127 : 1);
    }
    int st;
    waitpid(p, &st, 0);
    printf("child after a failed exec: exited %d\n", WEXITSTATUS(st));
    printf("still here, marker %d, cwd kept: %s\n", marker, access("plain", F_OK) == 0 ? "yes" : "no");

    unlink("plain"); unlink("noexec"); unlink("empty"); unlink("badelf"); unlink("nointerp"); unlink("blank");
    unlink("lostinterp"); unlink("scriptdir"); rmdir("adir");
    chdir("/");
    rmdir(dir);
    return 0;
}
