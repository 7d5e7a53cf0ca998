/* threads.c: POSIX threads on clone(CLONE_THREAD) and futexes — a mutex under contention, a
 * condition variable hand-off, thread-local storage, joins, per-thread signals and exit codes. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long mine;            /* thread-local: each thread sees its own */

static void *adder(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        mine += id;
    }
    return (void *)(mine / ROUNDS);
}

/* A bounded queue with two condition variables: producer and consumer block on each other. */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static int queue[4], qhead, qlen;

static void *producer(void *arg)
{
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == 4) pthread_cond_wait(&notfull, &qlock);
        queue[(qhead + qlen++) % 4] = i;
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0) pthread_cond_wait(&notempty, &qlock);
        sum += queue[qhead];
        qhead = (qhead + 1) % 4;
        qlen--;
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&qlock);
    }
    return (void *)sum;
}

static atomic_int got_usr1;
static atomic_long usr1_tid;
static void on_usr1(int sig) { got_usr1++; usr1_tid = syscall(SYS_gettid); }

static atomic_long waiter_tid;
static void *signal_target(void *arg)
{
    waiter_tid = syscall(SYS_gettid);
    while (!got_usr1) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return (void *)(long)(usr1_tid == waiter_tid);
}

static void *tid_check(void *arg)
{
    long same_pid = getpid() == (pid_t)(long)arg;
    long own_tid = syscall(SYS_gettid) != getpid();
    return (void *)(long)(same_pid && own_tid);
}

static void *sleeper(void *arg)
{
    struct timespec ts = {5, 0};
    nanosleep(&ts, NULL);        /* ended by exit_group from the main thread */
    printf("sleeper woke up: wrong\n");
    return NULL;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, adder, (void *)(i + 1));
    long ids = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        ids += (long)r;
    }
    printf("mutex: counter=%ld (want %d), tls ids sum=%ld, main tls=%ld\n", counter, THREADS * ROUNDS, ids, mine);

    pthread_t p, c;
    void *sum;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, &sum);
    printf("condvar: sum=%ld (want 500500)\n", (long)sum);

    void *ok;
    pthread_create(&t[0], NULL, tid_check, (void *)(long)getpid());
    pthread_join(t[0], &ok);
    printf("ids: getpid shared, gettid distinct: %s\n", ok ? "yes" : "no");

    signal(SIGUSR1, on_usr1);
    pthread_create(&t[0], NULL, signal_target, NULL);
    while (!waiter_tid) sched_yield();
    pthread_kill(t[0], SIGUSR1);
    pthread_join(t[0], &ok);
    printf("pthread_kill: handler ran on the target thread: %s\n", ok ? "yes" : "no");

    /* A detached thread and a joinable one racing on an error path. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t[1], &attr, tid_check, (void *)(long)getpid());
    printf("detached create: %d\n", rc);
    printf("join self: %s\n", strerror(pthread_join(pthread_self(), NULL)));

    pthread_create(&t[2], NULL, sleeper, NULL);
    printf("exit_group with a sleeping thread\n");
    exit(3);
}
