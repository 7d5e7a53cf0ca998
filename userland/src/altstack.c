/* altstack.c: sigaltstack(2) and SA_ONSTACK with the alternate stack in an array in main's frame,
 * above the stack pointer of the calls made from main (the kernel must compare addresses the way
 * Linux's on_sig_stack does, unsigned, sp in (base, base + size]); what sigaltstack reports
 * inside and outside the handler, and that the stack cannot be changed while a handler runs on it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static char *lo, *hi;
static int on, inside_flags, change_errno;

static void handler(int sig)
{
    char here;
    (void)sig;
    on = &here >= lo && &here < hi;
    stack_t now;
    sigaltstack(NULL, &now);
    inside_flags = now.ss_flags;
    stack_t other = {.ss_sp = lo, .ss_size = 16384, .ss_flags = 0};
    change_errno = sigaltstack(&other, NULL) == 0 ? 0 : errno;
}

static const char *name(int e) { return e == 0 ? "ok" : e == EPERM ? "EPERM" : e == ENOMEM ? "ENOMEM" : e == EINVAL ? "EINVAL" : "other"; }

int main(void)
{
    char stack[65536];
    lo = stack;
    hi = stack + sizeof stack;
    stack_t old;
    sigaltstack(NULL, &old);
    printf("at start: flags %d size %zu\n", old.ss_flags, old.ss_size);

    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
    printf("set: %s\n", sigaltstack(&ss, NULL) == 0 ? "ok" : name(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("handler on the alternate stack: %s\n", on ? "yes" : "no");
    printf("flags inside the handler: %d (SS_ONSTACK %d)\n", inside_flags, SS_ONSTACK);
    printf("change it from the handler: %s\n", name(change_errno));

    sigaltstack(NULL, &old);
    printf("flags outside: %d, size %zu\n", old.ss_flags, old.ss_size);
    ss.ss_size = 32768;
    printf("change it outside: %s\n", sigaltstack(&ss, NULL) == 0 ? "ok" : name(errno));
    ss.ss_size = 1024;
    printf("too small: %s\n", sigaltstack(&ss, NULL) == 0 ? "ok" : name(errno));
    ss.ss_flags = SS_DISABLE;
    printf("disable: %s\n", sigaltstack(&ss, NULL) == 0 ? "ok" : name(errno));
    sigaltstack(NULL, &old);
    printf("flags disabled: %d\n", old.ss_flags);
    on = 0;
    raise(SIGUSR1);
    printf("handler on the alternate stack once disabled: %s\n", on ? "yes" : "no");
    return 0;
}
