/*
 * args: the process start-up state the kernel builds: argc/argv, selected environment variables
 * and the auxiliary vector. Every argument that looks like an environment variable name
 * ([A-Z_][A-Z0-9_]*) is also looked up with getenv. Only values that are the same under any
 * correct Linux-compatible loader are printed (no addresses; AT_EXECFN only as a basename).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <elf.h>

extern char _start[];
extern char **environ;

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int is_env_name(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

int main(int argc, char **argv)
{
    printf("argc = %d\n", argc);
    printf("argv[0] basename = %s\n", base_name(argv[0]));
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] = \"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
    }
    printf("argv[argc] == NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
    printf("environ follows argv: %s\n", environ == argv + argc + 1 ? "yes" : "no");
    for (int i = 1; i < argc; i++) {
        if (!is_env_name(argv[i])) continue;
        const char *v = getenv(argv[i]);
        if (v) printf("env %s = \"%s\"\n", argv[i], v);
        else printf("env %s unset\n", argv[i]);
    }

    printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
    printf("AT_HWCAP = 0x%lx\n", getauxval(AT_HWCAP));
    printf("AT_PHENT = %lu\n", getauxval(AT_PHENT));
    printf("AT_PHNUM = %lu\n", getauxval(AT_PHNUM));
    printf("AT_PHDR != 0: %s\n", getauxval(AT_PHDR) != 0 ? "yes" : "no");
    printf("AT_ENTRY == _start: %s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
    printf("AT_BASE = %lu\n", getauxval(AT_BASE));
    printf("AT_FLAGS = %lu\n", getauxval(AT_FLAGS));
    printf("AT_CLKTCK = %lu\n", getauxval(AT_CLKTCK));
    printf("AT_SECURE = %lu\n", getauxval(AT_SECURE));
    printf("AT_UID = %lu\n", getauxval(AT_UID));
    printf("AT_EUID = %lu\n", getauxval(AT_EUID));
    printf("AT_GID = %lu\n", getauxval(AT_GID));
    printf("AT_EGID = %lu\n", getauxval(AT_EGID));
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    printf("AT_RANDOM != 0: %s\n", rnd ? "yes" : "no");
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN basename = %s\n", execfn ? base_name(execfn) : "(none)");
    return 0;
}
