/*
 * bench_fp: double-precision kernels: an N x N matrix multiply (N = argv[1], default 600) and an
 * n-body simulation of 5 bodies for 200*N steps. Prints checksums with %.17g (the results are
 * bit-for-bit deterministic: no libm beyond sqrt, fixed operation order).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "common.h"

typedef struct { double x, y, z, vx, vy, vz, m; } body;

static double energy(const body *b, int n)
{
    double e = 0;
    for (int i = 0; i < n; i++) {
        e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(body *b, int n, double dt)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b[i].vx -= dx * b[j].m * mag; b[i].vy -= dy * b[j].m * mag; b[i].vz -= dz * b[j].m * mag;
            b[j].vx += dx * b[i].m * mag; b[j].vy += dy * b[i].m * mag; b[j].vz += dz * b[i].m * mag;
        }
    for (int i = 0; i < n; i++) { b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz; }
}

int main(int argc, char **argv)
{
    int n = (int)arg_size(argc, argv, 600);
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
    if (!a || !b || !c) { printf("out of memory\n"); return 1; }
    uint64_t seed = 99;
    for (int i = 0; i < n * n; i++) {
        a[i] = (double)(rng_next(&seed) >> 11) * 0x1p-53 - 0.5;
        b[i] = (double)(rng_next(&seed) >> 11) * 0x1p-53 - 0.5;
        c[i] = 0;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double tr = 0, sum = 0;
    for (int i = 0; i < n; i++) tr += c[i * n + i];
    for (int i = 0; i < n * n; i++) sum += c[i] * (double)((i % 7) + 1);

    const double PI = 3.141592653589793, SM = 4 * PI * PI, DPY = 365.24;
    body bs[5] = {
        { 0, 0, 0, 0, 0, 0, SM },
        { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
          1.66007664274403694e-03 * DPY, 7.69901118419740425e-03 * DPY, -6.90460016972063023e-05 * DPY,
          9.54791938424326609e-04 * SM },
        { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
          -2.76742510726862411e-03 * DPY, 4.99852801234917238e-03 * DPY, 2.30417297573763929e-05 * DPY,
          2.85885980666130812e-04 * SM },
        { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
          2.96460137564761618e-03 * DPY, 2.37847173959480950e-03 * DPY, -2.96589568540237556e-05 * DPY,
          4.36624404335156298e-05 * SM },
        { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
          2.68067772490389322e-03 * DPY, 1.62824170038242295e-03 * DPY, -9.51592254519715870e-05 * DPY,
          5.15138902046611451e-05 * SM },
    };
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < 5; i++) { px += bs[i].vx * bs[i].m; py += bs[i].vy * bs[i].m; pz += bs[i].vz * bs[i].m; }
    bs[0].vx = -px / SM; bs[0].vy = -py / SM; bs[0].vz = -pz / SM;
    double e0 = energy(bs, 5);
    for (long s = 0; s < 200L * n; s++) advance(bs, 5, 0.01);
    double e1 = energy(bs, 5);
    printf("bench_fp size=%d matmul trace=%.17g weighted=%.17g nbody e0=%.17g e1=%.17g\n", n, tr, sum, e0, e1);
    free(a); free(b); free(c);
    return 0;
}
