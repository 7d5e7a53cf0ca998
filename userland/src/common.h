/* common.h: helpers shared by the userland test programs (deterministic output, running hashes). */
#ifndef FORNAX_COMMON_H
#define FORNAX_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* FNV-1a over 64-bit words: a running hash of results, printed so one line covers many values. */
typedef struct { uint64_t h; uint64_t n; } hash64;

static inline void hash_init(hash64 *s) { s->h = 0xcbf29ce484222325ULL; s->n = 0; }

static inline void hash_u64(hash64 *s, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        s->h ^= (v >> (8 * i)) & 0xff;
        s->h *= 0x100000001b3ULL;
    }
    s->n++;
}

static inline void hash_bytes(hash64 *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        s->h ^= b[i];
        s->h *= 0x100000001b3ULL;
    }
    s->n += n;
}

static inline void hash_print(const char *what, const hash64 *s)
{
    printf("%s: hash=%016llx n=%llu\n", what, (unsigned long long)s->h, (unsigned long long)s->n);
}

/* xorshift64*: deterministic pseudo-random numbers for generated data. */
static inline uint64_t rng_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Size from argv[1] (decimal), or dflt when absent; exits with a message on nonsense. */
static inline long arg_size(int argc, char **argv, long dflt)
{
    if (argc < 2) return dflt;
    char *end;
    long v = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || v <= 0) {
        fprintf(stderr, "%s: size must be a positive integer, got '%s'\n", argv[0], argv[1]);
        exit(2);
    }
    return v;
}

#endif
