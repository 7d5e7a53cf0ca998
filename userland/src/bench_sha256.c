/*
 * bench_sha256: SHA-256 of SIZE MiB (argv[1], default 128) of generated data, hashed in 1 MiB
 * chunks regenerated each round. Prints the digest. CPU-bound integer code (32-bit rotates, W-ops).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

typedef struct { uint32_t h[8]; uint64_t len; unsigned char buf[64]; size_t n; } sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block(uint32_t *h, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha_init(sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
    s->n = 0;
}

static void sha_update(sha256 *s, const unsigned char *p, size_t n)
{
    s->len += n;
    if (s->n) {
        while (n && s->n < 64) { s->buf[s->n++] = *p++; n--; }
        if (s->n == 64) { block(s->h, s->buf); s->n = 0; }
    }
    while (n >= 64) { block(s->h, p); p += 64; n -= 64; }
    while (n) { s->buf[s->n++] = *p++; n--; }
}

static void sha_final(sha256 *s, unsigned char out[32])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80;
    sha_update(s, &pad, 1);
    unsigned char z = 0;
    while (s->n != 56) sha_update(s, &z, 1);
    unsigned char lenb[8];
    for (int i = 0; i < 8; i++) lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, lenb, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24); out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8); out[4 * i + 3] = (unsigned char)s->h[i];
    }
}

static void hex(const unsigned char *d, int n) { for (int i = 0; i < n; i++) printf("%02x", d[i]); }

int main(int argc, char **argv)
{
    long mib = arg_size(argc, argv, 128);
    /* Self-check against the FIPS 180-2 "abc" vector first. */
    sha256 s;
    unsigned char d[32];
    sha_init(&s);
    sha_update(&s, (const unsigned char *)"abc", 3);
    sha_final(&s, d);
    static const unsigned char abc[4] = { 0xba, 0x78, 0x16, 0xbf };
    if (memcmp(d, abc, 4) != 0) { printf("sha256 self-test FAILED\n"); return 1; }

    static uint64_t chunk[(1 << 20) / 8];
    uint64_t seed = 0x243f6a8885a308d3ULL;
    sha_init(&s);
    for (long m = 0; m < mib; m++) {
        for (size_t i = 0; i < sizeof chunk / 8; i += 64) chunk[i] = rng_next(&seed);  /* cheap refresh */
        sha_update(&s, (const unsigned char *)chunk, sizeof chunk);
    }
    sha_final(&s, d);
    printf("bench_sha256 size=%ld MiB checksum=", mib);
    hex(d, 32);
    printf("\n");
    return 0;
}
